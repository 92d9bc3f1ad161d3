import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { startTestDevServer } from '../../support/dev-server';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { missionAtLocalNoon, waitForStatus } from '../../support/mission-client';
import { postOuraEvent, startFakeOuraServer, type FakeOuraServer } from '../../support/fake-oura-server';
import { openWorkerResources, type WorkerResources } from '../../../src/worker/activity-deps';
import { createWorker } from '../../../src/worker/run-worker';
import { overrideUpdate } from '../../../src/shared/mission-api';
import { loadMissionFile } from '../../../src/mission';
import { startMission } from '../../../src/client/missions';
import { PHASE } from '../../../src/shared/search-attributes';
import { addDays } from '../../../src/domain/iso-date';
import { localDate } from '../../../src/domain/schedule';
import { WebhookStore } from '../../../src/memory';
import type { RunningDevServer } from '../../../src/infra/temporal-dev-server';
import {
  handshakeToken,
  OuraSubscriptionClient,
  serveWebhooksFromEnv,
  startWebhookReceiver,
  subscribe,
  temporalMissionSignaller,
  type RunningWebhookReceiver,
} from '../../../src/webhooks';

Runtime.install({ logger: new DefaultLogger('WARN') });

const quiet = new DefaultLogger('ERROR');

/**
 * End to end on the Temporal CLI dev server: a running mission workflow (real worker, real
 * activities, PostgreSQL), the receiver with the default mission signaller, and a local Oura that
 * subscribes through the handshake and delivers a signed event. The event reaches the mission as
 * one `dataReady` signal in its history, however often Oura delivers it, with nothing but the
 * event's identity in it; an event for the paused mission signals nothing.
 */
describe('an Oura event reaches the running mission as dataReady', () => {
  let server: RunningDevServer;
  let db: TestDatabase;
  let oura: FakeOuraServer;
  let resources: WorkerResources;
  let worker: Worker;
  let running: Promise<void>;
  let connection: Connection;
  let client: Client;
  let receiver: RunningWebhookReceiver;
  let handle: WorkflowHandle;
  let out: string;

  const signalsInHistory = async () => {
    const history = await handle.fetchHistory();
    return (history.events ?? [])
      .map((e) => e.workflowExecutionSignaledEventAttributes)
      .filter((a) => a?.signalName === 'dataReady')
      .map((a) => JSON.parse(Buffer.from(a!.input!.payloads![0].data!).toString('utf8')) as Record<string, unknown>);
  };

  beforeAll(async () => {
    [server, db, oura] = await Promise.all([startTestDevServer(), createTestDatabase('lanterne_webhook_e2e'), startFakeOuraServer()]);
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-out-'));
    resources = await openWorkerResources({ databaseUrl: db.url, outputDir: out, namespace: 'default', env: { LANTERNE_DATA_SOURCE: 'synthetic' } });
    ({ worker } = await createWorker({ address: server.address, namespace: 'default', deps: resources.deps }));
    running = worker.run();
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });

    // The mission starts in three weeks: it waits, whatever the hour this test runs at.
    const start = addDays(localDate(Date.now(), 'Europe/Paris'), 21);
    const mission = await loadMissionFile(path.resolve(__dirname, '../../../missions/tdf_sim_2025.toml'));
    ({ handle } = await startMission(client, resources.deps.memory, mission, { startDate: start }));
    await waitForStatus(handle, (s) => s.phase === 'waiting');

    const store = new WebhookStore(db.pool);
    receiver = await startWebhookReceiver({
      host: '127.0.0.1',
      port: 0,
      pathPrefix: '/webhooks',
      secrets: { ouraClientSecret: oura.clientSecret },
      store,
      signalAthleteMissions: temporalMissionSignaller({ client, pool: db.pool }),
      log: quiet,
      dispatcher: { sweepEveryMs: 0 },
    });
    // What `lanterne connect oura` records for the mission's athlete.
    await store.saveProviderAccount('rider', 'oura', oura.userId);
    const ouraApi = new OuraSubscriptionClient({ baseUrl: oura.url, clientId: oura.clientId, clientSecret: oura.clientSecret });
    await subscribe({ api: { provider: 'oura', client: ouraApi }, clientSecret: oura.clientSecret, store }, `${receiver.url}/oura`);
  }, 180_000);

  afterAll(async () => {
    await receiver?.close();
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await connection?.close();
    await resources?.close();
    await Promise.all([server?.stop(), db?.drop(), oura?.close()]);
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('signals once, with the event identity and no health value, however often Oura delivers', async () => {
    const event = { event_type: 'update', data_type: 'daily_readiness', object_id: 'readiness-doc-7f3a', event_time: '2026-07-12T07:12:00+02:00', user_id: oura.userId };
    expect(await oura.deliver(event)).toEqual([200]);
    expect(await oura.deliver(event)).toEqual([200]);
    await receiver.dispatcher.idle();
    expect(await oura.deliver(event)).toEqual([200]);
    await receiver.dispatcher.idle();

    const signals = await signalsInHistory();
    expect(signals).toEqual([
      { provider: 'oura', dataType: 'daily_readiness', eventType: 'update', objectId: 'readiness-doc-7f3a', eventTime: '2026-07-12T05:12:00.000Z', eventId: expect.stringMatching(/^oura-[0-9a-f]{32}$/) },
    ]);
    const history = JSON.stringify(await handle.fetchHistory());
    expect(history).not.toContain(oura.userId); // the provider's account id stays out of the history
    const row = await db.pool.query(`SELECT status, athlete, missions_signalled FROM webhook_events WHERE event_id = $1`, [signals[0].eventId]);
    expect(row.rows).toEqual([{ status: 'signalled', athlete: 'rider', missions_signalled: 1 }]);
  }, 120_000);

  it('an event for the paused mission is answered and signals nothing', async () => {
    await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'pause', reason: 'travel' }] });
    for (let i = 0; i < 80 && (await handle.describe()).typedSearchAttributes.get(PHASE) !== 'paused'; i++) await new Promise((r) => setTimeout(r, 250));
    const event = { event_type: 'create', data_type: 'sleep', object_id: 'sleep-doc-91b2', event_time: '2026-07-13T06:58:00+02:00', user_id: oura.userId };
    expect(await oura.deliver(event)).toEqual([200]);
    await receiver.dispatcher.idle();
    expect(await signalsInHistory()).toHaveLength(1);
    const row = await db.pool.query(`SELECT status, detail FROM webhook_events ORDER BY received_at DESC LIMIT 1`);
    expect(row.rows).toEqual([{ status: 'ignored', detail: 'tdf_sim_2025: paused' }]);
  }, 120_000);

  it('is served the way `lanterne up` and `lanterne worker` serve it, only when LANTERNE_WEBHOOK_PORT is set', async () => {
    const base = { temporalAddress: server.address, namespace: 'default', databaseUrl: db.url };
    expect(await serveWebhooksFromEnv({ ...base, env: { OURA_CLIENT_SECRET: oura.clientSecret } })).toBeNull();
    const served = await serveWebhooksFromEnv({ ...base, env: { LANTERNE_WEBHOOK_PORT: '0', LANTERNE_WEBHOOK_PATH: '/in', OURA_CLIENT_SECRET: oura.clientSecret } });
    try {
      expect(served!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/in$/);
      const hello = await fetch(`${served!.url}/oura?verification_token=${handshakeToken('oura', oura.clientSecret)}&challenge=abc`);
      expect(await hello.json()).toEqual({ challenge: 'abc' });
      await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'resume' }] });
      for (let i = 0; i < 80 && (await handle.describe()).typedSearchAttributes.get(PHASE) === 'paused'; i++) await new Promise((r) => setTimeout(r, 250));
      const event = { event_type: 'create', data_type: 'daily_sleep', object_id: 'daily-sleep-doc-3c', event_time: '2026-07-14T07:01:00+02:00', user_id: oura.userId };
      expect(await postOuraEvent(`${served!.url}/oura`, event, { secret: oura.clientSecret })).toBe(200);
      // The dispatch runs after the answer: wait for the mission's history to show it.
      let signals = await signalsInHistory();
      for (let i = 0; i < 80 && signals.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 250));
        signals = await signalsInHistory();
      }
      expect(signals.map((x) => x.objectId)).toEqual(['readiness-doc-7f3a', 'daily-sleep-doc-3c']);
    } finally {
      await served?.close();
    }
  }, 120_000);

  it('end to end: an Oura event inside the morning window starts the day within seconds, long before its run time', async () => {
    // A second athlete whose mission's day is today, run time 23:30, earliest 06:00, in the zone
    // where it is now about noon: the event lands inside the window whatever the hour of the test.
    const copy = missionAtLocalNoon(path.resolve(__dirname, '../../../missions/tdf_sim_2025.toml'), out);
    const text = fs.readFileSync(copy.file, 'utf8').replace(/^run_time = ".*"$/m, 'run_time = "23:30"\nearliest_time = "06:00"').replace(/^handle = ".*"$/m, 'handle = "early_bird"');
    fs.writeFileSync(copy.file, text);
    const mission = await loadMissionFile(copy.file);
    const { handle: early } = await startMission(client, resources.deps.memory, mission, { startDate: 'today' });
    await waitForStatus(early, (s) => s.phase === 'waiting' && s.lastDay === null);
    const store = new WebhookStore(db.pool);
    await store.saveProviderAccount('early_bird', 'oura', oura.userId); // the ring is now connected to this athlete
    const sentAt = Date.now();
    const event = { event_type: 'create', data_type: 'daily_readiness', object_id: 'readiness-early-1', event_time: new Date().toISOString(), user_id: oura.userId };
    expect(await oura.deliver(event)).toEqual([200]);
    await receiver.dispatcher.idle();
    const s = await waitForStatus(early, (x) => x.lastDay !== null && x.phase === 'waiting', 60_000);
    expect(Date.now() - sentAt).toBeLessThan(30_000);
    expect(s.lastDay).toMatchObject({ date: localDate(Date.now(), copy.timeZone), late: false });
    expect(s.lastDay!.note).toMatch(/^started at \d\d:\d\d: the synthetic athlete's night is recorded$/);
    expect(s.nextDay?.date).toBe(addDays(s.lastDay!.date, 1));
    await early.terminate('test done');
  }, 120_000);
});
