import { DefaultLogger, type LogEntry } from '@temporalio/worker';

/**
 * Structured JSON-lines logs for the worker (Temporal's Runtime logger and our own events), on
 * stderr. Log calls carry mission id and date as fields; never tokens or raw health payloads.
 */
export function jsonLinesLogger(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'INFO'): DefaultLogger {
  return new DefaultLogger(level, (entry: LogEntry) => {
    const { message, level: lvl, timestampNanos, meta } = entry;
    process.stderr.write(
      JSON.stringify({ time: new Date(Number(timestampNanos / 1_000_000n)).toISOString(), level: lvl, message, ...sanitize(meta) }) + '\n',
    );
  });
}

const SECRET_KEYS = /token|secret|password|authorization|api[_-]?key/i;

function sanitize(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!meta) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (SECRET_KEYS.test(k)) continue; // also drops Temporal's taskToken
    out[k] = v instanceof Error ? { name: v.name, message: v.message } : v;
  }
  return out;
}
