/**
 * Errors raised by the Oura and Strava clients (and Peloton's archive client, which shares the
 * JSON transport). Every error carries a stable `type` name and a
 * `retryable` flag: the integrator turns non-retryable ones into Temporal
 * `ApplicationFailure.nonRetryable(message, type)` (or lists the types in `nonRetryableErrorTypes`).
 * Messages never contain tokens.
 */

export type ObservationProvider = 'oura' | 'strava';
/** Every service the shared JSON transport (http-json.ts) talks to: the wearables, and Peloton's class archive. */
export type HttpProvider = ObservationProvider | 'peloton';

export type ObservationErrorType =
  | 'NotConnected'
  | 'ReconnectRequired'
  | 'Forbidden'
  | 'RateLimited'
  | 'UpstreamUnavailable'
  | 'Timeout'
  | 'MalformedResponse'
  | 'UnexpectedResponse'
  | 'RequestRejected'
  | 'ObservationConfig'
  | 'ConnectFailed';

export abstract class ObservationError extends Error {
  abstract readonly type: ObservationErrorType;
  abstract readonly retryable: boolean;
  constructor(
    readonly provider: HttpProvider,
    message: string,
  ) {
    super(message);
  }
  override get name(): string {
    return this.type;
  }
}

/** No tokens stored for this athlete and provider. */
export class NotConnectedError extends ObservationError {
  readonly type = 'NotConnected' as const;
  readonly retryable = false;
  constructor(provider: ObservationProvider, athlete: string) {
    super(provider, `${label(provider)} is not connected for athlete "${athlete}": run \`lanterne connect ${provider}\``);
  }
}

/** The access was refused even after one refresh (token revoked, refresh token spent). */
export class ReconnectRequiredError extends ObservationError {
  readonly type = 'ReconnectRequired' as const;
  readonly retryable = false;
  constructor(provider: ObservationProvider, detail: string) {
    super(provider, `reconnect ${label(provider)}: run \`lanterne connect ${provider}\` (${detail})`);
  }
}

/** 403: subscription lapsed or a scope is missing; retrying does not help. */
export class ForbiddenError extends ObservationError {
  readonly type = 'Forbidden' as const;
  readonly retryable = false;
  constructor(provider: ObservationProvider, reason: string) {
    super(provider, `${label(provider)} refused access (403): ${reason}`);
  }
}

/** Rate limited: `retryAfterMs` says how long to wait, `resetsAt` (ISO) when the window resets. */
export class RateLimitError extends ObservationError {
  readonly type = 'RateLimited' as const;
  readonly retryable = true;
  constructor(
    provider: HttpProvider,
    readonly retryAfterMs: number,
    readonly resetsAt: string,
    detail: string,
  ) {
    super(provider, `${label(provider)} rate limit: ${detail}; try again after ${resetsAt}`);
  }
}

/** 5xx or network failure after the bounded retries. */
export class UpstreamUnavailableError extends ObservationError {
  readonly type = 'UpstreamUnavailable' as const;
  readonly retryable = true;
  constructor(provider: HttpProvider, detail: string) {
    super(provider, `${label(provider)} is unavailable: ${detail}`);
  }
}

export class TimeoutError extends ObservationError {
  readonly type = 'Timeout' as const;
  readonly retryable = true;
  /** `note`: what the client did about it, e.g. that a POST was not repeated. */
  constructor(provider: HttpProvider, url: string, timeoutMs: number, note?: string) {
    super(provider, `${label(provider)} did not answer ${url} within ${timeoutMs} ms${note ? `; ${note}` : ''}`);
  }
}

/** The body was not JSON (truncated body, proxy error page): may pass on a later attempt. */
export class MalformedResponseError extends ObservationError {
  readonly type = 'MalformedResponse' as const;
  readonly retryable = true;
  constructor(provider: HttpProvider, url: string, status: number, bodyStart: string) {
    super(
      provider,
      `${label(provider)} answered ${url} with HTTP ${status} and a body that is not JSON: ${JSON.stringify(bodyStart)}`,
    );
  }
}

/** Valid JSON in a shape the client does not understand: an API change, retrying will not help. */
export class UnexpectedResponseError extends ObservationError {
  readonly type = 'UnexpectedResponse' as const;
  readonly retryable = false;
  constructor(provider: HttpProvider, url: string, expected: string) {
    super(provider, `${label(provider)} answered ${url} in an unexpected shape: expected ${expected}`);
  }
}

/** 400 / 404 / 422: the request itself is wrong. */
export class RequestRejectedError extends ObservationError {
  readonly type = 'RequestRejected' as const;
  readonly retryable = false;
  constructor(provider: HttpProvider, url: string, status: number, detail: string) {
    super(provider, `${label(provider)} rejected ${url} with HTTP ${status}: ${detail}`);
  }
}

/** Missing or invalid configuration (client id, secret, base URL). */
export class ObservationConfigError extends ObservationError {
  readonly type = 'ObservationConfig' as const;
  readonly retryable = false;
  constructor(provider: ObservationProvider, message: string) {
    super(provider, message);
  }
}

/** The browser consent flow did not complete (refused, state mismatch, no answer in time). */
export class ConnectFailedError extends ObservationError {
  readonly type = 'ConnectFailed' as const;
  readonly retryable = false;
  constructor(provider: ObservationProvider, detail: string) {
    super(provider, `connecting ${label(provider)} failed: ${detail}`);
  }
}

export function isObservationError(e: unknown): e is ObservationError {
  return e instanceof ObservationError;
}

function label(provider: HttpProvider): string {
  return provider === 'oura' ? 'Oura' : provider === 'strava' ? 'Strava' : 'Peloton';
}
