/**
 * Schedule maths in a mission's IANA timezone, without the worker's local time. Pure and
 * deterministic: safe inside workflow code (it only uses Intl with an explicit timeZone).
 */
import type { ClockTime, IsoDate } from './types';
import { parseClockTime, parseIsoDate } from './iso-date';

const DAY_MS = 86_400_000;

// No module-level cache: this module also runs in the workflow sandbox, where module state is shared
// between workflow executions of one worker.
function formatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
  });
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock reading in `timeZone` at the instant `epochMs`. */
export function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour % 24, minute: parts.minute, second: parts.second };
}

/** Offset of `timeZone` from UTC at `epochMs`, in ms (Paris in summer: +7_200_000). */
export function offsetAt(epochMs: number, timeZone: string): number {
  const w = wallClockAt(epochMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timeZone` reads `time` on `date`. A time that does not
 * exist (skipped by a spring-forward DST change) moves forward by the gap; a time that exists twice
 * (autumn fall-back) is its first occurrence.
 */
export function zonedInstant(date: IsoDate, time: ClockTime, timeZone: string): number {
  const d = parseIsoDate(date);
  const t = parseClockTime(time);
  const naive = Date.UTC(d.year, d.month - 1, d.day, t.hour, t.minute);
  // Try the offsets in force around that wall time; keep the earliest instant that reads right.
  const candidates = [offsetAt(naive - DAY_MS / 2, timeZone), offsetAt(naive + DAY_MS / 2, timeZone)];
  const matches = candidates
    .map((off) => naive - off)
    .filter((instant) => {
      const w = wallClockAt(instant, timeZone);
      return w.hour === t.hour && w.minute === t.minute && w.day === d.day;
    })
    .sort((a, b) => a - b);
  if (matches.length > 0) return matches[0];
  // In a DST gap: the wall time is skipped; use the pre-transition offset, which lands after the gap.
  return naive - Math.min(...candidates);
}

/** The calendar date in `timeZone` at `epochMs`. */
export function localDate(epochMs: number, timeZone: string): IsoDate {
  const w = wallClockAt(epochMs, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** `HH:MM` in `timeZone` at `epochMs`. */
export function localTime(epochMs: number, timeZone: string): ClockTime {
  const w = wallClockAt(epochMs, timeZone);
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export type DayTiming =
  /** Wait until `at`, then run. */
  | { kind: 'wait'; at: number }
  /** The run time has passed on the day itself (or a day the worker missed): run now, late. */
  | { kind: 'run-late'; at: number }
  /** The day's date lies before the mission started: it is skipped. */
  | { kind: 'before-start'; at: number };

/**
 * When a mission day should run, given the current instant. Days dated before the mission's
 * start date are skipped; a day whose run time has passed (mission started mid-day, or a worker
 * outage) runs at once, marked late.
 */
export function dayTiming(
  day: { date: IsoDate },
  runTime: ClockTime,
  timeZone: string,
  nowMs: number,
  startedOn: IsoDate,
): DayTiming {
  const at = zonedInstant(day.date, runTime, timeZone);
  if (day.date < startedOn) return { kind: 'before-start', at };
  if (at > nowMs) return { kind: 'wait', at };
  return { kind: 'run-late', at };
}
