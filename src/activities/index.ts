/**
 * The activities of a mission, built from the process's dependencies: `createActivities(deps)`
 * returns plain async functions; workflows proxy `MissionActivities` by type import only.
 */
import type { MissionActivities } from '../shared/activity-api';
import type { ActivityDeps } from './activity-deps';
import { createCoachActivities } from './coach-activities';
import { dayInputsLoader } from './day-inputs';
import { createDeliverActivities } from './deliver-activities';
import { createMissionActivities } from './mission-activities';
import { createObserveActivities } from './observe-activities';
import { createRideActivities } from './ride-activities';

export type { MissionActivities } from '../shared/activity-api';
export type { ActivityDeps } from './activity-deps';
export { HISTORY_DAYS } from './activity-deps';

export function createActivities(deps: ActivityDeps): MissionActivities {
  const inputsFor = dayInputsLoader(deps.memory);
  return {
    ...createMissionActivities(deps),
    ...createObserveActivities(deps, inputsFor),
    ...createCoachActivities(deps, inputsFor),
    ...createDeliverActivities(deps, inputsFor),
    ...createRideActivities(deps),
  };
}
