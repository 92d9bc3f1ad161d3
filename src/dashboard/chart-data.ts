/**
 * The data behind the dashboard's charts, as the JSON its script draws with uPlot: the fitness
 * chart (CTL/ATL/TSB and daily TSS over the whole history, the rest of the mission projected),
 * readiness/HRV/resting HR on the same days, planned vs done TSS per mission day, and a workout's
 * power profile. Pure.
 */
import type { IsoDate, Workout } from '../domain/types';
import { addDays, dateRange } from '../domain/iso-date';
import { POWER_LEVELS, intervalIntensityFactor } from '../coaching/training-zones';
import { fitnessSeries, type DailyLoad, type WellnessDay } from './fitness';
import type { CalendarTile } from './calendar';

export interface MissionCharts {
  /** The x axis shared by the fitness and wellness charts: every day of the history and the mission. */
  dates: IsoDate[];
  tss: (number | null)[];
  planned: (number | null)[];
  ctl: (number | null)[];
  atl: (number | null)[];
  tsb: (number | null)[];
  /** Index in `dates` of the first projected day, or null. */
  projectedFrom: number | null;
  readiness: (number | null)[];
  hrv: (number | null)[];
  hrvLow: (number | null)[];
  hrvHigh: (number | null)[];
  restingHr: (number | null)[];
  mission: { start: IsoDate | null; end: IsoDate | null; today: IsoDate; keyDays: IsoDate[] };
  /** Planned vs done TSS per day, from the first planned day (at least seven days; null where nothing is known). */
  compliance: { dates: IsoDate[]; planned: (number | null)[]; done: (number | null)[] };
}

export function missionCharts(input: { history: readonly DailyLoad[]; wellness: readonly WellnessDay[]; tiles: readonly CalendarTile[]; today: IsoDate }): MissionCharts {
  const future = input.tiles.filter((t) => t.date >= input.today).map((t) => ({ date: t.date, tss: t.plannedTss ?? 0 }));
  const fit = fitnessSeries(input.history, future, input.today);
  const starts = [fit.dates[0], input.wellness[0]?.date, input.tiles[0]?.date].filter((d): d is IsoDate => !!d).sort();
  const ends = [fit.dates[fit.dates.length - 1], input.wellness[input.wellness.length - 1]?.date, input.tiles[input.tiles.length - 1]?.date].filter((d): d is IsoDate => !!d).sort();
  const dates = starts.length ? dateRange(starts[0]!, ends[ends.length - 1]!) : [];
  const at = new Map(fit.dates.map((d, i) => [d, i]));
  const well = new Map(input.wellness.map((w) => [w.date, w]));
  const pick = <T>(values: readonly T[]) => dates.map((d) => (at.has(d) ? values[at.get(d)!]! : null));
  const fromWell = (f: (w: WellnessDay) => number | null) => dates.map((d) => (well.has(d) ? f(well.get(d)!) : null));
  const planned = new Map(input.tiles.filter((t) => t.plannedTss !== null && !t.plannedEstimated && t.date <= input.today).map((t) => [t.date, t]));
  // Every day from the first planned one, at least a week, so a block's first days read as days.
  const firstPlanned = [...planned.keys()][0];
  const lastPlanned = [...planned.keys()].pop();
  const complianceDates = firstPlanned ? dateRange(firstPlanned, [lastPlanned!, addDays(firstPlanned, 6)].sort()[1]!) : [];
  const projectedDate = fit.projectedFrom !== null ? fit.dates[fit.projectedFrom]! : null;
  return {
    dates,
    tss: pick(fit.tss),
    planned: pick(fit.planned),
    ctl: pick(fit.ctl),
    atl: pick(fit.atl),
    tsb: pick(fit.tsb),
    projectedFrom: projectedDate ? dates.indexOf(projectedDate) : null,
    readiness: fromWell((w) => w.readiness),
    hrv: fromWell((w) => w.hrvMs),
    hrvLow: fromWell((w) => w.hrvLow),
    hrvHigh: fromWell((w) => w.hrvHigh),
    restingHr: fromWell((w) => w.restingHr),
    mission: {
      start: input.tiles[0]?.date ?? null,
      end: input.tiles[input.tiles.length - 1]?.date ?? null,
      today: input.today,
      keyDays: input.tiles.filter((t) => t.importance === 'key').map((t) => t.date),
    },
    compliance: {
      dates: complianceDates,
      planned: complianceDates.map((d) => planned.get(d)?.plannedTss ?? null),
      done: complianceDates.map((d) => planned.get(d)?.doneTss ?? null),
    },
  };
}

/** One block of a workout's profile, minutes from the start. */
export interface ProfileBlock {
  startMin: number;
  endMin: number;
  /** Intensity as a fraction of FTP (for heart-rate blocks, the zone's power equivalent). */
  pct: number;
  watts: number | null;
  /** Coggan power level 1–7 (for heart-rate blocks, the HR zone). */
  zone: number;
  /** True when the block's target is a heart-rate zone, not power. */
  byHeartRate: boolean;
  cue: string;
}

/** The Coggan power level (1–7) of an intensity given as a fraction of FTP. */
export function powerLevel(pct: number): number {
  for (const [level, range] of Object.entries(POWER_LEVELS)) if (pct <= range.high) return Number(level);
  return 7;
}

export function workoutProfile(w: Workout): ProfileBlock[] {
  let t = 0;
  return w.intervals.map((i) => {
    const pct = intervalIntensityFactor(i);
    const byHeartRate = i.targetPctFtp === null && i.hrZone !== null;
    const block = { startMin: t, endMin: t + i.durationMin, pct, watts: i.targetWatts, zone: byHeartRate ? i.hrZone! : powerLevel(pct), byHeartRate, cue: i.cue };
    t += i.durationMin;
    return block;
  });
}
