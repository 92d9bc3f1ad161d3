/**
 * The real parts of a reliability trial, each one something the trial can stop, kill and start
 * again: the Temporal CLI's dev server on a SQLite file (restarted on the same file and port), an
 * embedded PostgreSQL of its own (stopped and started on the same data folder and port), and
 * worker processes (`bin/lanterne.js worker` as a user runs it, or the small entry
 * scripts/reliability/worker-entry.js when a trial needs its own task queue) that can be SIGKILLed.
 * The trial's client reads and writes with the same payload key file as the workers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Pool } from 'pg';
import { startDevServer, type RunningDevServer } from '../../src/infra/temporal-dev-server';
import { startPostgres, type RunningPostgres } from '../../src/infra/postgres-server';
import { freePort } from '../../src/infra/ports';
import { MemoryStore, migrate } from '../../src/memory';
import { openPayloadKeys, payloadDataConverter, type PayloadKeys } from '../../src/secrets';

export const ROOT = path.resolve(__dirname, '../..');

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The dev server on a database file: `restart()` stops it and starts it again on the same file and port. */
export interface TemporalHandle {
  address: string;
  dbFile: string;
  logFile: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(downMs?: number): Promise<void>;
  running(): boolean;
}

export async function startTemporal(dir: string): Promise<TemporalHandle> {
  const dbFile = path.join(dir, 'temporal.sqlite');
  const logFile = path.join(dir, 'temporal.log');
  const port = await freePort();
  let server: RunningDevServer | null = await startDevServer({ dbFile, port, uiPort: 0, logFile });
  const handle: TemporalHandle = {
    address: server.address,
    dbFile,
    logFile,
    async stop() {
      const s = server;
      server = null;
      await s?.stop();
    },
    async start() {
      if (server) return;
      server = await startDevServer({ dbFile, port, uiPort: 0, logFile });
    },
    async restart(downMs = 0) {
      await handle.stop();
      if (downMs > 0) await pause(downMs);
      await handle.start();
    },
    running: () => server !== null,
  };
  return handle;
}

/**
 * An embedded PostgreSQL of the trial's own: `stop()` and `start()` keep its data folder and port.
 * `stop()` is PostgreSQL's fast shutdown (SIGINT: open sessions are cut, as in a restart for
 * maintenance); `stop('crash')` its immediate one (SIGQUIT: no checkpoint, recovery at the next start).
 */
export interface PgHandle {
  url: string;
  stop(mode?: 'fast' | 'crash'): Promise<void>;
  start(): Promise<void>;
  running(): boolean;
}

export async function startOwnPostgres(dir: string): Promise<PgHandle> {
  const dataDir = path.join(dir, 'pg');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  let pg: RunningPostgres | null = await startPostgres({ dataDir, port, database: 'lanterne_rel' });
  const handle: PgHandle = {
    url: pg.url,
    async stop(mode = 'fast') {
      const p = pg;
      pg = null;
      if (!p) return;
      // The smart shutdown ManagedProcess asks for (SIGTERM) waits for every client to leave: a
      // worker's pool never does. Ask for a fast or immediate one first, through postmaster.pid.
      try {
        const pid = Number(fs.readFileSync(path.join(p.dataDir, 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0]);
        if (pid > 0) process.kill(pid, mode === 'crash' ? 'SIGQUIT' : 'SIGINT');
      } catch {
        /* already gone */
      }
      await p.stop();
    },
    async start() {
      if (pg) return;
      pg = await startPostgres({ dataDir, port, database: 'lanterne_rel' });
    },
    running: () => pg !== null,
  };
  return handle;
}

/** A worker process: its log, its exit, and the signals a trial sends it. */
export interface WorkerProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** Resolves when the worker polls (its log says RUNNING); rejects when it exits first. */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<void>;
  log(): string;
}

export interface WorkerOptions {
  name: string;
  /** Environment on top of the rig's (servers, state and output folders). */
  env?: NodeJS.ProcessEnv;
  /** `cli`: `bin/lanterne.js worker`; `entry`: the small entry with a pre-bundled workflow and its own task queue. */
  kind?: 'cli' | 'entry';
  taskQueue?: string;
}

export interface Rig {
  dir: string;
  temporal: TemporalHandle;
  pg: PgHandle;
  pool: Pool;
  memory: MemoryStore;
  keys: PayloadKeys;
  stateDir: string;
  outputDir: string;
  connection: Connection;
  client: Client;
  workers: WorkerProcess[];
  /** Bundles the workflows once, so entry workers start in about a second. */
  prepareEntryWorkers(): Promise<void>;
  startWorker(o: WorkerOptions): WorkerProcess;
  close(): Promise<void>;
}

let bundlePath: Promise<string> | null = null;

/** The workflows of dist/ bundled once per process for the small worker entry (webpack is slow). */
function workflowBundleFile(dir: string): Promise<string> {
  bundlePath ??= (async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve(path.join(ROOT, 'dist/workflows')), logger: quiet });
    const file = path.join(dir, 'workflow-bundle.js');
    fs.writeFileSync(file, code);
    return file;
  })();
  return bundlePath;
}
const noop = () => undefined;
const quiet = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

export interface RigOptions {
  /** LANTERNE_PAYLOAD_KEY for the workers and the client (instead of the key file in the state folder). */
  payloadKey?: string;
}

/** The rig's servers and client; the trial starts workers with `startWorker`. */
export async function startRig(name: string, o: RigOptions = {}): Promise<Rig> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lanterne-rel-${name}-`));
  fs.chmodSync(dir, 0o755);
  const stateDir = path.join(dir, 'state');
  const outputDir = path.join(dir, 'output');
  fs.mkdirSync(outputDir, { recursive: true });
  const [temporal, pg] = await Promise.all([startTemporal(dir), startOwnPostgres(dir)]);
  const pool = new Pool({ connectionString: pg.url, max: 4 });
  pool.on('error', () => undefined); // a PostgreSQL stopped by a trial cuts idle connections
  await migrate(pool);
  // The key file the workers create in the same state folder on first run (or LANTERNE_PAYLOAD_KEY): the client reads with it.
  const keyEnv = o.payloadKey ? { LANTERNE_PAYLOAD_KEY: o.payloadKey } : {};
  const keys = openPayloadKeys({ env: keyEnv, stateDir, create: !o.payloadKey })!;
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, dataConverter: payloadDataConverter(keys.ring) });
  const workers: WorkerProcess[] = [];
  let bundle: string | null = null;

  const rig: Rig = {
    dir,
    temporal,
    pg,
    pool,
    memory: new MemoryStore(pool),
    keys,
    stateDir,
    outputDir,
    connection,
    client,
    workers,
    async prepareEntryWorkers() {
      bundle = await workflowBundleFile(dir);
    },
    startWorker(o) {
      const kind = o.kind ?? 'cli';
      if (kind === 'entry' && !bundle) throw new Error('call prepareEntryWorkers() before starting entry workers');
      const logFile = path.join(dir, `worker-${o.name}.log`);
      const out = fs.openSync(logFile, 'a');
      const args = kind === 'cli' ? [path.join(ROOT, 'bin/lanterne.js'), 'worker'] : [path.join(__dirname, 'worker-entry.js')];
      const child = spawn(process.execPath, args, {
        cwd: ROOT,
        stdio: ['ignore', out, out],
        env: {
          PATH: process.env.PATH,
          TEMPORAL_ADDRESS: temporal.address,
          DATABASE_URL: pg.url,
          LANTERNE_STATE_DIR: stateDir,
          LANTERNE_OUTPUT_DIR: outputDir,
          ...keyEnv,
          ...(kind === 'entry' ? { RELIABILITY_WORKFLOW_BUNDLE: bundle!, RELIABILITY_TASK_QUEUE: o.taskQueue ?? 'lanterne' } : {}),
          ...o.env,
        },
      });
      fs.closeSync(out);
      let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        child.once('exit', (code, signal) => {
          exitInfo = { code, signal };
          resolve(exitInfo);
        });
      });
      const log = () => {
        try {
          return fs.readFileSync(logFile, 'utf8');
        } catch {
          return '';
        }
      };
      const ready = (async () => {
        for (;;) {
          if (exitInfo) throw new Error(`worker ${o.name} exited before it polled (${JSON.stringify(exitInfo)}); log ${logFile}:\n${log().slice(-2000)}`);
          if (/"state":"RUNNING"/.test(log())) return;
          await pause(100);
        }
      })();
      ready.catch(() => undefined);
      const w: WorkerProcess = {
        name: o.name,
        pid: child.pid!,
        child,
        logFile,
        ready,
        exited,
        alive: () => exitInfo === null,
        async kill(signal = 'SIGKILL') {
          if (exitInfo) return;
          child.kill(signal);
          await exited;
        },
        log,
      };
      workers.push(w);
      return w;
    },
    async close() {
      await Promise.all(workers.map((w) => w.kill('SIGKILL')));
      await connection.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await Promise.all([temporal.stop(), pg.stop()]);
      if (!process.env.RELIABILITY_KEEP) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

/** Polls `fn` until it returns a truthy value; throws `what` with the last error after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await pause(everyMs);
  }
}

export { pause };
