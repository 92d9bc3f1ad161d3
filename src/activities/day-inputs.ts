/**
 * What a day's steps read by its key: the mission config under the day's hash (cached per worker:
 * a config version never changes), the day as it runs, its neighbours, and the recent past.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { IsoDate, MissionConfig, MissionDay, Reflection, Workout } from '../domain/types';
import { addDays } from '../domain/iso-date';
import type { DayRecord, MemoryStore, MissionScope } from '../memory';
import type { CoachedDay } from '../coaching';
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

/** The recorded days before `date` (up to `days` back), oldest first. */
export function pastDays(memory: MemoryStore, scope: MissionScope, date: IsoDate, days: number): Promise<DayRecord[]> {
  return memory.reads.history(scope, addDays(date, -days), addDays(date, -1));
}

/** The reflections among recorded days, oldest first. */
export function reflectionsOf(records: DayRecord[]): Reflection[] {
  return records.flatMap((r) => (r.reflection ? [r.reflection] : []));
}

/** The intensity factor a plan implies: TSS = h × IF² × 100. */
function impliedIf(w: Workout | null): number | null {
  if (!w || w.durationMin <= 0 || w.targetTss <= 0) return null;
  return Math.round(Math.sqrt(w.targetTss / ((w.durationMin / 60) * 100)) * 100) / 100;
}

/** Past days as the coach remembers them (decided days only), oldest first. */
export function coachedDays(window: MissionDay[], records: DayRecord[]): CoachedDay[] {
  const byDate = new Map(window.map((d) => [d.date, d]));
  return records
    .filter((r) => r.decision)
    .map((r) => {
      const hrv = r.observation?.hrv?.averageHrvMs ?? null;
      const mean = r.load?.hrv7dMean ?? null;
      return {
        date: r.date,
        state: r.decision!.decision.state,
        decision: r.decision!.decision.decision,
        stageType: byDate.get(r.date)?.type ?? 'flat',
        intendedIf: impliedIf(r.plan),
        plannedTss: r.plan?.targetTss ?? null,
        hrvDropPct: hrv !== null && mean ? Math.round(((mean - hrv) / mean) * 1000) / 1000 : null,
      };
    });
}

/** Minutes planned in the six days before `date` (the weekly hours cap). */
export function weekMinutesSoFar(records: DayRecord[], date: IsoDate): number {
  const from = addDays(date, -6);
  return records.filter((r) => r.date >= from && r.date < date).reduce((sum, r) => sum + (r.plan?.durationMin ?? 0), 0);
}
