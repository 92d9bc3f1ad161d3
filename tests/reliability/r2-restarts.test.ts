/**
 * R2 server restarts, small (npm run reliability runs six outages, one of PostgreSQL for ten
 * minutes): the Temporal dev server stopped and started on its SQLite file, and PostgreSQL stopped
 * and started on its data folder, each at a random step of a three-day block; the same run resumes,
 * nothing lost or doubled.
 */
import { figureMet } from '../../scripts/reliability/figures';
import { runRestarts } from '../../scripts/reliability/r2-restarts';

jest.setTimeout(15 * 60_000);

test('R2: the Temporal server and PostgreSQL stopped mid-block lose nothing', async () => {
  const report = await runRestarts({
    outages: [
      { server: 'temporal', downMs: 3_000 },
      { server: 'postgres', downMs: 15_000 },
    ],
    seed: 11,
    lanes: 2,
  });
  expect(report.trials).toBe(2);
  expect(report.figures.filter((f) => !figureMet(f))).toEqual([]);
});
