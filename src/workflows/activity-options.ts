/**
 * The retry and timeout options of the mission's activities, in one place: the workflows use them,
 * and the burst benchmark's bare workflows (scripts/bench/bare-workflows.ts) use the same, so the
 * floor it measures has Lanterne's shape.
 */
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/** Errors that no retry of a day's step can fix: bad configuration, revoked authorisation. */
const DAY_NON_RETRYABLE = ['ConfigurationError', 'AuthenticationError', 'MissionConfigError', 'UserError', 'StateError'];

/**
 * How long a day's step keeps trying. The steps turn a failing provider into a degraded day
 * themselves; what makes an activity fail is the database (or a worker that died), and a database
 * outage must only delay the day, never lose it — so no attempt limit, but a deadline: a step that
 * still fails after two hours (a bug, say) fails the day, which is then recorded as failed and the
 * next day runs. (Found by `npm run reliability`, R2: with 10 attempts, about 6 minutes, a
 * 10-minute PostgreSQL outage failed the day.)
 */
const STEP_DEADLINE = '2 hours';

/** A day's steps that call external services (wearables, the model, mail): longer, heartbeating. */
export const DAY_EXTERNAL_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '45 seconds',
  scheduleToCloseTimeout: STEP_DEADLINE,
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: DAY_NON_RETRYABLE },
};

/**
 * The decision: computed from what is recorded, in the worker that runs the workflow (no server
 * round trip). Retried in the workflow task at first, then (beyond 5 seconds between attempts)
 * through durable timers, until the same deadline.
 */
export const DAY_LOCAL_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: STEP_DEADLINE,
  localRetryThreshold: '5 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: DAY_NON_RETRYABLE },
};

/** Errors that no retry of the mission's own writes can fix. */
export const MISSION_NON_RETRYABLE = ['MissionConfigError', 'ConfigurationError', 'UserError'];

/**
 * Writes to PostgreSQL that the mission cannot do without: retried without a limit (a database
 * outage of any length only delays them), with at most a minute between attempts.
 */
export const MISSION_STORE_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: MISSION_NON_RETRYABLE },
};
