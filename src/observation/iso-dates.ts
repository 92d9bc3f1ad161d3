/** Calendar arithmetic on `YYYY-MM-DD` strings (UTC-based, so no timezone or DST surprises). */
import type { IsoDate } from '../domain/types';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function assertIsoDate(value: string, what: string): void {
  if (!isIsoDate(value)) throw new TypeError(`${what} must be a date written YYYY-MM-DD, got ${JSON.stringify(value)}`);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Every date from `start` to `end`, both included. */
export function dateRange(start: IsoDate, end: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Epoch seconds of 00:00 UTC on `date`. */
export function utcMidnightEpochS(date: IsoDate): number {
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}
