import { type FakeStravaServer, startFakeStravaServer, summaryActivity } from '../../support/fake-strava-server';
import { StravaClient, stravaConfigFromEnv, type StravaRateLimiter, stravaAccessToken } from '../../../src/observation/strava-client';
import { InMemoryTokenStore } from '../../../src/secrets/in-memory-token-store';
import { RateLimitError, ReconnectRequiredError } from '../../../src/observation/errors';
import { rideFromStrava } from '../../../src/observation/normalisers';
import { caught } from './caught';

let server: FakeStravaServer;
let store: InMemoryTokenStore;
let nowMs: number;

const epoch = (text: string) => Date.parse(text) / 1000;
const iso = (ms: number) => new Date(ms).toISOString();

beforeEach(async () => {
  server = await startFakeStravaServer();
  server.validAccessTokens.add('access-0');
  server.validRefreshTokens.add('refresh-0');
  store = new InMemoryTokenStore();
  nowMs = Date.parse('2025-07-05T10:07:00Z');
  await store.save('ana', 'strava', { accessToken: 'access-0', refreshToken: 'refresh-0', expiresAt: iso(nowMs + 3600_000), scope: null });
});

afterEach(() => server.close());

const env = () => ({
  STRAVA_BASE_URL: server.url,
  STRAVA_TOKEN_URL: server.tokenUrl,
  STRAVA_CLIENT_ID: server.clientId,
  STRAVA_CLIENT_SECRET: server.clientSecret,
});
const transport = () => ({ sleep: async () => {}, backoffMs: 1, timeoutMs: 500, now: () => nowMs });

function client(opts: { perPage?: number; limiter?: StravaRateLimiter } = {}): StravaClient {
  const e = env();
  return new StravaClient({
    baseUrl: e.STRAVA_BASE_URL,
    tokens: stravaAccessToken({ athlete: 'ana', store, env: e, transport: transport() }),
    transport: transport(),
    ...opts,
  });
}

describe('StravaClient listing activities', () => {
  it('returns the activities in (after, before), oldest first, in one page of 200', async () => {
    server.activities.push(
      summaryActivity(1, '2025-07-01T09:00:00'),
      summaryActivity(2, '2025-07-03T18:30:00'),
      summaryActivity(3, '2025-07-02T07:00:00'),
      summaryActivity(4, '2025-07-06T07:00:00'), // after `before`
    );
    const list = await client().listActivities({ after: epoch('2025-07-01T00:00:00Z'), before: epoch('2025-07-05T00:00:00Z') });
    expect(list.map((a) => a.id)).toEqual([1, 3, 2]);
    const reqs = server.activityRequests();
    expect(reqs).toHaveLength(1);
    expect(reqs[0].query).toMatchObject({ page: '1', per_page: '200', after: String(epoch('2025-07-01T00:00:00Z')) });
    expect(reqs[0].authorization).toBe('Bearer access-0');
  });

  it('pages until a short page', async () => {
    for (let i = 1; i <= 5; i++) server.activities.push(summaryActivity(i, `2025-07-0${i}T08:00:00`));
    const list = await client({ perPage: 2 }).listActivities({ after: 0, before: epoch('2025-08-01T00:00:00Z') });
    expect(list.map((a) => a.id)).toEqual([1, 2, 3, 4, 5]);
    expect(server.activityRequests().map((r) => r.query.page)).toEqual(['1', '2', '3']);
  });

  it('asks for one more (empty) page when the last page is exactly full', async () => {
    for (let i = 1; i <= 4; i++) server.activities.push(summaryActivity(i, `2025-07-0${i}T08:00:00`));
    const list = await client({ perPage: 2 }).listActivities({ after: 0, before: epoch('2025-08-01T00:00:00Z') });
    expect(list).toHaveLength(4);
    expect(server.activityRequests()).toHaveLength(3);
  });

  it('tolerates activities without the optional power and heart-rate fields', async () => {
    const bare = summaryActivity(9, '2025-07-02T08:00:00', { sport_type: 'VirtualRide', device_watts: false, has_heartrate: false });
    for (const k of ['average_watts', 'weighted_average_watts', 'kilojoules', 'average_heartrate', 'max_heartrate', 'suffer_score']) {
      delete bare[k];
    }
    server.activities.push(bare);
    const [a] = await client().listActivities({ after: 0, before: epoch('2025-08-01T00:00:00Z') });
    expect(rideFromStrava(a, 'strava')).toEqual({
      source: 'strava',
      date: '2025-07-02',
      name: 'Ride 9',
      sportType: 'VirtualRide',
      movingTimeS: 3600,
      distanceM: 30000.5,
      elevationGainM: 350,
      averageWatts: null,
      weightedAverageWatts: null,
      devicePower: false,
      averageHeartrate: null,
      maxHeartrate: null,
    });
  });
});

describe('StravaClient tokens', () => {
  it('refreshes an expired token before calling and persists the rotated refresh token, so a restart keeps access', async () => {
    await store.save('ana', 'strava', { accessToken: 'access-0', refreshToken: 'refresh-0', expiresAt: iso(nowMs - 10_000), scope: null });
    server.activities.push(summaryActivity(1, '2025-07-01T09:00:00'));
    await client().listActivities({ after: 0, before: epoch('2025-08-01T00:00:00Z') });

    const refresh = server.requests.find((r) => r.path === '/oauth/token')!;
    expect(refresh.form).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-0',
      client_id: server.clientId,
      client_secret: server.clientSecret,
    });
    expect(await store.load('ana', 'strava')).toMatchObject({ accessToken: 'strava-access-1', refreshToken: 'strava-refresh-1' });
    expect(server.validRefreshTokens.has('refresh-0')).toBe(false);

    // "restart": a new client from the same store, with the access token expired again
    const saved = (await store.load('ana', 'strava'))!;
    await store.save('ana', 'strava', { ...saved, expiresAt: iso(nowMs - 10_000) });
    const list = await client().listActivities({ after: 0, before: epoch('2025-08-01T00:00:00Z') });
    expect(list).toHaveLength(1);
    expect((await store.load('ana', 'strava'))!.refreshToken).toBe('strava-refresh-2');
  });

  it('shares one refresh between concurrent calls (a rotated refresh token works once)', async () => {
    await store.save('ana', 'strava', { accessToken: 'access-0', refreshToken: 'refresh-0', expiresAt: iso(nowMs - 10_000), scope: null });
    const c = client();
    const range = { after: 0, before: epoch('2025-08-01T00:00:00Z') };
    await Promise.all([c.listActivities(range), c.listActivities(range)]);
    expect(server.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(1);
  });

  it('refreshes once on 401 and retries; a second 401 asks to reconnect', async () => {
    server.validAccessTokens.delete('access-0');
    expect(await client().listActivities({ after: 0, before: 1e10 })).toEqual([]);
    expect(server.activityRequests().map((r) => r.authorization)).toEqual(['Bearer access-0', 'Bearer strava-access-1']);

    server.script('/api/v3/athlete/activities', { status: 401 }, { status: 401 });
    const e = await caught(client().listActivities({ after: 0, before: 1e10 }));
    expect(e).toBeInstanceOf(ReconnectRequiredError);
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('reconnect Strava: run `lanterne connect strava`');
  });

  it('names the missing STRAVA_CLIENT_SECRET when a refresh is needed', async () => {
    await store.save('ana', 'strava', { accessToken: 'access-0', refreshToken: 'refresh-0', expiresAt: iso(nowMs - 10_000), scope: null });
    const c = new StravaClient({
      baseUrl: server.url,
      tokens: stravaAccessToken({ athlete: 'ana', store, env: { ...env(), STRAVA_CLIENT_SECRET: '' }, transport: transport() }),
      transport: transport(),
    });
    const e = await caught(c.listActivities({ after: 0, before: 1e10 }));
    expect(e.type).toBe('ObservationConfig');
    expect(e.message).toContain('STRAVA_CLIENT_SECRET');
  });
});

describe('StravaClient rate limits', () => {
  it('refuses to call once the 15-minute read window is used up, until it resets', async () => {
    server.readRateLimit.usage = [99, 500];
    const c = client();
    await c.listActivities({ after: 0, before: 1e10 }); // usage becomes 100/100
    const e = (await caught(c.listActivities({ after: 0, before: 1e10 }))) as RateLimitError;
    expect(e).toBeInstanceOf(RateLimitError);
    expect(e.retryable).toBe(true);
    expect(e.resetsAt).toBe('2025-07-05T10:15:00.000Z');
    expect(e.retryAfterMs).toBe(8 * 60_000);
    expect(e.message).toContain('15-minute read limit used up (100/100)');
    expect(server.activityRequests()).toHaveLength(1); // the refused call never left

    nowMs = Date.parse('2025-07-05T10:15:01Z'); // next window
    server.readRateLimit.usage = [0, 501];
    await expect(c.listActivities({ after: 0, before: 1e10 })).resolves.toEqual([]);
  });

  it('refuses until midnight UTC when the daily window is used up', async () => {
    server.rateLimit.usage = [10, 1999];
    const c = client();
    await c.listActivities({ after: 0, before: 1e10 });
    const e = (await caught(c.listActivities({ after: 0, before: 1e10 }))) as RateLimitError;
    expect(e.resetsAt).toBe('2025-07-06T00:00:00.000Z');
    expect(e.message).toContain('daily limit used up (2000/2000)');
  });

  it('turns a 429 into a retryable error that says when the window resets', async () => {
    server.readRateLimit.usage = [100, 600];
    server.script('/api/v3/athlete/activities', { status: 429, body: '{"message":"Rate Limit Exceeded"}' });
    const e = (await caught(client().listActivities({ after: 0, before: 1e10 }))) as RateLimitError;
    expect(e).toBeInstanceOf(RateLimitError);
    expect(e.resetsAt).toBe('2025-07-05T10:15:00.000Z');
  });
});

describe('stravaConfigFromEnv', () => {
  it('defaults to the public Strava endpoints', () => {
    expect(stravaConfigFromEnv({})).toMatchObject({
      baseUrl: 'https://www.strava.com/api/v3',
      tokenUrl: 'https://www.strava.com/oauth/token',
      clientId: undefined,
      clientSecret: undefined,
    });
  });
});
