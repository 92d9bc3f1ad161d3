import { startFakeOuraServer, postOuraEvent, signOuraDelivery, type FakeOuraServer, type OuraWebhookEvent } from '../../support/fake-oura-server';
import { startFakeStravaServer, type FakeStravaServer } from '../../support/fake-strava-server';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { recordingLogger } from '../../support/test-logger';
import { migrate, WebhookStore } from '../../../src/memory';
import { freePort } from '../../../src/infra/ports';
import type { DataReadyInput } from '../../../src/shared/mission-api';
import {
  checkReceiverAnswers,
  listSubscriptions,
  OuraSubscriptionClient,
  startWebhookReceiver,
  StravaSubscriptionClient,
  subscribe,
  unsubscribe,
  type ManageOptions,
  type RunningWebhookReceiver,
  type SignalAthleteMissions,
} from '../../../src/webhooks';

/**
 * The receiver on loopback with a real PostgreSQL, driven by local servers that speak Oura's and
 * Strava's webhook protocols: subscriptions made through the real subscription clients (the
 * providers' handshakes reach the receiver), events delivered and retried as the providers do.
 * The missions are behind the injected `signalAthleteMissions` (recorded here; the Temporal path is
 * tested on the dev server in mission-signal.test.ts).
 */
let db: TestDatabase;
let store: WebhookStore;
let oura: FakeOuraServer;
let strava: FakeStravaServer;
let receiver: RunningWebhookReceiver;

const signals: { athlete: string; input: DataReadyInput }[] = [];
let failNextSignals = 0;
let gate: Promise<void> | null = null;
const signaller: SignalAthleteMissions = async (athlete, input) => {
  if (gate) await gate;
  if (failNextSignals > 0) {
    failNextSignals -= 1;
    throw new Error('Temporal is unreachable');
  }
  signals.push({ athlete, input });
  return { signalled: 1, skipped: [] };
};

const log = recordingLogger();
const logs = log.entries;

const ouraCallback = () => `${receiver.url}/oura`;
const stravaCallback = () => `${receiver.url}/strava`;
const ouraManage = (): ManageOptions => ({
  api: { provider: 'oura', client: new OuraSubscriptionClient({ baseUrl: oura.url, clientId: oura.clientId, clientSecret: oura.clientSecret }) },
  clientSecret: oura.clientSecret,
  store,
});
const stravaManage = (): ManageOptions => ({
  api: { provider: 'strava', client: new StravaSubscriptionClient({ baseUrl: strava.url, clientId: strava.clientId, clientSecret: strava.clientSecret }) },
  clientSecret: strava.clientSecret,
  store,
});

let seq = 0;
const ouraEvent = (over: Partial<OuraWebhookEvent> = {}): OuraWebhookEvent => ({
  event_type: 'create',
  data_type: 'daily_readiness',
  object_id: `readiness-${++seq}`,
  event_time: '2026-07-12T07:12:00+02:00',
  user_id: oura.userId,
  ...over,
});
const eventRows = () => db.pool.query(`SELECT provider, status, athlete, detail, missions_signalled FROM webhook_events ORDER BY received_at`).then((r) => r.rows);

beforeAll(async () => {
  [db, oura, strava] = await Promise.all([createTestDatabase('lanterne_webhooks'), startFakeOuraServer(), startFakeStravaServer()]);
  await migrate(db.pool);
  store = new WebhookStore(db.pool);
  receiver = await startWebhookReceiver({
    host: '127.0.0.1',
    port: 0,
    pathPrefix: '/webhooks',
    secrets: { ouraClientSecret: oura.clientSecret, stravaClientSecret: strava.clientSecret },
    store,
    signalAthleteMissions: signaller,
    log,
    dispatcher: { sweepEveryMs: 0, claimStaleAfterMs: 300 },
  });
  await store.saveProviderAccount('rider', 'oura', oura.userId);
  await store.saveProviderAccount('rider', 'strava', String(strava.athleteId));
}, 60_000);

afterAll(async () => {
  await receiver?.close();
  await Promise.all([oura?.close(), strava?.close()]);
  await db?.drop();
});

beforeEach(async () => {
  await receiver.dispatcher.idle();
  signals.length = 0;
  failNextSignals = 0;
  gate = null;
});

describe('Oura', () => {
  it('subscribe: Oura’s handshake reaches the receiver; one subscription per data and event type; again = renewed', async () => {
    oura.subscriptionLifetimeMs = 24 * 3600_000;
    const first = await subscribe(ouraManage(), ouraCallback());
    expect(first.created.map((s) => `${s.dataType}/${s.eventType}`).sort()).toEqual(
      ['daily_readiness/create', 'daily_readiness/update', 'daily_sleep/create', 'daily_sleep/update', 'sleep/create', 'sleep/update'],
    );
    expect(oura.handshakes).toEqual(Array.from({ length: 6 }, () => ({ callbackUrl: ouraCallback(), status: 200 })));
    expect((await store.subscriptions('oura')).map((s) => s.subscriptionId).sort()).toEqual(oura.subscriptions.map((s) => s.id).sort());

    const before = oura.subscriptions.map((s) => s.expiration_time);
    oura.subscriptionLifetimeMs = 30 * 24 * 3600_000;
    const again = await subscribe(ouraManage(), ouraCallback());
    expect(again.created).toEqual([]);
    expect(again.renewed).toHaveLength(6);
    expect(oura.subscriptions).toHaveLength(6);
    oura.subscriptions.forEach((s, i) => expect(Date.parse(s.expiration_time)).toBeGreaterThan(Date.parse(before[i])));
  });

  it('a signed event is answered 200 and becomes one dataReady signal; redeliveries change nothing', async () => {
    const event = ouraEvent();
    expect(await oura.deliver(event)).toEqual([200]);
    await receiver.dispatcher.idle();
    expect(signals).toEqual([
      {
        athlete: 'rider',
        input: { provider: 'oura', dataType: 'daily_readiness', eventType: 'create', objectId: event.object_id, eventTime: '2026-07-12T05:12:00.000Z', eventId: expect.stringMatching(/^oura-/) },
      },
    ]);
    for (let i = 0; i < 3; i++) expect(await oura.deliver(event)).toEqual([200]);
    await receiver.dispatcher.idle();
    expect(signals).toHaveLength(1);
    const rows = await db.pool.query(`SELECT status, athlete, missions_signalled FROM webhook_events WHERE event_id = $1`, [signals[0].input.eventId]);
    expect(rows.rows).toEqual([{ status: 'signalled', athlete: 'rider', missions_signalled: 1 }]);
  });

  it('answers before the missions are signalled (the work is handed off)', async () => {
    let release!: () => void;
    gate = new Promise<void>((r) => (release = r));
    const started = Date.now();
    expect(await oura.deliver(ouraEvent({ data_type: 'sleep' }))).toEqual([200]);
    const answeredInMs = Date.now() - started;
    expect(signals).toHaveLength(0); // the answer came while the signal was still held back
    release();
    await receiver.dispatcher.idle();
    expect(signals).toHaveLength(1);
    expect(answeredInMs).toBeLessThan(2000); // far inside Oura's 10 s (Strava's 2 s) on a loaded machine
  });

  it('a forged event (another secret, no signature, a replayed signature on another body) is refused with 401 and kept nowhere', async () => {
    const before = (await eventRows()).length;
    const forged = ouraEvent();
    expect(await oura.deliver(forged, { secret: 'not-the-client-secret', maxRetries: 2 })).toEqual([401, 401, 401]);
    expect(await postOuraEvent(ouraCallback(), forged, { secret: oura.clientSecret, signature: null })).toBe(401);
    const genuine = JSON.stringify(forged);
    const sig = signOuraDelivery(oura.clientSecret, '1783840320', genuine);
    expect(await postOuraEvent(ouraCallback(), null, { secret: oura.clientSecret, timestamp: '1783840320', signature: sig, body: genuine.replace('create', 'delete') })).toBe(401);
    await receiver.dispatcher.idle();
    expect(signals).toEqual([]);
    expect((await eventRows()).length).toBe(before);
    expect(logs.some((l) => l.message === 'webhook request refused' && l.meta?.status === 401 && l.meta?.why === 'missing or invalid x-oura-signature')).toBe(true);
  });

  it('a handshake with a wrong verification token is refused with 401', async () => {
    const url = new URL(ouraCallback());
    url.searchParams.set('verification_token', 'guess');
    url.searchParams.set('challenge', 'c');
    const res = await fetch(url);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'wrong verification token' });
  });

  it('an event for an unknown athlete or a data type Lanterne ignores is answered 200 and signals nothing', async () => {
    expect(await oura.deliver(ouraEvent({ user_id: 'someone-else' }))).toEqual([200]);
    expect(await postOuraEvent(ouraCallback(), ouraEvent({ data_type: 'workout' }), { secret: oura.clientSecret })).toBe(200);
    await receiver.dispatcher.idle();
    expect(signals).toEqual([]);
    const rows = (await eventRows()).slice(-2);
    expect(rows).toEqual([
      expect.objectContaining({ status: 'ignored', athlete: null, detail: 'no athlete is connected to this oura account (run `lanterne connect oura`)' }),
      expect.objectContaining({ status: 'ignored', detail: 'Oura data type "workout" is not one Lanterne coaches from' }),
    ]);
    expect(logs.some((l) => l.message === 'webhook event for an unknown athlete')).toBe(true);
  });

  it('refuses a body over the limit (413) and an unreadable signed body (400)', async () => {
    const big = JSON.stringify({ ...ouraEvent(), padding: 'x'.repeat(20_000) });
    expect(await postOuraEvent(ouraCallback(), null, { secret: oura.clientSecret, body: big })).toBe(413);
    expect(await postOuraEvent(ouraCallback(), null, { secret: oura.clientSecret, body: '{"event_type":' })).toBe(400);
    const res = await fetch(ouraCallback(), { method: 'PUT', body: '{}' });
    expect(res.status).toBe(404);
  });

  it('an event whose signal fails stays pending and is signalled by a later sweep, once', async () => {
    failNextSignals = 1;
    const event = ouraEvent({ data_type: 'daily_sleep' });
    expect(await oura.deliver(event)).toEqual([200]); // recorded: the provider need not retry
    await receiver.dispatcher.idle();
    expect(signals).toEqual([]);
    const pending = (await eventRows()).at(-1);
    expect(pending).toMatchObject({ status: 'pending', detail: 'signalling the missions failed: Temporal is unreachable' });
    await new Promise((r) => setTimeout(r, 350)); // the failed attempt's claim goes stale
    await Promise.all([receiver.dispatcher.sweep(), receiver.dispatcher.sweep()]);
    expect(signals).toHaveLength(1);
    expect((await eventRows()).at(-1)).toMatchObject({ status: 'signalled', missions_signalled: 1 });
  });

  it('never logs a body, a token or a signature', () => {
    const text = JSON.stringify(logs);
    expect(text).not.toContain(oura.clientSecret);
    expect(text).not.toContain(oura.userId);
    expect(text).not.toMatch(/readiness-\d|x-oura-signature"\s*:/);
  });
});

describe('Strava', () => {
  it('subscribe: Strava’s handshake reaches the receiver; one push subscription per app; again = kept', async () => {
    const first = await subscribe(stravaManage(), stravaCallback());
    expect(first.created).toEqual([expect.objectContaining({ provider: 'strava', id: String(strava.subscription!.id), callbackUrl: stravaCallback() })]);
    expect(strava.handshakes).toEqual([{ callbackUrl: stravaCallback(), status: 200 }]);
    expect(await store.hasSubscription('strava', String(strava.subscription!.id))).toBe(true);
    const again = await subscribe(stravaManage(), stravaCallback());
    expect(again).toMatchObject({ created: [], kept: [expect.objectContaining({ id: String(strava.subscription!.id) })] });
    await expect(subscribe(stravaManage(), `${receiver.url.replace('/webhooks', '/elsewhere')}/strava`)).rejects.toThrow(
      /the webhook receiver at .*\/elsewhere\/strava refused strava's handshake \(HTTP 404/,
    );
  });

  it('an activity event of our subscription for a connected athlete is signalled once, whatever Strava retries', async () => {
    const event = { object_type: 'activity' as const, object_id: 13360128428, aspect_type: 'create' as const, owner_id: strava.athleteId, event_time: 1783840323, updates: {} };
    expect(await strava.pushEvent(event)).toEqual([200]);
    expect(await strava.pushEvent(event)).toEqual([200]);
    await receiver.dispatcher.idle();
    expect(signals).toEqual([
      { athlete: 'rider', input: { provider: 'strava', aspect: 'create', activityId: '13360128428', eventTime: '2026-07-12T07:12:03.000Z', eventId: expect.stringMatching(/^strava-/) } },
    ]);
  });

  it('an event for a subscription that is not ours is refused with 401 (Strava retries it twice)', async () => {
    const statuses = await strava.pushEvent({ object_type: 'activity', object_id: 1, aspect_type: 'create', owner_id: strava.athleteId, event_time: 1783840323, updates: {}, subscription_id: 999 });
    expect(statuses).toEqual([401, 401, 401]);
    await receiver.dispatcher.idle();
    expect(signals).toEqual([]);
  });

  it('athlete events and activities of unknown athletes are answered 200 and signal nothing', async () => {
    expect(await strava.pushEvent({ object_type: 'athlete', object_id: strava.athleteId, aspect_type: 'update', owner_id: strava.athleteId, event_time: 1783840400, updates: { authorized: 'false' } })).toEqual([200]);
    expect(await strava.pushEvent({ object_type: 'activity', object_id: 77, aspect_type: 'create', owner_id: 999999, event_time: 1783840400, updates: {} })).toEqual([200]);
    await receiver.dispatcher.idle();
    expect(signals).toEqual([]);
    expect((await eventRows()).slice(-2).map((r) => r.detail)).toEqual([
      'the athlete revoked Lanterne’s access on Strava',
      'no athlete is connected to this strava account (run `lanterne connect strava`)',
    ]);
  });

  it('a handshake with a wrong verify token is refused with 401; one that is not a subscribe with 400', async () => {
    const url = new URL(stravaCallback());
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.verify_token', 'STRAVA');
    url.searchParams.set('hub.challenge', 'c');
    expect((await fetch(url)).status).toBe(401);
    url.searchParams.set('hub.mode', 'unsubscribe');
    expect((await fetch(url)).status).toBe(400);
  });
});

describe('subscription management', () => {
  it('lists and unsubscribes only this installation’s subscriptions unless told --all', async () => {
    await oura.subscriptions.push({ id: 'other-app-install', callback_url: 'https://old.example.org/webhooks/oura', data_type: 'sleep', event_type: 'create', expiration_time: new Date(Date.now() + 86400_000).toISOString() });
    const rows = await listSubscriptions(ouraManage(), ouraCallback());
    expect(rows.filter((r) => r.ours)).toHaveLength(6);
    expect(rows.find((r) => r.id === 'other-app-install')).toMatchObject({ ours: false });
    const removed = await unsubscribe(ouraManage(), ouraCallback(), false);
    expect(removed).toHaveLength(6);
    expect(oura.subscriptions.map((s) => s.id)).toEqual(['other-app-install']);
    expect((await store.subscriptions('oura')).map((s) => s.subscriptionId)).toEqual(['other-app-install']);

    await unsubscribe(stravaManage(), null, true);
    expect(strava.subscription).toBeNull();
    expect(await store.subscriptions('strava')).toEqual([]);
  });

  it('says plainly when the public callback does not reach a receiver', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}/webhooks/oura`;
    await expect(checkReceiverAnswers('oura', nobody, oura.clientSecret)).rejects.toThrow(`the webhook receiver does not answer at ${nobody} (ECONNREFUSED)`);
    await expect(checkReceiverAnswers('oura', ouraCallback(), 'another secret')).rejects.toThrow(
      /refused oura's handshake \(HTTP 401: wrong verification token\)/,
    );
  });
});
