#!/usr/bin/env node
/*
 * The whole test suite, from a fresh clone: provisions the Temporal servers (cached), installs the
 * headless browser for the dashboard tests, builds the CLI, runs every jest suite (each test file
 * starts the servers it needs; the global setup starts PostgreSQL unless DATABASE_URL is set), and
 * prints one closing line `N passed, N failed` computed from jest's JSON results.
 *
 *   npm test [-- <jest args>]
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, 'test-results', 'jest.json');

function step(name, cmd, args, opts = {}) {
  process.stderr.write(`\n[test] ${name}\n`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: process.env, ...opts });
  if (r.status !== 0) {
    process.stderr.write(`[test] ${name} failed (exit ${r.status})\n`);
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  }
}

step('provisioning Temporal servers', process.execPath, [path.join(__dirname, 'provision.js'), '--for', 'test']);
const chromium = path.join(__dirname, 'install-chromium.sh');
if (fs.existsSync(chromium)) step('installing headless Chromium for the dashboard tests', 'bash', [chromium]);
step('building the CLI', process.execPath, [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', 'tsconfig.build.json']);

fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
fs.rmSync(RESULTS, { force: true });
process.stderr.write('\n[test] running jest\n');
const jest = spawnSync(
  process.execPath,
  [require.resolve('jest/bin/jest', { paths: [ROOT] }), '--json', `--outputFile=${RESULTS}`, '--maxWorkers=2', ...process.argv.slice(2)],
  { cwd: ROOT, stdio: 'inherit', env: process.env },
);

let passed = 0;
let failed = 0;
try {
  const r = JSON.parse(fs.readFileSync(RESULTS, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests;
  // A suite that could not run (syntax error, failing beforeAll) counts as a failure too.
  for (const suite of r.testResults) {
    if (suite.status === 'failed' && suite.assertionResults.every((a) => a.status !== 'failed')) failed += 1;
  }
  const skipped = r.numPendingTests + r.numTodoTests;
  if (skipped > 0) process.stderr.write(`[test] ${skipped} test(s) skipped or todo\n`);
} catch (err) {
  process.stderr.write(`[test] no jest results at ${RESULTS}: ${err.message}\n`);
  failed = Math.max(failed, 1);
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 || jest.status !== 0 ? 1 : 0);
