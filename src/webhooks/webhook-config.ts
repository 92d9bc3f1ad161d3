/**
 * Webhook settings from the environment. The receiver listens on LANTERNE_WEBHOOK_HOST:PORT under
 * LANTERNE_WEBHOOK_PATH; a reverse proxy or tunnel gives it the public address LANTERNE_PUBLIC_URL
 * (forwarding the path unchanged), which is what the providers are told to call.
 */
import { UserError } from '../infra/user-error';
import type { WebhookProvider } from '../memory';

export const WEBHOOK_DEFAULTS = { host: '127.0.0.1', path: '/webhooks' } as const;

export interface WebhookServerConfig {
  host: string;
  /** 0 = any free port. */
  port: number;
  /** Path prefix of the routes, e.g. `/webhooks` → `/webhooks/oura`, `/webhooks/strava`. */
  pathPrefix: string;
}

/** The receiver's settings, or null when LANTERNE_WEBHOOK_PORT is not set (no receiver). */
export function webhookServerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookServerConfig | null {
  const raw = env.LANTERNE_WEBHOOK_PORT?.trim();
  if (!raw) return null;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new UserError(`LANTERNE_WEBHOOK_PORT=${raw} is not a port number`, 'use a whole number from 1 to 65535 (0 = any free port), or leave it unset to serve no webhooks');
  }
  return { host: env.LANTERNE_WEBHOOK_HOST?.trim() || WEBHOOK_DEFAULTS.host, port, pathPrefix: webhookPathPrefix(env) };
}

/** LANTERNE_WEBHOOK_PATH normalised: a leading slash, no trailing slash; unset or empty = /webhooks, "/" = the root. */
export function webhookPathPrefix(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.LANTERNE_WEBHOOK_PATH?.trim() || WEBHOOK_DEFAULTS.path;
  if (!/^\/?[A-Za-z0-9._~\-/]*$/.test(raw) || raw.includes('//')) {
    throw new UserError(`LANTERNE_WEBHOOK_PATH=${raw} is not a URL path`, 'use a path such as /webhooks (letters, digits, ".", "_", "-", "~" and "/")');
  }
  return ('/' + raw.replace(/^\/+/, '')).replace(/\/+$/, '');
}

/** The route of a provider under a prefix. */
export function webhookRoute(pathPrefix: string, provider: WebhookProvider): string {
  return `${pathPrefix}/${provider}`;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The public callback address of a provider's route: LANTERNE_PUBLIC_URL + LANTERNE_WEBHOOK_PATH +
 * `/oura|strava`. HTTPS is required, except on loopback (a local test).
 */
export function publicCallbackUrl(provider: WebhookProvider, env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.LANTERNE_PUBLIC_URL?.trim();
  const hint = 'set LANTERNE_PUBLIC_URL to the public HTTPS address of the webhook receiver, e.g. https://coach.example.org (a reverse proxy or tunnel to LANTERNE_WEBHOOK_HOST:LANTERNE_WEBHOOK_PORT)';
  if (!raw) throw new UserError('LANTERNE_PUBLIC_URL is not set: the providers need a public address to send events to', hint);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserError(`LANTERNE_PUBLIC_URL=${raw} is not a URL`, hint);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new UserError(`LANTERNE_PUBLIC_URL=${raw} is not an https:// address`, 'Oura and Strava call webhooks over HTTPS: put the receiver behind a TLS reverse proxy or tunnel');
  }
  if (url.search || url.hash) throw new UserError(`LANTERNE_PUBLIC_URL=${raw} has a query or fragment`, 'give the base address only, e.g. https://coach.example.org');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}${webhookRoute(webhookPathPrefix(env), provider)}`;
}
