/**
 * What a day's steps read by its key: the mission config under the day's hash (cached per worker:
 * a config version never changes), the day as it runs, its neighbours, and the recent past.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { IsoDate, MissionConfig, MissionDay, Reflection } from '../domain/types';
import { addDays } from '../domain/iso-date';
import { emptyDay, type DayPart, type DayRecord, type MemoryStore, type MissionScope } from '../memory';
import type { RememberedDay } from '../coaching';
import type { DayKey } from '../shared/day-key';
import { effectiveDay } from '../shared/mission-overrides';

export interface DayInputs {
  scope: MissionScope;
  mission: MissionConfig;
  /** The day as it runs (the athlete's rest-day override applied). */
  day: MissionDay;
  /** Days of the mission around this one (up to 42 before, 14 after), for the coach's context. */
  window: MissionDay[];
}

const CACHED_CONFIGS = 256;

export const scopeOf = (k: { missionId: string; athlete: string }): MissionScope => ({ missionId: k.missionId, athlete: k.athlete });

/** Loads a day's inputs by key; configs are parsed once per worker and kept (most recent 256). */
export function dayInputsLoader(memory: MemoryStore): (key: DayKey) => Promise<DayInputs> {
  const configs = new Map<string, MissionConfig>();
  async function config(scope: MissionScope, hash: string): Promise<MissionConfig> {
    const id = `${scope.athlete}\u0000${scope.missionId}\u0000${hash}`;
    const hit = configs.get(id);
    if (hit) {
      configs.delete(id);
      configs.set(id, hit);
      return hit;
    }
    const found = await memory.missions.getConfig(scope, hash);
    if (!found) throw ApplicationFailure.nonRetryable(`mission ${scope.missionId} has no config version ${hash} in PostgreSQL`, 'StateError');
    configs.set(id, found);
    if (configs.size > CACHED_CONFIGS) configs.delete(configs.keys().next().value as string);
    return found;
  }
  return async (key) => {
    const scope = scopeOf(key);
    const mission = await config(scope, key.configHash);
    const base = mission.days[key.dayIndex];
    if (!base || base.date !== key.date) {
      throw ApplicationFailure.nonRetryable(`day ${key.dayIndex} of mission ${key.missionId} (config ${key.configHash}) is not ${key.date}`, 'StateError');
    }
    const day = effectiveDay(base, key.restDay);
    const window = mission.days.slice(Math.max(0, key.dayIndex - 42), key.dayIndex + 15).map((x) => (x.date === day.date ? day : x));
    return { scope, mission, day, window };
  };
}

/**
 * The day `date` and the recorded days before it (up to `days` back, oldest first), in one read of
 * only the `parts` a step uses. Past days' observations come without their rides (each holds the
 * 90 days of rides before it; past days are read for readiness, sleep and HRV); today's is whole
 * when `wholeObservationToday`.
 */
export async function dayAndPast(
  memory: MemoryStore,
  scope: MissionScope,
  date: IsoDate,
  days: number,
  parts: readonly DayPart[],
  wholeObservationToday = false,
): Promise<{ today: DayRecord; past: DayRecord[] }> {
  const records = await memory.reads.history(scope, addDays(date, -days), date, {
    parts,
    observationRidesFrom: wholeObservationToday ? date : addDays(date, 1),
  });
  const last = records[records.length - 1];
  const today = last?.date === date ? last : emptyDay(date);
  return { today, past: records.filter((r) => r.date < date) };
}

/** The reflections among recorded days, oldest first. */
export function reflectionsOf(records: DayRecord[]): Reflection[] {
  return records.flatMap((r) => (r.reflection ? [r.reflection] : []));
}

/** Recorded days as the coach remembers them (decision, plan, that morning's HRV and temperature). */
export function rememberedDays(records: DayRecord[]): RememberedDay[] {
  return records.map((r) => ({
    date: r.date,
    decision: r.decision?.decision ?? null,
    plan: r.plan,
    hrvMs: r.observation?.hrv?.averageHrvMs ?? null,
    hrv7dMean: r.load?.hrv7dMean ?? null,
    temperatureDeviation: r.observation?.readiness?.temperatureDeviation ?? null,
  }));
}
