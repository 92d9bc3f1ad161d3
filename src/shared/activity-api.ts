/**
 * The activities a mission uses, as types. Workflows proxy this interface by type import only;
 * `createActivities(deps)` returns the real implementation and tests may pass typed fakes.
 */
import type { IsoDate, MissionConfig, Reflection } from '../domain/types';
import type { DataReadyInput, DayOutcome, OverrideInput } from './mission-api';
import type { DayKey, DecidedDaySummary, ObservedDaySummary, PlannedDaySummary } from './day-key';
import type { DayNotification } from './day-result';
import type { MissionSummary } from './mission-summary';

export interface Scope {
  missionId: string;
  athlete: string;
}

export interface RegisterMissionInput {
  /** The canonical mission, validated by the client; the activity validates it again. */
  mission: MissionConfig;
  /** The client's hash of `mission`: checked, so a mission altered on the way is refused. */
  configHash: string;
  /** Move the mission's calendar to start on this date; 'today' = the local date in its timezone. */
  startDate?: IsoDate | 'today';
  /** Workflow time, so that "today" is the workflow's today (also under time skipping). */
  nowMs: number;
}

export interface CommitOverrideInput {
  /** Unique per accepted update (a client retry reuses it): recorded once. */
  requestId: string;
  kind: OverrideInput['kind'];
  input: OverrideInput;
  changed: string;
  /** The mission as it will be after the override, when the override changes it; else null. */
  mission: MissionConfig | null;
}

export interface DeliverDayInput {
  /** Degraded reasons from the earlier steps, recorded with the day's outcome. */
  degraded: string[];
}

export interface DeliveredDay {
  status: 'ok' | 'degraded';
  degraded: string[];
  notifications: DayNotification[];
  reportPaths: string[];
}

export interface MissionSummaryInput {
  configHash: string;
  outcomes: DayOutcome[];
}

/** Legacy: the input of `loadMission`, when the worker read a mission file (histories before missions travelled as data). */
export interface LoadMissionInput {
  file: string;
  startDate?: IsoDate | 'today';
  nowMs: number;
}

export interface MissionActivities {
  /** Validates and records the mission the client sent (config version in PostgreSQL); returns it shifted to its start date. */
  registerMission(input: RegisterMissionInput): Promise<{ mission: MissionConfig; configHash: string }>;
  /** Legacy: refuses (no worker reads a client's path any more); kept so old histories name a known activity. */
  loadMission(input: LoadMissionInput): Promise<{ mission: MissionConfig; configHash: string }>;
  /** Observes the day (Oura/Strava or the synthetic athlete), computes and records the load figures. */
  observeDay(key: DayKey): Promise<ObservedDaySummary>;
  /** Readiness, negotiation with the mission and adaptation, from what is recorded; records the decision. */
  decideDay(key: DayKey): Promise<DecidedDaySummary>;
  /** The workout (model or template) and matching classes; records both. */
  planDay(key: DayKey): Promise<PlannedDaySummary>;
  /** Renders the day once, sends its messages (exactly once, through the outbox), writes the report, records the outcome. */
  deliverDay(key: DayKey, input: DeliverDayInput): Promise<DeliveredDay>;
  /** Whether today's wearable data has landed (after a webhook event). */
  dayDataReady(key: DayKey): Promise<{ ready: boolean; why: string }>;
  /** A Strava activity was created or updated: record what was ridden, and once per new ride ask how it went (not in quiet hours, on the workflow's clock). */
  recordRide(scope: Scope, event: Extract<DataReadyInput, { provider: 'strava' }>, at: { nowMs: number }): Promise<{ asked: boolean }>;
  recordDayFailure(key: Pick<DayKey, 'missionId' | 'athlete' | 'date' | 'dayWorkflowId' | 'configHash'>, message: string): Promise<void>;
  recordReflection(scope: Scope, reflection: Reflection | null): Promise<void>;
  /** Records an override and, when it changes the mission, its new config version — one transaction; returns the hash to run under. */
  commitOverride(scope: Scope, override: CommitOverrideInput): Promise<{ configHash: string | null }>;
  summarizeMission(scope: Scope, input: MissionSummaryInput): Promise<MissionSummary>;
}

/**
 * Activities that only histories recorded before missions travelled as data schedule (they replay
 * through the workflows' old branches). Not registered on workers any more.
 */
export interface LegacyMissionActivities {
  recordOverride(scope: Scope, override: { requestId: string; kind: OverrideInput['kind']; input: OverrideInput; changed: string }): Promise<void>;
}
