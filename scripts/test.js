#!/usr/bin/env node
/*
 * The whole test suite, from a fresh clone: provisions the Temporal servers (cached), installs the
 * headless browser for the dashboard tests, builds the CLI, runs every jest suite (each test file
 * starts the servers it needs; the global setup starts PostgreSQL unless DATABASE_URL is set), then
 * runs the time-dependent suites again with the time-skipping server's clock shifted to the hours
 * that matter (LANTERNE_TEST_CLOCK, see tests/support/temporal.ts), and prints one closing line
 * `N passed, N failed` over all runs, computed from jest's JSON results.
 *
 *   npm test [-- <jest args>]        jest args narrow the main run; the shifted-clock runs are then left out,
 *                                    unless LANTERNE_TEST_CLOCKS is set
 *   LANTERNE_TEST_CLOCKS=06:29,12:00 npm test     other hours (HH:MM[@Zone]); `none` leaves them out
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, 'test-results');

/**
 * The suites whose tests run on the time-skipping server (they start it through tests/support/temporal.ts),
 * found by reading the test files, so a new one is never left out. Suites on the dev server run on
 * the real clock and choose their missions' zone instead (tests/support/mission-client.ts: missionAtLocalNoon).
 */
function timeDependentSuites() {
  const found = [];
  const visit = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.name.endsWith('.test.ts') && /\b(createTimeSkippingEnv|useTimeSkippingEnv)\(/.test(fs.readFileSync(p, 'utf8'))) {
        found.push(path.relative(ROOT, p).split(path.sep).join('/'));
      }
    }
  };
  visit(path.join(ROOT, 'tests'));
  return found.sort();
}
const TIME_DEPENDENT = timeDependentSuites();

/**
 * Hours that matter, in Europe/Paris (the missions' zone): just before and at the default run time
 * 06:30, the last minute before midnight (a file's days cross into the next date), and midday.
 */
const DEFAULT_CLOCKS = ['06:29', '06:30', '23:59', '12:00'];

function step(name, cmd, args, opts = {}) {
  process.stderr.write(`\n[test] ${name}\n`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: process.env, ...opts });
  if (r.status !== 0) {
    process.stderr.write(`[test] ${name} failed (exit ${r.status})\n`);
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  }
}

/** Runs jest once; its counts from the JSON results (a suite that could not run counts as a failure). */
function runJest(label, jestArgs, env) {
  const file = path.join(RESULTS, `jest${label ? `-${label}` : ''}.json`);
  fs.rmSync(file, { force: true });
  const jest = spawnSync(
    process.execPath,
    [require.resolve('jest/bin/jest', { paths: [ROOT] }), '--json', `--outputFile=${file}`, '--maxWorkers=2', ...jestArgs],
    { cwd: ROOT, stdio: 'inherit', env },
  );
  let passed = 0;
  let failed = 0;
  let files = 0;
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    passed = r.numPassedTests;
    failed = r.numFailedTests;
    files = r.testResults.length;
    for (const suite of r.testResults) {
      if (suite.status === 'failed' && suite.assertionResults.every((a) => a.status !== 'failed')) failed += 1;
    }
    const skipped = r.numPendingTests + r.numTodoTests;
    if (skipped > 0) process.stderr.write(`[test] ${skipped} test(s) skipped or todo\n`);
  } catch (err) {
    process.stderr.write(`[test] no jest results at ${file}: ${err.message}\n`);
    failed = Math.max(failed, 1);
  }
  if (jest.status !== 0) failed = Math.max(failed, 1);
  return { passed, failed, files };
}

function clocksFromEnv() {
  const raw = process.env.LANTERNE_TEST_CLOCKS;
  if (raw === undefined) return DEFAULT_CLOCKS;
  if (raw.trim() === 'none') return [];
  return raw.split(',').map((c) => c.trim()).filter(Boolean);
}

step('provisioning Temporal servers', process.execPath, [path.join(__dirname, 'provision.js'), '--for', 'test']);
const chromium = path.join(__dirname, 'install-chromium.sh');
if (fs.existsSync(chromium)) step('installing headless Chromium for the dashboard tests', 'bash', [chromium]);
const buildStarted = new Date();
step('building the CLI', process.execPath, [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', 'tsconfig.build.json']);
// The stamp tells the jest global setup (tests/support/build-cli.ts) that dist/ is up to date, so
// no test file compiles it again while another one runs the CLI from it.
const stamp = path.join(ROOT, 'dist', '.build-stamp');
fs.writeFileSync(stamp, buildStarted.toISOString() + '\n');
fs.utimesSync(stamp, buildStarted, buildStarted);

fs.mkdirSync(RESULTS, { recursive: true });
const extraArgs = process.argv.slice(2);
const baseEnv = { ...process.env };
delete baseEnv.LANTERNE_TEST_CLOCK; // the main run is on the real clock
process.stderr.write('\n[test] running jest\n');
const runs = [{ what: 'every suite, real clock', ...runJest('', extraArgs, baseEnv) }];

const narrowed = extraArgs.length > 0 && process.env.LANTERNE_TEST_CLOCKS === undefined;
const clocks = narrowed ? [] : clocksFromEnv();
if (narrowed) process.stderr.write('\n[test] jest arguments given: the shifted-clock runs are left out (set LANTERNE_TEST_CLOCKS to run them)\n');
for (const clock of clocks) {
  const zone = clock.includes('@') ? '' : ' Europe/Paris';
  process.stderr.write(`\n[test] shifted clock: the time-skipping suites (${TIME_DEPENDENT.join(', ')}) with the test server at ${clock}${zone} (LANTERNE_TEST_CLOCK=${clock})\n`);
  const label = `clock-${clock.replace(/[^0-9A-Za-z]+/g, '')}`;
  runs.push({ what: `the ${TIME_DEPENDENT.length} time-skipping suites at ${clock}${zone}`, ...runJest(label, ['--runTestsByPath', ...TIME_DEPENDENT], { ...baseEnv, LANTERNE_TEST_CLOCK: clock }) });
}

process.stderr.write('\n[test] runs:\n');
for (const r of runs) process.stderr.write(`[test]   ${r.what}: ${r.files} files, ${r.passed} passed, ${r.failed} failed\n`);
const passed = runs.reduce((n, r) => n + r.passed, 0);
const failed = runs.reduce((n, r) => n + r.failed, 0);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 ? 1 : 0);
