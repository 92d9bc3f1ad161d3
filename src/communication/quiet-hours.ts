/**
 * Quiet hours: may a message go out now, or at which instant should it wait for?
 * Pure and deterministic (no clock of its own), so a workflow can call it with its own `now`.
 * Wall-clock maths is done in the mission's IANA timezone, so windows across midnight and days
 * when the clocks change (DST) come out right.
 */
import type { ClockTime } from '../domain/types';

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
  const local = wallClock(nowMs, input.timezone);
  const t = local.hour * 60 + local.minute;
  const crossesMidnight = start > end;
  const inside = crossesMidnight ? t >= start || t < end : t >= start && t < end;
  if (!inside) return { sendNow: true };
  // The end of this window is today, unless the window started this evening and ends tomorrow.
  const endDay = crossesMidnight && t >= start ? addDays(local, 1) : local;
  const sendAtMs = zonedTimeToInstant(input.timezone, endDay.year, endDay.month, endDay.day, Math.floor(end / 60), end % 60);
  const at = wallClock(sendAtMs, input.timezone);
  return {
    sendNow: false,
    sendAt: new Date(sendAtMs).toISOString(),
    sendAtMs,
    sendAtLocal: `${at.year}-${pad(at.month)}-${pad(at.day)} ${pad(at.hour)}:${pad(at.minute)}`,
  };
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new Error(`timezone ${JSON.stringify(timezone)} is not a known IANA timezone (e.g. Europe/Paris)`);
    }
    formatters.set(timezone, f);
  }
  return f;
}

/** The wall clock in `timezone` at instant `ms`. */
export function wallClock(ms: number, timezone: string): Wall {
  const parts = Object.fromEntries(formatter(timezone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** Offset of `timezone` from UTC at instant `ms`, in milliseconds (east positive). */
function offsetMs(ms: number, timezone: string): number {
  const w = wallClock(ms, timezone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timezone` shows the given local time. When the time
 * occurs twice (clocks going back) the earlier instant is returned; when it does not exist
 * (clocks going forward) the time is moved forward by the length of the gap (02:30 → 03:30).
 */
export function zonedTimeToInstant(
  timezone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const before = offsetMs(guess - 86_400_000, timezone);
  const after = offsetMs(guess + 86_400_000, timezone);
  const valid = [...new Set([before, after])]
    .map((o) => guess - o)
    .filter((c) => offsetMs(c, timezone) === guess - c);
  if (valid.length) return Math.min(...valid);
  return guess - before;
}

function addDays(w: Wall, days: number): Wall {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return { ...w, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
