/**
 * The mission workflow's state: small, JSON-safe (no Date/Map/Set), carried whole through
 * continue-as-new. Pure functions over it are unit-tested outside Temporal.
 */
import type { IsoDate, LoadFigures, MissionConfig, Reflection } from '../domain/types';
import type { DayOutcome, ReflectInput } from '../shared/mission-api';

export interface OverrideLogEntry {
  at: string;
  kind: string;
  changed: string;
}

export interface MissionState {
  mission: MissionConfig;
  configHash: string;
  /**
   * The athlete's opaque id (the `athletes` table): in workflow ids and search attributes instead
   * of the handle. Absent in states carried from missions started before athletes had ids.
   */
  athleteId?: string | null;
  /** Local date on which the mission workflow first started; earlier days are skipped. */
  startedOn: IsoDate;
  /** Index into mission.days of the next day to run. */
  nextIndex: number;
  paused: boolean;
  pauseReason: string | null;
  /** Per-date overrides in words, applied when the day runs. */
  dayOverrides: Record<IsoDate, string[]>;
  /** Dates the athlete turned into rest days. */
  restDays: IsoDate[];
  reflections: Reflection[];
  overridesLog: OverrideLogEntry[];
  outcomes: DayOutcome[];
  load: LoadFigures | null;
  continuedAsNew: number;
  /** An accepted runNow that has not run yet: carried through continue-as-new, never lost. */
  runNow?: RunNowRequest | null;
  /** Provider event ids already handled (newest last), so a redelivered webhook changes nothing. */
  seenEvents?: string[];
}

export interface RunNowRequest {
  date: IsoDate;
  force: boolean;
}

export const REFLECTIONS_KEPT = 28;
export const OVERRIDES_KEPT = 50;
export const EVENTS_KEPT = 100;

export function initialState(mission: MissionConfig, configHash: string, startedOn: IsoDate, athleteId: string | null = null): MissionState {
  return {
    mission,
    configHash,
    athleteId,
    startedOn,
    nextIndex: 0,
    paused: false,
    pauseReason: null,
    dayOverrides: {},
    restDays: [],
    reflections: [],
    overridesLog: [],
    outcomes: [],
    load: null,
    continuedAsNew: 0,
    runNow: null,
    seenEvents: [],
  };
}

/** Remembers a handled event id; false when it was handled before (a redelivery). */
export function rememberEvent(state: MissionState, eventId: string): boolean {
  const seen = state.seenEvents ?? [];
  if (seen.includes(eventId)) return false;
  state.seenEvents = [...seen, eventId].slice(-EVENTS_KEPT);
  return true;
}

/** The reflection as stored: the athlete's fields only, with an empty note when none was sent. */
export function toReflection(input: ReflectInput): Reflection {
  return {
    date: input.date,
    rpe: input.rpe,
    legs: input.legs,
    mood: input.mood,
    sleepQuality: input.sleepQuality,
    completed: input.completed,
    note: input.note ?? '',
  };
}

/** Adds or replaces the reflection for its date, keeping the newest REFLECTIONS_KEPT by date. */
export function withReflection(list: Reflection[], input: ReflectInput): Reflection[] {
  const r = toReflection(input);
  return [...list.filter((x) => x.date !== r.date), r].sort((a, b) => a.date.localeCompare(b.date)).slice(-REFLECTIONS_KEPT);
}

export function countOutcomes(outcomes: DayOutcome[]): { ok: number; degraded: number; failed: number; skipped: number } {
  const c = { ok: 0, degraded: 0, failed: 0, skipped: 0 };
  for (const o of outcomes) c[o.status]++;
  return c;
}
