/**
 * One JSON request with the transport rules shared by the Oura and Strava clients:
 * a timeout per attempt, bounded retries with exponential backoff on 5xx / network errors /
 * timeouts, waiting out a 429 when the server asks for a short wait, and a clear error for a body
 * that is not JSON. Authentication (401) and other 4xx answers are returned to the caller.
 *
 * A request that is not idempotent (a POST, e.g. a token refresh that rotates the refresh token) is
 * repeated only when it surely did not reach the server (connection refused, DNS failure,
 * unreachable network) or when the server said it did not process it (429, or 503 with
 * `Retry-After`). A timeout, a connection cut after sending, or another 5xx is not repeated here:
 * the caller gets a retryable error and decides (the token refresh re-reads the store under its
 * lock first).
 */
import {
  MalformedResponseError,
  type HttpProvider,
  RateLimitError,
  TimeoutError,
  UpstreamUnavailableError,
} from './errors';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;
export type SleepFn = (ms: number) => Promise<void>;

export const realSleep: SleepFn = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Transport settings, all injectable so tests never wait for real. */
export interface TransportOptions {
  fetch?: FetchLike;
  /** Per-attempt timeout, ms (default 15 000). */
  timeoutMs?: number;
  /** Extra attempts after a 5xx, network error or timeout (default 2). */
  maxRetries?: number;
  /**
   * First backoff delay, doubled on each retry (default 500 ms), with "equal jitter": the wait is
   * between half and all of it, so hundreds of missions waking at 06:30 do not retry in step.
   */
  backoffMs?: number;
  /** Randomness for the jitter, in [0, 1) (default Math.random; tests pin it). */
  random?: () => number;
  /** Longest 429 wait the client sits out itself (default 60 000 ms); longer waits throw. */
  maxRetryAfterMs?: number;
  /** How many 429 waits one request may sit out (default 2). */
  maxRateLimitWaits?: number;
  sleep?: SleepFn;
  /** Clock, ms since epoch (default Date.now). */
  now?: () => number;
}

export interface ResolvedTransport {
  fetch: FetchLike;
  timeoutMs: number;
  maxRetries: number;
  backoffMs: number;
  random: () => number;
  maxRetryAfterMs: number;
  maxRateLimitWaits: number;
  sleep: SleepFn;
  now: () => number;
}

export function resolveTransport(o: TransportOptions = {}): ResolvedTransport {
  return {
    fetch: o.fetch ?? ((input, init) => fetch(input, init)),
    timeoutMs: o.timeoutMs ?? 15_000,
    maxRetries: o.maxRetries ?? 2,
    backoffMs: o.backoffMs ?? 500,
    random: o.random ?? Math.random,
    maxRetryAfterMs: o.maxRetryAfterMs ?? 60_000,
    maxRateLimitWaits: o.maxRateLimitWaits ?? 2,
    sleep: o.sleep ?? realSleep,
    now: o.now ?? Date.now,
  };
}

/** The wait before retry number `failures + 1`: exponential, with equal jitter (half fixed, half random). */
export function backoffDelay(t: Pick<ResolvedTransport, 'backoffMs' | 'random'>, failures: number): number {
  const full = t.backoffMs * 2 ** failures;
  return Math.round(full / 2 + (full / 2) * Math.min(1, Math.max(0, t.random())));
}

export interface JsonRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** May the request be sent twice with the same effect? Default: true for GET, false for POST. */
  idempotent?: boolean;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON for 2xx answers; for other statuses the JSON if it parses, else the text. */
  body: unknown;
}

/**
 * How long a 429 asks us to wait, and when its window resets. The default reads `Retry-After`
 * (seconds or an HTTP date); Strava's client supplies its own reading of the window headers.
 */
export type RateLimitReader = (headers: Headers, nowMs: number) => { waitMs: number; detail: string };

export function retryAfterReader(headers: Headers, nowMs: number): { waitMs: number; detail: string } {
  const waitMs = parseRetryAfter(headers.get('retry-after'), nowMs);
  if (waitMs === null) return { waitMs: 60_000, detail: 'HTTP 429 without Retry-After (assuming 60 s)' };
  return { waitMs, detail: `HTTP 429, Retry-After ${Math.ceil(waitMs / 1000)} s` };
}

export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

export async function requestJson(
  provider: HttpProvider,
  t: ResolvedTransport,
  req: JsonRequest,
  readRateLimit: RateLimitReader = retryAfterReader,
): Promise<JsonResponse> {
  const shownUrl = redactUrl(req.url);
  const idempotent = req.idempotent ?? (req.method ?? 'GET') === 'GET';
  const notRepeated = `${req.method ?? 'GET'} not repeated: it may have reached the server`;
  let failures = 0;
  let rateLimitWaits = 0;
  for (;;) {
    let response: Response;
    let text: string;
    try {
      ({ response, text } = await attempt(t, req));
    } catch (e) {
      const timedOut = e instanceof AttemptTimeout;
      const cause = timedOut ? null : networkCause(e);
      const error = timedOut
        ? new TimeoutError(provider, shownUrl, t.timeoutMs, idempotent ? undefined : notRepeated)
        : new UpstreamUnavailableError(
            provider,
            `${shownUrl}: ${(e as Error).message}${cause ? ` (${cause})` : ''}` +
              (idempotent || neverSent(cause) ? '' : `; ${notRepeated}`),
          );
      if (failures >= t.maxRetries || (!idempotent && !neverSent(cause))) throw error;
      await t.sleep(backoffDelay(t, failures));
      failures += 1;
      continue;
    }

    if (response.status === 429) {
      const nowMs = t.now();
      const { waitMs, detail } = readRateLimit(response.headers, nowMs);
      if (waitMs > t.maxRetryAfterMs || rateLimitWaits >= t.maxRateLimitWaits) {
        throw new RateLimitError(provider, waitMs, new Date(nowMs + waitMs).toISOString(), detail);
      }
      await t.sleep(waitMs);
      rateLimitWaits += 1;
      continue;
    }

    // A 503 with Retry-After says the request was not processed: a POST may wait and go again.
    const retryAfterMs = response.status === 503 && !idempotent ? parseRetryAfter(response.headers.get('retry-after'), t.now()) : null;
    if (retryAfterMs !== null) {
      if (retryAfterMs > t.maxRetryAfterMs || rateLimitWaits >= t.maxRateLimitWaits) {
        throw new UpstreamUnavailableError(provider, `${shownUrl} answered HTTP 503 with Retry-After ${Math.ceil(retryAfterMs / 1000)} s`);
      }
      await t.sleep(retryAfterMs);
      rateLimitWaits += 1;
      continue;
    }

    if (response.status >= 500) {
      if (!idempotent) {
        throw new UpstreamUnavailableError(provider, `${shownUrl} answered HTTP ${response.status}; ${notRepeated}`);
      }
      if (failures >= t.maxRetries) {
        throw new UpstreamUnavailableError(
          provider,
          `${shownUrl} answered HTTP ${response.status} after ${failures + 1} attempts`,
        );
      }
      await t.sleep(backoffDelay(t, failures));
      failures += 1;
      continue;
    }

    if (response.status >= 200 && response.status < 300) {
      try {
        return { status: response.status, headers: response.headers, body: JSON.parse(text) };
      } catch {
        throw new MalformedResponseError(provider, shownUrl, response.status, text.slice(0, 80));
      }
    }

    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text: 4xx pages are often HTML or plain text
    }
    return { status: response.status, headers: response.headers, body };
  }
}

class AttemptTimeout extends Error {}

/**
 * Error codes of a request that failed before any byte reached the server: the name did not
 * resolve, or the connection was never established.
 */
const NEVER_SENT = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function neverSent(cause: string | null): boolean {
  return cause !== null && cause.split(', ').every((code) => NEVER_SENT.has(code));
}

/** The system error code(s) under a fetch failure (`fetch failed` → `ECONNREFUSED`), or null. */
function networkCause(e: unknown): string | null {
  const cause = (e as { cause?: unknown } | null)?.cause as { code?: unknown; errors?: { code?: unknown }[] } | undefined;
  if (!cause) return null;
  if (Array.isArray(cause.errors) && cause.errors.length > 0) {
    const codes = cause.errors.map((x) => (typeof x?.code === 'string' ? x.code : '?'));
    return codes.join(', ');
  }
  return typeof cause.code === 'string' ? cause.code : null;
}

async function attempt(t: ResolvedTransport, req: JsonRequest): Promise<{ response: Response; text: string }> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, t.timeoutMs);
  try {
    const response = await t.fetch(req.url, {
      method: req.method ?? 'GET',
      headers: req.headers,
      body: req.body,
      signal: controller.signal,
    });
    // The body is read under the same timeout: a server that stalls mid-body is a timeout too.
    const text = await response.text();
    return { response, text };
  } catch (e) {
    if (timedOut) throw new AttemptTimeout();
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** A short description of an error body for messages (never echoes headers or tokens). */
export function describeBody(body: unknown): string {
  if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    const parts = [o.detail, o.message, o.error_description, o.error, o.title]
      .filter((v) => typeof v === 'string' && v.length > 0)
      .map(String);
    if (Array.isArray(o.errors) && o.errors.length > 0) parts.push(JSON.stringify(o.errors).slice(0, 200));
    if (parts.length > 0) return parts.join('; ').slice(0, 300);
    return JSON.stringify(body).slice(0, 200);
  }
  if (typeof body === 'string' && body.trim() !== '') return body.trim().slice(0, 200);
  return 'no detail given';
}

/** URL without its query string values that could be secret (none of ours are, but be safe). */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const key of [...u.searchParams.keys()]) {
      if (/token|secret|code|password/i.test(key) && key !== 'next_token') u.searchParams.set(key, '***');
    }
    return u.toString();
  } catch {
    return url;
  }
}
