import { log, proxyActivities, proxyLocalActivities, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { MissionActivities } from '../shared/activity-api';
import type { DayKey } from '../shared/day-key';
import type { DayContext } from '../shared/legacy-day-context';
import type { DayResult } from '../shared/day-result';
import { quietHoursDecision } from '../domain/quiet-hours';
import { DECISION, PHASE } from '../shared/search-attributes';
import { legacyDailyCycle } from './legacy-daily-cycle';
import { DAY_EXTERNAL_OPTIONS, DAY_LOCAL_OPTIONS } from './activity-options';

const external = proxyActivities<MissionActivities>(DAY_EXTERNAL_OPTIONS);
const local = proxyLocalActivities<MissionActivities>(DAY_LOCAL_OPTIONS);

function phase(step: string): void {
  upsertSearchAttributes([{ key: PHASE, value: step }]);
}

function isDayKey(input: DayKey | DayContext): input is DayKey {
  return typeof (input as DayKey).dayIndex === 'number';
}

/**
 * One mission day, by key: observe (and assess the load) → decide (readiness, negotiation with the
 * mission, adaptation) → plan (workout and classes) → wait out quiet hours → deliver (report,
 * messages through the outbox). Each step reads what it needs from PostgreSQL and records what it
 * made there, idempotently by mission/day/step; only small summaries travel in payloads. A failing
 * external source degrades the day (the reasons travel in the result); only bad configuration
 * fails it.
 */
export async function dailyCycleWorkflow(input: DayKey | DayContext): Promise<DayResult> {
  // Days of missions started before days ran by key replay through the old step-by-step path.
  if (!isDayKey(input)) return legacyDailyCycle(input);
  const key = input;
  log.info('day cycle starting', { missionId: key.missionId, date: key.date });

  phase('observe');
  const observed = await external.observeDay(key);

  phase('reason');
  const decided = await local.decideDay(key);
  upsertSearchAttributes([{ key: DECISION, value: decided.decision }]);

  phase('plan');
  const planned = await external.planDay(key);

  // Quiet hours: decided here, on the workflow's clock, and waited out durably.
  const quiet = quietHoursDecision({ timezone: key.timezone, quietHours: key.quietHours, now: Date.now() });
  if (!quiet.sendNow) {
    phase('quiet-hours');
    await sleep(Math.max(0, quiet.sendAtMs - Date.now()));
  }

  phase('deliver');
  const delivered = await external.deliverDay(key, {
    degraded: [...observed.degraded, ...decided.degraded, ...(planned.degraded ? [planned.degraded] : [])],
  });
  phase('done');
  return {
    date: key.date,
    status: delivered.status,
    state: decided.state,
    decision: decided.decision,
    load: observed.load,
    workoutTitle: planned.workoutTitle,
    reportPaths: delivered.reportPaths,
    notifications: delivered.notifications,
    degraded: delivered.degraded,
  };
}
