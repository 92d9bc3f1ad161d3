import type {
  AthleteProfile,
  Channel,
  ClassSuggestion,
  ClockTime,
  DayObservation,
  Decision,
  IsoDate,
  LoadFigures,
  MissionDay,
  MissionGoals,
  PlannerOptions,
  Reflection,
  Workout,
} from '../domain/types';
import type { DayNotification, DayResult } from './day-result';

/**
 * Legacy (v2 and earlier): what a day's cycle received, carried whole from the mission workflow to
 * the day workflow and every activity. Days now run by key (day-key.ts); this stays so recorded
 * histories replay. No secrets and no contact details: those stay in the
 * environment / the encrypted store and are read by the activities themselves.
 */
export interface DayContext {
  missionId: string;
  missionName: string;
  athlete: string;
  configHash: string;
  date: IsoDate;
  dayWorkflowId: string;
  day: MissionDay;
  profile: AthleteProfile;
  goals: MissionGoals;
  planner: PlannerOptions;
  timezone: string;
  runTime: ClockTime;
  channels: Channel[];
  quietHours: { start: ClockTime; end: ClockTime } | null;
  /** Reflections the athlete sent for recent days (newest last). */
  reflections: Reflection[];
  /** Overrides that apply to this day, in words (e.g. "rest day requested by the athlete"). */
  overrides: string[];
  /** Days of the mission around this one (up to 42 before, 14 after), for the coach's context. */
  missionDays: MissionDay[];
  /** Number of days in the mission. */
  totalDays: number;
  /** True when the cycle runs after its scheduled time. */
  late: boolean;
}

/** Legacy (v2 and earlier): the day's step activities. Only recorded histories schedule them. */
export interface LegacyDayActivities {
  beginDay(ctx: DayContext): Promise<void>;
  observe(ctx: DayContext): Promise<{ observation: DayObservation; wellness: { date: IsoDate; averageHrvMs: number | null; lowestHeartRate: number | null }[] }>;
  assessLoad(ctx: DayContext, observed: unknown): Promise<LoadFigures>;
  reason(ctx: DayContext, observed: unknown, load: LoadFigures): Promise<Decision>;
  plan(ctx: DayContext, decision: Decision): Promise<{ workout: Workout; degraded: string | null }>;
  matchClasses(ctx: DayContext, decision: Decision, workout: Workout): Promise<ClassSuggestion[]>;
  recordDay(ctx: DayContext, record: unknown): Promise<void>;
  writeReport(ctx: DayContext): Promise<{ paths: string[] }>;
  notify(ctx: DayContext): Promise<{ outcomes: DayNotification[]; deferredUntil: string | null }>;
  finishDay(ctx: DayContext, result: DayResult): Promise<void>;
}
