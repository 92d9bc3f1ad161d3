/** R1 at its full count (20 kills unless --trials says otherwise): see r1-worker-kills.ts. */
import { figureMet, seedFromEnv, trialsFromEnv, writeReport } from './figures';
import { runWorkerKills } from './r1-worker-kills';

test('R1 worker kills', async () => {
  const report = await runWorkerKills({ trials: trialsFromEnv(20, 'R1'), seed: seedFromEnv() });
  writeReport(report);
  expect(report.figures.filter((f) => !figureMet(f))).toEqual([]);
});
