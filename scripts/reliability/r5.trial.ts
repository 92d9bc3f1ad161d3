/** R5: canary secrets and a canary athlete through a whole run, then everything kept searched (see r5-canaries.ts). */
import { figureMet, writeReport } from './figures';
import { runCanaries } from './r5-canaries';

test('R5 canaries', async () => {
  const report = await runCanaries();
  writeReport(report);
  expect(report.notes).toEqual([]);
  expect(report.figures.filter((f) => !figureMet(f))).toEqual([]);
});
