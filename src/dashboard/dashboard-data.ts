/**
 * Everything the dashboard reads from storage, in one place: when the memory store is split or
 * the athlete's whole load history moves to its own table, only this module changes. Every read
 * names one athlete (and one mission where it is about a mission): nothing crosses athletes.
 */
import type { IsoDate, MissionConfig } from '../domain/types';
import type { MemoryStore } from '../memory/memory-store';
import type { DayRecord, MissionRecord, MissionScope } from '../memory/records';
import { dailyLoadFromRecords, wellnessFromRecords, type DailyLoad, type MissionHistory, type WellnessDay } from './fitness';

/** The athlete's whole daily load history, oldest first, one entry per day. */
export type LoadHistorySource = (athlete: string) => Promise<DailyLoad[]>;

export interface DashboardData {
  listMissions(): Promise<MissionRecord[]>;
  mission(scope: MissionScope): Promise<MissionRecord | null>;
  /** The mission's recorded days, oldest first. */
  days(scope: MissionScope): Promise<DayRecord[]>;
  /** The mission's recorded days from `from` to `to` (inclusive), oldest first. */
  recentDays(scope: MissionScope, from: IsoDate, to: IsoDate): Promise<DayRecord[]>;
  /** How many of the mission's days have run to an end. */
  finishedDays(scope: MissionScope): Promise<number>;
  /** The mission as stored when it was loaded (its config version), or null when not stored. */
  config(mission: MissionRecord): Promise<MissionConfig | null>;
  /** Daily TSS over the athlete's whole history. */
  loadHistory: LoadHistorySource;
  /** Nightly readiness, HRV (with its band) and resting HR over the athlete's whole history. */
  wellnessHistory(athlete: string): Promise<WellnessDay[]>;
}

/** Wide enough for any mission; history() returns only days that have something recorded. */
const FROM: IsoDate = '2000-01-01';
const TO: IsoDate = '2199-12-31';

/**
 * The dashboard's reads over the memory store. `loadHistory` reads the athlete's daily load
 * (`daily_load`, the rows the day's cycle computes CTL from, so the chart shows the cycle's CTL);
 * an athlete with no row there yet (days recorded before the table existed) falls back to the rides
 * inside every stored observation plus the coach's daily figures (dailyLoadFromRecords). Tests may
 * pass another source.
 */
export function dashboardData(memory: MemoryStore, options: { loadHistory?: LoadHistorySource } = {}): DashboardData {
  const days = (scope: MissionScope) => memory.reads.history(scope, FROM, TO);
  async function config(mission: MissionRecord): Promise<MissionConfig | null> {
    return memory.missions.getConfig({ athlete: mission.athlete, missionId: mission.id }, mission.configHash);
  }
  async function athleteHistory(athlete: string): Promise<MissionHistory[]> {
    const missions = await memory.missions.listMissions(athlete);
    return Promise.all(
      missions.map(async (m) => ({ profile: (await config(m))?.athlete ?? null, days: await days({ athlete, missionId: m.id }) })),
    );
  }
  return {
    listMissions: () => memory.missions.listMissions(),
    mission: (scope) => memory.missions.getMission(scope),
    days,
    recentDays: (scope, from, to) => memory.reads.history(scope, from, to),
    finishedDays: (scope) => memory.reads.finishedDays(scope),
    config,
    loadHistory:
      options.loadHistory ??
      (async (athlete) => {
        const stored = await memory.loads.all(athlete);
        if (stored.length > 0) return stored.map((r) => ({ date: r.date, tss: r.tss }));
        return dailyLoadFromRecords(await athleteHistory(athlete));
      }),
    wellnessHistory: async (athlete) => wellnessFromRecords(await athleteHistory(athlete)),
  };
}
