import type { ClockTime, DecisionKind, IsoDate, LoadFigures, ReadinessState } from '../domain/types';

/**
 * What a day's cycle and its activities receive: the day's key and the few facts that are not in
 * PostgreSQL. Everything else (the mission config under `configHash`, reflections, past days, the
 * day's observation and decision) the activities read by this key, so no step carries another
 * step's data and the mission config does not ride in every payload.
 */
export interface DayKey {
  missionId: string;
  /** The athlete's handle: scopes every row (payloads are encrypted; logs never carry it). */
  athlete: string;
  /** Hash of the mission config (config_versions) the day runs under, overrides included. */
  configHash: string;
  date: IsoDate;
  /** Position of the day in the mission (`mission.days[dayIndex]`). */
  dayIndex: number;
  dayWorkflowId: string;
  /** The athlete turned this day into a rest day. */
  restDay: boolean;
  /** Overrides that apply to this day, in words (e.g. "rest day requested by the athlete"). */
  overrides: string[];
  /** True when the cycle runs after its scheduled time. */
  late: boolean;
  /** Why the cycle starts before its run time (e.g. "Oura data landed at 07:12"), else null. */
  early: string | null;
  /** The mission's timezone and quiet hours: the day workflow decides the quiet-hours wait itself. */
  timezone: string;
  quietHours: { start: ClockTime; end: ClockTime } | null;
}

/** What the observe step hands on: the day's load figures and what could not be observed. */
export interface ObservedDaySummary {
  load: LoadFigures;
  /** Missing parts, in words ("readiness from oura: 401 …"). */
  degraded: string[];
}

/** What the plan step hands on. */
export interface PlannedDaySummary {
  workoutTitle: string;
  durationMin: number;
  /** Why a configured model was not used (it failed or answered something invalid), else null. */
  degraded: string | null;
}

/** What the decide step hands on (the whole decision, rationale included, is in PostgreSQL). */
export interface DecidedDaySummary {
  state: ReadinessState;
  decision: DecisionKind;
  /** Why the decision was made on less than it needs (missing data), in words. */
  degraded: string[];
}
