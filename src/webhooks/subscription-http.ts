/**
 * One request to a provider's subscription API (Oura `/v2/webhook/subscription`, Strava
 * `/push_subscriptions`): app credentials, JSON answers, a timeout, and an error that names the
 * provider, the method, the path and the provider's reason — never the query string (Strava takes
 * the client secret there) or a header. These calls are made by a person at the CLI, so there are
 * no silent retries: the error says what to fix, and the command can be run again.
 */
import { describeBody, type FetchLike } from '../observation/http-json';
import type { WebhookProvider } from '../memory';

export interface SubscriptionHttpOptions {
  fetch?: FetchLike;
  /** Per request; a subscription create waits for the provider's handshake with the receiver. Default 30 s. */
  timeoutMs?: number;
}

export class SubscriptionApiError extends Error {
  constructor(
    readonly provider: WebhookProvider,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'SubscriptionApiError';
  }
}

export interface ProviderRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** JSON body (Oura). */
  json?: unknown;
  /** Form body (Strava). */
  form?: Record<string, string>;
}

export async function providerRequest(provider: WebhookProvider, req: ProviderRequest, o: SubscriptionHttpOptions = {}): Promise<{ status: number; body: unknown }> {
  const doFetch = o.fetch ?? ((input, init) => fetch(input, init));
  const shown = `${req.method} ${new URL(req.url).pathname}`;
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let body: string | undefined;
  if (req.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.json);
  } else if (req.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(req.form).toString();
  }
  let res: Response;
  let text: string;
  try {
    res = await doFetch(req.url, { method: req.method, headers, body, signal: AbortSignal.timeout(o.timeoutMs ?? 30_000) });
    text = await res.text();
  } catch (err) {
    const e = err as Error;
    const why = e.name === 'TimeoutError' ? `no answer within ${Math.round((o.timeoutMs ?? 30_000) / 1000)} s` : e.message;
    throw new SubscriptionApiError(provider, null, `${provider} ${shown} failed: ${why}`);
  }
  let parsed: unknown = text;
  if (text.trim() !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      /* keep the text (error pages) */
    }
  } else parsed = null;
  if (res.status < 200 || res.status >= 300) {
    throw new SubscriptionApiError(provider, res.status, `${provider} answered HTTP ${res.status} to ${shown}: ${describeBody(parsed)}`);
  }
  return { status: res.status, body: parsed };
}
