/**
 * The coach's memory of past days, as the day's reasoning and planning read it: which days were
 * decided how, how hard they were meant to be, and how much time the week has used. Pure: the
 * daily cycle builds `RememberedDay`s from its stored records, the evaluation from its own loop,
 * and both get the same inputs for `decideDay` and the planner.
 */
import type { Decision, IsoDate, MissionDay, Workout } from '../domain/types';
import type { CoachedDay } from './athlete-parameters';
import { addDays } from '../domain/iso-date';

/** One past day as stored: its decision, its planned workout, its HRV figures and its temperature. */
export interface RememberedDay {
  date: IsoDate;
  decision: Decision | null;
  plan: Workout | null;
  /** Nightly HRV observed that morning, ms. */
  hrvMs: number | null;
  /** The 7-day HRV mean of that morning's load figures, ms. */
  hrv7dMean: number | null;
  /** Body-temperature deviation observed that morning, °C (absent or null when unknown). */
  temperatureDeviation?: number | null;
}

/** Days of memory the reasoning reads (decided days and the weekly time). */
export const REASONING_MEMORY_DAYS = 14;

/** The intensity factor a plan implies: TSS = h × IF² × 100 (null without time or stress). */
export function impliedIntensity(w: Pick<Workout, 'durationMin' | 'targetTss'> | null): number | null {
  if (!w || w.durationMin <= 0 || w.targetTss <= 0) return null;
  return Math.round(Math.sqrt(w.targetTss / ((w.durationMin / 60) * 100)) * 100) / 100;
}

/** The decided days among `days`, as the reasoning and adaptation read them (stage types from `missionDays`). */
export function coachedDays(days: readonly RememberedDay[], missionDays: readonly MissionDay[]): CoachedDay[] {
  const byDate = new Map(missionDays.map((d) => [d.date, d]));
  return days
    .filter((r) => r.decision)
    .map((r) => {
      const hrv = r.hrvMs;
      const mean = r.hrv7dMean;
      return {
        date: r.date,
        state: r.decision!.state,
        decision: r.decision!.decision,
        stageType: byDate.get(r.date)?.type ?? 'flat',
        intendedIf: impliedIntensity(r.plan),
        plannedTss: r.plan?.targetTss ?? null,
        hrvDropPct: hrv !== null && mean ? Math.round(((mean - hrv) / mean) * 1000) / 1000 : null,
        temperatureDeviation: r.temperatureDeviation ?? null,
      };
    });
}

/** Minutes planned in the 6 days before `date` (the weekly hours cap counts them). */
export function weekMinutesBefore(days: readonly Pick<RememberedDay, 'date' | 'plan'>[], date: IsoDate): number {
  const from = addDays(date, -6);
  return days.filter((r) => r.date >= from && r.date < date).reduce((sum, r) => sum + (r.plan?.durationMin ?? 0), 0);
}
