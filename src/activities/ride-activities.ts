/**
 * A Strava activity was created or updated (webhook → dataReady signal): fetch it, work out its
 * load, and record it for the athlete, so the day's completed load is known at once. A new ride
 * also asks the athlete how it went, next to what was planned — once per ride (the outbox's
 * message `ride:<id>`), and not inside quiet hours (decided on the workflow's clock).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { createObservationSources, rideTss, type StravaClient } from '../observation';
import { rideFromStrava } from '../observation/normalisers';
import type { DataReadyInput } from '../shared/mission-api';
import type { Scope } from '../shared/activity-api';
import type { ActivityDeps } from './activity-deps';
import { quietHoursDecision } from '../domain/quiet-hours';
import { createNotifier, outboxFromStore, renderRideCheckIn } from '../communication';
import { activityAttemptOwner } from './claim-owner';
import { activityLog } from './activity-context';
import { dataSourceMode } from './data-sources';

export function createRideActivities(deps: ActivityDeps) {
  const { memory } = deps;
  return {
    async recordRide(scope: Scope, event: Extract<DataReadyInput, { provider: 'strava' }>, at: { nowMs: number }): Promise<{ asked: boolean }> {
      const source = dataSourceMode(deps.env);
      if (!source.strava) throw ApplicationFailure.nonRetryable('a Strava event arrived but Strava is not configured on this worker (STRAVA_CLIENT_ID)', 'ConfigurationError');
      const stored = await memory.missions.getMission(scope);
      const mission = stored ? await memory.missions.getConfig(scope, stored.configHash) : null;
      if (!mission) throw ApplicationFailure.nonRetryable(`mission ${scope.missionId} is not stored`, 'StateError');
      const { strava } = createObservationSources({ athlete: scope.athlete, store: deps.tokens, oura: false, strava: true, env: deps.env, stravaLimiter: deps.stravaLimiter });
      const activity = await (strava as StravaClient).getActivity(event.activityId);
      const ride = rideFromStrava(activity, 'strava');
      if (!ride) {
        activityLog().warn('Strava activity without a start date or duration: not recorded', { missionId: scope.missionId });
        return { asked: false };
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
      // Only a new activity asks (an edit on Strava does not); the outbox key makes it once however often this runs.
      if (event.aspect !== 'create') return { asked: false };
      if (!quietHoursDecision({ timezone: mission.timezone, quietHours: mission.notifications.quietHours, now: at.nowMs }).sendNow) {
        activityLog().info('ride check-in not sent: quiet hours', { missionId: scope.missionId, date: ride.date });
        return { asked: false };
      }
      const planned = (await memory.reads.getDay(scope, ride.date, ['plan'])).plan;
      const message = renderRideCheckIn({ missionId: scope.missionId, date: ride.date, ride: { name: ride.name, movingTimeS: ride.movingTimeS, tss: load.tss, tssMethod: load.method }, planned });
      const outbox = outboxFromStore(memory.outbox, () => scope, activityAttemptOwner());
      const notifier = deps.notifier ? deps.notifier(outbox) : createNotifier({ config: deps.notify, outbox, mailer: deps.mailer });
      try {
        const result = await notifier.notifyMessage({ missionId: scope.missionId, athlete: scope.athlete, date: ride.date, channels: mission.notifications.channels, message: { key: `ride:${event.activityId}`, ...message } });
        if (result.retryable) {
          throw ApplicationFailure.retryable(`ride check-in: ${result.channels.filter((c) => c.status !== 'sent').map((c) => `${c.channel}: ${c.reason ?? c.status}`).join('; ')}`, 'NotificationRetry');
        }
        return { asked: result.channels.some((c) => c.status === 'sent' || c.status === 'already_sent') };
      } finally {
        notifier.close();
      }
    },
  };
}
