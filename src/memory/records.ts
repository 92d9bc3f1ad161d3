import type {
  Channel,
  ClassSuggestion,
  Completion,
  DayObservation,
  Decision,
  DecisionKind,
  IsoDate,
  LoadFigures,
  ReadinessState,
  Reflection,
  Workout,
} from '../domain/types';

/**
 * What the memory layer stores and returns. Every value is JSON-safe (timestamps are ISO-8601
 * strings), so records can be returned from activities and travel through Temporal payloads.
 */

/** Names one athlete's mission. Every read and write takes one and filters on both fields. */
export interface MissionScope {
  missionId: string;
  athlete: string;
}

export const MISSION_STATUSES = ['active', 'paused', 'completed', 'cancelled'] as const;
export type MissionStatus = (typeof MISSION_STATUSES)[number];

export interface MissionRecord {
  id: string;
  athlete: string;
  name: string;
  configHash: string;
  status: MissionStatus;
  /** The Temporal workflow that runs the mission (null for rows written before it was kept). */
  workflowId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ConfigVersionRecord {
  hash: string;
  canonicalJson: string;
  createdAt: string;
}

export const DAY_RUN_STATUSES = ['running', 'ok', 'degraded', 'failed'] as const;
export type DayRunStatus = (typeof DAY_RUN_STATUSES)[number];
export type DayRunOutcome = Exclude<DayRunStatus, 'running'>;

export interface DayRunRecord {
  date: IsoDate;
  status: DayRunStatus;
  degradedReasons: string[];
  workflowId: string | null;
  configHash: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface DecisionRecord {
  decision: Decision;
  /** Hash of the mission config the decision was made under. */
  configHash: string;
}

/** A mission override the athlete asked for (rest today, pause, new FTP, ...). */
export interface NewOverride {
  /** Unique per request (e.g. the Temporal update id): recording the same id twice stores it once. */
  requestId: string;
  kind: string;
  /** The day it applies to, when it applies to one day. */
  day: IsoDate | null;
  /** JSON-safe details of the request. */
  payload: unknown;
}

export interface OverrideRecord extends NewOverride {
  recordedAt: string;
}

export const NOTIFICATION_STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export interface NotificationRecord {
  date: IsoDate;
  channel: Channel;
  status: NotificationStatus;
  attempts: number;
  claimedAt: string | null;
  sentAt: string | null;
  detail: string | null;
  providerMessageId: string | null;
}

export interface ClaimResult {
  /** true: the caller owns the send now and must mark it sent, failed or skipped. */
  claimed: boolean;
  /** The row's status after the call (`sending` when claimed). */
  status: NotificationStatus;
  /** Claims made so far, this one included. */
  attempts: number;
}

export interface ReportInput {
  paths: string[];
  formats: string[];
}

export interface ReportRecord extends ReportInput {
  recordedAt: string;
}

/** Everything recorded for one mission day; parts not recorded are null (or empty lists). */
export interface DayRecord {
  date: IsoDate;
  run: DayRunRecord | null;
  observation: DayObservation | null;
  load: LoadFigures | null;
  decision: DecisionRecord | null;
  plan: Workout | null;
  classSuggestions: ClassSuggestion[] | null;
  reflection: Reflection | null;
  overrides: OverrideRecord[];
  notifications: NotificationRecord[];
  report: ReportRecord | null;
}

/** One past day in compact form, for prompts and reports. Unknown figures are null. */
export interface CompactDay {
  date: IsoDate;
  readinessScore: number | null;
  hrvMs: number | null;
  state: ReadinessState | null;
  decision: DecisionKind | null;
  /** TSS the plan aimed for. */
  plannedTss: number | null;
  /** TSS actually done that day (from the next day's load figures), when known. */
  doneTss: number | null;
  reflection: { rpe: number; legs: number; completed: Completion } | null;
  /** Done vs planned TSS; null unless both are known and the plan asked for some load. */
  compliance: { plannedTss: number; doneTss: number; ratio: number } | null;
}

/** The coach's adaptive state after a day, stored as opaque JSON (shape owned by src/coaching). */
export interface AdaptationRecord {
  parameters: unknown;
  changes: unknown;
  replan: unknown;
}
