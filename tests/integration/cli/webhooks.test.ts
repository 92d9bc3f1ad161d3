import { startFakeOuraServer, type FakeOuraServer } from '../../support/fake-oura-server';
import { startFakeStravaServer, type FakeStravaServer } from '../../support/fake-strava-server';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { recordingLogger } from '../../support/test-logger';
import { migrate, WebhookStore } from '../../../src/memory';
import { startWebhookReceiver, type RunningWebhookReceiver } from '../../../src/webhooks';
import { buildOnce, cleanEnv, runCli } from './run-cli';

/**
 * `lanterne webhooks …` run as a user runs it, against local Oura and Strava APIs whose
 * subscription creates perform the handshake with a receiver listening on loopback (standing in
 * for the one `lanterne up` serves behind LANTERNE_PUBLIC_URL).
 */
let oura: FakeOuraServer;
let strava: FakeStravaServer;
let db: TestDatabase;
let receiver: RunningWebhookReceiver;

beforeAll(async () => {
  buildOnce();
  [oura, strava, db] = await Promise.all([startFakeOuraServer(), startFakeStravaServer(), createTestDatabase('lanterne_cli_webhooks')]);
  await migrate(db.pool);
  const store = new WebhookStore(db.pool);
  await store.saveProviderAccount('rider', 'oura', oura.userId);
  receiver = await startWebhookReceiver({
    host: '127.0.0.1',
    port: 0,
    pathPrefix: '/hooks',
    secrets: { ouraClientSecret: oura.clientSecret, stravaClientSecret: strava.clientSecret },
    store,
    signalAthleteMissions: async () => ({ signalled: 0, skipped: ['no missions in this test'] }),
    log: recordingLogger(),
    dispatcher: { sweepEveryMs: 0 },
  });
}, 120_000);

afterAll(async () => {
  await receiver?.close();
  await Promise.all([oura?.close(), strava?.close()]);
  await db?.drop();
});

const publicUrl = () => receiver.url.replace(/\/hooks$/, '');
const env = (extra: NodeJS.ProcessEnv = {}) =>
  cleanEnv({
    OURA_CLIENT_ID: oura.clientId,
    OURA_CLIENT_SECRET: oura.clientSecret,
    OURA_BASE_URL: oura.url,
    STRAVA_CLIENT_ID: strava.clientId,
    STRAVA_CLIENT_SECRET: strava.clientSecret,
    STRAVA_BASE_URL: strava.url,
    LANTERNE_PUBLIC_URL: publicUrl(),
    LANTERNE_WEBHOOK_PATH: '/hooks',
    DATABASE_URL: db.url,
    ...extra,
  });

/** A user mistake: exit 1, `lanterne: …` and a `→` hint, nothing else. */
function expectUserError(r: { code: number | null; stderr: string }, message: string): void {
  expect(r.code).toBe(1);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toBe(`lanterne: ${message}`);
  expect(lines[1]).toMatch(/^ {2}→ \S/);
}

describe('lanterne webhooks', () => {
  it('names what is missing before calling anyone', async () => {
    expectUserError(await runCli(['webhooks', 'subscribe', 'oura'], env({ LANTERNE_PUBLIC_URL: '' })), 'cannot subscribe oura webhooks: LANTERNE_PUBLIC_URL is not set');
    expectUserError(
      await runCli(['webhooks', 'subscribe', 'strava'], env({ STRAVA_CLIENT_SECRET: '', LANTERNE_PUBLIC_URL: '' })),
      'cannot subscribe strava webhooks: STRAVA_CLIENT_SECRET, LANTERNE_PUBLIC_URL are not set',
    );
    expectUserError(await runCli(['webhooks', 'list'], env({ OURA_CLIENT_ID: '', STRAVA_CLIENT_ID: '' })), 'no provider is configured: OURA_CLIENT_ID and STRAVA_CLIENT_ID are not set');
    expectUserError(await runCli(['webhooks', 'subscribe', 'oura'], env({ LANTERNE_PUBLIC_URL: 'http://coach.example.org' })), 'LANTERNE_PUBLIC_URL=http://coach.example.org is not an https:// address');
    expectUserError(await runCli(['webhooks', 'list', 'garmin'], env()), 'unknown provider "garmin"');
    expect(oura.subscriptions).toEqual([]);
    expect(strava.requests.filter((r) => r.path.includes('push_subscriptions'))).toEqual([]);
  });

  it('says when the public address does not reach the receiver, before subscribing', async () => {
    const r = await runCli(['webhooks', 'subscribe', 'oura'], env({ LANTERNE_PUBLIC_URL: `${publicUrl()}/wrong-prefix` }));
    expectUserError(r, `the webhook receiver at ${publicUrl()}/wrong-prefix/hooks/oura refused oura's handshake (HTTP 404: no webhook route GET /wrong-prefix/hooks/oura)`);
    expect(r.stderr).toContain('LANTERNE_WEBHOOK_PORT');
    expect(oura.handshakes).toEqual([]);
  });

  it('subscribes both providers (Oura: six subscriptions, Strava: one), then renews and keeps them', async () => {
    const first = await runCli(['webhooks', 'subscribe', '--json'], env());
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout);
    expect(out.reports.map((r: { provider: string; created: unknown[] }) => [r.provider, r.created.length])).toEqual([
      ['oura', 6],
      ['strava', 1],
    ]);
    expect(out.reports[0].callbackUrl).toBe(`${publicUrl()}/hooks/oura`);
    expect(first.stdout + first.stderr).not.toContain(oura.clientSecret);
    expect(first.stdout + first.stderr).not.toContain(strava.clientSecret);

    const again = await runCli(['webhooks', 'subscribe'], env());
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`oura: events go to ${publicUrl()}/hooks/oura`);
    expect(again.stdout.match(/^ {2}renewed /gm)).toHaveLength(6);
    expect(again.stdout).toMatch(/^ {2}kept {4}push \(all events\)\s+120475/m);
    expect(again.stdout).toContain('oura events reach the missions of: rider');
    expect(again.stdout).toContain("no athlete's strava account is known yet → run `lanterne connect strava`");
  });

  it('lists the app’s subscriptions, flags expiry, and marks which are this installation’s', async () => {
    oura.subscriptions[0].expiration_time = new Date(Date.now() + 2 * 86400_000).toISOString();
    const r = await runCli(['webhooks', 'list'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^provider\s+id\s+events\s+callback\s+expires\s+ours$/m);
    expect(r.stdout.match(/^oura .* yes$/gm)).toHaveLength(6);
    expect(r.stdout).toMatch(/^strava\s+120475\s+push \(all events\)\s+\S+\/hooks\/strava\s+never\s+yes$/m);
    expect(r.stdout.match(/\(renew soon\)/g)).toHaveLength(1);
  });

  it('refuses to replace another callback’s Strava subscription; unsubscribe removes ours', async () => {
    const other = await runCli(['webhooks', 'subscribe', 'strava'], env({ LANTERNE_WEBHOOK_PATH: '/hooks', LANTERNE_PUBLIC_URL: publicUrl().replace('127.0.0.1', 'localhost') }));
    expectUserError(other, `the Strava app already has a push subscription, to ${publicUrl()}/hooks/strava (Strava allows one per app)`);

    const gone = await runCli(['webhooks', 'unsubscribe', 'strava', '--json'], env());
    expect(gone.code).toBe(0);
    expect(JSON.parse(gone.stdout).removed).toEqual([expect.objectContaining({ provider: 'strava', id: '120475', ours: true })]);
    expect(strava.subscription).toBeNull();
    const nothing = await runCli(['webhooks', 'unsubscribe', 'strava'], env());
    expect(nothing.stdout).toContain('nothing to remove');
    const rows = await db.pool.query(`SELECT provider, count(*)::int AS n FROM webhook_subscriptions GROUP BY provider ORDER BY provider`);
    expect(rows.rows).toEqual([{ provider: 'oura', n: 6 }]);
  });

  it('explains a provider’s refusal of the app credentials in one line', async () => {
    const r = await runCli(['webhooks', 'list', 'oura'], env({ OURA_CLIENT_SECRET: 'wrong-secret' }));
    expectUserError(r, 'oura answered HTTP 401 to GET /v2/webhook/subscription: Invalid client credentials');
    expect(r.stderr).toContain('check OURA_CLIENT_ID and OURA_CLIENT_SECRET');
  });
});
