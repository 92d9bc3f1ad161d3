/** Builders for coaching tests: a TdF-like mission week, a well athlete, and overridable observations. */
import type { AthleteProfile, DayObservation, HrvTrend, LoadFigures, MissionDay, MissionGoals, PlannerOptions, Reflection, StageType } from '../../../src/domain/types';
import type { CoachedDay } from '../../../src/coaching/athlete-parameters';

export const ATHLETE: AthleteProfile = {
  handle: 'marie-velo',
  ftpW: 250,
  weightKg: 62,
  thresholdHr: 170,
  maxHr: 190,
  restingHr: 48,
  disciplines: ['cycling'],
};

export const GOALS: MissionGoals = {
  summary: 'Ride along the Tour de France 2025',
  weeklyHoursCap: 12,
  maxConsecutiveHardDays: 3,
  keyStages: [12, 18],
  taperDays: 1,
};

export const PLANNER: PlannerOptions = { useLlm: true, model: 'gpt-4o-mini', language: 'en' };

function day(index: number, date: string, stage: number | null, name: string, type: StageType, durationMin: number, importance: MissionDay['importance'] = 'normal'): MissionDay {
  return {
    index,
    date,
    stage,
    name,
    start: null,
    finish: null,
    distanceKm: type === 'rest' ? 0 : 170,
    elevationM: type === 'mountain' ? 4000 : type === 'hilly' ? 2000 : 800,
    type,
    importance,
    training: { mode: type === 'rest' ? 'rest' : 'indoor', durationMin, focus: type === 'rest' ? 'rest' : `${type} stage rehearsal` },
    notes: null,
  };
}

export const DAYS: MissionDay[] = [
  day(8, '2025-07-13', 9, 'Stage 9: Chinon → Châteauroux', 'flat', 75),
  day(9, '2025-07-14', 10, 'Stage 10: Ennezat → Le Mont-Dore Puy de Sancy', 'mountain', 90),
  day(10, '2025-07-15', null, 'Rest day (Toulouse)', 'rest', 0),
  day(11, '2025-07-16', 11, 'Stage 11: Toulouse → Toulouse', 'flat', 60),
  day(12, '2025-07-17', 12, 'Stage 12: Auch → Hautacam', 'mountain', 120, 'key'),
  day(13, '2025-07-18', 13, 'Stage 13: Loudenvielle → Peyragudes', 'itt', 45),
  day(14, '2025-07-19', 14, 'Stage 14: Pau → Luchon-Superbagnères', 'mountain', 120),
  day(15, '2025-07-20', 15, 'Stage 15: Muret → Carcassonne', 'hilly', 90),
];

export function missionDay(date: string): MissionDay {
  const found = DAYS.find((d) => d.date === date);
  if (!found) throw new Error(`no fixture day ${date}`);
  return found;
}

export function observation(date: string, over: Partial<{ score: number | null; temp: number | null; hrv: number | null; lowestHr: number | null; sleepScore: number | null; sleepH: number | null }> = {}): DayObservation {
  const o = { score: 82, temp: 0.1, hrv: 50, lowestHr: 49, sleepScore: 80, sleepH: 7.5, ...over };
  return {
    date,
    readiness: {
      source: 'oura',
      score: o.score,
      temperatureDeviation: o.temp,
      temperatureTrendDeviation: 0,
      contributors: {
        activityBalance: 80,
        bodyTemperature: o.temp !== null && o.temp >= 1 ? 20 : 90,
        hrvBalance: 78,
        previousDayActivity: 75,
        previousNight: 80,
        recoveryIndex: 85,
        restingHeartRate: 80,
        sleepBalance: 82,
        sleepRegularity: 88,
      },
    },
    sleep: { source: 'oura', score: o.sleepScore, totalSleepS: o.sleepH === null ? null : Math.round(o.sleepH * 3600), efficiency: 90 },
    hrv: { source: 'oura', averageHrvMs: o.hrv, lowestHeartRate: o.lowestHr, averageHeartRate: 55 },
    rides: [],
    missing: [],
  };
}

/** The morning without any Oura data (token revoked), as the observation module reports it. */
export function observationWithoutOura(date: string): DayObservation {
  return {
    date,
    readiness: null,
    sleep: null,
    hrv: null,
    rides: [],
    missing: [
      { part: 'readiness', source: 'oura', reason: 'HTTP 401 from Oura' },
      { part: 'sleep', source: 'oura', reason: 'HTTP 401 from Oura' },
      { part: 'hrv', source: 'oura', reason: 'HTTP 401 from Oura' },
    ],
  };
}

/** The HRV figures of a week whose 7-day mean is `mean7dMs`, against a 49 ms baseline (ln SD 0.1, SWC 0.05). */
export function hrvWeek(mean7dMs: number, baselineMs = 49): Pick<LoadFigures, 'hrv7dMean' | 'hrvTrend'> {
  const trend: HrvTrend = { lnMean7d: Math.log(mean7dMs), lnBaseline: Math.log(baselineMs), lnSd: 0.1, swc: 0.05, nights7d: 7, nightsBaseline: 60 };
  return { hrv7dMean: mean7dMs, hrvTrend: trend };
}

export function load(date: string, over: Partial<LoadFigures> = {}): LoadFigures {
  return {
    date,
    yesterdayTss: 70,
    yesterdayTssMethod: 'power',
    ctl: 60,
    atl: 65,
    tsb: -5,
    acwr: 1.08,
    acwrSpike: false,
    hrv7dMean: 49,
    hrvNormalLow: 46.6,
    hrvNormalHigh: 51.5,
    hrvTrend: hrvWeek(49).hrvTrend,
    restingHrDeviation: 1,
    ...over,
  };
}

export function reflection(date: string, over: Partial<Reflection> = {}): Reflection {
  return { date, rpe: 5, legs: 4, mood: 4, sleepQuality: 4, completed: 'yes', note: '', ...over };
}

export function recentDay(date: string, over: Partial<CoachedDay> = {}): CoachedDay {
  return { date, state: 'ready', decision: 'as_planned', stageType: 'flat', intendedIf: 0.7, plannedTss: 60, hrvDropPct: 0, ...over };
}
