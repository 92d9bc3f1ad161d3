/**
 * Access tokens for the Oura and Strava clients: a fixed personal token, or OAuth2 tokens from the
 * (encrypted) token store, refreshed with the refresh-token grant while the store holds the
 * athlete's token row locked, so two workers (or a retried activity) never spend the same rotated
 * refresh token twice. The token type and the store interface are the ones of src/secrets.
 */
import type { OAuthTokens, TokenStore } from '../secrets/token-store';
import {
  NotConnectedError,
  ObservationConfigError,
  type ObservationProvider,
  ReconnectRequiredError,
  UnexpectedResponseError,
} from './errors';
import { describeBody, requestJson, resolveTransport, type ResolvedTransport, type TransportOptions } from './http-json';

export type { OAuthTokens, TokenStore } from '../secrets/token-store';

/** What the API clients need: a current access token, and a new one after the server refused one. */
export interface AccessTokenSource {
  getAccessToken(): Promise<string>;
  /**
   * A fresh access token after `rejected` got a 401; throws a non-retryable error when none can be
   * had. Returns a token refreshed meanwhile by someone else without asking the token endpoint.
   */
  refresh(rejected: string): Promise<string>;
}

/** A fixed token (Oura legacy personal access token): cannot be refreshed. */
export class PersonalAccessToken implements AccessTokenSource {
  constructor(
    private readonly provider: ObservationProvider,
    private readonly token: string,
  ) {}
  async getAccessToken(): Promise<string> {
    return this.token;
  }
  async refresh(): Promise<string> {
    throw new ReconnectRequiredError(this.provider, 'the personal access token was refused');
  }
}

export interface OAuthClientCredentials {
  tokenUrl: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
}

export interface RefreshingAccessTokenOptions extends OAuthClientCredentials {
  provider: ObservationProvider;
  athlete: string;
  store: TokenStore;
  /** Refresh ahead of expiry by this many seconds (default 300). */
  refreshMarginS?: number;
  transport?: TransportOptions;
}

/**
 * Loads tokens from the store and refreshes them when they expire (or after a 401). The refresh
 * runs under the store's lock on the athlete's tokens: whoever gets the lock first posts the
 * refresh grant and saves the rotated pair before releasing it; the others, once they get the
 * lock, find the new token and use it without a POST (Strava and Oura invalidate a refresh token
 * once its successor has been issued). A refresh POST that may have reached the server but got no
 * answer is not repeated: the error is retryable, and the next attempt re-reads the store first.
 */
export class RefreshingAccessToken implements AccessTokenSource {
  private readonly t: ResolvedTransport;
  private readonly margin: number;

  constructor(private readonly o: RefreshingAccessTokenOptions) {
    this.t = resolveTransport(o.transport);
    this.margin = o.refreshMarginS ?? 300;
  }

  async getAccessToken(): Promise<string> {
    const tokens = await this.o.store.load(this.o.athlete, this.o.provider);
    if (!tokens) throw new NotConnectedError(this.o.provider, this.o.athlete);
    return this.expiring(tokens) && tokens.refreshToken !== null ? this.renew(null) : tokens.accessToken;
  }

  refresh(rejected: string): Promise<string> {
    return this.renew(rejected);
  }

  /** Under the lock: the stored token when it is newer than `rejected` and not expiring, else a refreshed one. */
  private renew(rejected: string | null): Promise<string> {
    return this.o.store.withLock(this.o.athlete, this.o.provider, async (current, save) => {
      if (!current) throw new NotConnectedError(this.o.provider, this.o.athlete);
      if (current.accessToken !== rejected && !this.expiring(current)) return current.accessToken;
      if (current.refreshToken === null) {
        throw new ReconnectRequiredError(this.o.provider, 'the stored token cannot be refreshed');
      }
      const fresh = await exchangeToken(this.o.provider, this.t, this.o, {
        grant_type: 'refresh_token',
        refresh_token: current.refreshToken,
      });
      // Some servers do not rotate: keep the old refresh token then.
      const next: OAuthTokens = { ...fresh, refreshToken: fresh.refreshToken ?? current.refreshToken };
      await save(next);
      return next.accessToken;
    });
  }

  private expiring(tokens: OAuthTokens): boolean {
    return tokens.expiresAt !== null && Date.parse(tokens.expiresAt) - this.margin * 1000 <= this.t.now();
  }
}

/**
 * POST to the token endpoint (form-encoded, as both Oura and Strava accept) and read the token
 * answer. Used for the refresh grant and for the authorization-code grant of the connect flow.
 */
export async function exchangeToken(
  provider: ObservationProvider,
  t: ResolvedTransport,
  creds: OAuthClientCredentials,
  params: Record<string, string>,
): Promise<OAuthTokens> {
  const envPrefix = provider === 'oura' ? 'OURA' : 'STRAVA';
  if (!creds.clientId) {
    throw new ObservationConfigError(provider, `${envPrefix}_CLIENT_ID is not set: it is needed to obtain ${provider} tokens`);
  }
  if (!creds.clientSecret) {
    throw new ObservationConfigError(
      provider,
      `${envPrefix}_CLIENT_SECRET is not set: it is needed to obtain ${provider} tokens`,
    );
  }
  const form = new URLSearchParams({ ...params, client_id: creds.clientId, client_secret: creds.clientSecret });
  const res = await requestJson(provider, t, {
    url: creds.tokenUrl,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
  });
  if (res.status === 400 || res.status === 401 || res.status === 403) {
    throw new ReconnectRequiredError(provider, `the token endpoint refused the ${params.grant_type} grant: ${describeBody(res.body)}`);
  }
  if (res.status < 200 || res.status >= 300) {
    throw new UnexpectedResponseError(provider, creds.tokenUrl, `a token answer, got HTTP ${res.status}`);
  }
  return parseTokenAnswer(provider, creds.tokenUrl, res.body, t.now());
}

export function parseTokenAnswer(
  provider: ObservationProvider,
  url: string,
  body: unknown,
  nowMs: number,
): OAuthTokens {
  const o = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  if (typeof o.access_token !== 'string' || o.access_token === '') {
    throw new UnexpectedResponseError(provider, url, 'an object with a string "access_token"');
  }
  // Strava gives `expires_at` (epoch seconds), Oura `expires_in` (seconds from now).
  let expiresAt: string | null = null;
  if (typeof o.expires_at === 'number') expiresAt = isoInstant(Math.floor(o.expires_at) * 1000);
  else if (typeof o.expires_in === 'number') expiresAt = isoInstant(nowMs + Math.floor(o.expires_in) * 1000);
  return {
    accessToken: o.access_token,
    refreshToken: typeof o.refresh_token === 'string' && o.refresh_token !== '' ? o.refresh_token : null,
    expiresAt,
    scope: typeof o.scope === 'string' ? o.scope : null,
  };
}

/** The instant as ISO-8601, or null when it is not a representable date (an absurd expiry). */
function isoInstant(ms: number): string | null {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
