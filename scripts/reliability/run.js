#!/usr/bin/env node
/*
 * npm run reliability: the reliability trials R1–R6 at their full counts, one after another, each on
 * servers of its own (see scripts/reliability/*.trial.ts); then one table — a line per trial kind:
 * how many trials ran and what was lost — and all the figures as JSON in
 * test-results/reliability/reliability.json (each trial's details in R<n>.json beside it).
 *
 *   npm run reliability                          all six at full counts
 *   npm run reliability -- R4 R6                 only those
 *   npm run reliability -- --trials 5            at most 5 trials of each counted kind (R1 kills, R2 outages, R3 cells)
 *   npm run reliability -- --trials R1=10,R2=4   counts per kind
 *   npm run reliability -- --seed 7              the random choices of R1/R2 (and R4's fuzz seed)
 *   npm run reliability -- --table               the table again from the trials' JSON files (and reliability.json rewritten from them)
 *
 * Exits 1 when a trial failed to run or a figure missed its target; the table says which.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const DIR = path.join(ROOT, 'test-results', 'reliability');
const IDS = ['R1', 'R2', 'R3', 'R4', 'R5', 'R6'];

function fail(message, hint) {
  process.stderr.write(`lanterne: ${message}\n  → ${hint}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const ids = [];
  const env = {};
  let tableOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (IDS.includes(a.toUpperCase())) ids.push(a.toUpperCase());
    else if (a === '--table') tableOnly = true;
    else if (a === '--trials' || a === '--seed') {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`, a === '--trials' ? 'e.g. --trials 5 or --trials R1=10,R2=4' : 'e.g. --seed 7');
      if (a === '--seed') {
        if (!/^\d+$/.test(v)) fail(`--seed ${v} is not accepted`, 'use a whole number, e.g. --seed 7');
        env.RELIABILITY_SEED = v;
      } else if (/^\d+$/.test(v) && Number(v) >= 1) env.RELIABILITY_TRIALS = v;
      else {
        for (const part of v.split(',')) {
          const m = /^(R[1-6])=(\d+)$/i.exec(part.trim());
          if (!m || Number(m[2]) < 1) fail(`--trials ${v} is not accepted`, 'use a whole number of 1 or more, or per kind: --trials R1=10,R2=4');
          env[`RELIABILITY_TRIALS_${m[1].toUpperCase()}`] = m[2];
        }
      }
    } else fail(`${JSON.stringify(a)} is not a trial or an option of npm run reliability`, `trials are ${IDS.join(', ')}; options --trials, --seed and --table`);
  }
  return { ids: ids.length ? [...new Set(ids)].sort() : IDS, env, tableOnly };
}

function run(name, cmd, args, env) {
  process.stderr.write(`\n[reliability] ${name}\n`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env });
  return r.status;
}

/** The table's columns: what a trial can lose, each gathered from the figures that count it. */
const COLUMNS = [
  { head: 'lost days', labels: ['lost days', 'days without a decision'] },
  { head: 'dup. deliveries', labels: ['duplicate e-mails', 'duplicate deliveries'] },
  { head: 'dup. rows', labels: ['duplicate rows'] },
  { head: 'half-written reports', labels: ['half-written reports'] },
  { head: 'leaked canaries', labels: ['leaked canaries'] },
  { head: 'unclear errors', labels: ['clear errors', 'fuzz: unclear'] },
];

function cell(report, column) {
  const fs_ = report.figures.filter((f) => column.labels.includes(f.label));
  if (fs_.length === 0) return '–';
  return fs_.map((f) => `${f.value}${f.of !== undefined ? `/${f.of}` : ''}`).join(' + ');
}

function others(report) {
  const used = new Set(COLUMNS.flatMap((c) => c.labels));
  return report.figures.filter((f) => !used.has(f.label)).map((f) => `${f.label} ${f.value}${f.of !== undefined ? `/${f.of}` : ''}`);
}

function table(reports, ids) {
  const head = ['trial', 'trials', ...COLUMNS.map((c) => c.head), 'verdict', 'time'];
  const rows = ids.map((id) => {
    const r = reports[id];
    if (!r) return [id, '–', ...COLUMNS.map(() => '–'), 'DID NOT RUN', '–'];
    const missed = r.figures.filter((f) => f.value > f.max).map((f) => f.label);
    return [`${r.id} ${r.title}`, `${r.trials} ${r.unit}`, ...COLUMNS.map((c) => cell(r, c)), missed.length ? `MISSED (${missed.join(', ')})` : 'met', `${Math.round(r.durationS)} s`];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (row) => row.map((v, i) => v.padEnd(widths[i])).join(' │ ').trimEnd();
  const out = [line(head), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map(line)];
  out.push('');
  for (const id of ids) {
    const r = reports[id];
    if (!r) continue;
    const more = others(r);
    out.push(`${r.id}: ${more.length ? `${more.join(' · ')}. ` : ''}${r.settings}`);
    for (const n of r.notes) out.push(`  note: ${n}`);
  }
  return out.join('\n');
}

function main() {
  const { ids, env: extra, tableOnly } = parseArgs(process.argv.slice(2));
  const env = { ...process.env, ...extra };
  if (tableOnly) return printTable(ids, extra, null);
  if (run('provisioning the Temporal servers', process.execPath, [path.join(ROOT, 'scripts/provision.js'), '--for', 'test'], env) !== 0) fail('provisioning failed', 'see the lines above');
  if (run('building dist/ (the workers and the CLI the trials run)', process.execPath, [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', 'tsconfig.build.json'], env) !== 0)
    fail('the build failed', 'see the lines above');
  fs.mkdirSync(DIR, { recursive: true });
  for (const id of ids) fs.rmSync(path.join(DIR, `${id}.json`), { force: true });
  const started = Date.now();
  const files = ids.map((id) => `scripts/reliability/${id.toLowerCase()}.trial.ts`);
  run(`the trials ${ids.join(', ')}`, process.execPath, [require.resolve('jest/bin/jest', { paths: [ROOT] }), '-c', 'jest.reliability.config.js', '--runInBand', ...files], env);
  printTable(ids, extra, (Date.now() - started) / 1000);
}

function printTable(ids, extra, durationS) {

  const reports = {};
  for (const id of ids) {
    const file = path.join(DIR, `${id}.json`);
    if (fs.existsSync(file)) reports[id] = JSON.parse(fs.readFileSync(file, 'utf8'));
  }
  const text = table(reports, ids);
  const allMet = ids.every((id) => reports[id] && reports[id].figures.every((f) => f.value <= f.max));
  const cpus = os.cpus();
  const summary = {
    finishedAt: new Date().toISOString(),
    durationS,
    machine: `${cpus.length} × ${cpus[0] ? cpus[0].model.trim() : 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    counts: Object.fromEntries(Object.entries(extra).filter(([k]) => k.startsWith('RELIABILITY_'))),
    met: allMet,
    trials: ids.map((id) => reports[id] ?? { id, ran: false }),
  };
  fs.writeFileSync(path.join(DIR, 'reliability.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const when = ids.map((id) => reports[id] && reports[id].finishedAt).filter(Boolean).sort().pop() ?? summary.finishedAt;
  process.stdout.write(`\nReliability, ${when.slice(0, 16).replace('T', ' ')} UTC, ${summary.machine}\n${text}\n\n${allMet ? 'All targets met.' : 'Targets MISSED or trials not run (see above).'} JSON: ${path.relative(ROOT, path.join(DIR, 'reliability.json'))}\n`);
  process.exit(allMet ? 0 : 1);
}

main();
