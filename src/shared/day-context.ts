import type { AthleteProfile, Channel, ClockTime, IsoDate, MissionDay, MissionGoals, PlannerOptions, Reflection } from '../domain/types';

/**
 * What a day's cycle needs to know about its mission, carried from the mission workflow to the
 * day workflow and its activities. No secrets and no contact details: those stay in the
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
