import { Pool } from 'pg';
import type { TestDatabase } from '../../support/db';
import { freshDatabase } from '../memory/test-database';
import { startFakeOuraServer, readinessItem, type FakeOuraServer } from '../../support/fake-oura-server';
import { migrate } from '../../../src/memory/migrations';
import { generateSecretKey, parseSecretKey } from '../../../src/secrets/secret-key';
import { PgTokenStore, TokenLockTimeoutError, type OAuthTokens } from '../../../src/secrets/token-store';
import { RefreshingAccessToken } from '../../../src/observation/oauth-tokens';
import { OuraClient } from '../../../src/observation/oura-client';
import type { FetchLike, TransportOptions } from '../../../src/observation/http-json';
import { TimeoutError } from '../../../src/observation/errors';

/**
 * Two "workers" (two pools, two stores, two token sources) refresh the same athlete's Oura tokens
 * at once, against a token endpoint that rotates refresh tokens and refuses one used twice.
 */
let db: TestDatabase;
let pools: Pool[];
let stores: PgTokenStore[];
let server: FakeOuraServer;
const key = parseSecretKey(generateSecretKey());
let athlete = 0;
/** A fresh athlete per test: each test owns its token row. */
let who: string;

const NOW = Date.parse('2025-07-05T10:00:00Z');
const expired: OAuthTokens = { accessToken: 'access-0', refreshToken: 'refresh-0', expiresAt: '2025-07-05T09:00:00.000Z', scope: 'daily' };

beforeAll(async () => {
  db = await freshDatabase('lanterne_tokenlock');
  await migrate(db.pool);
  pools = [0, 1].map(() => new Pool({ connectionString: db.url, max: 3 }));
  for (const p of pools) p.on('error', () => undefined);
  stores = pools.map((p) => new PgTokenStore(p, key));
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db.drop();
});
beforeEach(async () => {
  server = await startFakeOuraServer();
  who = `rider${++athlete}`;
});
afterEach(() => server.close());

const tokenPosts = () => server.requests.filter((r) => r.path === '/oauth/token' && r.method === 'POST');

/** The token POST takes a while, so the second worker surely asks while the first holds the lock. */
function transport(extra: TransportOptions = {}): TransportOptions {
  const slowPosts: FetchLike = async (input, init) => {
    if (init?.method === 'POST') await new Promise((r) => setTimeout(r, 300));
    return fetch(input, init);
  };
  return { fetch: slowPosts, now: () => NOW, timeoutMs: 2000, sleep: async () => undefined, ...extra };
}

function source(store: PgTokenStore, extra: TransportOptions = {}): RefreshingAccessToken {
  return new RefreshingAccessToken({
    provider: 'oura',
    athlete: who,
    store,
    tokenUrl: server.tokenUrl,
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    transport: transport(extra),
  });
}

test('two workers find the token expired: one POST, both use the new token, the rotated pair is stored', async () => {
  server.validRefreshTokens.add('refresh-0');
  await stores[0].save(who, 'oura', expired);
  const tokens = await Promise.all(stores.map((s) => source(s).getAccessToken()));
  expect(tokens).toEqual(['oura-access-1', 'oura-access-1']);
  expect(tokenPosts()).toHaveLength(1);
  expect(await stores[1].load(who, 'oura')).toMatchObject({ accessToken: 'oura-access-1', refreshToken: 'oura-refresh-1' });
  expect(server.validRefreshTokens.has('oura-refresh-1')).toBe(true);
});

test('two workers get a 401 with the same token: one refreshes, the other takes the new token without a POST', async () => {
  server.validRefreshTokens.add('refresh-0');
  await stores[0].save(who, 'oura', { ...expired, expiresAt: null }); // revoked server-side, not expired here
  server.data.daily_readiness.push(readinessItem('2025-07-05'));
  const clients = stores.map((s) => new OuraClient({ baseUrl: server.url, tokens: source(s), transport: transport() }));
  const days = await Promise.all(clients.map((c) => c.dailyReadiness('2025-07-05', '2025-07-05')));
  expect(days.map((d) => d.length)).toEqual([1, 1]);
  expect(tokenPosts()).toHaveLength(1);
  const auth = server.collectionRequests('daily_readiness').map((r) => r.authorization);
  expect(auth.filter((a) => a === 'Bearer access-0')).toHaveLength(2);
  expect(auth.filter((a) => a === 'Bearer oura-access-1')).toHaveLength(2);
});

test('a refresh POST that times out is not repeated; the retry re-reads the store and uses what another worker saved', async () => {
  server.validRefreshTokens.add('refresh-0');
  await stores[0].save(who, 'oura', expired);
  server.script('/oauth/token', { status: 200, hang: true });
  const first = source(stores[0], { timeoutMs: 800 }); // the POST leaves after 300 ms and hangs
  const e = await first.getAccessToken().catch((err: unknown) => err);
  expect(e).toBeInstanceOf(TimeoutError);
  expect((e as TimeoutError).retryable).toBe(true);
  expect((e as Error).message).toContain('POST not repeated');
  expect(tokenPosts()).toHaveLength(1);
  expect(await stores[0].load(who, 'oura')).toEqual(expired); // nothing half-written

  expect(await source(stores[1]).getAccessToken()).toBe('oura-access-1'); // the other worker refreshes
  expect(await first.getAccessToken()).toBe('oura-access-1'); // the retry: no POST
  expect(tokenPosts()).toHaveLength(2);
});

test('withLock: a waiter gives up after the lock timeout with a retryable error naming the tokens', async () => {
  await stores[0].save(who, 'oura', expired);
  const impatient = new PgTokenStore(pools[1], key, { lockTimeoutMs: 200 });
  let release!: () => void;
  const held = stores[0].withLock(who, 'oura', () => new Promise<void>((r) => (release = r)));
  await new Promise((r) => setTimeout(r, 50));
  const e = await impatient.withLock(who, 'oura', async () => 'got it').catch((err: unknown) => err);
  release();
  await held;
  expect(e).toBeInstanceOf(TokenLockTimeoutError);
  expect((e as Error).message).toBe(`tokens for ${who}/oura are held by another worker (a refresh in progress?) for more than 200 ms; try again`);
  expect(await impatient.withLock(who, 'oura', async (t) => t?.accessToken)).toBe('access-0');
});

test('withLock: a save followed by an error is rolled back', async () => {
  await stores[0].save(who, 'oura', expired);
  await expect(
    stores[0].withLock(who, 'oura', async (_t, save) => {
      await save({ ...expired, accessToken: 'half-done' });
      throw new Error('crash before the end');
    }),
  ).rejects.toThrow('crash before the end');
  expect((await stores[1].load(who, 'oura'))?.accessToken).toBe('access-0');
  expect(() => new PgTokenStore(pools[0], key, { lockTimeoutMs: 0 })).toThrow(/lockTimeoutMs must be a whole number of milliseconds > 0, got 0/);
});
