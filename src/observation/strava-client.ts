/**
 * Strava API v3 client: `GET /athlete/activities` with after/before and paging, behind a token
 * provider that refreshes (and persists the rotated refresh token), and a rate limiter that reads
 * `X-RateLimit-*` and `X-ReadRateLimit-*` on every answer and refuses to call while a window is
 * exhausted (a retryable error that says when the window resets).
 */
import type { StravaSource, StravaSummaryActivity } from './api-payloads';
import {
  ForbiddenError,
  RateLimitError,
  ReconnectRequiredError,
  RequestRejectedError,
  UnexpectedResponseError,
} from './errors';
import { describeBody, requestJson, resolveTransport, type ResolvedTransport, type TransportOptions } from './http-json';
import { RefreshingAccessToken, type AccessTokenSource, type TokenStore } from './oauth-tokens';

export const STRAVA_DEFAULTS = {
  baseUrl: 'https://www.strava.com/api/v3',
  authorizeUrl: 'https://www.strava.com/oauth/authorize',
  tokenUrl: 'https://www.strava.com/oauth/token',
  scopes: ['read', 'activity:read_all'],
} as const;

export interface StravaEnvConfig {
  baseUrl: string;
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
}

export function stravaConfigFromEnv(env: NodeJS.ProcessEnv = process.env): StravaEnvConfig {
  return {
    baseUrl: nonEmpty(env.STRAVA_BASE_URL) ?? STRAVA_DEFAULTS.baseUrl,
    authorizeUrl: nonEmpty(env.STRAVA_AUTHORIZE_URL) ?? STRAVA_DEFAULTS.authorizeUrl,
    tokenUrl: nonEmpty(env.STRAVA_TOKEN_URL) ?? STRAVA_DEFAULTS.tokenUrl,
    clientId: nonEmpty(env.STRAVA_CLIENT_ID),
    clientSecret: nonEmpty(env.STRAVA_CLIENT_SECRET),
  };
}

/** The access-token source for one athlete's Strava account, configured from the environment. */
export function stravaAccessToken(opts: {
  athlete: string;
  store: TokenStore;
  env?: NodeJS.ProcessEnv;
  transport?: TransportOptions;
}): RefreshingAccessToken {
  const cfg = stravaConfigFromEnv(opts.env);
  return new RefreshingAccessToken({
    provider: 'strava',
    athlete: opts.athlete,
    store: opts.store,
    tokenUrl: cfg.tokenUrl,
    clientId: cfg.clientId,
    clientSecret: cfg.clientSecret,
    transport: opts.transport,
  });
}

// ---------------------------------------------------------------- rate limits

interface WindowUsage {
  limit: number;
  usage: number;
  /** Start of the window the usage was reported in, ms since epoch. */
  windowStartMs: number;
}

interface LimitPair {
  short: WindowUsage | null;
  daily: WindowUsage | null;
}

const QUARTER_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

function quarterStart(ms: number): number {
  return Math.floor(ms / QUARTER_MS) * QUARTER_MS;
}
function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/**
 * What Strava last said about our usage. Strava's 15-minute windows reset at :00/:15/:30/:45 and the
 * daily one at midnight UTC; a reading from an earlier window no longer counts. Share one instance
 * per application (the limits are per application) across clients.
 */
export class StravaRateLimiter {
  private overall: LimitPair = { short: null, daily: null };
  private read: LimitPair = { short: null, daily: null };

  /** Read the limit/usage headers of an answer. */
  record(headers: Headers, nowMs: number): void {
    this.overall = mergePair(this.overall, headers.get('x-ratelimit-limit'), headers.get('x-ratelimit-usage'), nowMs);
    this.read = mergePair(this.read, headers.get('x-readratelimit-limit'), headers.get('x-readratelimit-usage'), nowMs);
  }

  /** null when a read call may go ahead; otherwise when it may, and why not now. */
  blockedUntil(nowMs: number): { untilMs: number; detail: string } | null {
    const checks: [string, WindowUsage | null, 'short' | 'daily'][] = [
      ['daily read limit', this.read.daily, 'daily'],
      ['daily limit', this.overall.daily, 'daily'],
      ['15-minute read limit', this.read.short, 'short'],
      ['15-minute limit', this.overall.short, 'short'],
    ];
    for (const [name, w, kind] of checks) {
      if (!w || w.usage < w.limit) continue;
      const current = kind === 'short' ? quarterStart(nowMs) : utcDayStart(nowMs);
      if (w.windowStartMs !== current) continue; // that window has reset since
      const untilMs = kind === 'short' ? current + QUARTER_MS : current + DAY_MS;
      return { untilMs, detail: `${name} used up (${w.usage}/${w.limit})` };
    }
    return null;
  }

  /** A 429: wait until the window that is full resets (the 15-minute one when we cannot tell). */
  readonly reader = (headers: Headers, nowMs: number): { waitMs: number; detail: string } => {
    this.record(headers, nowMs);
    const blocked = this.blockedUntil(nowMs);
    const untilMs = blocked?.untilMs ?? quarterStart(nowMs) + QUARTER_MS;
    return { waitMs: untilMs - nowMs, detail: `HTTP 429, ${blocked?.detail ?? 'rate limit exceeded'}` };
  };
}

function mergePair(prev: LimitPair, limitHeader: string | null, usageHeader: string | null, nowMs: number): LimitPair {
  const limits = parsePair(limitHeader);
  const usages = parsePair(usageHeader);
  if (!limits || !usages) return prev;
  return {
    short: { limit: limits[0], usage: usages[0], windowStartMs: quarterStart(nowMs) },
    daily: { limit: limits[1], usage: usages[1], windowStartMs: utcDayStart(nowMs) },
  };
}

function parsePair(v: string | null): [number, number] | null {
  if (!v) return null;
  const parts = v.split(',').map((s) => Number(s.trim()));
  if (parts.length < 2 || parts.some((n) => !Number.isFinite(n))) return null;
  return [parts[0], parts[1]];
}

// ---------------------------------------------------------------- client

export interface StravaClientOptions {
  tokens: AccessTokenSource;
  /** Default `STRAVA_BASE_URL` or https://www.strava.com/api/v3. */
  baseUrl?: string;
  transport?: TransportOptions;
  /** Share one per application; a fresh one by default. */
  limiter?: StravaRateLimiter;
  /** Page size, 1..200 (default 200). */
  perPage?: number;
  /** Safety stop for paging (default 50 pages). */
  maxPages?: number;
}

export class StravaClient implements StravaSource {
  private readonly baseUrl: string;
  private readonly t: ResolvedTransport;
  readonly limiter: StravaRateLimiter;
  private readonly perPage: number;
  private readonly maxPages: number;

  constructor(private readonly o: StravaClientOptions) {
    this.baseUrl = (o.baseUrl ?? stravaConfigFromEnv().baseUrl).replace(/\/+$/, '');
    this.t = resolveTransport(o.transport);
    this.limiter = o.limiter ?? new StravaRateLimiter();
    this.perPage = Math.min(200, Math.max(1, Math.floor(o.perPage ?? 200)));
    this.maxPages = o.maxPages ?? 50;
  }

  /** Activities that started after `after` and before `before` (epoch seconds), oldest first. */
  async listActivities(range: { after: number; before: number }): Promise<StravaSummaryActivity[]> {
    const out: StravaSummaryActivity[] = [];
    for (let page = 1; page <= this.maxPages; page++) {
      const url = new URL(`${this.baseUrl}/athlete/activities`);
      url.searchParams.set('after', String(Math.floor(range.after)));
      url.searchParams.set('before', String(Math.floor(range.before)));
      url.searchParams.set('page', String(page));
      url.searchParams.set('per_page', String(this.perPage));
      const body = await this.get(url.toString());
      if (!Array.isArray(body)) {
        throw new UnexpectedResponseError('strava', `${this.baseUrl}/athlete/activities`, 'an array of SummaryActivity');
      }
      out.push(...(body.filter((a) => a && typeof a === 'object') as StravaSummaryActivity[]));
      if (body.length < this.perPage) {
        return out.sort((a, b) => String(a.start_date).localeCompare(String(b.start_date)));
      }
    }
    throw new UnexpectedResponseError(
      'strava',
      `${this.baseUrl}/athlete/activities`,
      `paging to end within ${this.maxPages} pages of ${this.perPage}`,
    );
  }

  /** One activity by id (`GET /activities/{id}`: a DetailedActivity, a superset of the summary). */
  async getActivity(id: string): Promise<StravaSummaryActivity> {
    if (!/^\d{1,20}$/.test(id)) throw new TypeError(`a Strava activity id is digits, got ${JSON.stringify(id)}`);
    const body = await this.get(`${this.baseUrl}/activities/${id}`);
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new UnexpectedResponseError('strava', `${this.baseUrl}/activities/{id}`, 'a DetailedActivity object');
    }
    return body as StravaSummaryActivity;
  }

  private async get(url: string): Promise<unknown> {
    let token = await this.o.tokens.getAccessToken();
    let refreshed = false;
    for (;;) {
      const nowMs = this.t.now();
      const blocked = this.limiter.blockedUntil(nowMs);
      if (blocked) {
        throw new RateLimitError('strava', blocked.untilMs - nowMs, new Date(blocked.untilMs).toISOString(), blocked.detail);
      }
      const res = await requestJson(
        'strava',
        this.t,
        { url, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
        this.limiter.reader,
      );
      this.limiter.record(res.headers, this.t.now());
      if (res.status === 401) {
        if (refreshed) throw new ReconnectRequiredError('strava', 'Strava refused the refreshed access token (401)');
        token = await this.o.tokens.refresh(token);
        refreshed = true;
        continue;
      }
      if (res.status === 403) {
        throw new ForbiddenError('strava', `${describeBody(res.body)} (the activity:read_all scope may be missing)`);
      }
      if (res.status < 200 || res.status >= 300) {
        throw new RequestRejectedError('strava', url.split('?')[0], res.status, describeBody(res.body));
      }
      return res.body;
    }
  }
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
