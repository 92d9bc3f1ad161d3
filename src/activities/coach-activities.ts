/**
 * The coaching steps: decide (readiness, negotiation with the mission, adaptation) and plan (the
 * workout from the model or a template, and matching classes). Both read the day by key from
 * PostgreSQL and record what they made in one transaction each.
 */
import { ApplicationFailure } from '@temporalio/activity';
import {
  decideDay,
  loadOfflineCatalogue,
  matchClasses as matchPelotonClasses,
  planWorkout,
  plannerFromEnv,
  recentPlannerContext,
  coachedDays,
  weekMinutesBefore,
  REASONING_MEMORY_DAYS,
  type AthleteParameters,
} from '../coaching';
import type { DayKey, DecidedDaySummary, PlannedDaySummary } from '../shared/day-key';
import { addDays } from '../domain/iso-date';
import type { ActivityDeps } from './activity-deps';
import { heartbeating } from './activity-context';
import { dayAndPast, reflectionsOf, rememberedDays, type DayInputs } from './day-inputs';

export function createCoachActivities(deps: ActivityDeps, inputsFor: (key: DayKey) => Promise<DayInputs>) {
  const { memory } = deps;
  const catalogue = () => (deps.catalogue ??= loadOfflineCatalogue());

  return {
    async decideDay(key: DayKey): Promise<DecidedDaySummary> {
      const { scope, mission, day, window } = await inputsFor(key);
      // Today's observation and load, the 28 days before: one read of what the decision uses.
      const { today, past: records } = await dayAndPast(memory, scope, key.date, 28, ['observation', 'load', 'decision', 'plan', 'reflection'], true);
      if (!today.observation || !today.load) {
        throw ApplicationFailure.nonRetryable(`no observation recorded for ${key.date}: the observe step must run first`, 'StateError');
      }
      const remembered = rememberedDays(records);
      const stored = await memory.days.latestAdaptationBefore(scope, key.date);
      const { decision, adaptation } = decideDay({
        day,
        mission: { athlete: mission.athlete, goals: mission.goals, days: window, planner: mission.planner },
        observation: today.observation,
        load: today.load,
        reflections: reflectionsOf(records),
        recentDays: coachedDays(remembered.filter((r) => r.date >= addDays(key.date, -REASONING_MEMORY_DAYS)), window),
        weekMinutesSoFar: weekMinutesBefore(remembered, key.date),
        params: (stored?.parameters as AthleteParameters | undefined) ?? undefined,
      });
      const withOverrides = { ...decision, rationale: [...key.overrides.map((o) => `Athlete override: ${o}.`), ...decision.rationale] };
      await memory.atomically(async (tx) => {
        await tx.days.recordDecision(scope, withOverrides, key.configHash);
        await tx.days.recordAdaptation(scope, key.date, { parameters: adaptation.parameters, changes: adaptation.changes, replan: adaptation.replan });
      });
      return { state: decision.state, decision: decision.decision, degraded: decision.degraded };
    },

    async planDay(key: DayKey): Promise<PlannedDaySummary> {
      const { scope, mission, day, window } = await inputsFor(key);
      const { today, past: records } = await dayAndPast(memory, scope, key.date, REASONING_MEMORY_DAYS, ['observation', 'load', 'decision', 'plan', 'reflection']);
      const decision = today.decision?.decision;
      if (!decision) throw ApplicationFailure.nonRetryable(`no decision recorded for ${key.date}: the decide step must run first`, 'StateError');
      const remembered = rememberedDays(records);
      const weeklyRemainingMin = Math.max(0, Math.floor(mission.goals.weeklyHoursCap * 60 - weekMinutesBefore(remembered, key.date)));
      const setup = plannerFromEnv(mission.planner, deps.env);
      const workout = await heartbeating(() =>
        planWorkout(
          {
            day,
            decision,
            athlete: mission.athlete,
            weeklyRemainingMin,
            recent: recentPlannerContext({ reflections: reflectionsOf(records), recentDays: coachedDays(remembered, window) }),
            language: mission.planner.language,
            redact: [key.athlete],
          },
          setup,
        ),
      );
      const match = await matchPelotonClasses(
        { decision, stageType: day.type, disciplines: mission.athlete.disciplines, targetDurationMin: workout.durationMin > 0 ? workout.durationMin : undefined },
        { offline: catalogue(), library: await memory.peloton.library() },
      );
      await memory.atomically(async (tx) => {
        await tx.days.recordPlan(scope, key.date, workout);
        await tx.days.recordClassSuggestions(scope, key.date, match.suggestions);
      });
      // A model that is off (not configured, switched off) or a rest day is not a degradation; a
      // configured model that failed or answered something invalid is.
      const modelWasAsked = setup.llm !== null && decision.decision !== 'rest' && decision.maxDurationMin > 0;
      const degraded = modelWasAsked && workout.source === 'fallback' ? `planner fell back to a template: ${workout.fallbackReason}` : null;
      return { workoutTitle: workout.title, durationMin: workout.durationMin, degraded };
    },
  };
}
