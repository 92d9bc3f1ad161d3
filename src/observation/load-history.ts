/**
 * The athlete's daily load history: one row per day (TSS, the least reliable method behind it, and
 * the activities it came from), kept across observations (the `daily_load` table; the evaluation
 * keeps it in memory), so the load model starts warm and later days extend it instead of starting
 * again from 0.
 *
 * Each morning:
 * - the observation window (its rides of the last `windowDays` days) replaces those days, when the
 *   rides could be read — a late sync or an edited ride is picked up, an outage erases nothing;
 * - when the stored history does not reach back LOAD_WARMUP_DAYS (six CTL time constants: the
 *   first observation of an athlete, or a history that stops short), the rides of the
 *   LOAD_HISTORY_DAYS before the window are pulled from the source (Strava's activities, paged; the
 *   synthetic athlete's year) and stored, every day of that range, zero where nothing was ridden:
 *   "all there is";
 * - when the stored history ends before the window (a mission paused for months), the gap is
 *   pulled;
 * - CTL, ATL, TSB, ACWR come from the whole stored series (`computeLoad` with the history alone),
 *   the HRV figures from the observation's nights.
 * The dashboard charts and `lanterne observe` read the same rows, so all three show the same CTL.
 */
import type { AthleteProfile, DataSource, IsoDate, LoadFigures, RideSummary, TssMethod } from '../domain/types';
import { addDays, dateRange } from '../domain/iso-date';
import { observeRides, type ObservationSources, type ObserveDayResult, type SourceFailure } from './observe-day';
import { LOAD_WARMUP_DAYS, computeLoad, restingHrForTss, rideTss, type StoredDailyTss } from './training-load';
import { roundTo } from '../domain/rounding';

/** How far back a first observation pulls rides: a year, more than LOAD_WARMUP_DAYS (252). */
export const LOAD_HISTORY_DAYS = 365;

/** One activity behind a day's load. */
export interface LoadSourceEntry {
  source: DataSource;
  name: string;
  sportType: string;
  movingTimeS: number;
  tss: number;
  method: TssMethod;
}

/** One day of the load history. */
export interface DailyLoadRow extends StoredDailyTss {
  method: TssMethod | null;
  sources: LoadSourceEntry[];
}

const METHOD_RANK: Record<TssMethod, number> = { power: 0, 'heart-rate': 1, 'duration-estimate': 2 };

/** A row for every day from `from` to `to` (both included): the rides of the day, 0 TSS on a day without. */
export function dailyLoadRows(rides: readonly RideSummary[], athlete: AthleteProfile, from: IsoDate, to: IsoDate, restingHr: number | null): DailyLoadRow[] {
  if (from > to) return [];
  const rows = new Map<IsoDate, DailyLoadRow>(dateRange(from, to).map((date) => [date, { date, tss: 0, method: null, sources: [] }]));
  for (const ride of rides) {
    const row = rows.get(ride.date);
    if (!row) continue;
    const load = rideTss(ride, athlete, restingHr);
    row.tss += load.tss;
    if (row.method === null || METHOD_RANK[load.method] > METHOD_RANK[row.method]) row.method = load.method;
    row.sources.push({ source: ride.source, name: ride.name, sportType: ride.sportType, movingTimeS: ride.movingTimeS, tss: round1(load.tss), method: load.method });
  }
  return [...rows.values()];
}

/**
 * The days to pull from the source before the observation window, or null when the stored history
 * is warm and reaches the window: the whole LOAD_HISTORY_DAYS when the history starts later than
 * LOAD_WARMUP_DAYS before `date` (or there is none), the gap when it stops before the window.
 */
export function backfillRange(stored: { first: IsoDate; last: IsoDate } | null, date: IsoDate, windowDays: number): { from: IsoDate; to: IsoDate } | null {
  const to = addDays(date, -windowDays - 1);
  let from: IsoDate;
  if (stored === null || stored.first > addDays(date, -LOAD_WARMUP_DAYS)) from = addDays(date, -LOAD_HISTORY_DAYS);
  else if (stored.last < to) from = addDays(stored.last, 1);
  else return null;
  return from <= to ? { from, to } : null;
}

/** The stored rows with `changed` written over them, oldest first (what an upsert of `changed` leaves). */
export function mergeDailyLoad<T extends StoredDailyTss>(stored: readonly T[], changed: readonly T[]): T[] {
  const byDate = new Map<IsoDate, T>(stored.map((r) => [r.date, r]));
  for (const r of changed) byDate.set(r.date, r);
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

export interface LoadHistoryInput {
  /** The morning observed. */
  date: IsoDate;
  athlete: AthleteProfile;
  /** The day's observation (its rides cover `windowDays` days before `date`). */
  observed: Pick<ObserveDayResult, 'observation' | 'wellness'>;
  windowDays: number;
  /** The athlete's stored daily load, any order. */
  stored: readonly DailyLoadRow[];
  /** Where to pull the older rides from, when the stored history is short. */
  sources: ObservationSources;
}

export interface LoadHistoryResult {
  load: LoadFigures;
  /** Rows to store (replacing those days): the window when its rides were read, and what was pulled. */
  changed: DailyLoadRow[];
  /** The history the figures came from: its first day and how many days it holds (0 without any). */
  history: { from: IsoDate | null; days: number; pulled: { from: IsoDate; to: IsoDate } | null };
  /** Why the history is shorter than it should be, in words. */
  degraded: string[];
  /** A pull that failed (the caller may retry a passing outage, as for the observation). */
  errors: SourceFailure[];
}

/** The morning's load figures from the athlete's whole history, and the rows that extend it. */
export async function loadWithHistory(input: LoadHistoryInput): Promise<LoadHistoryResult> {
  const { date, athlete, observed, windowDays } = input;
  const observation = observed.observation;
  const restingHr = restingHrForTss(athlete, observed.wellness);
  const windowStart = addDays(date, -windowDays);
  const yesterday = addDays(date, -1);
  const changed: DailyLoadRow[] = [];
  const degraded: string[] = [];
  const errors: SourceFailure[] = [];

  const sorted = mergeDailyLoad(input.stored, []);
  const span = sorted.length > 0 ? { first: sorted[0].date, last: sorted[sorted.length - 1].date } : null;
  const range = backfillRange(span, date, windowDays);
  const ridesRead = !observation.missing.some((m) => m.part === 'rides');
  let pulled: LoadHistoryResult['history']['pulled'] = null;
  if (range && ridesRead) {
    const older = await observeRides(input.sources, range.from, range.to);
    if (older.error) {
      errors.push(older.error);
      degraded.push(`load history from ${older.error.source}: reading the rides from ${range.from} to ${range.to} failed (${older.error.message}); CTL from the ${sorted.length} days stored`);
    } else {
      changed.push(...dailyLoadRows(older.rides, athlete, range.from, range.to, restingHr));
      pulled = range;
    }
  }
  if (ridesRead) changed.push(...dailyLoadRows(observation.rides, athlete, windowStart, yesterday, restingHr));
  else if (sorted.length > 0) degraded.push(`load history: the rides could not be read today; CTL from the ${sorted.length} days stored (last ${span?.last})`);

  const history = mergeDailyLoad(sorted, changed).filter((r) => r.date < date);
  const load = computeLoad({ date, athlete, rides: [], wellness: observed.wellness, historyStart: date, history });
  return { load, changed, history: { from: history[0]?.date ?? null, days: history.length, pulled }, degraded, errors };
}

function round1(x: number): number {
  return roundTo(x, 1);
}
