/**
 * Runs a mission's days through the real activities (`createActivities`) on a real PostgreSQL,
 * without a Temporal server: the mission registered as the workflow registers it, each day's key
 * built as the mission workflow builds it. For tests of one step (observe, plan) against the
 * database; the workflow tests cover the ordering.
 */
import { createActivities } from '../../src/activities';
import type { ActivityDeps } from '../../src/activities';
import type { IsoDate, MissionConfig } from '../../src/domain/types';
import { missionHash } from '../../src/mission';
import type { MissionActivities } from '../../src/shared/activity-api';
import type { DayKey } from '../../src/shared/day-key';
import { dayWorkflowId } from '../../src/shared/mission-api';

export interface RegisteredMission {
  activities: MissionActivities;
  mission: MissionConfig;
  configHash: string;
  /** The key of day `index`, as the mission workflow would send it. */
  key(index: number, over?: Partial<DayKey>): DayKey;
}

/** Registers `mission` from `startDate` through the real registerMission activity. */
export async function registerMission(deps: ActivityDeps, mission: MissionConfig, startDate: IsoDate): Promise<RegisteredMission> {
  const activities = createActivities(deps);
  const registered = await activities.registerMission({ mission, configHash: missionHash(mission), startDate, nowMs: Date.parse(`${startDate}T12:00:00Z`) });
  const m = registered.mission;
  return {
    activities,
    mission: m,
    configHash: registered.configHash,
    key: (index, over = {}) => ({
      missionId: m.id,
      athlete: m.athlete.handle,
      configHash: registered.configHash,
      date: m.days[index].date,
      dayIndex: index,
      dayWorkflowId: dayWorkflowId(`mission-test-${m.id}`, m.days[index].date),
      restDay: false,
      overrides: [],
      late: false,
      early: null,
      timezone: m.timezone,
      quietHours: null,
      ...over,
    }),
  };
}
