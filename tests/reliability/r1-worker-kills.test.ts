/**
 * R1 worker kills, small (npm run reliability runs 20): one SIGKILL of the worker process at a
 * random step of a two-day block on the dev server; no day lost, no e-mail sent twice or missing,
 * no duplicate row, no half-written report.
 */
import { figureMet } from '../../scripts/reliability/figures';
import { runWorkerKills } from '../../scripts/reliability/r1-worker-kills';

jest.setTimeout(15 * 60_000);

test('R1: a worker killed at a random step loses nothing', async () => {
  const report = await runWorkerKills({ trials: 1, seed: 1, pastDays: 1 });
  expect(report.trials).toBe(1);
  expect(report.figures.find((f) => f.label === 'lost days')?.of).toBe(2);
  expect(report.figures.filter((f) => !figureMet(f))).toEqual([]);
});
