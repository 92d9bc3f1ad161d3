/**
 * OAuth2 tokens for Oura and Strava: the storage interface (implemented encrypted in PostgreSQL
 * elsewhere), the token-provider interface the clients call, and a provider that refreshes with
 * the refresh-token grant and persists every rotated refresh token before using the new access
 * token, so a restart never loses access.
 */
import {
  NotConnectedError,
  ObservationConfigError,
  type ObservationProvider,
  ReconnectRequiredError,
  UnexpectedResponseError,
} from './errors';
import { describeBody, requestJson, resolveTransport, type ResolvedTransport, type TransportOptions } from './http-json';

export interface OAuthTokens {
  accessToken: string;
  /** null for a legacy personal access token. */
  refreshToken: string | null;
  /** Epoch seconds when the access token expires; null when unknown. */
  expiresAt: number | null;
  scope?: string | null;
}

/** Where tokens live between runs (encrypted at rest by the implementation). */
export interface TokenStore {
  load(athlete: string, provider: ObservationProvider): Promise<OAuthTokens | null>;
  save(athlete: string, provider: ObservationProvider, tokens: OAuthTokens): Promise<void>;
}

/** What the API clients need: a current access token, and a way to get a new one after a 401. */
export interface TokenProvider {
  getAccessToken(): Promise<string>;
  /** Obtain a fresh access token (after a 401); throws a non-retryable error when impossible. */
  refresh(): Promise<string>;
}

/** A fixed token (Oura legacy personal access token): cannot be refreshed. */
export class StaticTokenProvider implements TokenProvider {
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

/** Memory-only store for tests and development. */
export class InMemoryTokenStore implements TokenStore {
  private readonly tokens = new Map<string, OAuthTokens>();
  /** Every save, in order, so tests can check rotation was persisted. */
  readonly saves: { athlete: string; provider: ObservationProvider; tokens: OAuthTokens }[] = [];
  async load(athlete: string, provider: ObservationProvider): Promise<OAuthTokens | null> {
    const t = this.tokens.get(`${provider}:${athlete}`);
    return t ? { ...t } : null;
  }
  async save(athlete: string, provider: ObservationProvider, tokens: OAuthTokens): Promise<void> {
    this.tokens.set(`${provider}:${athlete}`, { ...tokens });
    this.saves.push({ athlete, provider, tokens: { ...tokens } });
  }
}

export interface OAuthClientCredentials {
  tokenUrl: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
}

export interface RefreshingTokenProviderOptions extends OAuthClientCredentials {
  provider: ObservationProvider;
  athlete: string;
  store: TokenStore;
  /** Refresh ahead of expiry by this many seconds (default 300). */
  refreshMarginS?: number;
  transport?: TransportOptions;
}

/**
 * Loads tokens from the store, refreshes them when expired (or when asked after a 401), and saves
 * the rotated pair before returning the new access token. Concurrent refreshes share one request:
 * Strava and Oura invalidate the old refresh token once a new one has been issued.
 */
export class RefreshingTokenProvider implements TokenProvider {
  private readonly t: ResolvedTransport;
  private inflight: Promise<string> | null = null;
  private readonly margin: number;

  constructor(private readonly o: RefreshingTokenProviderOptions) {
    this.t = resolveTransport(o.transport);
    this.margin = o.refreshMarginS ?? 300;
  }

  async getAccessToken(): Promise<string> {
    const tokens = await this.load();
    const nowS = Math.floor(this.t.now() / 1000);
    if (tokens.expiresAt !== null && tokens.expiresAt - this.margin <= nowS && tokens.refreshToken !== null) {
      return this.refresh();
    }
    return tokens.accessToken;
  }

  refresh(): Promise<string> {
    if (!this.inflight) {
      this.inflight = this.doRefresh().finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  private async load(): Promise<OAuthTokens> {
    const tokens = await this.o.store.load(this.o.athlete, this.o.provider);
    if (!tokens) throw new NotConnectedError(this.o.provider, this.o.athlete);
    return tokens;
  }

  private async doRefresh(): Promise<string> {
    const current = await this.load();
    if (current.refreshToken === null) {
      throw new ReconnectRequiredError(this.o.provider, 'the stored token cannot be refreshed');
    }
    const fresh = await exchangeToken(this.o.provider, this.t, this.o, {
      grant_type: 'refresh_token',
      refresh_token: current.refreshToken,
    });
    // Some servers do not rotate: keep the old refresh token then.
    const next: OAuthTokens = { ...fresh, refreshToken: fresh.refreshToken ?? current.refreshToken };
    await this.o.store.save(this.o.athlete, this.o.provider, next);
    return next.accessToken;
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
  let expiresAt: number | null = null;
  if (typeof o.expires_at === 'number') expiresAt = Math.floor(o.expires_at);
  else if (typeof o.expires_in === 'number') expiresAt = Math.floor(nowMs / 1000) + Math.floor(o.expires_in);
  return {
    accessToken: o.access_token,
    refreshToken: typeof o.refresh_token === 'string' && o.refresh_token !== '' ? o.refresh_token : null,
    expiresAt,
    scope: typeof o.scope === 'string' ? o.scope : null,
  };
}
