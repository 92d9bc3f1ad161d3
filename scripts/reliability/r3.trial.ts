/**
 * R3 at its full count: every service × every fault (30 cells), six at once (see
 * r3-fault-matrix.ts). `--trials n` runs the first n cells; RELIABILITY_CELLS=oura-5xx,smtp-refused
 * runs the named ones.
 */
import { figureMet, trialsFromEnv, writeReport } from './figures';
import { fullMatrix, runFaultMatrix, type Cell } from './r3-fault-matrix';

function cells(): Cell[] {
  const named = process.env.RELIABILITY_CELLS?.split(',').map((c) => c.trim()).filter(Boolean);
  const all = fullMatrix();
  if (named?.length) return all.filter((c) => named.includes(`${c.service}-${c.fault}`));
  return all.slice(0, trialsFromEnv(all.length, 'R3'));
}

test('R3 fault matrix', async () => {
  const report = await runFaultMatrix({ cells: cells(), concurrency: 6 });
  writeReport(report);
  expect(report.notes).toEqual([]);
  expect(report.figures.filter((f) => !figureMet(f))).toEqual([]);
});
