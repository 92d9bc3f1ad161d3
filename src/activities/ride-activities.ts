/**
 * A Strava activity was created or updated (webhook → dataReady signal): fetch it, work out its
 * load, and record it for the athlete, so the day's completed load is known at once.
 */
import { ApplicationFailure, log } from '@temporalio/activity';
import { createObservationSources, rideTss, type StravaClient } from '../observation';
import { rideFromStrava } from '../observation/normalisers';
import type { DataReadyInput } from '../shared/mission-api';
import type { Scope } from '../shared/activity-api';
import type { ActivityDeps } from './activity-deps';
import { dataSourceMode } from './data-sources';

export function createRideActivities(deps: ActivityDeps) {
  const { memory } = deps;
  return {
    async recordRide(scope: Scope, event: Extract<DataReadyInput, { provider: 'strava' }>): Promise<void> {
      const source = dataSourceMode(deps.env);
      if (!source.strava) throw ApplicationFailure.nonRetryable('a Strava event arrived but Strava is not configured on this worker (STRAVA_CLIENT_ID)', 'ConfigurationError');
      const stored = await memory.missions.getMission(scope);
      const mission = stored ? await memory.missions.getConfig(scope, stored.configHash) : null;
      if (!mission) throw ApplicationFailure.nonRetryable(`mission ${scope.missionId} is not stored`, 'StateError');
      const { strava } = createObservationSources({ athlete: scope.athlete, store: deps.tokens, oura: false, strava: true, env: deps.env, stravaLimiter: deps.stravaLimiter });
      const activity = await (strava as StravaClient).getActivity(event.activityId);
      const ride = rideFromStrava(activity, 'strava');
      if (!ride) {
        log.warn('Strava activity without a start date or duration: not recorded', { missionId: scope.missionId });
        return;
      }
      const load = rideTss(ride, mission.athlete);
      await memory.rides.upsert(scope.athlete, {
        provider: 'strava',
        externalId: event.activityId,
        date: ride.date,
        name: ride.name,
        sportType: ride.sportType,
        movingTimeS: ride.movingTimeS,
        tss: load.tss,
        tssMethod: load.method,
      });
    },
  };
}
