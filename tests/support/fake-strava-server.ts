/**
 * A local stand-in for the Strava API v3 (`/api/v3/athlete/activities`) and its OAuth2 server
 * (`/oauth/authorize`, `/oauth/token`), on 127.0.0.1 port 0. Refresh tokens rotate and are single
 * use, as Strava documents. Every answer carries the `X-RateLimit-*` and `X-ReadRateLimit-*`
 * headers; tests set the limits and current usage. Tests can script the next answers of a path.
 *
 * It also speaks Strava's webhook protocol (docs/webhook-protocols.md): `/api/v3/push_subscriptions`
 * with the app's client id and secret (one subscription per app; create is form data and first
 * performs the GET handshake `hub.mode`/`hub.challenge`/`hub.verify_token` → `{"hub.challenge": …}`;
 * view and delete take the credentials in the query), and `pushEvent()` POSTs an event to the
 * subscription's callback, up to three attempts in all while the answer is not 200. Events carry
 * no signature, as on Strava.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyFaults, noFaults, pausableListener, type HttpFaults } from './http-faults';

export interface ScriptedReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  hang?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  form: Record<string, string>;
}

export interface StravaPushSubscriptionRecord {
  id: number;
  resource_state: number;
  application_id: number;
  callback_url: string;
  created_at: string;
  updated_at: string;
}

export interface StravaWebhookEvent {
  object_type: 'activity' | 'athlete';
  object_id: number;
  aspect_type: 'create' | 'update' | 'delete';
  owner_id: number;
  subscription_id: number;
  event_time: number;
  updates: Record<string, string>;
}

export interface FakeStravaServer {
  /** Base URL for the client (`STRAVA_BASE_URL`), ending in /api/v3. */
  url: string;
  /** The connected athlete's Strava id (`/athlete` id, webhook `owner_id`). */
  athleteId: number;
  /** The app's push subscription (Strava allows one). */
  subscription: StravaPushSubscriptionRecord | null;
  handshakes: { callbackUrl: string; status: number }[];
  /**
   * Pushes an event to the subscription's callback as Strava does (`subscription_id` filled in
   * unless given): at most three attempts while the answer is not 200. Returns each attempt's status.
   */
  pushEvent(event: Omit<StravaWebhookEvent, 'subscription_id'> & { subscription_id?: number }): Promise<number[]>;
  tokenUrl: string;
  authorizeUrl: string;
  activities: Record<string, unknown>[];
  clientId: string;
  clientSecret: string;
  validAccessTokens: Set<string>;
  validRefreshTokens: Set<string>;
  /** Prefix of the tokens the fake issues (a canary trial sets one it can search for). */
  issuedTokenPrefix: string;
  /** [15-minute, daily] limits and usage; usage goes up by one per API request. */
  rateLimit: { limit: [number, number]; usage: [number, number] };
  readRateLimit: { limit: [number, number]; usage: [number, number] };
  requests: RecordedRequest[];
  script(pathPrefix: string, ...replies: ScriptedReply[]): void;
  activityRequests(): RecordedRequest[];
  denyConsent: boolean;
  /** Standing faults and latency (tests/support/http-faults.ts); requests are recorded first. */
  faults: HttpFaults;
  /** Stop listening (clients get "connection refused") / listen again on the same port, state kept. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeStravaServer(): Promise<FakeStravaServer> {
  const scripts: { prefix: string; reply: ScriptedReply }[] = [];
  const hanging = new Set<ServerResponse>();
  const codes = new Map<string, string>();
  let issued = 0;

  const limitHeaders = (): Record<string, string> => ({
    'x-ratelimit-limit': state.rateLimit.limit.join(','),
    'x-ratelimit-usage': state.rateLimit.usage.join(','),
    'x-readratelimit-limit': state.readRateLimit.limit.join(','),
    'x-readratelimit-usage': state.readRateLimit.usage.join(','),
  });

  const issueTokens = () => {
    issued += 1;
    const access = `${state.issuedTokenPrefix}strava-access-${issued}`;
    const refresh = `${state.issuedTokenPrefix}strava-refresh-${issued}`;
    state.validAccessTokens.add(access);
    state.validRefreshTokens.add(refresh);
    return {
      token_type: 'Bearer',
      access_token: access,
      refresh_token: refresh,
      expires_at: Math.floor(Date.now() / 1000) + 21600,
      expires_in: 21600,
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const bodyText = await readBody(req);
    const form = Object.fromEntries(new URLSearchParams(bodyText));
    state.requests.push({
      method: req.method ?? 'GET',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      authorization: req.headers.authorization,
      form,
    });
    const isApi = u.pathname.startsWith('/api/v3/');
    if (isApi) {
      state.rateLimit.usage = [state.rateLimit.usage[0] + 1, state.rateLimit.usage[1] + 1];
      state.readRateLimit.usage = [state.readRateLimit.usage[0] + 1, state.readRateLimit.usage[1] + 1];
    }
    const headers = isApi ? limitHeaders() : {};
    if (await applyFaults(state.faults, req, res, hanging)) return;

    const i = scripts.findIndex((s) => u.pathname.startsWith(s.prefix));
    if (i >= 0) {
      const { reply } = scripts.splice(i, 1)[0];
      if (reply.hang) {
        hanging.add(res);
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', ...headers, ...reply.headers });
      res.end(reply.body ?? '{}');
      return;
    }

    if (u.pathname === '/oauth/authorize' && req.method === 'GET') {
      const redirect = u.searchParams.get('redirect_uri') ?? '';
      const target = new URL(redirect);
      if (u.searchParams.get('client_id') !== state.clientId || u.searchParams.get('response_type') !== 'code') {
        return json(res, 400, { message: 'Bad Request', errors: [{ field: 'client_id', code: 'invalid' }] });
      }
      if (state.denyConsent) {
        target.searchParams.set('error', 'access_denied');
      } else {
        const code = `strava-code-${codes.size + 1}`;
        codes.set(code, redirect);
        target.searchParams.set('code', code);
        target.searchParams.set('scope', u.searchParams.get('scope') ?? '');
      }
      target.searchParams.set('state', u.searchParams.get('state') ?? '');
      res.writeHead(302, { location: target.toString() });
      res.end();
      return;
    }

    if (u.pathname === '/oauth/token' && req.method === 'POST') {
      if (form.client_id !== state.clientId || form.client_secret !== state.clientSecret) {
        return json(res, 401, { message: 'Bad Request', errors: [{ resource: 'Application', field: 'client_id', code: 'invalid' }] });
      }
      if (form.grant_type === 'refresh_token') {
        if (!state.validRefreshTokens.has(form.refresh_token)) {
          return json(res, 400, { message: 'Bad Request', errors: [{ resource: 'RefreshToken', field: 'refresh_token', code: 'invalid' }] });
        }
        state.validRefreshTokens.delete(form.refresh_token);
        return json(res, 200, issueTokens());
      }
      if (form.grant_type === 'authorization_code') {
        const redirect = codes.get(form.code);
        if (!redirect) {
          return json(res, 400, { message: 'Bad Request', errors: [{ resource: 'AuthorizationCode', field: 'code', code: 'invalid' }] });
        }
        codes.delete(form.code);
        return json(res, 200, { ...issueTokens(), athlete: { id: 1234, firstname: 'Ana' } });
      }
      return json(res, 400, { message: 'Bad Request' });
    }

    if (u.pathname === '/api/v3/athlete' && req.method === 'GET') {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!state.validAccessTokens.has(token)) {
        return json(res, 401, { message: 'Authorization Error', errors: [{ resource: 'Athlete', field: 'access_token', code: 'invalid' }] }, headers);
      }
      return json(res, 200, { id: state.athleteId, resource_state: 2, firstname: 'Ana', lastname: 'Rider', city: 'Annecy' }, headers);
    }

    if (u.pathname.startsWith('/api/v3/push_subscriptions')) return pushSubscriptionRoute(req, res, u, form, headers);

    if (u.pathname === '/api/v3/athlete/activities' && req.method === 'GET') {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!state.validAccessTokens.has(token)) {
        return json(res, 401, { message: 'Authorization Error', errors: [{ resource: 'Athlete', field: 'access_token', code: 'invalid' }] }, headers);
      }
      const after = Number(u.searchParams.get('after') ?? '0');
      const before = Number(u.searchParams.get('before') ?? String(Number.MAX_SAFE_INTEGER));
      const page = Number(u.searchParams.get('page') ?? '1');
      const perPage = Number(u.searchParams.get('per_page') ?? '30');
      if (perPage > 200) return json(res, 400, { message: 'Bad Request', errors: [{ field: 'per_page', code: 'invalid' }] }, headers);
      const matching = state.activities
        .filter((a) => {
          const t = Date.parse(String(a.start_date)) / 1000;
          return t > after && t < before;
        })
        .sort((a, b) => String(b.start_date).localeCompare(String(a.start_date))); // newest first, as Strava
      return json(res, 200, matching.slice((page - 1) * perPage, page * perPage), headers);
    }

    const one = /^\/api\/v3\/activities\/(\d+)$/.exec(u.pathname);
    if (one && req.method === 'GET') {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!state.validAccessTokens.has(token)) {
        return json(res, 401, { message: 'Authorization Error', errors: [{ resource: 'Athlete', field: 'access_token', code: 'invalid' }] }, headers);
      }
      // DetailedActivity: the summary's fields and more (Strava answers 404 for an activity that is not the athlete's).
      const found = state.activities.find((a) => String(a.id) === one[1]);
      if (found) return json(res, 200, { ...found, resource_state: 3, description: null, calories: 612 }, headers);
      return json(res, 404, { message: 'Record Not Found', errors: [{ resource: 'Activity', field: 'id', code: 'not found' }] }, headers);
    }

    json(res, 404, { message: 'Record Not Found' }, headers);
  };

  let nextSubscriptionId = 120475;
  const appError = (res: ServerResponse, headers: Record<string, string>) =>
    json(res, 401, { message: 'Authorization Error', errors: [{ resource: 'Application', field: 'client_id', code: 'invalid' }] }, headers);

  const pushSubscriptionRoute = async (req: IncomingMessage, res: ServerResponse, u: URL, form: Record<string, string>, headers: Record<string, string>): Promise<void> => {
    const creds = req.method === 'POST' ? form : Object.fromEntries(u.searchParams);
    if (creds.client_id !== state.clientId || creds.client_secret !== state.clientSecret) return appError(res, headers);
    const one = /^\/api\/v3\/push_subscriptions\/(\d+)$/.exec(u.pathname);
    if (u.pathname === '/api/v3/push_subscriptions' && req.method === 'GET') return json(res, 200, state.subscription ? [state.subscription] : [], headers);
    if (u.pathname === '/api/v3/push_subscriptions' && req.method === 'POST') {
      const bad = (field: string, code: string) => json(res, 400, { message: 'Bad Request', errors: [{ resource: 'PushSubscription', field, code }] }, headers);
      if (!form.callback_url) return bad('callback_url', 'missing');
      if (form.callback_url.length > 255) return bad('callback_url', 'too long');
      if (!form.verify_token) return bad('verify_token', 'missing');
      if (state.subscription) return bad('callback url', 'already exists');
      const challenge = randomBytes(8).toString('hex');
      const check = new URL(form.callback_url);
      check.searchParams.set('hub.mode', 'subscribe');
      check.searchParams.set('hub.challenge', challenge);
      check.searchParams.set('hub.verify_token', form.verify_token);
      const answer = await fetch(check).then(
        async (r) => ({ status: r.status, body: (await r.json().catch(() => null)) as Record<string, unknown> | null }),
        () => ({ status: 0, body: null }),
      );
      state.handshakes.push({ callbackUrl: form.callback_url, status: answer.status });
      if (answer.status !== 200 || answer.body?.['hub.challenge'] !== challenge) return bad('callback url', 'GET to callback URL does not return 200');
      const now = new Date().toISOString();
      state.subscription = { id: nextSubscriptionId++, resource_state: 2, application_id: Number(state.clientId.replace(/\D/g, '')) || 42, callback_url: form.callback_url, created_at: now, updated_at: now };
      return json(res, 201, state.subscription, headers);
    }
    if (one && req.method === 'DELETE') {
      if (!state.subscription || state.subscription.id !== Number(one[1])) return json(res, 404, { message: 'Resource Not Found', errors: [{ resource: 'PushSubscription', field: 'id', code: 'not found' }] }, headers);
      state.subscription = null;
      res.writeHead(204, headers);
      res.end();
      return;
    }
    json(res, 404, { message: 'Record Not Found' }, headers);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const listener = pausableListener(server, () => {
    for (const res of hanging) res.destroy();
  });

  const state: FakeStravaServer = {
    url: `${base}/api/v3`,
    athleteId: 1234,
    subscription: null,
    handshakes: [],
    async pushEvent(event) {
      const target = state.subscription;
      if (!target) throw new Error('the fake Strava app has no push subscription to push to');
      const body = JSON.stringify({ ...event, subscription_id: event.subscription_id ?? target.id });
      const statuses: number[] = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        const res = await fetch(target.callback_url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.arrayBuffer();
        statuses.push(res.status);
        if (res.status === 200) break;
      }
      return statuses;
    },
    tokenUrl: `${base}/oauth/token`,
    authorizeUrl: `${base}/oauth/authorize`,
    activities: [],
    clientId: 'strava-client-id',
    clientSecret: 'strava-client-secret',
    validAccessTokens: new Set(),
    validRefreshTokens: new Set(),
    issuedTokenPrefix: '',
    rateLimit: { limit: [200, 2000], usage: [0, 0] },
    readRateLimit: { limit: [100, 1000], usage: [0, 0] },
    requests: [],
    denyConsent: false,
    faults: noFaults(),
    pause: () => listener.pause(),
    resume: () => listener.resume(),
    script(prefix, ...replies) {
      for (const reply of replies) scripts.push({ prefix, reply });
    },
    activityRequests() {
      return state.requests.filter((r) => r.path === '/api/v3/athlete/activities');
    },
    close() {
      for (const res of hanging) res.destroy();
      if (listener.paused()) return Promise.resolve();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return state;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** A `SummaryActivity` in Strava's documented shape (a power-meter ride with heart rate). */
export function summaryActivity(id: number, startLocal: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  // the fake athlete lives at UTC+2: start_date = local − 2 h; start_date_local keeps the wall clock with a Z
  const utc = new Date(Date.parse(`${startLocal}Z`) - 2 * 3600_000).toISOString().replace('.000', '');
  return {
    id,
    name: `Ride ${id}`,
    sport_type: 'Ride',
    type: 'Ride',
    start_date: utc,
    start_date_local: `${startLocal}Z`,
    timezone: '(GMT+01:00) Europe/Paris',
    moving_time: 3600,
    elapsed_time: 3900,
    distance: 30000.5,
    total_elevation_gain: 350,
    average_watts: 190.2,
    weighted_average_watts: 205,
    kilojoules: 684.7,
    device_watts: true,
    trainer: false,
    has_heartrate: true,
    average_heartrate: 142.1,
    max_heartrate: 171,
    suffer_score: 48,
    ...over,
  };
}
