/**
 * The observe step: the day's wearable data (Oura, Strava) or the synthetic athlete's, the load
 * figures computed from it, both recorded with the day's run in one transaction. Also the quick
 * check a webhook event asks for: has today's data landed?
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { DayObservation } from '../domain/types';
import { addDays } from '../domain/iso-date';
import { createObservationSources, loadWithHistory, observeDay, type ObservationSources } from '../observation';
import type { DayKey, ObservedDaySummary } from '../shared/day-key';
import type { ActivityDeps } from './activity-deps';
import { HISTORY_DAYS } from './activity-deps';
import { attempt, heartbeating } from './activity-context';
import type { DayInputs } from './day-inputs';
import { dataSourceMode, prescriptionsFromHistory, syntheticAthleteFor } from './data-sources';

export function createObserveActivities(deps: ActivityDeps, inputsFor: (key: DayKey) => Promise<DayInputs>) {
  const { memory } = deps;

  async function sourcesFor(key: DayKey, inputs: DayInputs): Promise<ObservationSources> {
    const source = dataSourceMode(deps.env);
    const { mission } = inputs;
    if (source.mode === 'synthetic') {
      const missionStart = addDays(key.date, -key.dayIndex);
      // A closed loop: what the synthetic athlete rode depends on what was prescribed on past days.
      const past = await memory.reads.history(inputs.scope, missionStart, addDays(key.date, -1), { parts: ['plan'] });
      const prescriptions = prescriptionsFromHistory(past.map((r) => ({ date: r.date, plannedTss: r.plan?.targetTss ?? null })));
      return createObservationSources({
        athlete: key.athlete,
        store: deps.tokens,
        synthetic: syntheticAthleteFor({ missionId: key.missionId, profile: mission.athlete, timezone: mission.timezone, missionStart, date: key.date, prescriptions }),
      });
    }
    return createObservationSources({
      athlete: key.athlete,
      store: deps.tokens,
      oura: source.oura,
      strava: source.strava,
      env: deps.env,
      stravaLimiter: deps.stravaLimiter,
    });
  }

  return {
    async observeDay(key: DayKey): Promise<ObservedDaySummary> {
      const inputs = await inputsFor(key);
      const profile = inputs.mission.athlete;
      const sources = await sourcesFor(key, inputs);
      const result = await heartbeating(() => observeDay(sources, profile, key.date, HISTORY_DAYS));
      const config = result.errors.find((e) => e.type === 'ObservationConfig');
      if (config) throw ApplicationFailure.nonRetryable(config.message, 'ConfigurationError');
      const observation: DayObservation = result.observation;
      // The load from the athlete's whole history: the stored days, extended by this observation
      // (and, the first time, by a year of rides pulled from the source).
      const stored = await memory.loads.all(key.athlete);
      const history = await heartbeating(() => loadWithHistory({ date: key.date, athlete: profile, observed: result, windowDays: HISTORY_DAYS, stored, sources }));
      // A passing outage is retried twice; after that the day goes on, degraded, with the reason.
      const passing = [...result.errors, ...history.errors].filter((e) => e.retryable);
      if (passing.length > 0 && attempt() < 3) {
        throw ApplicationFailure.retryable(passing.map((e) => `${e.source}: ${e.message}`).join('; '), 'SourceUnavailable');
      }
      const load = history.load;
      await memory.atomically(async (tx) => {
        await tx.days.recordDayRun(inputs.scope, key.date, { workflowId: key.dayWorkflowId, configHash: key.configHash });
        await tx.days.recordObservation(inputs.scope, observation);
        await tx.loads.put(key.athlete, history.changed);
        await tx.days.recordLoad(inputs.scope, load);
      });
      return { load, degraded: [...observation.missing.map((m) => `${m.part} from ${m.source}: ${m.reason}`), ...history.degraded] };
    },

    async dayDataReady(key: DayKey): Promise<{ ready: boolean; why: string }> {
      const inputs = await inputsFor(key);
      if (dataSourceMode(deps.env).mode === 'synthetic') return { ready: true, why: "the synthetic athlete's night is recorded" };
      const sources = await sourcesFor(key, inputs);
      const result = await observeDay({ oura: sources.oura }, inputs.mission.athlete, key.date, 1);
      const o = result.observation;
      if (o.readiness || o.sleep) return { ready: true, why: `Oura has ${[o.readiness ? 'readiness' : null, o.sleep ? 'sleep' : null].filter(Boolean).join(' and ')} for ${key.date}` };
      return { ready: false, why: `Oura has no readiness or sleep for ${key.date} yet` };
    },
  };
}
