import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { runNowUpdate, statusQuery, type MissionStatus } from '../../src/shared/mission-api';
import { localDate, localTime } from '../../src/domain/schedule';
import { addDays } from '../../src/domain/iso-date';
import type { ClockTime, IsoDate } from '../../src/domain/types';

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

/** How far the next run must be for a phase to count as stable: no day can start meanwhile. */
export const STABLE_MARGIN_MS = 10 * 60_000;

/**
 * Waits until the mission is in a stable phase — loaded, no day running, `done(status)` holds —
 * and checks that it stays so: its next run is more than `STABLE_MARGIN_MS` after `now()` (the
 * clock the workflow runs on: `env.currentTimeMs` on the time-skipping server, `Date.now` on the
 * dev server). Call it before comparing two views of live state (a query and a page, say), so
 * both see the same phase. A next run that close means the test chose a run time that can be
 * "now": it fails with that said, every time, instead of one day in 24.
 */
export async function waitForStablePhase(
  handle: WorkflowHandle,
  opts: { done?: (s: MissionStatus) => boolean; now?: () => number | Promise<number>; timeoutMs?: number } = {},
): Promise<MissionStatus> {
  const done = opts.done ?? (() => true);
  const status = await waitForStatus(handle, (s) => s.phase !== 'running-day' && done(s), opts.timeoutMs);
  const now = await (opts.now ?? Date.now)();
  if (status.nextRunAt && Date.parse(status.nextRunAt) - now <= STABLE_MARGIN_MS) {
    throw new Error(
      `mission ${status.missionId} runs its next day at ${status.nextRunAt}, within ${STABLE_MARGIN_MS / 60_000} minutes of now ` +
        `(${new Date(now).toISOString()}): the test must choose a run time that cannot be now (see runTimeAwayFrom, missionAtLocalNoon)`,
    );
  }
  return status;
}

/** A run time 12 hours from `nowMs` in `timeZone`: a mission started now cannot reach it during a test. */
export function runTimeAwayFrom(nowMs: number, timeZone: string): ClockTime {
  return localTime(nowMs + 12 * 3_600_000, timeZone);
}

/** The day after `nowMs` in `timeZone`: a mission starting then has no day to run today. */
export function tomorrowIn(nowMs: number, timeZone: string): IsoDate {
  return addDays(localDate(nowMs, timeZone), 1);
}

/**
 * A fixed-offset zone in which the wall clock at `nowMs` reads between 12:00 and 12:59 (`Etc/GMT-3`
 * is UTC+3). A mission in it, started within the hour, is far from its 06:30 run time (passed:
 * today runs at once), from midnight (today stays today) and from night quiet hours.
 */
export function zoneAtLocalNoon(nowMs: number): string {
  const offset = 12 - new Date(nowMs).getUTCHours(); // hours east of UTC: -11 … +12
  // At 12:00 UTC the zone is UTC itself ("Etc/GMT" is an alias the mission loader refuses as not canonical).
  return offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/**
 * A copy of the mission file `source` in `dir` with its timezone replaced by `zoneAtLocalNoon(nowMs)`,
 * for tests on the real clock (the dev server) that start a mission "today".
 */
export function missionAtLocalNoon(source: string, dir: string, nowMs = Date.now()): { file: string; timeZone: string } {
  const timeZone = zoneAtLocalNoon(nowMs);
  const text = fs.readFileSync(source, 'utf8');
  if (!/^timezone = ".*"$/m.test(text)) throw new Error(`${source} has no top-level timezone line to replace`);
  const file = path.join(dir, path.basename(source));
  fs.writeFileSync(file, text.replace(/^timezone = ".*"$/m, `timezone = "${timeZone}"`));
  return { file, timeZone };
}
