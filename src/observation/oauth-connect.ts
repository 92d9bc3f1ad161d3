/**
 * The OAuth2 authorization-code "connect" flow, as desktop apps do it: build the consent URL
 * with a loopback redirect (`http://127.0.0.1:<port>/callback`) and a random `state`, start a
 * one-shot Fastify server on 127.0.0.1 to receive the code, check the state, exchange the code at the
 * token URL and return the tokens for the caller to store. The tokens are never logged.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyReply } from 'fastify';
import { ConnectFailedError, ObservationConfigError, type ObservationProvider } from './errors';
import { resolveTransport, type TransportOptions } from './http-json';
import { exchangeToken, type OAuthTokens, type TokenStore } from './oauth-tokens';
import { OURA_DEFAULTS, ouraConfigFromEnv } from './oura-client';
import { STRAVA_DEFAULTS, stravaConfigFromEnv } from './strava-client';
import { fetchProviderUserId } from './provider-identity';

export const DEFAULT_CALLBACK_PORT = 8765;

export interface ConnectOptions {
  provider: ObservationProvider;
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  scopes: readonly string[];
  /** Loopback port; it must match the redirect URI registered with the provider. 0 = any free port. */
  port: number;
  /** Shows the consent URL to the user (opens a browser, or prints it). */
  openBrowser: (url: string) => void | Promise<void>;
  /** How long to wait for the browser to come back (default 5 minutes). */
  timeoutMs?: number;
  transport?: TransportOptions;
}

/** Build the consent URL (exported for display and tests). */
export function consentUrl(o: {
  provider: ObservationProvider;
  authorizeUrl: string;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  state: string;
}): string {
  const url = new URL(o.authorizeUrl);
  url.searchParams.set('client_id', o.clientId);
  url.searchParams.set('redirect_uri', o.redirectUri);
  url.searchParams.set('response_type', 'code');
  // Strava separates scopes with commas, Oura (like RFC 6749) with spaces.
  url.searchParams.set('scope', o.scopes.join(o.provider === 'strava' ? ',' : ' '));
  url.searchParams.set('state', o.state);
  if (o.provider === 'strava') url.searchParams.set('approval_prompt', 'auto');
  return url.toString();
}

export async function connectOAuth(o: ConnectOptions): Promise<OAuthTokens> {
  const env = o.provider === 'oura' ? 'OURA' : 'STRAVA';
  if (!o.clientId) throw new ObservationConfigError(o.provider, `${env}_CLIENT_ID is not set: register an app with ${o.provider} and set it`);
  if (!o.clientSecret) throw new ObservationConfigError(o.provider, `${env}_CLIENT_SECRET is not set: register an app with ${o.provider} and set it`);
  const clientId = o.clientId;
  const t = resolveTransport(o.transport);
  const state = randomBytes(16).toString('hex');
  const timeoutMs = o.timeoutMs ?? 5 * 60_000;

  let settle!: { resolve: (t: OAuthTokens) => void; reject: (e: Error) => void };
  const done = new Promise<OAuthTokens>((resolve, reject) => (settle = { resolve, reject }));
  done.catch(() => undefined); // settled before it is awaited (e.g. a timeout during openBrowser): still reported below
  let redirectUri = '';
  let finished = false;

  // One route; anything else is Fastify's 404. Nothing is logged (the query holds the code).
  const server = Fastify({ logger: false, forceCloseConnections: true });
  const page = (reply: FastifyReply, status: number, text: string) =>
    reply.code(status).type('text/html; charset=utf-8').send(`<!doctype html><meta charset="utf-8"><title>Lanterne</title><p>${text}</p>`);
  server.get<{ Querystring: Record<string, string | undefined> }>('/callback', async (req, reply) => {
    if (finished) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    finished = true;
    const q = req.query;
    if (q.state !== state) {
      settle.reject(new ConnectFailedError(o.provider, 'the state parameter did not match (a stale or forged redirect)'));
      return page(reply, 400, 'The answer did not match this connection attempt. Run the connect command again.');
    }
    if (q.error || !q.code) {
      settle.reject(new ConnectFailedError(o.provider, `consent was not given (${q.error ?? 'no code in the redirect'})`));
      return page(reply, 400, 'Access was not granted. You can close this window.');
    }
    try {
      const tokens = await exchangeToken(o.provider, t, { tokenUrl: o.tokenUrl, clientId, clientSecret: o.clientSecret }, {
        grant_type: 'authorization_code',
        code: q.code,
        redirect_uri: redirectUri,
      });
      // Strava reports the scope the user actually granted in the redirect, not in the token answer.
      settle.resolve({ ...tokens, scope: tokens.scope ?? q.scope ?? null });
      return page(reply, 200, 'Lanterne is connected. You can close this window.');
    } catch (e) {
      settle.reject(e as Error);
      return page(reply, 502, 'Lanterne could not finish the connection. See the terminal.');
    }
  });

  let listening: string;
  try {
    listening = await server.listen({ port: o.port, host: '127.0.0.1' });
  } catch (e) {
    throw new ConnectFailedError(o.provider, `cannot listen on 127.0.0.1:${o.port} (${(e as Error).message})`);
  }
  const timer = setTimeout(
    () => settle.reject(new ConnectFailedError(o.provider, `no answer from the browser within ${Math.round(timeoutMs / 1000)} s`)),
    timeoutMs,
  );
  try {
    redirectUri = `http://127.0.0.1:${new URL(listening).port}/callback`;
    await o.openBrowser(consentUrl({ provider: o.provider, authorizeUrl: o.authorizeUrl, clientId, redirectUri, scopes: o.scopes, state }));
    return await done;
  } finally {
    clearTimeout(timer);
    await server.close();
  }
}

/** What `connectProvider` reports: never the tokens. */
export interface ConnectResult {
  scope: string | null;
  /** The account's id at the provider (what its webhook events carry), or null when it could not be read. */
  providerUserId: string | null;
  /** Why the id could not be read (the connection itself still succeeded). */
  providerUserError: string | null;
}

/**
 * `lanterne connect <provider>`: the flow configured from the environment, with the tokens saved
 * to the store for the athlete, then the account's provider id read with the new access token
 * (so webhook events find the athlete). Returns the granted scope and that id (never the tokens).
 */
export async function connectProvider(
  provider: ObservationProvider,
  opts: {
    athlete: string;
    store: TokenStore;
    openBrowser: (url: string) => void | Promise<void>;
    env?: NodeJS.ProcessEnv;
    port?: number;
    timeoutMs?: number;
    transport?: TransportOptions;
  },
): Promise<ConnectResult> {
  const env = opts.env ?? process.env;
  const cfg = provider === 'oura' ? ouraConfigFromEnv(env) : stravaConfigFromEnv(env);
  const portText = env.LANTERNE_OAUTH_CALLBACK_PORT;
  const port = opts.port ?? (portText ? Number(portText) : DEFAULT_CALLBACK_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ObservationConfigError(provider, `LANTERNE_OAUTH_CALLBACK_PORT must be a port number 0..65535, got ${JSON.stringify(portText)}`);
  }
  const tokens = await connectOAuth({
    provider,
    authorizeUrl: cfg.authorizeUrl,
    tokenUrl: cfg.tokenUrl,
    clientId: cfg.clientId,
    clientSecret: cfg.clientSecret,
    scopes: provider === 'oura' ? OURA_DEFAULTS.scopes : STRAVA_DEFAULTS.scopes,
    port,
    openBrowser: opts.openBrowser,
    timeoutMs: opts.timeoutMs,
    transport: opts.transport,
  });
  await opts.store.save(opts.athlete, provider, tokens);
  const scope = tokens.scope ?? null;
  try {
    const providerUserId = await fetchProviderUserId(provider, tokens.accessToken, { env, transport: opts.transport });
    return { scope, providerUserId, providerUserError: null };
  } catch (err) {
    return { scope, providerUserId: null, providerUserError: (err as Error).message };
  }
}
