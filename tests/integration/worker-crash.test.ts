import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { startTestDevServer } from '../support/dev-server';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server';
import { missionAtLocalNoon, waitForStablePhase } from '../support/mission-client';
import { dayWorkflowId } from '../../src/shared/mission-api';
import { loadMissionFile } from '../../src/mission';
import { MemoryStore, migrate } from '../../src/memory';
import { startMission } from '../../src/client/missions';
import { localDate } from '../../src/domain/schedule';
import type { RunningDevServer } from '../../src/infra/temporal-dev-server';
import { openPayloadKeys, payloadDataConverter } from '../../src/secrets';

const ROOT = path.resolve(__dirname, '../..');

/**
 * A worker process is killed (SIGKILL) in the middle of a day's cycle — while its planner call is
 * in flight — and a new worker process takes over: the day completes exactly once, with one row
 * per step and one e-mail.
 *
 * On the real clock: the mission is a copy of the TdF mission in a zone where it is now about noon,
 * so today runs at once when it starts and midnight and the quiet hours are hours away.
 */
describe('worker crash mid-cycle', () => {
  let server: RunningDevServer;
  let db: TestDatabase;
  let smtp: SmtpSink;
  let openai: FakeOpenAiServer;
  let out: string;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    [server, db, smtp, openai] = await Promise.all([startTestDevServer(), createTestDatabase('lanterne_crash'), startSmtpSink(), startFakeOpenAiServer()]);
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-crash-'));
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await Promise.all([server?.stop(), db?.drop(), smtp?.close(), openai?.close()]);
    fs.rmSync(out, { recursive: true, force: true });
  });

  function startWorker(name: string): ChildProcess {
    const log = fs.openSync(path.join(out, `${name}.log`), 'a');
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/lanterne.js'), 'worker'], {
      cwd: ROOT,
      stdio: ['ignore', log, log],
      env: {
        PATH: process.env.PATH,
        TEMPORAL_ADDRESS: server.address,
        DATABASE_URL: db.url,
        LANTERNE_DATA_SOURCE: 'synthetic',
        LANTERNE_OUTPUT_DIR: out,
        LANTERNE_STATE_DIR: path.join(out, 'state'), // the payload key file the test's client uses too
        OPENAI_API_KEY: 'test-key-not-secret',
        OPENAI_BASE_URL: openai.baseUrl,
        OPENAI_MAX_RETRIES: '0',
        OPENAI_TIMEOUT_MS: '120000',
        SMTP_HOST: smtp.host,
        SMTP_PORT: String(smtp.port),
        SMTP_SECURE: 'false',
        SMTP_FROM: 'coach@lanterne.test',
        NOTIFY_EMAIL_TO: 'rider@lanterne.test',
      },
    });
    workers.push(child);
    return child;
  }

  async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn().catch(() => null);
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; worker logs in ${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('completes the day exactly once on the new worker', async () => {
    // The first planner call hangs (the worker dies during it); later calls fail fast → fallback plan.
    openai.setHandler((_req, n) => (n === 1 ? { delayMs: 600_000, content: '{}' } : { status: 500, body: { error: { message: 'boom' } } }));
    const first = startWorker('worker-a');
    const connection = await Connection.connect({ address: server.address });
    try {
      // The workers find this key file in their state folder and encrypt with it; the client reads with it.
      const keys = openPayloadKeys({ env: {}, stateDir: path.join(out, 'state'), create: true })!;
      const client = new Client({ connection, dataConverter: payloadDataConverter(keys.ring) });
      const mission = missionAtLocalNoon(path.join(ROOT, 'missions/tdf_sim_2025.toml'), out);
      const today = localDate(Date.now(), mission.timeZone);
      await migrate(db.pool);
      const { handle, workflowId } = await startMission(client, new MemoryStore(db.pool), await loadMissionFile(mission.file), { startDate: 'today' });
      await waitFor('the planner call of worker A', async () => openai.requests.length >= 1, 90_000);
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));

      startWorker('worker-b');
      const status = await waitForStablePhase(handle, { done: (s) => s.lastDay?.date === today, timeoutMs: 150_000 });
      expect(['ok', 'degraded']).toContain(status.lastDay!.status);
      expect(openai.requests.length).toBeGreaterThanOrEqual(2); // the plan step was retried after the crash

      const executions: string[] = [];
      for await (const wf of client.workflow.list({ query: `WorkflowId = "${dayWorkflowId(workflowId, today)}"` })) executions.push(wf.status.name);
      expect(executions).toEqual(['COMPLETED']);
      const rows = await db.pool.query(
        `select (select count(*) from day_runs where day=$1)::int as runs,
                (select count(*) from decisions where day=$1)::int as decisions,
                (select count(*) from plans where day=$1)::int as plans,
                (select count(*) from notifications where day=$1 and status='sent')::int as sent`,
        [today],
      );
      expect(rows.rows[0]).toEqual({ runs: 1, decisions: 1, plans: 1, sent: 1 });
      expect(smtp.messages).toHaveLength(1);
    } finally {
      await connection.close();
    }
  }, 300_000);
});
