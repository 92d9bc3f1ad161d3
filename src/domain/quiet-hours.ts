/**
 * Quiet hours: may a message go out now, or at which instant should it wait for?
 * Pure and deterministic (no clock of its own), so a workflow can call it with its own `now`.
 * Wall-clock maths is done in the mission's IANA timezone, so windows across midnight and days
 * when the clocks change (DST) come out right.
 */
import type { ClockTime } from './types';
import { isValidTimeZone, localDate, localTime, wallClockAt, zonedInstant } from './schedule';
import { addDays } from './iso-date';

export interface QuietHours {
  start: ClockTime;
  end: ClockTime;
}

export type QuietHoursDecision =
  | { sendNow: true }
  | {
      sendNow: false;
      /** The instant quiet hours end, ISO 8601 in UTC. */
      sendAt: string;
      sendAtMs: number;
      /** The same instant on the mission's wall clock, `YYYY-MM-DD HH:MM`. */
      sendAtLocal: string;
    };

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseClockTime(value: string, what = 'time'): number {
  const m = CLOCK.exec(value);
  if (!m) throw new Error(`${what} ${JSON.stringify(value)} is not a 24-hour clock time HH:MM (e.g. 22:00)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * Decide whether a message due at `now` may be sent, given the mission's timezone and quiet
 * hours (local wall-clock, `start` inclusive, `end` exclusive; a window with start > end runs
 * across midnight; start = end means no quiet hours).
 */
export function quietHoursDecision(input: {
  timezone: string;
  quietHours: QuietHours | null;
  now: number | Date;
}): QuietHoursDecision {
  const nowMs = typeof input.now === 'number' ? input.now : input.now.getTime();
  if (!input.quietHours) return { sendNow: true };
  const start = parseClockTime(input.quietHours.start, 'quiet hours start');
  const end = parseClockTime(input.quietHours.end, 'quiet hours end');
  if (start === end) return { sendNow: true };
  if (!isValidTimeZone(input.timezone)) {
    throw new Error(`timezone ${JSON.stringify(input.timezone)} is not a known IANA timezone (e.g. Europe/Paris)`);
  }
  const local = wallClockAt(nowMs, input.timezone);
  const t = local.hour * 60 + local.minute;
  const crossesMidnight = start > end;
  const inside = crossesMidnight ? t >= start || t < end : t >= start && t < end;
  if (!inside) return { sendNow: true };
  // The end of this window is today, unless the window started this evening and ends tomorrow.
  const today = localDate(nowMs, input.timezone);
  const endDay = crossesMidnight && t >= start ? addDays(today, 1) : today;
  const sendAtMs = zonedInstant(endDay, input.quietHours.end, input.timezone);
  return {
    sendNow: false,
    sendAt: new Date(sendAtMs).toISOString(),
    sendAtMs,
    sendAtLocal: `${localDate(sendAtMs, input.timezone)} ${localTime(sendAtMs, input.timezone)}`,
  };
}
