/**
 * The activities a mission uses, as types. Workflows proxy this interface by type import only;
 * `createActivities(deps)` returns the real implementation and tests may pass typed fakes.
 */
import type { ClassSuggestion, DayObservation, Decision, IsoDate, LoadFigures, MissionConfig, Reflection, Workout } from '../domain/types';
import type { DayContext } from './day-context';
import type { MissionState } from './mission-state';
import type { OverrideInput } from '../shared/mission-api';
import type { DayResult, DayNotification } from './day-result';
import type { MissionSummary } from './mission-summary';

export interface Scope {
  missionId: string;
  athlete: string;
}

export interface LoadMissionInput {
  file: string;
  startDate?: IsoDate | 'today';
  /** Workflow time, so that "today" is the workflow's today (also under time skipping). */
  nowMs: number;
}

/** What the observe step saw: the normalised observation and the nightly HRV/HR history for the load model. */
export interface ObservedDay {
  observation: DayObservation;
  wellness: { date: IsoDate; averageHrvMs: number | null; lowestHeartRate: number | null }[];
}

export interface DayRecordInput {
  observation: DayObservation;
  load: LoadFigures;
  decision: Decision;
  workout: Workout;
  classes: ClassSuggestion[];
}

export interface OverrideRecordInput {
  requestId: string;
  kind: OverrideInput['kind'];
  input: OverrideInput;
  changed: string;
}

export interface MissionActivities {
  loadMission(input: LoadMissionInput): Promise<{ mission: MissionConfig; configHash: string }>;
  beginDay(ctx: DayContext): Promise<void>;
  observe(ctx: DayContext): Promise<ObservedDay>;
  assessLoad(ctx: DayContext, observed: ObservedDay): Promise<LoadFigures>;
  reason(ctx: DayContext, observed: ObservedDay, load: LoadFigures): Promise<Decision>;
  /** The day's workout; `degraded` says why when a configured model failed and the fallback was used. */
  plan(ctx: DayContext, decision: Decision): Promise<{ workout: Workout; degraded: string | null }>;
  matchClasses(ctx: DayContext, decision: Decision, workout: Workout): Promise<ClassSuggestion[]>;
  recordDay(ctx: DayContext, record: DayRecordInput): Promise<void>;
  writeReport(ctx: DayContext): Promise<{ paths: string[] }>;
  /** Sends the day's messages; `deferredUntil` is set (and nothing sent) inside quiet hours. */
  notify(ctx: DayContext): Promise<{ outcomes: DayNotification[]; deferredUntil: string | null }>;
  finishDay(ctx: DayContext, result: DayResult): Promise<void>;
  recordDayFailure(ctx: DayContext, message: string): Promise<void>;
  recordReflection(scope: Scope, reflection: Reflection | null): Promise<void>;
  recordOverride(scope: Scope, override: OverrideRecordInput): Promise<void>;
  summarizeMission(scope: Scope, state: MissionState): Promise<MissionSummary>;
}
