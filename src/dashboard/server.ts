/**
 * The dashboard web server, on Fastify 5 and its own plugins: cookies (@fastify/cookie), CSRF
 * tokens (@fastify/csrf-protection, bound to the sign-in session), security headers and a nonce
 * CSP (@fastify/helmet), rate limits on sign-in and form posts (@fastify/rate-limit), form bodies
 * with a size limit (@fastify/formbody) and our static assets plus uPlot from node_modules
 * (@fastify/static).
 *
 * Guarantees: every page but sign-in and the static assets needs the token (a sign-in session or
 * `Authorization: Bearer`); every mission read is scoped to the (athlete, mission) in the address;
 * the Host must be one of the dashboard's own names (DNS-rebinding guard); every POST needs the
 * dashboard's own Origin and a CSRF token; forms answer with POST-redirect-GET.
 *
 * Routes (a coach view over many athletes can live under /coach/… beside them):
 *   GET  /sign-in, POST /sign-in, POST /sign-out, GET /healthz, GET /assets/…
 *   GET  /missions                                      missions list
 *   GET  /missions/:athlete/:missionId                  overview (live status, charts, forms)
 *   GET  /missions/:athlete/:missionId/calendar         block calendar
 *   GET  /missions/:athlete/:missionId/days/:date       day view
 *   GET  /missions/:athlete/:missionId/status.json      live status (polled by the page)
 *   POST /missions/:athlete/:missionId/reflect|override the athlete's forms
 */
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { MemoryStore } from '../memory/memory-store';
import type { DayRecord, MissionRecord } from '../memory/records';
import type { MissionConfig } from '../domain/types';
import { isIsoDate } from '../domain/iso-date';
import { localDate } from '../domain/schedule';
import { projectRoot } from '../infra/project-paths';
import { eventLogger } from '../infra/json-logger';
import { freePort } from '../infra/ports';
import { authenticate, headersAuthorizer, sessionCookieName, tokenMatches, MIN_TOKEN_LENGTH, type AuthResult } from './auth';
import { SessionStore, type SessionOptions } from './sessions';
import { allowedHosts, hostAllowed, originAllowed } from './hosts';
import { dashboardData, type DashboardData, type LoadHistorySource } from './dashboard-data';
import { emptyReflectionValues, parseOverrideForm, parseReflectionForm, MAX_FORM_BYTES, type OverrideFormValues, type ReflectionFormValues } from './forms';
import { cspDirectives, messagePage, page, signInPage, ASSETS, UPLOT_ASSETS, type PageFrame, type SignInReason } from './layout';
import { missionsListView, missionView } from './mission-view';
import { calendarTiles, type CalendarTile } from './calendar';
import { calendarView } from './calendar-view';
import { dayView } from './day-view';
import { missionCharts } from './chart-data';
import { liveFacts, type LiveMission } from './live-status';
import { dayPath, missionPath, type TemporalUiLink } from './paths';
import { MissionNotRunningError, OverrideRejectedError, type DashboardTemporal, type MissionKey } from './temporal-gateway';

export interface RateLimit {
  max: number;
  windowMs: number;
}

export interface DashboardOptions {
  memory: MemoryStore;
  temporal: DashboardTemporal;
  /** Access token (at least 16 characters); see generateDashboardToken(). */
  token: string;
  /** Default 127.0.0.1. `0.0.0.0` / `::` listen on every interface (and answer to the machine's names). */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** More host names (or name:port) the dashboard answers to, e.g. a reverse proxy's. */
  allowedHosts?: string[];
  /** Temporal UI base URL for links to each day's workflow, e.g. http://127.0.0.1:8233. */
  temporalUiUrl?: string;
  /** Temporal namespace for those links; default `default`. */
  namespace?: string;
  /** Structured log sink (one object per event; never holds tokens). Default: JSON lines on stderr. */
  log?: (entry: Record<string, unknown>) => void;
  /** The athlete's whole daily load history; default: derived from what the memory store holds. */
  loadHistory?: LoadHistorySource;
  /** The clock (ms since the epoch) for sessions and "today". Default Date.now. */
  now?: () => number;
  /** Session lifetimes (default: 7 days idle, 30 days at most). */
  sessions?: Omit<SessionOptions, 'now'>;
  /** Per client address. Defaults: sign-in 10 a minute, form posts 60 a minute. */
  rateLimits?: { signIn?: RateLimit; forms?: RateLimit };
  /** How often an open mission page asks for the live status (ms). Default 5000. */
  statusPollMs?: number;
}

export interface RunningDashboard {
  /** The dashboard's base URL, e.g. http://127.0.0.1:43121. */
  url: string;
  /**
   * Whether a request elsewhere on this host (e.g. the Temporal UI's codec calls: browsers send a
   * host's cookies to all its ports) carries this dashboard's sign-in, or its token as Bearer.
   */
  signedIn(headers: { authorization?: string; cookie?: string }): boolean;
  close(): Promise<void>;
}

const FLASH_KEPT = 200;
const UPCOMING_ALL = 1000;

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthResult;
  }
  interface FastifyContextConfig {
    /** Served without the token (sign-in, health check). */
    public?: boolean;
  }
}

export async function startDashboard(opts: DashboardOptions): Promise<RunningDashboard> {
  if (typeof opts.token !== 'string' || opts.token.length < MIN_TOKEN_LENGTH) {
    throw new Error(`the dashboard token must be at least ${MIN_TOKEN_LENGTH} characters (generate one with generateDashboardToken())`);
  }
  const host = opts.host ?? '127.0.0.1';
  // Cookie names carry the port (browsers share cookies between the ports of one host), and the
  // CSRF plugin takes its cookie name when it is registered: so the port is chosen first.
  for (let attempt = 1; ; attempt++) {
    const port = opts.port && opts.port > 0 ? opts.port : await freePort();
    try {
      return await listen(opts, host, port);
    } catch (err) {
      if ((err as { code?: string }).code === 'EADDRINUSE' && !(opts.port && opts.port > 0) && attempt < 5) continue;
      throw err;
    }
  }
}

async function listen(opts: DashboardOptions, host: string, port: number): Promise<RunningDashboard> {
  const { app, signedIn } = await buildApp(opts, host, port);
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close();
    throw err;
  }
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  (opts.log ?? defaultLog)({ level: 'info', event: 'dashboard-listening', url });
  return { url, signedIn, close: () => app.close() };
}

const defaultLog = eventLogger('dashboard');

async function buildApp(opts: DashboardOptions, host: string, port: number): Promise<{ app: FastifyInstance; signedIn: RunningDashboard['signedIn'] }> {
  const token = opts.token;
  const now = opts.now ?? Date.now;
  const log = opts.log ?? defaultLog;
  const data: DashboardData = dashboardData(opts.memory, { loadHistory: opts.loadHistory });
  const temporalUi = temporalUiLink(opts.temporalUiUrl, opts.namespace ?? 'default');
  const sessions = new SessionStore({ ...opts.sessions, now });
  const hosts = new Set(allowedHosts({ bindHost: host, port, extraHosts: opts.allowedHosts }));
  const pollMs = opts.statusPollMs ?? 5000;
  const signInLimit = opts.rateLimits?.signIn ?? { max: 10, windowMs: 60_000 };
  const formLimit = opts.rateLimits?.forms ?? { max: 60, windowMs: 60_000 };
  const sessionCookie = sessionCookieName(port);
  const flashes = new Map<string, string>();

  const app = Fastify({ logger: false, bodyLimit: MAX_FORM_BYTES, return503OnClosing: true });

  // Headers first, so every answer (421 and errors included) carries them and its CSP nonces.
  await app.register(fastifyHelmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives() },
    frameguard: { action: 'deny' },
    // Not no-referrer: with it, browsers send `Origin: null` on form posts and the Origin check fails.
    referrerPolicy: { policy: 'same-origin' },
    hsts: false, // served over plain HTTP on loopback or a LAN; HSTS belongs to a TLS proxy in front
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', async (req) => {
    // DNS-rebinding guard: only our own host names.
    if (!hostAllowed(req.headers.host, hosts)) throw new HttpError(421, 'Wrong host', 'This dashboard answers only on its own address.');
  });
  await app.register(fastifyCookie, { secret: randomBytes(32).toString('base64url') });
  await app.register(fastifyCsrf, {
    cookieKey: `lanterne_csrf_${port}`,
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, signed: true },
    getToken: (req) => formOf(req).get('csrf') ?? undefined,
    getUserInfo: (req) => csrfUser(req.auth),
    csrfOpts: { hmacKey: randomBytes(32).toString('base64url') },
  });
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => new HttpError(429, 'Too many attempts', `Too many requests from this address; try again in ${ctx.after}.`),
  });
  // Set by the first onRequest hook below for every request that gets past the host check.
  app.decorateRequest('auth', null as never);
  app.addHook('onRequest', async (req, reply) => {
    req.auth = authenticate(token, sessions, { authorization: req.headers.authorization, sessionId: req.cookies[sessionCookie] });
    if (!req.auth.ok && req.cookies[sessionCookie] !== undefined) reply.clearCookie(sessionCookie, { path: '/' });
    const isPublic = req.routeOptions.config?.public === true || (req.routeOptions.url ?? '').startsWith(`${ASSETS}/`);
    if (isPublic || req.auth.ok) return;
    reply.header('www-authenticate', 'Bearer realm="lanterne-dashboard"');
    if ((req.routeOptions.url ?? '').endsWith('.json')) return reply.code(401).type('application/json').send({ error: 'sign in needed' });
    const reason: SignInReason = req.auth.reason === 'missing' && 'token' in (req.query as object) ? 'token-in-url' : req.auth.reason;
    return reply.code(401).type('text/html; charset=utf-8').send(signInPage(frame(req, reply), reply.generateCsrf({ userInfo: csrfUser(req.auth) }), reason, nextPath(req.url)));
  });
  app.addHook('onSend', async (req, reply) => {
    if (!(req.routeOptions.url ?? '').startsWith(`${ASSETS}/`)) reply.header('cache-control', 'no-store');
  });

  app.removeAllContentTypeParsers();
  await app.register(fastifyFormbody, { bodyLimit: MAX_FORM_BYTES, parser: (body) => new URLSearchParams(body) as unknown as Record<string, unknown> });
  await app.register(fastifyStatic, { root: path.join(projectRoot(), 'src', 'dashboard', 'assets'), prefix: `${ASSETS}/`, wildcard: false, index: false });
  await app.register(fastifyStatic, {
    root: path.join(path.dirname(require.resolve('uplot/package.json')), 'dist'),
    prefix: `${UPLOT_ASSETS}/`,
    wildcard: false,
    index: false,
    decorateReply: false,
    allowedPath: (p) => p === '/uPlot.iife.min.js' || p === '/uPlot.min.css',
  });


  // Every POST: the dashboard's own Origin, then its CSRF token.
  const guarded = { preValidation: [checkOrigin, app.csrfProtection] };
  async function checkOrigin(req: FastifyRequest): Promise<void> {
    if (!originAllowed(req.headers.origin, req.headers.host, req.auth.ok && req.auth.via === 'bearer')) {
      log({ level: 'warn', event: 'cross-site-post-refused', path: req.routeOptions.url });
      throw new HttpError(403, 'Refused', 'This form was not sent from the dashboard itself.');
    }
  }
  const limit = (l: RateLimit, groupId: string) => ({ rateLimit: { max: l.max, timeWindow: l.windowMs, groupId } });

  app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string; title?: string }, req, reply) => {
    const known = errorPage(err);
    if (known.status >= 500) log({ level: 'error', event: 'request-failed', path: req.routeOptions.url ?? '(no route)', error: err.message });
    if (known.status === 403 && err.code?.startsWith('FST_CSRF')) log({ level: 'warn', event: 'csrf-refused', path: req.routeOptions.url });
    if ((req.routeOptions.url ?? '').endsWith('.json')) return reply.code(known.status).type('application/json').send({ error: known.message });
    return reply.code(known.status).type('text/html; charset=utf-8').send(messagePage(frame(req, reply), known.title, known.message));
  });
  app.setNotFoundHandler(async (req, reply) => {
    const method = ['GET', 'HEAD', 'POST'].includes(req.method);
    const e = method ? notFound() : new HttpError(405, 'Method not allowed', `${req.method} is not used here.`);
    if (!method) reply.header('allow', 'GET, HEAD, POST');
    return reply.code(e.statusCode).type('text/html; charset=utf-8').send(messagePage(frame(req, reply), e.title, e.message));
  });

  /** The page frame: this reply's nonces, and a sign-out button for a signed-in session. */
  function frame(req: FastifyRequest, reply: FastifyReply, charts = false): PageFrame {
    const nonces = reply.cspNonce ?? { script: 'none', style: 'none' };
    const signedIn = req.auth?.ok === true && req.auth.session !== null;
    return { nonces, charts, signOutCsrf: signedIn ? reply.generateCsrf({ userInfo: csrfUser(req.auth) }) : null };
  }
  function csrf(req: FastifyRequest, reply: FastifyReply): string {
    return reply.generateCsrf({ userInfo: csrfUser(req.auth) });
  }
  function html(reply: FastifyReply, status: number, body: string): FastifyReply {
    return reply.code(status).type('text/html; charset=utf-8').send(body);
  }

  // ---------------------------------------------------------------- sign-in, sign-out, health

  app.get('/healthz', { config: { public: true } }, async (_req, reply) => reply.type('text/plain; charset=utf-8').send('ok\n'));

  app.get('/sign-in', { config: { public: true } }, async (req, reply) => {
    if (req.auth.ok) return reply.redirect('/missions', 303);
    const q = req.query as Record<string, unknown>;
    const reason: SignInReason = 'token' in q ? 'token-in-url' : q.signed_out !== undefined ? 'signed-out' : 'missing';
    return html(reply, 200, signInPage(frame(req, reply), csrf(req, reply), reason, nextPath(typeof q.next === 'string' ? q.next : '/missions')));
  });

  app.post('/sign-in', { config: { public: true, ...limit(signInLimit, 'sign-in') }, ...guarded }, async (req, reply) => {
    const form = formOf(req);
    const next = nextPath(form.get('next') ?? '/missions');
    if (!tokenMatches(token, form.get('token'))) {
      log({ level: 'warn', event: 'sign-in-refused' });
      return html(reply, 401, signInPage(frame(req, reply), csrf(req, reply), 'wrong', next));
    }
    const { id } = sessions.create();
    reply.setCookie(sessionCookie, id, { path: '/', httpOnly: true, sameSite: 'strict', maxAge: Math.floor(sessions.maxMs / 1000) });
    log({ level: 'info', event: 'signed-in' });
    return reply.redirect(next, 303);
  });

  app.post('/sign-out', { config: limit(formLimit, 'forms'), ...guarded }, async (req, reply) => {
    const id = req.cookies[sessionCookie];
    if (id) sessions.end(id);
    reply.clearCookie(sessionCookie, { path: '/' });
    return reply.redirect('/sign-in?signed_out=1', 303);
  });

  // ---------------------------------------------------------------- pages

  app.get('/', async (_req, reply) => reply.redirect('/missions', 303));

  app.get('/missions', async (req, reply) => html(reply, 200, page('Missions', frame(req, reply), missionsListView(await data.listMissions()))));

  type MissionParams = { athlete: string; missionId: string };

  app.get<{ Params: MissionParams; Querystring: { flash?: string } }>('/missions/:athlete/:missionId', async (req, reply) => {
    const mission = await findMission(req.params);
    return html(reply, 200, await renderMission(req, reply, mission, { flash: takeFlash(req.query.flash) }));
  });

  app.get<{ Params: MissionParams }>('/missions/:athlete/:missionId/calendar', async (req, reply) => {
    const mission = await findMission(req.params);
    const ctx = await missionContext(mission);
    return html(reply, 200, page(`${mission.name}: calendar`, frame(req, reply), calendarView(mission, ctx.tiles, ctx.today)));
  });

  app.get<{ Params: MissionParams & { date: string } }>('/missions/:athlete/:missionId/days/:date', async (req, reply) => {
    const mission = await findMission(req.params);
    if (!isIsoDate(req.params.date)) throw notFound();
    const ctx = await missionContext(mission);
    const i = ctx.tiles.findIndex((t) => t.date === req.params.date);
    if (i < 0) throw notFound();
    const tile = ctx.tiles[i]!;
    const body = dayView({
      mission,
      tile,
      record: ctx.days.find((d) => d.date === tile.date) ?? null,
      previous: ctx.tiles[i - 1]?.date ?? null,
      next: ctx.tiles[i + 1]?.date ?? null,
      temporalUi,
    });
    return html(reply, 200, page(`${mission.name}: ${tile.date}`, frame(req, reply, true), body));
  });

  app.get<{ Params: MissionParams }>('/missions/:athlete/:missionId/status.json', async (req, reply) => {
    const mission = await findMission(req.params);
    const facts = liveFacts(await live(mission));
    return reply.type('application/json').send({ ...facts, latest: facts.latest ? { ...facts.latest, url: dayPath(mission, facts.latest.date) } : null });
  });

  app.post<{ Params: MissionParams }>('/missions/:athlete/:missionId/reflect', { config: limit(formLimit, 'forms'), ...guarded }, async (req, reply) => {
    const mission = await findMission(req.params);
    const parsed = parseReflectionForm(formOf(req));
    if (!parsed.ok) return html(reply, 422, await renderMission(req, reply, mission, { reflection: parsed }));
    const state = await live(mission);
    if (!state.running) {
      return html(reply, 409, await renderMission(req, reply, mission, {
        liveState: state,
        reflection: { values: parsed.values, problems: [`the mission workflow is not running (${state.reason}); the reflection was not sent`] },
      }));
    }
    try {
      await opts.temporal.reflect(keyOf(mission), parsed.input);
    } catch (err) {
      const why = err instanceof MissionNotRunningError ? err.message : 'the workflow could not be reached';
      return html(reply, 502, await renderMission(req, reply, mission, { reflection: { values: parsed.values, problems: [`not sent: ${why}`] } }));
    }
    log({ level: 'info', event: 'reflection-sent', missionId: mission.id, date: parsed.input.date });
    return reply.redirect(`${missionPath(mission)}?flash=${addFlash(`Reflection for ${parsed.input.date} sent.`)}`, 303);
  });

  app.post<{ Params: MissionParams }>('/missions/:athlete/:missionId/override', { config: limit(formLimit, 'forms'), ...guarded }, async (req, reply) => {
    const mission = await findMission(req.params);
    const parsed = parseOverrideForm(formOf(req));
    if (!parsed.ok) return html(reply, 422, await renderMission(req, reply, mission, { override: parsed }));
    const state = await live(mission);
    if (!state.running) {
      return html(reply, 409, await renderMission(req, reply, mission, {
        liveState: state,
        override: { values: parsed.values, problems: [`the mission workflow is not running (${state.reason}); nothing was changed`] },
      }));
    }
    try {
      const result = await opts.temporal.override(keyOf(mission), parsed.input);
      log({ level: 'info', event: 'override-applied', missionId: mission.id, kind: result.kind });
      return reply.redirect(`${missionPath(mission)}?flash=${addFlash(`Done: ${result.changed}`)}`, 303);
    } catch (err) {
      const rejected = err instanceof OverrideRejectedError;
      const message = rejected || err instanceof MissionNotRunningError ? (err as Error).message : 'the workflow could not be reached';
      return html(reply, rejected ? 422 : 502, await renderMission(req, reply, mission, { override: { values: parsed.values, problems: [message] } }));
    }
  });

  // ---------------------------------------------------------------- data

  /** The workflow to ask is the athlete's own: two athletes can ride the same mission id. */
  function keyOf(mission: MissionRecord): MissionKey {
    return { athlete: mission.athlete, missionId: mission.id };
  }

  async function findMission(p: MissionParams): Promise<MissionRecord> {
    if (!p.athlete || !p.missionId) throw notFound();
    const mission = await data.mission({ athlete: p.athlete, missionId: p.missionId });
    if (!mission) throw notFound();
    return mission;
  }

  /** The live workflow state, but only if the workflow is this athlete's mission. */
  async function live(mission: MissionRecord): Promise<LiveMission> {
    try {
      const status = await opts.temporal.status(keyOf(mission));
      if (status.athlete !== mission.athlete || status.missionId !== mission.id) {
        return { running: false, reason: 'the running workflow with this id belongs to another mission' };
      }
      const upcoming = await opts.temporal.upcoming(keyOf(mission), UPCOMING_ALL).catch(() => []);
      return { running: true, status, upcoming };
    } catch (err) {
      if (err instanceof MissionNotRunningError) return { running: false, reason: err.message };
      log({ level: 'warn', event: 'status-failed', missionId: mission.id, error: (err as Error)?.message ?? String(err) });
      return { running: false, reason: 'its status could not be read' };
    }
  }

  interface MissionContext {
    days: DayRecord[];
    config: MissionConfig | null;
    live: LiveMission;
    today: string;
    tiles: CalendarTile[];
  }

  async function missionContext(mission: MissionRecord, knownLive?: LiveMission): Promise<MissionContext> {
    const scope = { athlete: mission.athlete, missionId: mission.id };
    const [days, config, liveState] = await Promise.all([data.days(scope), data.config(mission), knownLive ? Promise.resolve(knownLive) : live(mission)]);
    const timezone = config?.timezone ?? (liveState.running ? liveState.status.timezone : 'UTC');
    const today = localDate(now(), timezone);
    const tiles = calendarTiles({ config, records: days, upcoming: liveState.running ? liveState.upcoming : null, today });
    return { days, config, live: liveState, today, tiles };
  }

  async function renderMission(
    req: FastifyRequest,
    reply: FastifyReply,
    mission: MissionRecord,
    state: {
      flash?: string | null;
      reflection?: { values: ReflectionFormValues; problems: string[] };
      override?: { values: OverrideFormValues; problems: string[] };
      liveState?: LiveMission;
    },
  ): Promise<string> {
    const ctx = await missionContext(mission, state.liveState);
    const [history, wellness] = await Promise.all([data.loadHistory(mission.athlete), data.wellnessHistory(mission.athlete)]);
    const s = ctx.live.running ? ctx.live.status : null;
    const nextDate = s?.nextDay?.date ?? ctx.tiles.find((t) => t.date >= ctx.today)?.date ?? '';
    const lastDate = ctx.days[ctx.days.length - 1]?.date ?? nextDate;
    const model = {
      mission,
      days: ctx.days,
      tiles: ctx.tiles,
      charts: missionCharts({ history, wellness, tiles: ctx.tiles, today: ctx.today }),
      live: ctx.live,
      temporalUi,
      flash: state.flash ?? null,
      pollMs,
      forms: {
        mission,
        csrf: csrf(req, reply),
        running: ctx.live.running,
        paused: s?.paused ?? false,
        defaults: { date: nextDate, ftpW: s?.ftpW ?? ctx.config?.athlete.ftpW ?? null, runTime: s?.runTime ?? ctx.config?.runTime ?? null, channels: s?.channels ?? ctx.config?.notifications.channels ?? [] },
        reflection: state.reflection ?? { values: emptyReflectionValues(lastDate), problems: [] },
        override: state.override ?? null,
      },
    };
    return page(mission.name, frame(req, reply, true), missionView(model));
  }

  function addFlash(message: string): string {
    const id = randomUUID();
    flashes.set(id, message);
    while (flashes.size > FLASH_KEPT) flashes.delete(flashes.keys().next().value!);
    return id;
  }

  function takeFlash(id: string | undefined): string | null {
    if (!id) return null;
    const message = flashes.get(id) ?? null;
    flashes.delete(id);
    return message;
  }

  return { app, signedIn: headersAuthorizer(token, sessions, sessionCookie) };
}

/** The parsed form body (formbody's parser gives URLSearchParams), empty when there is none. */
function formOf(req: FastifyRequest): URLSearchParams {
  return req.body instanceof URLSearchParams ? req.body : new URLSearchParams();
}

/** What a CSRF token is bound to: the session (so a token of one session fails in another). */
function csrfUser(auth: AuthResult | null | undefined): string {
  if (!auth?.ok) return 'anonymous';
  return auth.session ? `session:${auth.session.key}` : 'bearer';
}

/** Where to go after signing in: a path of this dashboard only (never another site). */
function nextPath(raw: string): string {
  const p = raw.split('#')[0]!;
  if (!p.startsWith('/') || p.startsWith('//') || p.startsWith('/\\') || p.startsWith('/sign-')) return '/missions';
  const pathOnly = p.split('?')[0]!;
  return /^\/[A-Za-z0-9/_.%~-]*$/.test(pathOnly) ? pathOnly : '/missions';
}

function notFound(): HttpError {
  return new HttpError(404, 'Not found', 'There is no such page or mission here.');
}

function errorPage(err: Error & { statusCode?: number; code?: string }): { status: number; title: string; message: string } {
  if (err instanceof HttpError) return { status: err.statusCode, title: err.title, message: err.message };
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, title: 'Form too large', message: `Forms are limited to ${MAX_FORM_BYTES} bytes.` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, title: 'Unsupported form', message: 'Forms must be sent as application/x-www-form-urlencoded.' };
    case 'FST_CSRF_MISSING_SECRET':
    case 'FST_CSRF_INVALID_TOKEN':
      return { status: 403, title: 'Refused', message: 'The form is missing its security token or it is stale; reload the page and try again.' };
  }
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  if (status < 500) return { status, title: 'Refused', message: 'The dashboard could not accept this request.' };
  return { status: 500, title: 'Something went wrong', message: 'The dashboard could not show this page. The error is in its log.' };
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
