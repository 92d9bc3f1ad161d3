/**
 * Oura API v2 client (collections under `/v2/usercollection`), fetch-based.
 *
 * - Pagination: follows `next_token` until it comes back null.
 * - Date boundaries: Oura reads a date-only `end_date` as midnight and `/sleep` treats `start_date`
 *   as exclusive, so every day-range query asks for one day either side and keeps the items whose
 *   `day` is inside the requested range.
 * - 401: one refresh through the `AccessTokenSource`, one retry, then a non-retryable
 *   "reconnect Oura" error. 403: non-retryable with Oura's reason. 429 / 5xx / timeouts / bad JSON:
 *   see `http-json.ts`.
 */
import type { IsoDate } from '../domain/types';
import type {
  OuraDailyActivity,
  OuraDailyReadiness,
  OuraDailySleep,
  OuraSleepPeriod,
  OuraSource,
} from './api-payloads';
import {
  ForbiddenError,
  ReconnectRequiredError,
  RequestRejectedError,
  UnexpectedResponseError,
} from './errors';
import { describeBody, requestJson, resolveTransport, type ResolvedTransport, type TransportOptions } from './http-json';
import { PersonalAccessToken, RefreshingAccessToken, type AccessTokenSource, type TokenStore } from './oauth-tokens';
import { addDays, assertIsoDate } from '../domain/iso-date';

export const OURA_DEFAULTS = {
  baseUrl: 'https://api.ouraring.com',
  authorizeUrl: 'https://cloud.ouraring.com/oauth/authorize',
  tokenUrl: 'https://api.ouraring.com/oauth/token',
  /** Scopes Lanterne asks for in the connect flow. */
  scopes: ['daily', 'heartrate', 'personal'],
} as const;

export interface OuraEnvConfig {
  baseUrl: string;
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** Legacy personal access token (`OURA_PERSONAL_ACCESS_TOKEN`), for a developer's own account only. */
  personalAccessToken: string | undefined;
}

export function ouraConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OuraEnvConfig {
  return {
    baseUrl: nonEmpty(env.OURA_BASE_URL) ?? OURA_DEFAULTS.baseUrl,
    authorizeUrl: nonEmpty(env.OURA_AUTHORIZE_URL) ?? OURA_DEFAULTS.authorizeUrl,
    tokenUrl: nonEmpty(env.OURA_TOKEN_URL) ?? OURA_DEFAULTS.tokenUrl,
    clientId: nonEmpty(env.OURA_CLIENT_ID),
    clientSecret: nonEmpty(env.OURA_CLIENT_SECRET),
    personalAccessToken: nonEmpty(env.OURA_PERSONAL_ACCESS_TOKEN),
  };
}

/**
 * The access-token source for one athlete's Oura account, configured from the environment: OAuth2
 * tokens from the store (refreshed and rotated), or the legacy personal access token when
 * `OURA_PERSONAL_ACCESS_TOKEN` is set (a developer's own account only; Oura has deprecated PATs).
 */
export function ouraAccessToken(opts: {
  athlete: string;
  store: TokenStore;
  env?: NodeJS.ProcessEnv;
  transport?: TransportOptions;
}): AccessTokenSource {
  const cfg = ouraConfigFromEnv(opts.env);
  if (cfg.personalAccessToken) return new PersonalAccessToken('oura', cfg.personalAccessToken);
  return new RefreshingAccessToken({
    provider: 'oura',
    athlete: opts.athlete,
    store: opts.store,
    tokenUrl: cfg.tokenUrl,
    clientId: cfg.clientId,
    clientSecret: cfg.clientSecret,
    transport: opts.transport,
  });
}

export type OuraCollection = 'daily_readiness' | 'daily_sleep' | 'sleep' | 'daily_activity';

export interface OuraClientOptions {
  tokens: AccessTokenSource;
  /** Default `OURA_BASE_URL` or https://api.ouraring.com. */
  baseUrl?: string;
  transport?: TransportOptions;
  /** Safety stop for pagination (default 100 pages). */
  maxPages?: number;
}

export class OuraClient implements OuraSource {
  private readonly baseUrl: string;
  private readonly t: ResolvedTransport;
  private readonly maxPages: number;

  constructor(private readonly o: OuraClientOptions) {
    this.baseUrl = (o.baseUrl ?? ouraConfigFromEnv().baseUrl).replace(/\/+$/, '');
    this.t = resolveTransport(o.transport);
    this.maxPages = o.maxPages ?? 100;
  }

  dailyReadiness(start: IsoDate, end: IsoDate): Promise<OuraDailyReadiness[]> {
    return this.days<OuraDailyReadiness>('daily_readiness', start, end);
  }

  dailySleep(start: IsoDate, end: IsoDate): Promise<OuraDailySleep[]> {
    return this.days<OuraDailySleep>('daily_sleep', start, end);
  }

  sleepPeriods(start: IsoDate, end: IsoDate): Promise<OuraSleepPeriod[]> {
    return this.days<OuraSleepPeriod>('sleep', start, end);
  }

  dailyActivity(start: IsoDate, end: IsoDate): Promise<OuraDailyActivity[]> {
    return this.days<OuraDailyActivity>('daily_activity', start, end);
  }

  /** Items whose `day` is within [start, end], querying one day either side. */
  private async days<T extends { day: IsoDate }>(collection: OuraCollection, start: IsoDate, end: IsoDate): Promise<T[]> {
    assertIsoDate(start, 'start date');
    assertIsoDate(end, 'end date');
    const items = await this.list(collection, addDays(start, -1), addDays(end, 1));
    return items.filter(
      (item): item is T =>
        !!item && typeof item === 'object' && typeof (item as { day?: unknown }).day === 'string' &&
        (item as T).day >= start && (item as T).day <= end,
    );
  }

  /** Every item of a collection for the raw query range, following `next_token`. */
  async list(collection: OuraCollection, startDate: string, endDate: string): Promise<unknown[]> {
    const out: unknown[] = [];
    let nextToken: string | null = null;
    for (let page = 0; page < this.maxPages; page++) {
      const url = new URL(`${this.baseUrl}/v2/usercollection/${collection}`);
      url.searchParams.set('start_date', startDate);
      url.searchParams.set('end_date', endDate);
      if (nextToken !== null) url.searchParams.set('next_token', nextToken);
      const body = await this.get(url.toString());
      const shownUrl = `${this.baseUrl}/v2/usercollection/${collection}`;
      if (!body || typeof body !== 'object' || !Array.isArray((body as { data?: unknown }).data)) {
        throw new UnexpectedResponseError('oura', shownUrl, '{"data": [...], "next_token": string|null}');
      }
      const { data, next_token } = body as { data: unknown[]; next_token?: unknown };
      out.push(...data);
      if (typeof next_token !== 'string' || next_token === '') return out;
      nextToken = next_token;
    }
    throw new UnexpectedResponseError(
      'oura',
      `${this.baseUrl}/v2/usercollection/${collection}`,
      `pagination to end within ${this.maxPages} pages`,
    );
  }

  private async get(url: string): Promise<unknown> {
    let token = await this.o.tokens.getAccessToken();
    let refreshed = false;
    for (;;) {
      const res = await requestJson('oura', this.t, {
        url,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      });
      if (res.status === 401) {
        if (refreshed) throw new ReconnectRequiredError('oura', 'Oura refused the refreshed access token (401)');
        token = await this.o.tokens.refresh(token);
        refreshed = true;
        continue;
      }
      if (res.status === 403) {
        throw new ForbiddenError(
          'oura',
          `${describeBody(res.body)} (the Oura membership may have lapsed or a scope is missing)`,
        );
      }
      if (res.status < 200 || res.status >= 300) {
        throw new RequestRejectedError('oura', url.split('?')[0], res.status, describeBody(res.body));
      }
      return res.body;
    }
  }
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
