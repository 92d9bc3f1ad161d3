/**
 * A local stand-in for the Oura API v2 and its OAuth2 server (node:http on 127.0.0.1, port 0).
 * It answers in the documented shapes and reproduces the documented date-boundary trap: a
 * date-only `end_date` is read as midnight (so that day is excluded) and `/sleep` treats
 * `start_date` as exclusive. Tests can script the next answers of a path (401, 429, 5xx, a hang,
 * a body that is not JSON) and read every request received.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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

export interface FakeOuraServer {
  /** Base URL to give the client (`OURA_BASE_URL`). */
  url: string;
  tokenUrl: string;
  authorizeUrl: string;
  data: Record<OuraCollectionName, Record<string, unknown>[]>;
  pageSize: number;
  clientId: string;
  clientSecret: string;
  validAccessTokens: Set<string>;
  validRefreshTokens: Set<string>;
  requests: RecordedRequest[];
  /** Answer the next requests whose path starts with `pathPrefix` with these replies, in order. */
  script(pathPrefix: string, ...replies: ScriptedReply[]): void;
  /** Requests to a collection path. */
  collectionRequests(collection?: OuraCollectionName): RecordedRequest[];
  /** When set, the authorize endpoint redirects back with `error=access_denied`. */
  denyConsent: boolean;
  close(): Promise<void>;
}

export async function startFakeOuraServer(): Promise<FakeOuraServer> {
  const scripts: { prefix: string; reply: ScriptedReply }[] = [];
  const hanging = new Set<ServerResponse>();
  const codes = new Map<string, string>(); // code → redirect_uri
  let issued = 0;

  const issueTokens = () => {
    issued += 1;
    const access = `oura-access-${issued}`;
    const refresh = `oura-refresh-${issued}`;
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

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const state: FakeOuraServer = {
    url: base,
    tokenUrl: `${base}/oauth/token`,
    authorizeUrl: `${base}/oauth/authorize`,
    data: { daily_readiness: [], daily_sleep: [], sleep: [], daily_activity: [] },
    pageSize: 50,
    clientId: 'oura-client-id',
    clientSecret: 'oura-client-secret',
    validAccessTokens: new Set(),
    validRefreshTokens: new Set(),
    requests: [],
    denyConsent: false,
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
