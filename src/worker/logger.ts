import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Level, Logger } from 'pino';
import { jsonLog } from '../infra/json-logger';

const PINO_LEVEL: Record<LogLevel, Level> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/**
 * Temporal's Runtime logger: the SDK's entries (worker, workflow `log`, activity `log`, and Core's
 * when forwarded) at `level` and above, written as JSON lines by the process's pino logger, with
 * its redaction of secret-looking fields (Temporal's taskToken among them). Log calls carry
 * mission id and date as fields.
 */
export function jsonLinesLogger(level: LogLevel = 'INFO', logger: Logger = jsonLog()): DefaultLogger {
  const out = logger.child({}, { level: PINO_LEVEL[level] });
  return new DefaultLogger(level, (entry: LogEntry) => {
    out[PINO_LEVEL[entry.level]]({ ...entry.meta }, entry.message);
  });
}

/**
 * Installs the process's Temporal Runtime with that logger, Core's own logs (the Rust side:
 * connections, pollers) forwarded to it at WARN and above instead of printed in Core's format.
 * Call once per process, before any connection or worker is created.
 */
export function installRuntimeLogger(level: LogLevel = 'INFO', logger: Logger = jsonLog()): void {
  Runtime.install({
    logger: jsonLinesLogger(level, logger),
    shutdownSignals: [],
    telemetryOptions: { logging: { forward: {}, filter: { core: level === 'ERROR' ? 'ERROR' : 'WARN', other: 'ERROR' } } },
  });
}
