import type { TestDatabase } from '../../support/db';
import { freshDatabase } from './test-database';
import { migrate } from '../../../src/memory/migrations';
import { WebhookStore } from '../../../src/memory/webhook-store';

let db: TestDatabase;
let store: WebhookStore;
let n = 0;
const eventId = () => `oura-${String(++n).padStart(32, '0')}`;

beforeAll(async () => {
  db = await freshDatabase('lanterne_webhook_store');
  await migrate(db.pool);
  store = new WebhookStore(db.pool);
});
afterAll(async () => {
  await db.drop();
});

describe('provider accounts', () => {
  test('map a provider user id to one athlete; connecting it for another handle moves it', async () => {
    expect(await store.saveProviderAccount('ana', 'oura', 'u-1')).toEqual({ movedFrom: null });
    expect(await store.saveProviderAccount('ana', 'strava', '134815')).toEqual({ movedFrom: null });
    expect(await store.athleteForProviderUser('oura', 'u-1')).toBe('ana');
    expect(await store.athleteForProviderUser('strava', 'u-1')).toBeNull(); // ids are per provider
    expect(await store.saveProviderAccount('bea', 'oura', 'u-1')).toEqual({ movedFrom: 'ana' });
    expect(await store.athleteForProviderUser('oura', 'u-1')).toBe('bea');
    // reconnecting ana with another Oura account replaces hers
    await store.saveProviderAccount('ana', 'oura', 'u-2');
    expect((await store.providerAccounts('oura')).map((a) => [a.athlete, a.providerUserId])).toEqual([
      ['ana', 'u-2'],
      ['bea', 'u-1'],
    ]);
  });
});

describe('subscriptions', () => {
  test('are replaced by what the provider listed, per provider', async () => {
    await store.replaceSubscriptions('strava', [{ subscriptionId: '120475', callbackUrl: 'https://x/webhooks/strava', dataType: null, eventType: null, expiresAt: null }]);
    await store.replaceSubscriptions('oura', [
      { subscriptionId: 'a', callbackUrl: 'https://x/webhooks/oura', dataType: 'sleep', eventType: 'create', expiresAt: '2026-08-01T00:00:00.000Z' },
    ]);
    expect(await store.hasSubscription('strava', '120475')).toBe(true);
    expect(await store.hasSubscription('oura', '120475')).toBe(false);
    await store.replaceSubscriptions('strava', []);
    expect(await store.hasSubscription('strava', '120475')).toBe(false);
    expect(await store.subscriptions('oura')).toEqual([
      { provider: 'oura', subscriptionId: 'a', callbackUrl: 'https://x/webhooks/oura', dataType: 'sleep', eventType: 'create', expiresAt: '2026-08-01T00:00:00.000Z' },
    ]);
  });
});

describe('events', () => {
  const input = { provider: 'oura', dataType: 'sleep', eventType: 'create', objectId: 'o', eventTime: '2026-07-12T05:12:00.000Z' };

  test('are recorded once: a redelivery is a duplicate and changes nothing', async () => {
    const id = eventId();
    expect(await store.recordEvent({ provider: 'oura', eventId: id, providerUserId: 'u-2', input: { ...input, eventId: id }, status: 'pending' })).toBe('new');
    expect(await store.recordEvent({ provider: 'oura', eventId: id, providerUserId: 'u-2', input: { other: true }, status: 'ignored', detail: 'x' })).toBe('duplicate');
    expect(await store.event('oura', id)).toMatchObject({ status: 'pending', input: { ...input, eventId: id }, attempts: 0, detail: null });
  });

  test('are claimed by one dispatcher at a time, until the claim is stale', async () => {
    const id = eventId();
    await store.recordEvent({ provider: 'oura', eventId: id, providerUserId: 'u-2', input, status: 'pending' });
    const claims = await Promise.all(Array.from({ length: 5 }, () => store.claimEvent('oura', id, 60_000)));
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
    expect(claims.find((c) => c !== null)).toMatchObject({ attempts: 1, providerUserId: 'u-2' });
    expect(await store.claimableEvents(60_000)).not.toContainEqual({ provider: 'oura', eventId: id });
    // a claim older than the stale time can be taken again (the claimer died)
    expect(await store.claimableEvents(0)).toContainEqual({ provider: 'oura', eventId: id });
    expect(await store.claimEvent('oura', id, 0)).toMatchObject({ attempts: 2 });
  });

  test('once finished are never claimed again', async () => {
    const id = eventId();
    await store.recordEvent({ provider: 'oura', eventId: id, providerUserId: 'u-2', input, status: 'pending' });
    await store.claimEvent('oura', id, 60_000);
    await store.finishEvent('oura', id, { status: 'signalled', athlete: 'ana', missionsSignalled: 1, detail: null });
    expect(await store.claimEvent('oura', id, 0)).toBeNull();
    expect(await store.claimableEvents(0)).not.toContainEqual({ provider: 'oura', eventId: id });
    expect(await store.event('oura', id)).toMatchObject({ status: 'signalled', athlete: 'ana', missionsSignalled: 1 });
  });

  test('recorded as ignored are never dispatched', async () => {
    const id = eventId();
    await store.recordEvent({ provider: 'oura', eventId: id, providerUserId: 'u-2', input: null, status: 'ignored', detail: 'workout' });
    expect(await store.claimEvent('oura', id, 0)).toBeNull();
    expect(await store.event('oura', id)).toMatchObject({ status: 'ignored', detail: 'workout', input: null });
  });
});
