import { Context } from '@temporalio/activity';

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
