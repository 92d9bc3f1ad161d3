/**
 * Per-athlete adaptive parameters: the knobs that reflections turn (see adaptation.ts) and the
 * readiness rules read (see readiness.ts). JSON-safe so they can be stored and carried through
 * Temporal payloads. Every parameter has bounds; adaptation never leaves them.
 */
import type { DecisionKind, IsoDate, ReadinessState, StageType } from '../domain/types';
import { addDays } from '../domain/iso-date';

export interface AthleteParameters {
  /** HRV drop below the 7-day baseline tolerated before "caution" (0.10 = 10 %); twice it is "strained". */
  hrvDropTolerance: number;
  /** TSB below this is "caution"; 10 points lower is "strained". */
  tsbFloor: number;
  /** Scales the day's planned training stress (1 = as the mission planned). */
  intensityScale: number;
  /** How fast the athlete bounces back: 1 = typical, lower = slower (longer easing, reflections count longer). */
  recoverySpeed: number;
  /** Days up to and including this date are eased after a strain trend (the week re-plan); null = none. */
  easeUntil: IsoDate | null;
  /** Why the days up to easeUntil are eased, cited in the rationale. */
  easeReason: string | null;
  /** Newest reflection date already taken into account, so a reflection adjusts parameters once. */
  adaptedThrough: IsoDate | null;
}

export const PARAMETER_BOUNDS = {
  hrvDropTolerance: { min: 0.05, max: 0.2 },
  tsbFloor: { min: -35, max: -10 },
  intensityScale: { min: 0.8, max: 1.1 },
  recoverySpeed: { min: 0.6, max: 1.4 },
} as const;

export type BoundedParameter = keyof typeof PARAMETER_BOUNDS;

export const DEFAULT_PARAMETERS: AthleteParameters = {
  hrvDropTolerance: 0.1,
  tsbFloor: -20,
  intensityScale: 1,
  recoverySpeed: 1,
  easeUntil: null,
  easeReason: null,
  adaptedThrough: null,
};

export function clampParameter(name: BoundedParameter, value: number): number {
  const { min, max } = PARAMETER_BOUNDS[name];
  return Math.round(Math.min(max, Math.max(min, value)) * 1000) / 1000;
}

/** How many days back a reflection still counts in the day's reasoning (2 at typical recovery speed). */
export function reflectionLookbackDays(params: AthleteParameters): number {
  return Math.max(1, Math.ceil(2 / params.recoverySpeed));
}

/**
 * One past day as the coach remembers it: what was decided, how hard it was meant to be and how
 * the body looked. Built by the caller from stored decisions; the newest day last.
 */
export interface CoachedDay {
  date: IsoDate;
  state: ReadinessState;
  decision: DecisionKind;
  stageType: StageType;
  /** Intended intensity factor of the planned workout, when known. */
  intendedIf: number | null;
  /** TSS of the planned workout, when known. */
  plannedTss: number | null;
  /** HRV drop below baseline that morning (0.2 = 20 % below), when known; negative = above. */
  hrvDropPct: number | null;
  /** Body-temperature deviation Oura reported that morning, °C (absent or null when unknown). */
  temperatureDeviation?: number | null;
}

const HARD_STAGE_TYPES: readonly StageType[] = ['hilly', 'mountain', 'itt', 'ttt'];

/** A day counts as hard when a hard stage was ridden with its intensity (as planned or shortened). */
export function isHardDay(day: Pick<CoachedDay, 'decision' | 'stageType'>): boolean {
  return (day.decision === 'as_planned' || day.decision === 'reduce_volume') && HARD_STAGE_TYPES.includes(day.stageType);
}

export function isHardStage(type: StageType): boolean {
  return HARD_STAGE_TYPES.includes(type);
}

/** Number of hard days immediately before `date` (consecutive calendar days, newest first). */
export function consecutiveHardDaysBefore(date: IsoDate, recent: CoachedDay[]): number {
  const byDate = new Map(recent.map((d) => [d.date, d]));
  let count = 0;
  let cursor = addDays(date, -1);
  for (;;) {
    const day = byDate.get(cursor);
    if (!day || !isHardDay(day)) return count;
    count += 1;
    cursor = addDays(cursor, -1);
  }
}
