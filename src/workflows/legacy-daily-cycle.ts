import { log, proxyActivities, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { DayContext, LegacyDayActivities } from '../shared/legacy-day-context';
import type { DayResult } from '../shared/day-result';
import { DECISION, PHASE } from '../shared/search-attributes';

type Activities = LegacyDayActivities;

/** Errors that no retry can fix: bad configuration, revoked authorisation. */
const NON_RETRYABLE = ['ConfigurationError', 'AuthenticationError', 'MissionConfigError', 'UserError'];

/** Steps computed locally from data already fetched: quick, few retries. */
const compute = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE },
});

/** Steps that call external services (wearables, LLM, mail): longer, heartbeating, more retries. */
const external = proxyActivities<Activities>({
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '45 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
});

/** Writes to PostgreSQL and the report folder: idempotent, so retried generously. */
const store = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
});

function phase(step: string): void {
  upsertSearchAttributes([{ key: PHASE, value: step }]);
}

/**
 * Legacy: a mission day as it ran before days ran by key (v2 and earlier), step by step with the
 * whole context in every payload. Kept so recorded histories of those days replay; a day started
 * now never takes this path (see daily-cycle.ts).
 */
export async function legacyDailyCycle(ctx: DayContext): Promise<DayResult> {
  log.info('day cycle starting', { missionId: ctx.missionId, date: ctx.date });
  await store.beginDay(ctx);

  phase('observe');
  const observed = await external.observe(ctx);
  const { observation } = observed;

  phase('assess');
  const load = await compute.assessLoad(ctx, observed);

  phase('reason');
  const decision = await compute.reason(ctx, observed, load);
  upsertSearchAttributes([{ key: DECISION, value: decision.decision }]);

  phase('plan');
  const { workout, degraded: planDegraded } = await external.plan(ctx, decision);

  phase('match');
  const classes = await compute.matchClasses(ctx, decision, workout);

  phase('record');
  await store.recordDay(ctx, { observation, load, decision, workout, classes });

  phase('report');
  const report = await store.writeReport(ctx);

  phase('notify');
  let sent = await external.notify(ctx);
  if (sent.deferredUntil) {
    // Quiet hours: wait (durably) until they end, then send.
    phase('quiet-hours');
    await sleep(Math.max(0, Date.parse(sent.deferredUntil) - Date.now()));
    phase('notify');
    sent = await external.notify(ctx);
  }
  const notifications = sent.outcomes;

  const degraded = [
    ...observation.missing.map((m) => `${m.part} from ${m.source}: ${m.reason}`),
    ...decision.degraded,
    ...(planDegraded ? [planDegraded] : []),
    ...notifications.filter((n) => n.status === 'failed').map((n) => `${n.channel}: ${n.detail}`),
  ];
  const result: DayResult = {
    date: ctx.date,
    status: degraded.length > 0 ? 'degraded' : 'ok',
    state: decision.state,
    decision: decision.decision,
    load,
    workoutTitle: workout.title,
    reportPaths: report.paths,
    notifications,
    degraded,
  };
  await store.finishDay(ctx, result);
  phase('done');
  return result;
}
