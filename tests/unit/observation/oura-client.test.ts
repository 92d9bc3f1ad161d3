import {
  dailySleepItem,
  type FakeOuraServer,
  readinessItem,
  sleepPeriodItem,
  startFakeOuraServer,
} from '../../support/fake-oura-server';
import { OuraClient, ouraConfigFromEnv, ouraAccessToken } from '../../../src/observation/oura-client';
import { PersonalAccessToken, RefreshingAccessToken, type AccessTokenSource } from '../../../src/observation/oauth-tokens';
import { InMemoryTokenStore } from '../../../src/secrets/in-memory-token-store';
import {
  ForbiddenError,
  MalformedResponseError,
  RateLimitError,
  ReconnectRequiredError,
  TimeoutError,
  UnexpectedResponseError,
  UpstreamUnavailableError,
} from '../../../src/observation/errors';
import { caught } from './caught';

let server: FakeOuraServer;
let store: InMemoryTokenStore;
let sleeps: number[];

beforeEach(async () => {
  server = await startFakeOuraServer();
  server.validAccessTokens.add('access-0');
  server.validRefreshTokens.add('refresh-0');
  store = new InMemoryTokenStore();
  await store.save('ana', 'oura', { accessToken: 'access-0', refreshToken: 'refresh-0', expiresAt: null, scope: null });
  sleeps = [];
});

afterEach(() => server.close());

const transport = () => ({
  sleep: async (ms: number) => {
    sleeps.push(ms);
  },
  timeoutMs: 150,
  backoffMs: 10,
  random: () => 1, // whole backoff steps (the jitter is tested in http-json.test.ts)
});

function client(tokens: AccessTokenSource = provider()): OuraClient {
  return new OuraClient({ baseUrl: server.url, tokens, transport: transport() });
}

function provider(): RefreshingAccessToken {
  return new RefreshingAccessToken({
    provider: 'oura',
    athlete: 'ana',
    store,
    tokenUrl: server.tokenUrl,
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    transport: transport(),
  });
}

describe('OuraClient reading collections', () => {
  it('finds the day despite the date-boundary trap by asking a day either side and filtering on day', async () => {
    server.data.daily_readiness.push(
      readinessItem('2025-07-04', { score: 70 }),
      readinessItem('2025-07-05', { score: 88 }),
      readinessItem('2025-07-06', { score: 60 }),
    );
    const c = client();
    // the trap is real on the fake: a plain one-day query returns nothing
    expect(await c.list('daily_readiness', '2025-07-05', '2025-07-05')).toEqual([]);

    const items = await c.dailyReadiness('2025-07-05', '2025-07-05');
    expect(items.map((i) => [i.day, i.score])).toEqual([['2025-07-05', 88]]);
    const last = server.collectionRequests('daily_readiness').at(-1)!;
    expect(last.query).toMatchObject({ start_date: '2025-07-04', end_date: '2025-07-06' });
    expect(last.authorization).toBe('Bearer access-0');
  });

  it('keeps sleep periods of the first day although /sleep treats start_date as exclusive', async () => {
    server.data.sleep.push(sleepPeriodItem('2025-07-01'), sleepPeriodItem('2025-07-02'));
    const items = await client().sleepPeriods('2025-07-01', '2025-07-02');
    expect(items.map((i) => i.day)).toEqual(['2025-07-01', '2025-07-02']);
  });

  it('follows next_token through every page', async () => {
    server.pageSize = 2;
    for (let d = 1; d <= 7; d++) server.data.daily_sleep.push(dailySleepItem(`2025-07-0${d}`));
    const items = await client().dailySleep('2025-07-01', '2025-07-07');
    expect(items.map((i) => i.day)).toEqual([1, 2, 3, 4, 5, 6, 7].map((d) => `2025-07-0${d}`));
    const tokens = server.collectionRequests('daily_sleep').map((r) => r.query.next_token);
    expect(tokens).toEqual([undefined, '2', '4', '6']);
  });

  it('returns an empty list for missing days', async () => {
    expect(await client().dailyActivity('2025-07-01', '2025-07-03')).toEqual([]);
  });

  it('rejects a badly written date before calling', async () => {
    await expect(client().dailyReadiness('2025-7-5', '2025-07-05')).rejects.toThrow(/YYYY-MM-DD.*"2025-7-5"/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('OuraClient authentication', () => {
  it('refreshes once on 401, persists the rotated tokens and retries', async () => {
    server.validAccessTokens.delete('access-0'); // expired server-side
    server.data.daily_readiness.push(readinessItem('2025-07-05'));
    const items = await client().dailyReadiness('2025-07-05', '2025-07-05');
    expect(items).toHaveLength(1);

    const refresh = server.requests.find((r) => r.path === '/oauth/token')!;
    expect(refresh.form).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-0', client_id: server.clientId });
    const saved = await store.load('ana', 'oura');
    expect(saved).toMatchObject({ accessToken: 'oura-access-1', refreshToken: 'oura-refresh-1' });
    expect(Date.parse(saved!.expiresAt!)).toBeGreaterThan(Date.now());
    expect(server.collectionRequests().at(-1)!.authorization).toBe('Bearer oura-access-1');
    // the old refresh token was spent: only the persisted one works from now on
    expect(server.validRefreshTokens.has('refresh-0')).toBe(false);
  });

  it('asks to reconnect (non-retryable) when the refreshed token is refused too', async () => {
    server.script('/v2/usercollection/', { status: 401 }, { status: 401 });
    const e = await caught(client().dailyReadiness('2025-07-05', '2025-07-05'));
    expect(e).toBeInstanceOf(ReconnectRequiredError);
    expect(e.retryable).toBe(false);
    expect(e.type).toBe('ReconnectRequired');
    expect(e.message).toContain('reconnect Oura: run `lanterne connect oura`');
    expect(server.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(1);
  });

  it('asks to reconnect when the refresh token is refused', async () => {
    server.validAccessTokens.delete('access-0');
    server.validRefreshTokens.delete('refresh-0');
    const e = await caught(client().dailyReadiness('2025-07-05', '2025-07-05'));
    expect(e).toBeInstanceOf(ReconnectRequiredError);
    expect(e.message).toContain('invalid or was used');
    expect(e.message).not.toContain('refresh-0');
  });

  it('says the athlete is not connected when no tokens are stored', async () => {
    const empty = new InMemoryTokenStore();
    const p = new RefreshingAccessToken({ provider: 'oura', athlete: 'bob', store: empty, tokenUrl: server.tokenUrl, clientId: 'x', clientSecret: 'y' });
    const e = await caught(client(p).dailyReadiness('2025-07-05', '2025-07-05'));
    expect(e.type).toBe('NotConnected');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('lanterne connect oura');
  });

  it('names the missing client id instead of calling the token endpoint', async () => {
    server.validAccessTokens.delete('access-0');
    const p = new RefreshingAccessToken({ provider: 'oura', athlete: 'ana', store, tokenUrl: server.tokenUrl, clientId: undefined, clientSecret: 's' });
    const e = await caught(client(p).dailyReadiness('2025-07-05', '2025-07-05'));
    expect(e.type).toBe('ObservationConfig');
    expect(e.message).toContain('OURA_CLIENT_ID');
  });

  it('accepts a legacy personal access token, which cannot be refreshed', async () => {
    server.validAccessTokens.add('my-pat');
    server.data.daily_readiness.push(readinessItem('2025-07-05'));
    const pat = ouraAccessToken({ athlete: 'ana', store, env: { OURA_PERSONAL_ACCESS_TOKEN: 'my-pat' } });
    expect(pat).toBeInstanceOf(PersonalAccessToken);
    expect(await client(pat).dailyReadiness('2025-07-05', '2025-07-05')).toHaveLength(1);
    server.validAccessTokens.delete('my-pat');
    const e = await caught(client(pat).dailyReadiness('2025-07-05', '2025-07-05'));
    expect(e).toBeInstanceOf(ReconnectRequiredError);
  });

  it('reports 403 as non-retryable with Oura\'s reason', async () => {
    server.script('/v2/usercollection/', { status: 403, body: JSON.stringify({ detail: 'Subscription expired' }) });
    const e = await caught(client().dailyReadiness('2025-07-05', '2025-07-05'));
    expect(e).toBeInstanceOf(ForbiddenError);
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('Subscription expired');
  });
});

describe('OuraClient transport failures', () => {
  it('waits out a short 429 Retry-After and then succeeds', async () => {
    server.script('/v2/usercollection/', { status: 429, headers: { 'retry-after': '3', 'x-ratelimit-tier': 'token' } });
    server.data.daily_readiness.push(readinessItem('2025-07-05'));
    expect(await client().dailyReadiness('2025-07-05', '2025-07-05')).toHaveLength(1);
    expect(sleeps).toEqual([3000]);
  });

  it('throws a retryable rate-limit error carrying the delay when Retry-After is beyond the cap', async () => {
    server.script('/v2/usercollection/', { status: 429, headers: { 'retry-after': '600' } });
    const e = (await caught(client().dailyReadiness('2025-07-05', '2025-07-05'))) as RateLimitError;
    expect(e).toBeInstanceOf(RateLimitError);
    expect(e.retryable).toBe(true);
    expect(e.retryAfterMs).toBe(600_000);
    expect(sleeps).toEqual([]);
  });

  it('retries 5xx with growing backoff and succeeds', async () => {
    server.script('/v2/usercollection/', { status: 503 }, { status: 502 });
    server.data.daily_readiness.push(readinessItem('2025-07-05'));
    expect(await client().dailyReadiness('2025-07-05', '2025-07-05')).toHaveLength(1);
    expect(sleeps).toEqual([10, 20]);
  });

  it('gives up after the bounded retries with a retryable error', async () => {
    server.script('/v2/usercollection/', { status: 500 }, { status: 500 }, { status: 500 });
    const e = await caught(client().dailyReadiness('2025-07-05', '2025-07-05'));
    expect(e).toBeInstanceOf(UpstreamUnavailableError);
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('HTTP 500 after 3 attempts');
  });

  it('times out a request that never answers, and retries it', async () => {
    server.script('/v2/usercollection/', { status: 0, hang: true });
    server.data.daily_readiness.push(readinessItem('2025-07-05'));
    expect(await client().dailyReadiness('2025-07-05', '2025-07-05')).toHaveLength(1);
    expect(sleeps).toEqual([10]);

    server.script('/v2/usercollection/', { status: 0, hang: true }, { status: 0, hang: true }, { status: 0, hang: true });
    const e = await caught(client().dailyReadiness('2025-07-05', '2025-07-05'));
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e.retryable).toBe(true);
  });

  it('reports a body that is not JSON clearly instead of crashing', async () => {
    server.script('/v2/usercollection/', { status: 200, body: '<html>Bad gateway' });
    const e = await caught(client().dailyReadiness('2025-07-05', '2025-07-05'));
    expect(e).toBeInstanceOf(MalformedResponseError);
    expect(e.message).toContain('not JSON');
    expect(e.message).toContain('<html>Bad gateway');
  });

  it('reports JSON in the wrong shape as non-retryable', async () => {
    server.script('/v2/usercollection/', { status: 200, body: '{"items": []}' });
    const e = await caught(client().dailyReadiness('2025-07-05', '2025-07-05'));
    expect(e).toBeInstanceOf(UnexpectedResponseError);
    expect(e.retryable).toBe(false);
  });
});

describe('ouraConfigFromEnv', () => {
  it('defaults to the public Oura endpoints and reads overrides', () => {
    expect(ouraConfigFromEnv({})).toMatchObject({
      baseUrl: 'https://api.ouraring.com',
      authorizeUrl: 'https://cloud.ouraring.com/oauth/authorize',
      tokenUrl: 'https://api.ouraring.com/oauth/token',
      clientId: undefined,
    });
    expect(ouraConfigFromEnv({ OURA_BASE_URL: 'http://127.0.0.1:9', OURA_TOKEN_URL: 'http://t/x', OURA_CLIENT_ID: 'id' })).toMatchObject({
      baseUrl: 'http://127.0.0.1:9',
      tokenUrl: 'http://t/x',
      clientId: 'id',
    });
  });
});
