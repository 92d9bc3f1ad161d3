/**
 * The process's one structured logger: JSON lines on stderr through pino, with secret-looking
 * fields (tokens, secrets, passwords, authorization headers, API keys, cookies, Temporal's
 * taskToken) replaced by "[redacted]" by pino's own `redact`. The worker's Runtime logger
 * (src/worker/logger.ts), the dashboard's default log and the CLI's own events all write here.
 */
import pino, { type DestinationStream, type Level, type Logger } from 'pino';

/**
 * Field names whose values never reach a log line, at any of the first REDACT_DEPTH levels of an
 * event (`token`, `ctx.token`, `headers.authorization`, `items[0].token`, …).
 */
export const SECRET_FIELDS = [
  'token',
  'tokens',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'authToken',
  'bearerToken',
  'personalAccessToken',
  'taskToken',
  'csrfToken',
  'sessionToken',
  'secret',
  'secrets',
  'clientSecret',
  'client_secret',
  'secretKey',
  'password',
  'pass',
  'authorization',
  'Authorization',
  'cookie',
  'set-cookie',
  'apiKey',
  'api_key',
  'apikey',
  'x-api-key',
] as const;

/** How deep in an event the secret fields are looked for (1 = top level only). */
export const REDACT_DEPTH = 4;

export const REDACTED = '[redacted]';

/** pino `redact` paths: every secret field at depths 1..REDACT_DEPTH. */
export function redactPaths(fields: readonly string[] = SECRET_FIELDS, depth = REDACT_DEPTH): string[] {
  const paths: string[] = [];
  for (const field of fields) {
    const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
    for (let d = 0; d < depth; d += 1) {
      const prefix = '*.'.repeat(d);
      paths.push(key.startsWith('[') ? `${prefix.replace(/\.$/, '')}${key}` : `${prefix}${key}`);
    }
  }
  return paths;
}

export interface JsonLoggerOptions {
  /** Lowest level written (default info). */
  level?: Level;
  /** Where lines go (default: stderr, written synchronously so nothing is lost on exit). */
  destination?: DestinationStream;
}

/** A new logger; most code wants the shared `jsonLog()` instead. */
export function createJsonLogger(opts: JsonLoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      messageKey: 'message',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      redact: { paths: redactPaths(), censor: REDACTED },
    },
    opts.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

let shared: Logger | null = null;

/** The process's logger (JSON lines on stderr). */
export function jsonLog(): Logger {
  shared ??= createJsonLogger();
  return shared;
}

const LEVELS = new Set<string>(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

/**
 * An event sink for components that take a `log(entry)` function (the dashboard, notify): the
 * entry's `level` (default info) picks the level; `event` and the other fields are written as they are.
 */
export function eventLogger(component: string, logger: Logger = jsonLog()): (entry: Record<string, unknown>) => void {
  const child = logger.child({ component });
  return (entry) => {
    const { level, event, ...fields } = entry;
    const name = typeof level === 'string' && LEVELS.has(level.toLowerCase()) ? (level.toLowerCase() as Level) : 'info';
    child[name]({ event, ...fields });
  };
}
