/**
 * The athlete's whole training history for the dashboard's charts: daily TSS, CTL/ATL/TSB over
 * every day from the first known ride, the future mission days' planned load projected forward,
 * and the nightly wellness figures on the same days. Pure: records in, series out; the maths are
 * the shared training-load functions (src/observation/training-load.ts).
 */
import type { AthleteProfile, IsoDate, MissionDay } from '../domain/types';
import type { DayRecord } from '../memory/records';
import { addDays, dateRange } from '../domain/iso-date';
import { performanceManager, rideTss } from '../observation/training-load';
import { dayTargets } from '../coaching/day-targets';

/** One day's training stress. */
export interface DailyLoad {
  date: IsoDate;
  tss: number;
}

/** One night's wellness figures; unknown ones are null. */
export interface WellnessDay {
  date: IsoDate;
  readiness: number | null;
  hrvMs: number | null;
  /** Lowest nightly heart rate, the resting-HR figure Oura reports. */
  restingHr: number | null;
  /** The HRV normal band (mean ± 1 SD of the 60 nights before) the coach used that morning. */
  hrvLow: number | null;
  hrvHigh: number | null;
}

/** What one mission of the athlete holds: its athlete profile (from the stored config) and days. */
export interface MissionHistory {
  profile: AthleteProfile | null;
  days: readonly DayRecord[];
}

/**
 * Daily TSS over everything PostgreSQL holds for the athlete: every ride of every stored
 * observation (each holds the rides of the 90 days before it), scored with the mission's athlete
 * profile, once each; and, where the coach recorded it, the coach's own figure for the day
 * (`yesterdayTss` of the next morning's load), which wins. Days without rides between the first
 * and last known day score 0. Oldest first.
 */
export function dailyLoadFromRecords(missions: readonly MissionHistory[]): DailyLoad[] {
  const fromRides = new Map<IsoDate, number>();
  const seen = new Set<string>();
  const coach = new Map<IsoDate, number>();
  for (const m of missions) {
    for (const day of m.days) {
      for (const ride of day.observation?.rides ?? []) {
        const key = [ride.source, ride.date, ride.name, ride.movingTimeS, ride.distanceM].join('|');
        if (seen.has(key) || !m.profile) continue;
        seen.add(key);
        fromRides.set(ride.date, (fromRides.get(ride.date) ?? 0) + rideTss(ride, m.profile).tss);
      }
      if (day.load) coach.set(addDays(day.date, -1), day.load.yesterdayTss);
    }
  }
  const dates = [...fromRides.keys(), ...coach.keys()].sort();
  if (dates.length === 0) return [];
  return dateRange(dates[0]!, dates[dates.length - 1]!).map((date) => ({
    date,
    tss: round1(coach.get(date) ?? fromRides.get(date) ?? 0),
  }));
}

/** The nightly figures of every stored observation of the athlete, one per date, oldest first. */
export function wellnessFromRecords(missions: readonly MissionHistory[]): WellnessDay[] {
  const byDate = new Map<IsoDate, WellnessDay>();
  for (const m of missions) {
    for (const day of m.days) {
      const o = day.observation;
      if (!o && !day.load) continue;
      const prev = byDate.get(day.date);
      byDate.set(day.date, {
        date: day.date,
        readiness: o?.readiness?.score ?? prev?.readiness ?? null,
        hrvMs: o?.hrv?.averageHrvMs ?? prev?.hrvMs ?? null,
        restingHr: o?.hrv?.lowestHeartRate ?? prev?.restingHr ?? null,
        hrvLow: day.load?.hrvNormalLow ?? prev?.hrvLow ?? null,
        hrvHigh: day.load?.hrvNormalHigh ?? prev?.hrvHigh ?? null,
      });
    }
  }
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

/**
 * The load a future mission day is expected to carry: its recorded plan's TSS when the day is
 * already planned, else the target of an as-planned day of its type and length (the planner's own
 * numbers, src/coaching/day-targets.ts).
 */
export function plannedTss(day: Pick<MissionDay, 'type' | 'training'>, plan: { targetTss: number } | null | undefined): number {
  if (plan) return plan.targetTss;
  return dayTargets('as_planned', day, day.training.durationMin).targetTss;
}

export interface FitnessSeries {
  /** Every date from the first known load to the last projected day. */
  dates: IsoDate[];
  /** Daily TSS done (null on projected days). */
  tss: (number | null)[];
  /** Planned TSS on projected days (null before). */
  planned: (number | null)[];
  ctl: number[];
  atl: number[];
  tsb: number[];
  /** Index of the first projected day, or null when nothing is projected. */
  projectedFrom: number | null;
}

/**
 * CTL/ATL/TSB over the whole history, then projected over `future` (date → planned TSS, from
 * `today` on; dates between without a planned day count 0). History days from `today` on are
 * dropped: today's load is not known until tomorrow's observation.
 */
export function fitnessSeries(history: readonly DailyLoad[], future: readonly DailyLoad[], today: IsoDate): FitnessSeries {
  const past = history.filter((d) => d.date < today);
  const ahead = future.filter((d) => d.date >= today).sort((a, b) => (a.date < b.date ? -1 : 1));
  const first = past[0]?.date ?? ahead[0]?.date;
  if (!first) return { dates: [], tss: [], planned: [], ctl: [], atl: [], tsb: [], projectedFrom: null };
  const lastPast = past[past.length - 1]?.date ?? null;
  const lastAhead = ahead[ahead.length - 1]?.date ?? null;
  const end = lastAhead ?? lastPast!;
  const done = new Map(past.map((d) => [d.date, d.tss]));
  const plan = new Map(ahead.map((d) => [d.date, d.tss]));
  const dates = dateRange(first, end);
  // Projected: every day from today on, when there is a future to project.
  const idx = ahead.length > 0 ? dates.findIndex((d) => d >= today) : -1;
  const series = dates.map((date, i) => ({ date, tss: idx >= 0 && i >= idx ? (plan.get(date) ?? 0) : (done.get(date) ?? 0) }));
  const pmc = performanceManager(series);
  return {
    dates,
    tss: series.map((d, i) => (idx >= 0 && i >= idx ? null : d.tss)),
    planned: series.map((d, i) => (idx >= 0 && i >= idx ? d.tss : null)),
    ctl: pmc.map((p) => round1(p.ctl)),
    atl: pmc.map((p) => round1(p.atl)),
    tsb: pmc.map((p) => round1(p.tsb)),
    projectedFrom: idx >= 0 ? idx : null,
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
