/**
 * R2 at its full count: the Temporal dev server stopped three times (3–8 s), PostgreSQL twice
 * mid-day (40–45 s) and once for ten minutes, on two rigs at once (see r2-restarts.ts).
 * `--trials n` keeps the first n of these outages.
 */
import { figureMet, seedFromEnv, trialsFromEnv, writeReport } from './figures';
import { runRestarts, type Outage } from './r2-restarts';

const FULL: Outage[] = [
  { server: 'temporal', downMs: 5_000 },
  { server: 'postgres', downMs: 45_000 },
  { server: 'temporal', downMs: 8_000 },
  { server: 'postgres', downMs: 10 * 60_000 },
  { server: 'postgres', downMs: 40_000 },
  { server: 'temporal', downMs: 3_000 },
];

test('R2 server restarts', async () => {
  const outages = FULL.slice(0, trialsFromEnv(FULL.length, 'R2'));
  const report = await runRestarts({ outages, seed: seedFromEnv(), lanes: 2 });
  writeReport(report);
  expect(report.figures.filter((f) => !figureMet(f))).toEqual([]);
});
