/**
 * The fast loop: one synthetic athlete through a whole mission under one policy, day by day, in
 * memory. The adaptive policy runs what the daily cycle's activities run — the observation of the
 * synthetic athlete through the real normalisers, the load from the athlete's whole history kept
 * day after day as the daily_load table keeps it (`loadWithHistory`), `decideDay` (readiness,
 * negotiation, adaptation) and the template planner — with the same inputs they get from the
 * memory and the mission workflow; what the athlete rides depends only on what was prescribed.
 * tests/workflow/evaluation-equivalence.test.ts checks the decisions against the real workflow.
 */
import type { Decision, DecisionKind, IsoDate, LoadFigures, MissionConfig, MissionDay, ReadinessState, Reflection, Workout } from '../domain/types';
import { HISTORY_DAYS } from '../activities';
import { syntheticAthleteConfig } from '../activities/data-sources';
import { SyntheticAthlete, syntheticSources, type Prescription, type SyntheticDayState } from '../observation/synthetic-athlete';
import { observeDay } from '../observation/observe-day';
import { loadWithHistory, mergeDailyLoad, type DailyLoadRow } from '../observation/load-history';
import {
  type AthleteParameters,
  type PlannerSetup,
  type RememberedDay,
  REASONING_MEMORY_DAYS,
  coachedDays,
  decideDay,
  isIntense,
  planWorkout,
  recentPlannerContext,
  weekMinutesBefore,
} from '../coaching';
import { withReflection } from '../shared/mission-state';
import { addDays } from '../domain/iso-date';
import { planOnlyDecision, type Policy } from './policies';

/** Mission days around the day that the mission workflow puts in the day's context (src/workflows/mission.ts). */
export const CONTEXT_DAYS_BEFORE = 42;
export const CONTEXT_DAYS_AFTER = 14;

/** The template planner: the evaluation never asks a model. */
export const TEMPLATE_PLANNER: PlannerSetup = { llm: null, offReason: 'the evaluation plans with the template planner' };

/** One mission day of one athlete under one policy: what was decided and prescribed, and the athlete's truth. */
export interface EvaluatedDay {
  date: IsoDate;
  index: number;
  stage: number | null;
  decision: DecisionKind;
  /** The readiness state the coach saw (null for the plans that do not look). */
  state: ReadinessState | null;
  /** The load figures the coach computed that morning from the athlete's history (null for the plans that do not look). */
  seen: Pick<LoadFigures, 'ctl' | 'atl' | 'tsb'> | null;
  prescribedTss: number;
  prescribedMin: number;
  /** The workout had intensity (a block above endurance, Coggan level 3+). */
  hard: boolean;
  /** The synthetic athlete's truth that day (after the day's training). */
  truth: Pick<SyntheticDayState, 'tss' | 'skipped' | 'illness' | 'ill' | 'tooIllToRide' | 'ctl' | 'atl' | 'tsb' | 'performance'>;
  /** The reflection the athlete sent after the day (adaptive policy only), null when none. */
  reflection: Reflection | null;
}

export interface AthleteRun {
  policy: Policy;
  missionId: string;
  athlete: string;
  days: EvaluatedDay[];
  /** The truth of the day before the mission: where the athlete started. */
  before: Pick<SyntheticDayState, 'ctl' | 'atl' | 'tsb' | 'performance'>;
}

function truthOf(s: SyntheticDayState): EvaluatedDay['truth'] {
  return { tss: s.tss, skipped: s.skipped, illness: s.illness, ill: s.ill, tooIllToRide: s.tooIllToRide, ctl: s.ctl, atl: s.atl, tsb: s.tsb, performance: s.performance };
}

/** The athlete the daily cycle would observe for this mission (same seed, same history). */
export function evaluationAthlete(mission: MissionConfig): SyntheticAthlete {
  const first = mission.days[0]?.date ?? mission.startDate;
  return new SyntheticAthlete(syntheticAthleteConfig({ missionId: mission.id, profile: mission.athlete, timezone: mission.timezone, missionStart: first, date: first, prescriptions: [] }));
}

/** The mission days the workflow gives the day's context. */
export function contextDays(mission: MissionConfig, index: number): MissionDay[] {
  return mission.days.slice(Math.max(0, index - CONTEXT_DAYS_BEFORE), index + CONTEXT_DAYS_AFTER + 1);
}

const hardWorkout = (w: Workout): boolean => w.intervals.some((i) => isIntense(i));

/** Lanterne's adaptive coaching, day by day, as the daily cycle runs it. */
export async function runAdaptive(mission: MissionConfig, options: { reflections?: boolean } = {}): Promise<AthleteRun> {
  const athlete = evaluationAthlete(mission);
  const profile = mission.athlete;
  const memory: RememberedDay[] = [];
  const prescriptions: Prescription[] = [];
  let reflections: Reflection[] = [];
  let params: AthleteParameters | undefined;
  let loadHistory: DailyLoadRow[] = [];
  const days: EvaluatedDay[] = [];
  const first = mission.days[0];
  const before = athlete.stateOf(addDays(first.date, -1))!;

  for (const [index, day] of mission.days.entries()) {
    const date = day.date;
    athlete.observeThrough(date);
    athlete.setPrescriptions(prescriptions);
    const sources = { synthetic: syntheticSources(athlete) };
    const observed = await observeDay(sources, profile, date, HISTORY_DAYS);
    const history = await loadWithHistory({ date, athlete: profile, observed, windowDays: HISTORY_DAYS, stored: loadHistory, sources });
    loadHistory = mergeDailyLoad(loadHistory, history.changed);
    const load = history.load;
    const recent = memory.filter((r) => r.date >= addDays(date, -REASONING_MEMORY_DAYS));
    const window = contextDays(mission, index);
    const dayReflections = reflections.filter((r) => r.date < date);
    const recentDays = coachedDays(recent, window);
    const weekMinutes = weekMinutesBefore(recent, date);
    const { decision, adaptation } = decideDay({
      day,
      mission: { athlete: profile, goals: mission.goals, days: window, planner: mission.planner },
      observation: observed.observation,
      load,
      reflections: dayReflections,
      recentDays,
      weekMinutesSoFar: weekMinutes,
      params,
    });
    params = adaptation.parameters;
    const workout = await planWorkout(
      {
        day,
        decision,
        athlete: profile,
        weeklyRemainingMin: Math.max(0, Math.floor(mission.goals.weeklyHoursCap * 60 - weekMinutes)),
        recent: recentPlannerContext({ reflections: dayReflections, recentDays }),
        language: mission.planner.language,
        redact: [profile.handle],
      },
      TEMPLATE_PLANNER,
    );
    memory.push({
      date,
      decision,
      plan: workout,
      hrvMs: observed.observation.hrv?.averageHrvMs ?? null,
      hrv7dMean: load.hrv7dMean,
      temperatureDeviation: observed.observation.readiness?.temperatureDeviation ?? null,
    });
    prescriptions.push({ date, tss: workout.targetTss });
    athlete.setPrescriptions(prescriptions);
    const reflection = options.reflections === false ? null : athlete.reflectionOf(date);
    if (reflection) reflections = withReflection(reflections, reflection);
    days.push(evaluatedDay(day, decision, decision.state, workout, athlete.stateOf(date)!, reflection, { ctl: load.ctl, atl: load.atl, tsb: load.tsb }));
  }
  return { policy: 'lanterne', missionId: mission.id, athlete: profile.handle, days, before: truthOf(before) };
}

/** A plan that ignores readiness: the stage targets every day (`fixed`), or capped by the weekly hours (`naive`). */
export async function runPlanOnly(mission: MissionConfig, policy: Exclude<Policy, 'lanterne'>): Promise<AthleteRun> {
  const athlete = evaluationAthlete(mission);
  const profile = mission.athlete;
  const planned: { day: MissionDay; decision: Decision; workout: Workout }[] = [];
  for (const day of mission.days) {
    const weekMinutes = weekMinutesBefore(planned.map((p) => ({ date: p.day.date, plan: p.workout })), day.date);
    const remaining = policy === 'naive' ? Math.max(0, Math.floor(mission.goals.weeklyHoursCap * 60 - weekMinutes)) : null;
    const decision = planOnlyDecision(day, remaining);
    const workout = await planWorkout(
      { day, decision, athlete: profile, weeklyRemainingMin: remaining, recent: [], language: mission.planner.language, redact: [profile.handle] },
      TEMPLATE_PLANNER,
    );
    planned.push({ day, decision, workout });
  }
  const first = mission.days[0];
  const before = athlete.stateOf(addDays(first.date, -1))!;
  athlete.observeThrough(mission.days[mission.days.length - 1].date);
  athlete.setPrescriptions(planned.map((p) => ({ date: p.day.date, tss: p.workout.targetTss })));
  const days = planned.map((p) => evaluatedDay(p.day, p.decision, null, p.workout, athlete.stateOf(p.day.date)!, null, null));
  return { policy, missionId: mission.id, athlete: profile.handle, days, before: truthOf(before) };
}

function evaluatedDay(day: MissionDay, decision: Decision, state: ReadinessState | null, workout: Workout, s: SyntheticDayState, reflection: Reflection | null, seen: EvaluatedDay['seen']): EvaluatedDay {
  return {
    date: day.date,
    index: day.index,
    stage: day.stage,
    decision: decision.decision,
    state,
    seen,
    prescribedTss: workout.targetTss,
    prescribedMin: workout.durationMin,
    hard: hardWorkout(workout),
    truth: truthOf(s),
    reflection,
  };
}
