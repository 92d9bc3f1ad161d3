/**
 * A mission travels as data (issue 11, item 1): a worker installed where no `missions/` folder
 * exists — its own copy of the built program, working directory and file system without any
 * mission file — runs a mission that a client started from elsewhere, from a file only the client
 * has. Nothing crosses to the worker as a path.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { startTestDevServer } from '../support/dev-server';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { missionAtLocalNoon, waitForStablePhase } from '../support/mission-client';
import { loadMissionFile } from '../../src/mission';
import { MemoryStore, migrate } from '../../src/memory';
import { startMission } from '../../src/client/missions';
import { openPayloadKeys, payloadDataConverter } from '../../src/secrets';
import type { RunningDevServer } from '../../src/infra/temporal-dev-server';

const ROOT = path.resolve(__dirname, '../..');

describe('a worker with no mission files', () => {
  let server: RunningDevServer;
  let db: TestDatabase;
  let install: string;
  let clientSide: string;
  let worker: ChildProcess | null = null;

  beforeAll(async () => {
    [server, db] = await Promise.all([startTestDevServer(), createTestDatabase('lanterne_as_data')]);
    // The worker's own installation: the built program and its data, no missions/ anywhere.
    install = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-worker-host-'));
    for (const part of ['dist', 'bin', 'data', 'package.json']) fs.cpSync(path.join(ROOT, part), path.join(install, part), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(install, 'node_modules'), 'dir');
    clientSide = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-client-'));
  }, 120_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      worker.kill('SIGTERM');
      await new Promise((r) => worker!.once('exit', r));
    }
    await Promise.all([server?.stop(), db?.drop()]);
    for (const d of [install, clientSide]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it('runs the day of a mission started from a file only the client has', async () => {
    expect(fs.existsSync(path.join(install, 'missions'))).toBe(false);
    const state = path.join(install, 'state');
    const log = fs.openSync(path.join(install, 'worker.log'), 'a');
    worker = spawn(process.execPath, [path.join(install, 'bin/lanterne.js'), 'worker'], {
      cwd: install,
      stdio: ['ignore', log, log],
      env: { PATH: process.env.PATH, TEMPORAL_ADDRESS: server.address, DATABASE_URL: db.url, LANTERNE_DATA_SOURCE: 'synthetic', LANTERNE_STATE_DIR: state, LANTERNE_OUTPUT_DIR: path.join(install, 'output') },
    });

    // The client: its own mission file (a copy in the zone where it is now about noon), the worker's payload key.
    const file = missionAtLocalNoon(path.join(ROOT, 'missions/tdf_sim_2025.toml'), clientSide);
    const mission = await loadMissionFile(file.file);
    let keys = null;
    for (let i = 0; i < 100 && !(keys = openPayloadKeys({ env: {}, stateDir: state, create: false })); i++) await new Promise((r) => setTimeout(r, 200));
    expect(keys).not.toBeNull(); // the worker made its key on first run
    const connection = await Connection.connect({ address: server.address });
    try {
      const client = new Client({ connection, dataConverter: payloadDataConverter(keys!.ring) });
      await migrate(db.pool);
      const { handle, workflowId } = await startMission(client, new MemoryStore(db.pool), mission, { startDate: 'today' });
      const status = await waitForStablePhase(handle, { done: (s) => s.lastDay !== null, timeoutMs: 120_000 });
      expect(['ok', 'degraded']).toContain(status.lastDay!.status);
      // The day's report was written where the worker lives; the client's file was never opened there.
      const reports = fs.readdirSync(path.join(install, 'output', 'rider', 'tdf_sim_2025'));
      expect(reports).toEqual(expect.arrayContaining([`${status.lastDay!.date}.md`]));
      const started = (await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
      expect(started?.workflowType?.name).toBe('missionWorkflow');
      expect(workflowId).toMatch(/^mission-ath_[a-z0-9]{12}-tdf_sim_2025$/);
      await handle.terminate('test done');
    } finally {
      await connection.close();
    }
  }, 240_000);
});
