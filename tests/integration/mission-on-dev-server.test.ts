import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { missionAtLocalNoon, waitForStablePhase } from '../support/mission-client';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { startTestDevServer } from '../support/dev-server';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { openWorkerResources, type WorkerResources } from '../../src/worker/activity-deps';
import { createWorker } from '../../src/worker/run-worker';
import { dayWorkflowId, runNowUpdate, statusQuery } from '../../src/shared/mission-api';
import { loadMissionFile } from '../../src/mission';
import { startMission } from '../../src/client/missions';
import { localDate } from '../../src/domain/schedule';
import type { RunningDevServer } from '../../src/infra/temporal-dev-server';

Runtime.install({ logger: new DefaultLogger('WARN') });


/**
 * End to end on real parts: the Temporal CLI dev server, PostgreSQL, a loopback SMTP server, the
 * real activities with the synthetic athlete, and the worker the CLI uses.
 *
 * The dev server runs on the real clock, so the mission does the choosing: a copy of the TdF
 * mission in a zone where it is now about noon (its 06:30 run time has passed, so today runs at
 * once; midnight and the 22:00–06:00 quiet hours are hours away).
 */
/** The mission's workflow id, set by the first test (it includes the athlete's opaque id). */
let workflowId = '';

describe('the TdF mission on the dev server', () => {
  let server: RunningDevServer;
  let db: TestDatabase;
  let smtp: SmtpSink;
  let resources: WorkerResources;
  let worker: Worker;
  let running: Promise<void>;
  let connection: Connection;
  let client: Client;
  let out: string;
  let mission: { file: string; timeZone: string };
  const today = () => localDate(Date.now(), mission.timeZone);

  beforeAll(async () => {
    [server, db, smtp] = await Promise.all([startTestDevServer(), createTestDatabase('lanterne_e2e'), startSmtpSink()]);
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-out-'));
    mission = missionAtLocalNoon(path.resolve(__dirname, '../../missions/tdf_sim_2025.toml'), out);
    resources = await openWorkerResources({
      databaseUrl: db.url,
      outputDir: out,
      namespace: 'default',
      temporalUiUrl: 'http://127.0.0.1:8233',
      env: {
        LANTERNE_DATA_SOURCE: 'synthetic',
        SMTP_HOST: smtp.host,
        SMTP_PORT: String(smtp.port),
        SMTP_SECURE: 'false',
        SMTP_FROM: 'coach@lanterne.test',
        NOTIFY_EMAIL_TO: 'rider@lanterne.test',
      },
    });
    ({ worker } = await createWorker({ address: server.address, namespace: 'default', deps: resources.deps }));
    running = worker.run();
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
  }, 180_000);

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await connection?.close();
    await resources?.close();
    await Promise.all([server?.stop(), db?.drop(), smtp?.close()]);
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('runs today’s cycle: rows in PostgreSQL, a report in three formats, one e-mail, searchable in Temporal', async () => {
    const started = await startMission(client, resources.deps.memory, await loadMissionFile(mission.file), { startDate: 'today' });
    const { handle } = started;
    workflowId = started.workflowId;
    const status = await waitForStablePhase(handle, { done: (s) => s.lastDay !== null, timeoutMs: 120_000 });
    const day = today();
    expect(status.lastDay).toMatchObject({ date: day });
    expect(['ok', 'degraded']).toContain(status.lastDay?.status);

    const scope = ['rider', 'tdf_sim_2025', day];
    const run = await db.pool.query('select status, workflow_id from day_runs where athlete=$1 and mission_id=$2 and day=$3', scope);
    expect(run.rows).toEqual([{ status: status.lastDay!.status, workflow_id: dayWorkflowId(workflowId, day) }]);
    const decision = await db.pool.query('select count(*)::int as n from decisions where athlete=$1 and mission_id=$2 and day=$3', scope);
    expect(decision.rows[0].n).toBe(1);
    const classes = await db.pool.query('select suggestions from class_suggestions where athlete=$1 and mission_id=$2 and day=$3', scope);
    expect(classes.rows[0].suggestions).toHaveLength(3);
    const versions = await db.pool.query('select hash from config_versions where athlete=$1 and mission_id=$2', scope.slice(0, 2));
    expect(versions.rows).toEqual([{ hash: status.configHash }]);

    for (const ext of ['md', 'html', 'json']) {
      expect(fs.existsSync(path.join(out, 'rider', 'tdf_sim_2025', `${day}.${ext}`))).toBe(true);
    }
    const report = JSON.parse(fs.readFileSync(path.join(out, 'rider', 'tdf_sim_2025', `${day}.json`), 'utf8'));
    expect(report.decision.decision).toBe(status.lastDay!.decision);

    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0].text).toContain(day);
    expect(smtp.messages[0].html).toContain('<html');

    const listed: string[] = [];
    for await (const wf of client.workflow.list({ query: `LanterneMissionId = "tdf_sim_2025"` })) listed.push(wf.workflowId);
    expect(listed).toEqual(expect.arrayContaining([workflowId, dayWorkflowId(workflowId, day)]));
  }, 180_000);

  it('a forced re-run of today sends no second e-mail and leaves one row per step', async () => {
    const handle = client.workflow.getHandle(workflowId);
    const day = today();
    await expect(handle.executeUpdate(runNowUpdate, { args: [{}] })).rejects.toThrow(); // today already ran
    const r = await handle.executeUpdate(runNowUpdate, { args: [{ force: true }] });
    expect(r).toMatchObject({ date: day, rerun: true });
    const status = await waitForStablePhase(handle, { done: (s) => s.lastDay?.note === 'rerun' });
    expect(status.lastDay).toMatchObject({ date: day, note: 'rerun' });
    expect(smtp.messages).toHaveLength(1);
    const n = await db.pool.query(
      `select (select count(*) from decisions where mission_id='tdf_sim_2025' and day=$1)::int as decisions,
              (select count(*) from notifications where mission_id='tdf_sim_2025' and day=$1)::int as notifications`,
      [day],
    );
    expect(n.rows[0]).toEqual({ decisions: 1, notifications: 1 });
  }, 180_000);
});
