import type { WorkflowHandle } from '@temporalio/client';
import { runNowUpdate, statusQuery, type MissionStatus } from '../../src/shared/mission-api';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Asks the mission to run today's cycle now. Until the mission file is loaded the update answers
 * "still loading", so it is retried; any other refusal (already ran, already running) is returned.
 */
export async function runTodayNow(handle: WorkflowHandle, force = false): Promise<string> {
  for (let i = 0; i < 80; i++) {
    const r = await handle.executeUpdate(runNowUpdate, { args: [{ force }] }).then(
      () => 'accepted',
      (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message),
    );
    if (!r.includes('still loading')) return r;
    await pause(250);
  }
  throw new Error('the mission never finished loading');
}

/** Polls the status query (which refuses while the mission file is still loading) until `done`. */
export async function waitForStatus(handle: WorkflowHandle, done: (s: MissionStatus) => boolean, timeoutMs = 60_000): Promise<MissionStatus> {
  let last: MissionStatus | null = null;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    last = await handle.query(statusQuery).catch(() => last);
    if (last && done(last)) return last;
    await pause(250);
  }
  throw new Error(`status never reached the expected state; last: ${JSON.stringify(last)}`);
}
