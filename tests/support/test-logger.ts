import type { Logger, LogLevel, LogMetadata } from '@temporalio/common';

export interface LogEntry {
  level: LogLevel;
  message: string;
  meta?: LogMetadata;
}

/** A Temporal `Logger` that keeps what it is told, for tests that check what was (not) logged. */
export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => void entries.push({ level, message, meta });
  return {
    entries,
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}
