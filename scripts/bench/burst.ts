/**
 * `npm run bench:burst [-- --missions N] [--workers 1,2] [--lead S] [--keep] [--cpu-prof]`: the burst benchmark
 * (scripts/bench/burst-run.ts). Prints its figures as measured / baseline / ratio / target lines
 * and writes them as JSON to test-results/bench-burst-<N>.json. Uses DATABASE_URL's PostgreSQL
 * when set, else starts the embedded one for the run. Not a test: nothing is asserted about time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPostgres, type RunningPostgres } from '../../src/infra/postgres-server';
import { formatReport, runBurst, type BurstOptions, type BurstReport } from './burst-run';

const ROOT = path.resolve(__dirname, '../..');
const USAGE = 'npm run bench:burst -- [--missions N] [--workers 1,2] [--lead SECONDS] [--keep] [--cpu-prof]';

class ArgumentError extends Error {}

function wholeNumber(flag: string, raw: string | undefined, min: number, max: number): number {
  if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ArgumentError(`${flag} ${raw === undefined ? '(missing value)' : JSON.stringify(raw)} is not accepted: use a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}

export function parseArgs(argv: string[]): Pick<BurstOptions, 'missions' | 'workerCounts' | 'leadMs' | 'keep' | 'cpuProfile'> {
  const o: Pick<BurstOptions, 'missions' | 'workerCounts' | 'leadMs' | 'keep' | 'cpuProfile'> = { missions: 500, workerCounts: [1, 2] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--missions') o.missions = wholeNumber(a, argv[++i], 1, 5000);
    else if (a === '--lead') o.leadMs = wholeNumber(a, argv[++i], 5, 3600) * 1000;
    else if (a === '--keep') o.keep = true;
    else if (a === '--cpu-prof') o.cpuProfile = true;
    else if (a === '--workers') {
      const raw = argv[++i];
      const counts = (raw ?? '').split(',').map((x) => wholeNumber(a, x, 1, 8));
      o.workerCounts = counts;
    } else throw new ArgumentError(`unknown option ${JSON.stringify(a)}`);
  }
  return o;
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof ArgumentError)) throw err;
    process.stderr.write(`bench:burst: ${err.message}\n  → ${USAGE}\n`);
    process.exit(1);
  }
  let pg: RunningPostgres | undefined;
  let pgDir: string | undefined;
  if (!process.env.DATABASE_URL) {
    pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-burst-pg-'));
    fs.chmodSync(pgDir, 0o755);
    pg = await startPostgres({ dataDir: pgDir, database: 'lanterne_bench' });
    process.env.DATABASE_URL = pg.url;
  }
  const stopPg = async () => {
    await pg?.stop();
    if (pgDir) fs.rmSync(pgDir, { recursive: true, force: true });
  };
  const write = (report: BurstReport, note?: string) => {
    const lines = [...formatReport(report), ...(note ? [note] : [])];
    process.stdout.write(`\n${lines.join('\n')}\n`);
    const dir = path.join(ROOT, 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `bench-burst-${report.missions}.json`);
    fs.writeFileSync(file, JSON.stringify({ ...report, lines }, null, 2) + '\n');
    process.stdout.write(`figures written to ${path.relative(ROOT, file)}\n`);
  };
  let sofar: BurstReport | undefined;
  // Stopped (Ctrl-C, a time limit): the rounds that finished are still printed, said to be partial.
  process.once('SIGINT', () => {
    if (sofar) write(sofar, `  STOPPED: only the rounds above finished (${sofar.rounds.map((r) => `${r.workers} worker(s)`).join(', ')} of ${args.workerCounts.join(', ')})`);
    void stopPg().finally(() => process.exit(130));
  });
  try {
    const report = await runBurst({
      ...args,
      log: (line) => process.stderr.write(`[burst] ${line}\n`),
      onRound: (r) => (sofar = { ...r, rounds: [...r.rounds] }),
    });
    write(report);
  } finally {
    await stopPg();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench:burst failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  });
}
