/**
 * One coaching day, end to end and without I/O except the planner's injected model client:
 * adapt parameters from reflections → reason → negotiate with the mission → trend rule →
 * plan the workout → match Peloton classes. The dry run (`lanterne coach --dry-run`) and the
 * daily-cycle activities are built on it.
 */
import type {
  AthleteProfile,
  ClassSuggestion,
  DayObservation,
  Decision,
  LoadFigures,
  MissionDay,
  MissionGoals,
  PlannerOptions,
  Reflection,
  Workout,
} from '../domain/types';
import { type AdaptationResult, adaptFromReflections, strainTrend } from './adaptation';
import { type AthleteParameters, type CoachedDay, DEFAULT_PARAMETERS } from './athlete-parameters';
import { negotiate } from './negotiation';
import { type PelotonClass, scoreClasses } from './peloton';
import { type PlannerSetup, type RecentContextDay, planWorkout } from './planner';
import { reason } from './readiness';

export interface CoachDayInput {
  day: MissionDay;
  mission: {
    athlete: AthleteProfile;
    goals: MissionGoals;
    /** All mission days (taper look-ahead, week re-plan). */
    days: MissionDay[];
    planner: PlannerOptions;
  };
  observation: DayObservation;
  load: LoadFigures;
  /** Recent reflections, any order. */
  reflections: Reflection[];
  /** Recent days as decided, oldest first. */
  recentDays: CoachedDay[];
  /** Minutes trained this week before today (weekly hours cap). */
  weekMinutesSoFar: number;
  /** The athlete's adaptive parameters as stored; defaults when none yet. */
  params?: AthleteParameters;
}

export interface CoachDayDeps {
  planner: PlannerSetup;
  /** The class catalogue to match against (loadOfflineCatalogue() or a live list). */
  classes: PelotonClass[];
}

export interface CoachDayResult {
  decision: Decision;
  workout: Workout;
  classes: ClassSuggestion[];
  /** New parameters to store, what changed and why, and the week re-plan if one was triggered. */
  adaptation: AdaptationResult;
}

export interface DecideDayResult {
  decision: Decision;
  adaptation: AdaptationResult;
}

/**
 * The deciding half of a coaching day, pure: adapt parameters from reflections → reason →
 * negotiate with the mission → trend rule. The daily cycle runs it as its `reason` step.
 */
export function decideDay(input: CoachDayInput): DecideDayResult {
  const { day, mission } = input;
  const start = input.params ?? DEFAULT_PARAMETERS;

  const learned = adaptFromReflections(start, input.reflections, input.recentDays, day.date);
  const reasoning = reason({
    day,
    observation: input.observation,
    load: input.load,
    reflections: input.reflections,
    recentDays: input.recentDays,
    athlete: mission.athlete,
    params: learned.parameters,
  });
  const negotiated = negotiate({
    reasoning: reasoning.decision,
    day,
    goals: mission.goals,
    days: mission.days,
    recentDays: input.recentDays,
    weekMinutesSoFar: input.weekMinutesSoFar,
    params: learned.parameters,
    dataCap: reasoning.assessment.dataCap,
  });
  const trend = strainTrend(learned.parameters, input.recentDays, { date: day.date, state: negotiated.state }, mission.days, mission.goals);

  const rationale = [...negotiated.rationale, ...learned.changes.map((c) => c.why)];
  if (trend.replan) rationale.push(trend.replan.why);
  return {
    decision: { ...negotiated, rationale },
    adaptation: {
      parameters: trend.parameters,
      changes: [...learned.changes, ...trend.changes],
      replan: trend.replan,
    },
  };
}

/** The planner's compact view of the last week: decisions, planned TSS and RPE. */
export function recentPlannerContext(input: Pick<CoachDayInput, 'reflections' | 'recentDays'>): RecentContextDay[] {
  const rpeByDate = new Map(input.reflections.map((r) => [r.date, r.rpe]));
  return input.recentDays.slice(-7).map((d) => ({
    date: d.date,
    decision: d.decision,
    plannedTss: d.plannedTss,
    rpe: rpeByDate.get(d.date) ?? null,
  }));
}

export async function coachDay(input: CoachDayInput, deps: CoachDayDeps): Promise<CoachDayResult> {
  const { day, mission } = input;
  const { decision, adaptation } = decideDay(input);
  const weeklyRemainingMin = Math.max(0, Math.floor(mission.goals.weeklyHoursCap * 60 - input.weekMinutesSoFar));
  const workout = await planWorkout(
    { day, decision, athlete: mission.athlete, weeklyRemainingMin, recent: recentPlannerContext(input), language: mission.planner.language, redact: [mission.athlete.handle] },
    deps.planner,
  );
  const classes = scoreClasses(deps.classes, {
    decision,
    stageType: day.type,
    disciplines: mission.athlete.disciplines,
    targetDurationMin: workout.durationMin > 0 ? workout.durationMin : undefined,
  });
  return { decision, workout, classes, adaptation };
}
