import { Context } from '@temporalio/activity';
import { jsonLog } from '../infra/json-logger';

/** Keeps a long call alive in Temporal's eyes: heartbeats every 10 s until it settles. */
export async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const ctx = Context.current();
    timer = setInterval(() => ctx.heartbeat(), 10_000);
  } catch {
    /* not inside an activity (direct calls in tests / dry runs) */
  }
  try {
    return await work();
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** The activity's attempt number (1 outside an activity). */
export function attempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/**
 * The activity's logger (Temporal's, with the workflow and activity ids) inside an activity; the
 * process's JSON logger when called directly (dry runs, tests).
 */
export function activityLog(): { info(message: string, meta?: Record<string, unknown>): void; warn(message: string, meta?: Record<string, unknown>): void } {
  try {
    return Context.current().log;
  } catch {
    const logger = jsonLog();
    return { info: (message, meta) => logger.info(meta ?? {}, message), warn: (message, meta) => logger.warn(meta ?? {}, message) };
  }
}
