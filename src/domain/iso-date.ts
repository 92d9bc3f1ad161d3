/**
 * Calendar arithmetic on `YYYY-MM-DD` dates and `HH:MM` clock times: the one date helper of the
 * project. Computed in UTC, so it never depends on the machine's timezone or DST. Pure and
 * sandbox-safe (workflow code imports it too).
 */
import type { ClockTime, IsoDate } from './types';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;

/** True for a well-formed date that exists in the calendar (2025-02-30 does not). */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** Throws a clear error naming `what` unless `value` is a real calendar date `YYYY-MM-DD`. */
export function assertIsoDate(value: unknown, what: string): asserts value is IsoDate {
  if (!isIsoDate(value)) throw new TypeError(`${what} must be a real date written YYYY-MM-DD, got ${JSON.stringify(value)}`);
}

/** True for `HH:MM` in 24-hour form, 00:00 to 23:59. */
export function isClockTime(value: unknown): value is ClockTime {
  return typeof value === 'string' && CLOCK_TIME.test(value);
}

export function parseIsoDate(date: IsoDate): { year: number; month: number; day: number } {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

export function parseClockTime(time: ClockTime): { hour: number; minute: number } {
  const m = CLOCK_TIME.exec(time);
  if (!m) throw new RangeError(`not an HH:MM time: ${JSON.stringify(time)}`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

/** 00:00 UTC on `date`, in ms since the epoch. */
function utcMs(date: IsoDate): number {
  const d = parseIsoDate(date);
  return Date.UTC(d.year, d.month - 1, d.day);
}

/** The date `days` calendar days after `date` (negative goes back). */
export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(utcMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((utcMs(to) - utcMs(from)) / DAY_MS);
}

/** Every date from `start` to `end`, both included. */
export function dateRange(start: IsoDate, end: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) out.push(d);
  return out;
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: IsoDate): number {
  const d = new Date(utcMs(date)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Epoch seconds of 00:00 UTC on `date`. */
export function utcMidnightEpochS(date: IsoDate): number {
  return utcMs(date) / 1000;
}
