/**
 * A local stand-in for the Oura API v2 and its OAuth2 server (node:http on 127.0.0.1, port 0).
 * It answers in the documented shapes and reproduces the documented date-boundary trap: a
 * date-only `end_date` is read as midnight (so that day is excluded) and `/sleep` treats
 * `start_date` as exclusive. Tests can script the next answers of a path (401, 429, 5xx, a hang,
 * a body that is not JSON) and read every request received.
 *
 * It also speaks Oura's webhook protocol (docs/webhook-protocols.md): `/v2/webhook/subscription`
 * with the app's `x-client-id`/`x-client-secret` (list, create, renew, delete), where a create first
 * performs the GET handshake against the callback (`verification_token`, `challenge`, answer
 * `{"challenge": …}`), and `deliver()` POSTs an event to every matching subscription, signed with
 * `x-oura-signature` = HMAC-SHA256(client secret, `x-oura-timestamp` + body) in upper-case hex,
 * retrying up to 10 times while the answer is not 2xx, as Oura documents.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyFaults, noFaults, pausableListener, type HttpFaults } from './http-faults';

export type OuraCollectionName = 'daily_readiness' | 'daily_sleep' | 'sleep' | 'daily_activity';

export interface ScriptedReply {
  status: number;
  headers?: Record<string, string>;
  /** Raw body text (default `{}`). */
  body?: string;
  /** Never answer (to exercise client timeouts). */
  hang?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  form: Record<string, string>;
}

export interface OuraWebhookSubscription {
  id: string;
  callback_url: string;
  event_type: string;
  data_type: string;
  expiration_time: string;
}

export interface OuraWebhookEvent {
  event_type: string;
  data_type: string;
  object_id: string;
  event_time: string;
  user_id: string;
}

export interface FakeOuraServer {
  /** Base URL to give the client (`OURA_BASE_URL`). */
  url: string;
  /** The Oura user id of the connected account (`personal_info.id`, webhook `user_id`). */
  userId: string;
  subscriptions: OuraWebhookSubscription[];
  /** Every handshake the fake made against a callback, with the status it got. */
  handshakes: { callbackUrl: string; status: number }[];
  /** How long a new or renewed subscription lives (Oura does not document it; tests choose). */
  subscriptionLifetimeMs: number;
  /**
   * Delivers an event as Oura does to every subscription for its data and event type: signed,
   * retried while the answer is not 2xx (at most 1 + 10 attempts). Returns each attempt's status.
   */
  deliver(event: OuraWebhookEvent, opts?: { secret?: string; maxRetries?: number }): Promise<number[]>;
  tokenUrl: string;
  authorizeUrl: string;
  data: Record<OuraCollectionName, Record<string, unknown>[]>;
  pageSize: number;
  clientId: string;
  clientSecret: string;
  validAccessTokens: Set<string>;
  validRefreshTokens: Set<string>;
  /** Prefix of the tokens the fake issues (a canary trial sets one it can search for). */
  issuedTokenPrefix: string;
  requests: RecordedRequest[];
  /** Answer the next requests whose path starts with `pathPrefix` with these replies, in order. */
  script(pathPrefix: string, ...replies: ScriptedReply[]): void;
  /** Requests to a collection path. */
  collectionRequests(collection?: OuraCollectionName): RecordedRequest[];
  /** When set, the authorize endpoint redirects back with `error=access_denied`. */
  denyConsent: boolean;
  /** Standing faults and latency (tests/support/http-faults.ts); requests are recorded first. */
  faults: HttpFaults;
  /** Stop listening (clients get "connection refused") / listen again on the same port, state kept. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeOuraServer(): Promise<FakeOuraServer> {
  const scripts: { prefix: string; reply: ScriptedReply }[] = [];
  const hanging = new Set<ServerResponse>();
  const codes = new Map<string, string>(); // code → redirect_uri
  let issued = 0;

  const issueTokens = () => {
    issued += 1;
    const access = `${state.issuedTokenPrefix}oura-access-${issued}`;
    const refresh = `${state.issuedTokenPrefix}oura-refresh-${issued}`;
    state.validAccessTokens.add(access);
    state.validRefreshTokens.add(refresh);
    return { token_type: 'bearer', access_token: access, refresh_token: refresh, expires_in: 86400 };
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
    if (await applyFaults(state.faults, req, res, hanging)) return;

    const i = scripts.findIndex((s) => u.pathname.startsWith(s.prefix));
    if (i >= 0) {
      const { reply } = scripts.splice(i, 1)[0];
      if (reply.hang) {
        hanging.add(res);
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body ?? '{}');
      return;
    }

    if (u.pathname === '/oauth/authorize' && req.method === 'GET') {
      const redirect = u.searchParams.get('redirect_uri') ?? '';
      const target = new URL(redirect);
      if (u.searchParams.get('client_id') !== state.clientId || u.searchParams.get('response_type') !== 'code') {
        return json(res, 400, { detail: 'invalid client_id or response_type' });
      }
      if (state.denyConsent) {
        target.searchParams.set('error', 'access_denied');
      } else {
        const code = `oura-code-${codes.size + 1}`;
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
        return json(res, 401, { error: 'invalid_client' });
      }
      if (form.grant_type === 'refresh_token') {
        if (!state.validRefreshTokens.has(form.refresh_token)) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'refresh token is invalid or was used' });
        }
        state.validRefreshTokens.delete(form.refresh_token); // single use: rotated
        return json(res, 200, issueTokens());
      }
      if (form.grant_type === 'authorization_code') {
        const redirect = codes.get(form.code);
        if (!redirect || redirect !== form.redirect_uri) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'unknown code or redirect_uri mismatch' });
        }
        codes.delete(form.code);
        return json(res, 200, issueTokens());
      }
      return json(res, 400, { error: 'unsupported_grant_type' });
    }

    if (u.pathname === '/v2/usercollection/personal_info' && req.method === 'GET') {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!state.validAccessTokens.has(token)) return json(res, 401, { detail: 'Unauthorized: token invalid, expired or revoked' });
      return json(res, 200, { id: state.userId, age: 34, weight: 64.5, height: 1.71, biological_sex: 'female', email: 'rider@lanterne.test' });
    }

    if (u.pathname.startsWith('/v2/webhook/subscription')) return webhookSubscriptionRoute(req, res, u, bodyText);

    const m = /^\/v2\/usercollection\/(daily_readiness|daily_sleep|sleep|daily_activity)$/.exec(u.pathname);
    if (m && req.method === 'GET') {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!state.validAccessTokens.has(token)) {
        return json(res, 401, { detail: 'Unauthorized: token invalid, expired or revoked' });
      }
      const collection = m[1] as OuraCollectionName;
      const start = u.searchParams.get('start_date');
      const end = u.searchParams.get('end_date');
      if (!start || !end) return json(res, 400, { detail: 'start_date and end_date are required' });
      const items = state.data[collection].filter((item) => {
        const day = String(item.day);
        // the documented trap: date-only end_date = midnight (exclusive); /sleep start exclusive
        const afterStart = collection === 'sleep' ? day > start : day >= start;
        const beforeEnd = end.length === 10 ? day < end : day <= end.slice(0, 10);
        return afterStart && beforeEnd;
      });
      const offset = Number(u.searchParams.get('next_token') ?? '0');
      const page = items.slice(offset, offset + state.pageSize);
      const next = offset + state.pageSize < items.length ? String(offset + state.pageSize) : null;
      return json(res, 200, { data: page, next_token: next });
    }

    json(res, 404, { detail: `no route ${req.method} ${u.pathname}` });
  };

  const lifetime = () => new Date(Date.now() + state.subscriptionLifetimeMs).toISOString();

  const webhookSubscriptionRoute = async (req: IncomingMessage, res: ServerResponse, u: URL, bodyText: string): Promise<void> => {
    if (req.headers['x-client-id'] !== state.clientId || req.headers['x-client-secret'] !== state.clientSecret) {
      return json(res, 401, { detail: 'Invalid client credentials' });
    }
    const renew = /^\/v2\/webhook\/subscription\/renew\/([^/]+)$/.exec(u.pathname);
    const one = /^\/v2\/webhook\/subscription\/([^/]+)$/.exec(u.pathname);
    if (u.pathname === '/v2/webhook/subscription' && req.method === 'GET') return json(res, 200, state.subscriptions);
    if (u.pathname === '/v2/webhook/subscription' && req.method === 'POST') {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(bodyText) as Record<string, unknown>;
      } catch {
        return json(res, 422, { detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] });
      }
      const missing = ['callback_url', 'verification_token', 'event_type', 'data_type'].filter((f) => typeof body[f] !== 'string');
      if (missing.length) return json(res, 422, { detail: missing.map((f) => ({ loc: ['body', f], msg: 'Field required', type: 'missing' })) });
      if (!['create', 'update', 'delete'].includes(body.event_type as string)) {
        return json(res, 422, { detail: [{ loc: ['body', 'event_type'], msg: "Input should be 'create', 'update' or 'delete'", type: 'enum' }] });
      }
      // The handshake: Oura calls the callback before it creates the subscription.
      const challenge = randomBytes(8).toString('hex');
      const check = new URL(body.callback_url as string);
      check.searchParams.set('verification_token', body.verification_token as string);
      check.searchParams.set('challenge', challenge);
      const answer = await fetch(check).then(
        async (r) => ({ status: r.status, body: (await r.json().catch(() => null)) as Record<string, unknown> | null }),
        () => ({ status: 0, body: null }),
      );
      state.handshakes.push({ callbackUrl: body.callback_url as string, status: answer.status });
      if (answer.status !== 200 || answer.body?.challenge !== challenge) {
        return json(res, 400, { detail: `Verification of callback URL failed (HTTP ${answer.status})` });
      }
      const sub: OuraWebhookSubscription = {
        id: randomUUID(),
        callback_url: body.callback_url as string,
        event_type: body.event_type as string,
        data_type: body.data_type as string,
        expiration_time: lifetime(),
      };
      state.subscriptions.push(sub);
      return json(res, 201, sub);
    }
    if (renew && req.method === 'PUT') {
      const sub = state.subscriptions.find((s) => s.id === renew[1]);
      if (!sub) return json(res, 403, { detail: 'Webhook with specified id does not exist.' });
      sub.expiration_time = lifetime();
      return json(res, 200, sub);
    }
    if (one && (req.method === 'GET' || req.method === 'DELETE')) {
      const i = state.subscriptions.findIndex((s) => s.id === one[1]);
      if (i < 0) return json(res, 403, { detail: 'Webhook with specified id does not exist.' });
      if (req.method === 'GET') return json(res, 200, state.subscriptions[i]);
      state.subscriptions.splice(i, 1);
      res.writeHead(204);
      res.end();
      return;
    }
    json(res, 405, { detail: 'Method Not Allowed' });
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

  const state: FakeOuraServer = {
    url: base,
    userId: 'oura-user-6f1c',
    subscriptions: [],
    handshakes: [],
    subscriptionLifetimeMs: 30 * 24 * 3600_000,
    async deliver(event, opts = {}) {
      const statuses: number[] = [];
      for (const sub of state.subscriptions.filter((s) => s.data_type === event.data_type && s.event_type === event.event_type)) {
        for (let attempt = 0; attempt <= (opts.maxRetries ?? 10); attempt++) {
          const status = await postOuraEvent(sub.callback_url, event, { secret: opts.secret ?? state.clientSecret });
          statuses.push(status);
          if (status >= 200 && status < 300) break;
        }
      }
      return statuses;
    },
    tokenUrl: `${base}/oauth/token`,
    authorizeUrl: `${base}/oauth/authorize`,
    data: { daily_readiness: [], daily_sleep: [], sleep: [], daily_activity: [] },
    pageSize: 50,
    clientId: 'oura-client-id',
    clientSecret: 'oura-client-secret',
    validAccessTokens: new Set(),
    validRefreshTokens: new Set(),
    issuedTokenPrefix: '',
    requests: [],
    denyConsent: false,
    faults: noFaults(),
    pause: () => listener.pause(),
    resume: () => listener.resume(),
    script(prefix, ...replies) {
      for (const reply of replies) scripts.push({ prefix, reply });
    },
    collectionRequests(collection) {
      return state.requests.filter((r) =>
        collection ? r.path === `/v2/usercollection/${collection}` : r.path.startsWith('/v2/usercollection/'),
      );
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

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
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

// ---------------------------------------------------------------- documented-shape builders

export function readinessItem(day: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `readiness-${day}`,
    day,
    timestamp: `${day}T04:00:00+02:00`,
    score: 82,
    temperature_deviation: -0.1,
    temperature_trend_deviation: 0.05,
    contributors: {
      activity_balance: 80,
      body_temperature: 98,
      hrv_balance: 75,
      previous_day_activity: 85,
      previous_night: 78,
      recovery_index: 90,
      resting_heart_rate: 88,
      sleep_balance: 81,
      sleep_regularity: 77,
    },
    ...over,
  };
}

export function dailySleepItem(day: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `daily-sleep-${day}`,
    day,
    timestamp: `${day}T00:00:00+02:00`,
    score: 79,
    contributors: { deep_sleep: 80, efficiency: 88, latency: 70, rem_sleep: 75, restfulness: 66, timing: 90, total_sleep: 78 },
    ...over,
  };
}

export function sleepPeriodItem(day: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `sleep-${day}-${String(over.type ?? 'long_sleep')}`,
    day,
    bedtime_start: `${day}T00:10:00+02:00`,
    bedtime_end: `${day}T07:40:00+02:00`,
    period: 0,
    low_battery_alert: false,
    time_in_bed: 27000,
    type: 'long_sleep',
    average_hrv: 62,
    average_heart_rate: 52.4,
    lowest_heart_rate: 46,
    total_sleep_duration: 25200,
    efficiency: 93,
    ...over,
  };
}

// ---------------------------------------------------------------- webhook deliveries

/** Oura's signature: upper-case hex HMAC-SHA256(client secret, timestamp + body). */
export function signOuraDelivery(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(timestamp + body).digest('hex').toUpperCase();
}

/**
 * One delivery as Oura makes it (POST, JSON, `x-oura-timestamp` in epoch seconds and
 * `x-oura-signature`); tests use it directly for forged or malformed deliveries. Returns the status.
 */
export async function postOuraEvent(
  callbackUrl: string,
  event: unknown,
  o: { secret: string; timestamp?: string; body?: string; signature?: string | null },
): Promise<number> {
  const body = o.body ?? JSON.stringify(event);
  const timestamp = o.timestamp ?? String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-oura-timestamp': timestamp };
  const signature = o.signature === undefined ? signOuraDelivery(o.secret, timestamp, body) : o.signature;
  if (signature !== null) headers['x-oura-signature'] = signature;
  const res = await fetch(callbackUrl, { method: 'POST', headers, body });
  await res.arrayBuffer();
  return res.status;
}
