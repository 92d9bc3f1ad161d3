/**
 * The one definition of how the outside world talks to a mission: task queue, workflow ids, and
 * the signal, updates and queries. Imported by workflows, worker, CLI, dashboard and tests.
 * Sandbox-safe (no Node builtins).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Channel, ClockTime, Completion, DecisionKind, IsoDate, LoadFigures, ReadinessState, StageType } from '../domain/types';

export const TASK_QUEUE = 'lanterne';

/**
 * `mission-<athleteId>-<missionId>`: two athletes can ride the same mission file. The athlete id
 * is the opaque one of the `athletes` table (never the handle), so ids in Temporal name no one.
 */
export function missionWorkflowId(athleteId: string, missionId: string): string {
  return `mission-${athleteId}-${missionId}`;
}

/** The id of missions started before athletes had ids (still answered by every client). */
export function legacyMissionWorkflowId(missionId: string): string {
  return `mission-${missionId}`;
}

/** A day's child workflow: `<mission workflow id>-day-<YYYY-MM-DD>`. */
export function dayWorkflowId(missionWorkflowId: string, date: IsoDate): string {
  return `${missionWorkflowId}-day-${date}`;
}

// ------------------------------------------------------------------ reflect (signal)

export interface ReflectInput {
  date: IsoDate;
  /** Rate of perceived exertion, 1–10. */
  rpe: number;
  /** Legs / soreness, 1 (fresh) – 5 (very sore). */
  legs: number;
  /** Mood, 1 (low) – 5 (great). */
  mood: number;
  /** Sleep quality, 1 (bad) – 5 (great). */
  sleepQuality: number;
  completed: Completion;
  note?: string;
}

export const reflectSignal = defineSignal<[ReflectInput]>('reflect');

// ------------------------------------------------------------------ override (update)

export type OverrideInput =
  | { kind: 'rest-day'; date: IsoDate; reason?: string }
  | { kind: 'swap-days'; date: IsoDate; otherDate: IsoDate }
  | { kind: 'set-ftp'; ftpW: number }
  | { kind: 'pause'; reason?: string }
  | { kind: 'resume' }
  | { kind: 'shift'; days: number }
  | { kind: 'set-run-time'; runTime: ClockTime }
  | { kind: 'set-channels'; channels: Channel[] };

export interface OverrideResult {
  accepted: true;
  kind: OverrideInput['kind'];
  /** What changed, in a sentence. */
  changed: string;
}

export const overrideUpdate = defineUpdate<OverrideResult, [OverrideInput]>('override');

// ------------------------------------------------------------------ runNow (update)

export interface RunNowInput {
  /** Run again even if today's cycle already ran. */
  force?: boolean;
}

export interface RunNowResult {
  date: IsoDate;
  dayWorkflowId: string;
  rerun: boolean;
}

export const runNowUpdate = defineUpdate<RunNowResult, [RunNowInput]>('runNow');

// ------------------------------------------------------------------ dataReady (signal)

/**
 * A provider told us (webhook) that new data exists for the mission's athlete: an Oura night or
 * readiness score, or a Strava activity created or updated. The mission decides what to do with
 * it (start today's cycle early, record a ride); the same event delivered twice changes nothing
 * (`eventId` is the provider's event identity). Carries no health values and no tokens.
 */
export type DataReadyInput =
  | {
      provider: 'oura';
      /** Oura's data_type of the event. */
      dataType: 'daily_sleep' | 'daily_readiness' | 'sleep';
      eventType: 'create' | 'update' | 'delete';
      /** Oura's object_id of the document that changed. */
      objectId: string;
      /** ISO instant the provider gives for the event. */
      eventTime: string;
      eventId: string;
    }
  | {
      provider: 'strava';
      aspect: 'create' | 'update' | 'delete';
      /** Strava activity id (as text: ids exceed 2^53 in the future). */
      activityId: string;
      eventTime: string;
      eventId: string;
    };

export const dataReadySignal = defineSignal<[DataReadyInput]>('dataReady');

// ------------------------------------------------------------------ queries

export type MissionPhase = 'waiting' | 'running-day' | 'paused' | 'done';

export interface DayOutcome {
  date: IsoDate;
  status: 'ok' | 'degraded' | 'failed' | 'skipped';
  decision: DecisionKind | null;
  state: ReadinessState | null;
  /** Local time the cycle started (HH:MM in the mission timezone). */
  ranAtLocal: string | null;
  late: boolean;
  note: string | null;
}

export interface MissionStatus {
  missionId: string;
  name: string;
  athlete: string;
  /** The athlete's opaque id; null for missions started before athletes had ids. */
  athleteId: string | null;
  timezone: string;
  runTime: ClockTime;
  /** With webhooks, the day may start this early when the night's data has landed. */
  earliestTime: ClockTime;
  phase: MissionPhase;
  paused: boolean;
  pauseReason: string | null;
  /** The next day to run, or null when the mission is over. */
  nextDay: { date: IsoDate; stage: number | null; name: string } | null;
  /** ISO instant of the next run, null when paused or done. */
  nextRunAt: string | null;
  /** A runNow was accepted and has not run yet. */
  runNowPending: boolean;
  daysTotal: number;
  daysDone: number;
  counters: { ok: number; degraded: number; failed: number; skipped: number; continuedAsNew: number };
  lastDay: DayOutcome | null;
  load: LoadFigures | null;
  ftpW: number;
  channels: Channel[];
  configHash: string;
  reflections: ReflectInput[];
}

export interface UpcomingDay {
  date: IsoDate;
  stage: number | null;
  name: string;
  type: StageType;
  durationMin: number;
  override: string | null;
}

export const statusQuery = defineQuery<MissionStatus>('status');
export const upcomingQuery = defineQuery<UpcomingDay[], [number?]>('upcoming');
