/**
 * R4 bad input, small (npm run reliability runs every broken mission file and 300 generated inputs
 * per property): the CLI, update, signal and dashboard-form corpus in full, 12 broken mission files,
 * 5 generated overrides sent to the workflow and 50 generated inputs per fuzz property; each refused
 * with a clear error naming what was wrong, and no state changed.
 */
import { figureMet } from '../../scripts/reliability/figures';
import { runBadInput } from '../../scripts/reliability/r4-bad-input';

jest.setTimeout(15 * 60_000);

test('R4: bad input gets a clear error and changes nothing', async () => {
  const report = await runBadInput({ fuzzRuns: 50, liveFuzz: 5, seed: 20_250_705, missionFiles: 12 });
  expect(report.trials).toBeGreaterThanOrEqual(60);
  expect(report.notes).toEqual([]);
  expect(report.figures.filter((f) => !figureMet(f))).toEqual([]);
});
