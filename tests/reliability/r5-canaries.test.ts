/** R5 canaries, as npm run reliability runs it (it is small): no canary secret anywhere, no plaintext health value in history or logs. */
import { figureMet } from '../../scripts/reliability/figures';
import { runCanaries } from '../../scripts/reliability/r5-canaries';

jest.setTimeout(15 * 60_000);

test('R5: canary secrets and health values stay out of history, logs, rows, files and messages', async () => {
  const report = await runCanaries();
  expect(report.notes).toEqual([]);
  expect(report.figures.filter((f) => !figureMet(f))).toEqual([]);
});
