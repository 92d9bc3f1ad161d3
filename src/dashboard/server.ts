/**
 * The dashboard web server (node:http only): missions list, mission pages, and the reflection and
 * override forms. Token-protected, CSRF-protected, every read scoped to the (athlete, mission) in
 * the URL, restrictive CSP, POST-redirect-GET.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { eventLogger } from '../infra/json-logger';
import type { MemoryStore } from '../memory/memory-store';
import type { MissionRecord } from '../memory/records';
import { authenticate, csrfToken, csrfValid, originAllowed, sessionCookie, MIN_TOKEN_LENGTH } from './auth';
import {
  emptyOverrideValues,
  emptyReflectionValues,
  parseOverrideForm,
  parseReflectionForm,
  MAX_FORM_BYTES,
  type OverrideFormValues,
  type ReflectionFormValues,
} from './forms';
import { contentSecurityPolicy, messagePage, page, unauthorizedPage } from './layout';
import { missionPath, missionsListView, missionView, type LiveMission, type TemporalUiLink } from './mission-view';
import { MissionNotRunningError, OverrideRejectedError, type DashboardTemporal } from './temporal-gateway';

export interface DashboardOptions {
  memory: MemoryStore;
  temporal: DashboardTemporal;
  /** Access token (at least 16 characters); see generateDashboardToken(). */
  token: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Temporal UI base URL for links to each day's workflow, e.g. http://127.0.0.1:8233. */
  temporalUiUrl?: string;
  /** Temporal namespace for those links; default `default`. */
  namespace?: string;
  /** Structured log sink (one object per event; never holds tokens). Default: JSON lines on stderr. */
  log?: (entry: Record<string, unknown>) => void;
}

export interface RunningDashboard {
  /** The dashboard's base URL, e.g. http://127.0.0.1:43121 (without the token). */
  url: string;
  close(): Promise<void>;
}

/** Wide enough for any mission; history() returns only days that have something recorded. */
const HISTORY_FROM = '2000-01-01';
const HISTORY_TO = '2199-12-31';
const FLASH_KEPT = 200;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startDashboard(opts: DashboardOptions): Promise<RunningDashboard> {
  if (typeof opts.token !== 'string' || opts.token.length < MIN_TOKEN_LENGTH) {
    throw new Error(`the dashboard token must be at least ${MIN_TOKEN_LENGTH} characters (generate one with generateDashboardToken())`);
  }
  const token = opts.token;
  const host = opts.host ?? '127.0.0.1';
  const temporalUi = temporalUiLink(opts.temporalUiUrl, opts.namespace ?? 'default');
  const log = opts.log ?? eventLogger('dashboard');
  const flashes = new Map<string, string>();
  let port = 0;
  let allowedOrigins: string[] = [];
  let allowedHosts: string[] = [];

  const server = http.createServer((req, res) => {
    const nonce = randomBytes(16).toString('base64');
    handle(req, res, nonce).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) log({ level: 'error', event: 'request-failed', path: safePath(req.url), error: (err as Error)?.message ?? String(err) });
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const title = err instanceof HttpError ? err.title : 'Something went wrong';
      const message = err instanceof HttpError ? err.message : 'The dashboard could not show this page. The error is in its log.';
      send(res, status, nonce, messagePage(nonce, title, message));
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, nonce: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    if (!allowedHosts.includes((req.headers.host ?? '').toLowerCase())) {
      // DNS-rebinding guard: only our own host names.
      throw new HttpError(421, 'Wrong host', 'This dashboard answers only on its own address.');
    }
    if (url.pathname === '/healthz' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('ok\n');
      return;
    }
    const auth = authenticate(token, port, {
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
      queryToken: url.searchParams.get('token'),
    });
    if (!auth.ok) {
      send(res, 401, nonce, unauthorizedPage(nonce, auth.reason), { 'www-authenticate': 'Bearer realm="lanterne-dashboard"' });
      return;
    }
    if (auth.via === 'query') {
      // First visit: keep the session in a cookie and drop the token from the address bar.
      url.searchParams.delete('token');
      const location = url.pathname + (url.searchParams.size ? `?${url.searchParams}` : '');
      res.writeHead(303, { location, 'set-cookie': sessionCookie(port, auth.session), 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).end();
      return;
    }
    const csrf = csrfToken(token, auth.session);
    const parts = url.pathname.split('/').filter((p) => p !== '').map(decodePart);

    if (req.method === 'GET' || req.method === 'HEAD') {
      if (parts.length === 0) return redirect(res, '/missions');
      if (parts.length === 1 && parts[0] === 'missions') {
        const missions = await opts.memory.missions.listMissions();
        return send(res, 200, nonce, page('Missions', nonce, missionsListView(missions)));
      }
      if (parts.length === 3 && parts[0] === 'missions') {
        const mission = await findMission(parts[1]!, parts[2]!);
        const flash = takeFlash(url.searchParams.get('flash'));
        const body = await renderMission(mission, nonce, csrf, { flash });
        return send(res, 200, nonce, body);
      }
      throw notFound();
    }

    if (req.method === 'POST') {
      if (!originAllowed(req.headers.origin, allowedOrigins, auth.via)) {
        log({ level: 'warn', event: 'cross-site-post-refused', path: safePath(req.url) });
        throw new HttpError(403, 'Refused', 'This form was not sent from the dashboard itself.');
      }
      const form = await readForm(req);
      if (!csrfValid(token, auth.session, form.get('csrf'))) {
        log({ level: 'warn', event: 'csrf-refused', path: safePath(req.url) });
        throw new HttpError(403, 'Refused', 'The form is missing its security token or it is stale; reload the page and try again.');
      }
      if (parts.length === 4 && parts[0] === 'missions' && (parts[3] === 'reflect' || parts[3] === 'override')) {
        const mission = await findMission(parts[1]!, parts[2]!);
        return parts[3] === 'reflect' ? postReflection(res, nonce, csrf, mission, form) : postOverride(res, nonce, csrf, mission, form);
      }
      throw notFound();
    }
    throw new HttpError(405, 'Method not allowed', `${req.method} is not used here.`);
  }

  async function findMission(athlete: string, missionId: string): Promise<MissionRecord> {
    if (!athlete || !missionId) throw notFound();
    const mission = await opts.memory.missions.getMission({ athlete, missionId });
    if (!mission) throw notFound();
    return mission;
  }

  /** The live workflow state, but only if the workflow is this athlete's mission. */
  async function live(mission: MissionRecord): Promise<LiveMission> {
    try {
      const status = await opts.temporal.status(mission.id);
      if (status.athlete !== mission.athlete || status.missionId !== mission.id) {
        return { running: false, reason: 'the running workflow with this id belongs to another mission' };
      }
      const upcoming = await opts.temporal.upcoming(mission.id, 7).catch(() => []);
      return { running: true, status, upcoming };
    } catch (err) {
      if (err instanceof MissionNotRunningError) return { running: false, reason: err.message };
      log({ level: 'warn', event: 'status-failed', missionId: mission.id, error: (err as Error)?.message ?? String(err) });
      return { running: false, reason: 'its status could not be read' };
    }
  }

  async function renderMission(
    mission: MissionRecord,
    nonce: string,
    csrf: string,
    state: {
      flash?: string | null;
      reflection?: { values: ReflectionFormValues; problems: string[] };
      override?: { values: OverrideFormValues; problems: string[] };
      liveState?: LiveMission;
    },
  ): Promise<string> {
    const scope = { athlete: mission.athlete, missionId: mission.id };
    const [days, liveState] = await Promise.all([
      opts.memory.reads.history(scope, HISTORY_FROM, HISTORY_TO),
      state.liveState ? Promise.resolve(state.liveState) : live(mission),
    ]);
    const defaultDate = days[days.length - 1]?.date ?? (liveState.running ? liveState.status.nextDay?.date ?? '' : '');
    const model = {
      mission,
      days,
      live: liveState,
      csrf,
      temporalUi,
      flash: state.flash ?? null,
      reflection: state.reflection ?? { values: emptyReflectionValues(defaultDate), problems: [] },
      override: state.override ?? { values: emptyOverrideValues(liveState.running ? liveState.status.nextDay?.date ?? '' : ''), problems: [] },
    };
    return page(mission.name, nonce, missionView(model));
  }

  async function postReflection(res: http.ServerResponse, nonce: string, csrf: string, mission: MissionRecord, form: URLSearchParams): Promise<void> {
    const parsed = parseReflectionForm(form);
    if (!parsed.ok) {
      return send(res, 422, nonce, await renderMission(mission, nonce, csrf, { reflection: parsed }));
    }
    const state = await live(mission);
    if (!state.running) {
      return send(res, 409, nonce, await renderMission(mission, nonce, csrf, {
        liveState: state,
        reflection: { values: parsed.values, problems: [`the mission workflow is not running (${state.reason}); the reflection was not sent`] },
      }));
    }
    try {
      await opts.temporal.reflect(mission.id, parsed.input);
    } catch (err) {
      const why = err instanceof MissionNotRunningError ? err.message : 'the workflow could not be reached';
      return send(res, 502, nonce, await renderMission(mission, nonce, csrf, { reflection: { values: parsed.values, problems: [`not sent: ${why}`] } }));
    }
    log({ level: 'info', event: 'reflection-sent', missionId: mission.id, date: parsed.input.date });
    return redirect(res, `${missionPath(mission)}?flash=${addFlash(`Reflection for ${parsed.input.date} sent.`)}`);
  }

  async function postOverride(res: http.ServerResponse, nonce: string, csrf: string, mission: MissionRecord, form: URLSearchParams): Promise<void> {
    const parsed = parseOverrideForm(form);
    if (!parsed.ok) {
      return send(res, 422, nonce, await renderMission(mission, nonce, csrf, { override: parsed }));
    }
    const state = await live(mission);
    if (!state.running) {
      return send(res, 409, nonce, await renderMission(mission, nonce, csrf, {
        liveState: state,
        override: { values: parsed.values, problems: [`the mission workflow is not running (${state.reason}); nothing was changed`] },
      }));
    }
    try {
      const result = await opts.temporal.override(mission.id, parsed.input);
      log({ level: 'info', event: 'override-applied', missionId: mission.id, kind: result.kind });
      return redirect(res, `${missionPath(mission)}?flash=${addFlash(`Done: ${result.changed}`)}`);
    } catch (err) {
      const rejected = err instanceof OverrideRejectedError;
      const message = rejected || err instanceof MissionNotRunningError ? (err as Error).message : 'the workflow could not be reached';
      return send(res, rejected ? 422 : 502, nonce, await renderMission(mission, nonce, csrf, { override: { values: parsed.values, problems: [message] } }));
    }
  }

  function addFlash(message: string): string {
    const id = randomUUID();
    flashes.set(id, message);
    while (flashes.size > FLASH_KEPT) flashes.delete(flashes.keys().next().value!);
    return id;
  }

  function takeFlash(id: string | null): string | null {
    if (!id) return null;
    const message = flashes.get(id) ?? null;
    flashes.delete(id);
    return message;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const url = `http://${hostPart}:${port}`;
  const names = [hostPart, ...(host === '127.0.0.1' || host === '::1' ? ['localhost', '127.0.0.1', '[::1]'] : [])];
  allowedHosts = [...new Set(names.map((n) => `${n}:${port}`.toLowerCase()))];
  allowedOrigins = allowedHosts.map((h) => `http://${h}`);
  log({ level: 'info', event: 'dashboard-listening', url });

  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function temporalUiLink(raw: string | undefined, namespace: string): TemporalUiLink | null {
  if (!raw) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`temporalUiUrl must be an http(s) URL such as http://127.0.0.1:8233, got ${JSON.stringify(raw)}`);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password) {
    throw new Error(`temporalUiUrl must be an http(s) URL without credentials, got ${JSON.stringify(raw)}`);
  }
  return { baseUrl: u.toString().replace(/\/+$/, ''), namespace };
}

function decodePart(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return '\u0000';
  }
}

function notFound(): HttpError {
  return new HttpError(404, 'Not found', 'There is no such page or mission here.');
}

/** The path without its query (the query may hold the token). */
function safePath(raw: string | undefined): string {
  return (raw ?? '').split('?')[0]!.slice(0, 200);
}

function securityHeaders(nonce: string): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(nonce),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // Not no-referrer: with it, browsers send `Origin: null` on form posts and the Origin check fails.
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}

function send(res: http.ServerResponse, status: number, nonce: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...securityHeaders(nonce), ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function redirect(res: http.ServerResponse, location: string): void {
  res.writeHead(303, { location, 'cache-control': 'no-store', 'referrer-policy': 'same-origin' }).end();
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new HttpError(415, 'Unsupported form', 'Forms must be sent as application/x-www-form-urlencoded.');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new HttpError(413, 'Form too large', `Forms are limited to ${MAX_FORM_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
