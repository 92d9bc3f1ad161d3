/**
 * Helpers shared by the mission workflow tests on the time-skipping server. Each test file still
 * installs the Runtime once, creates its own environment and bundles once (see mission-days.test.ts).
 */
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { missionWorkflow, type MissionWorkflowOptions } from '../../src/workflows/mission';
import { missionWorkflowId, runNowUpdate, statusQuery, type MissionStatus } from '../../src/shared/mission-api';
import type { IsoDate } from '../../src/domain/types';
import { zonedInstant } from '../../src/domain/schedule';
import { uniqueTaskQueue } from '../support/temporal';
import { fakeMission, missionArgs } from '../support/fake-activities';

export type MissionHandle = WorkflowHandle<typeof missionWorkflow>;

/** Runs `fn` while a worker with `acts` serves `taskQueue` (queries need a running worker). */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  acts: object,
  taskQueue: string,
  fn: () => Promise<T>,
): Promise<T> {
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: acts });
  return worker.runUntil(fn);
}

export async function startMission(
  env: TestWorkflowEnvironment,
  name: string,
  startDate: IsoDate | 'today',
  options?: MissionWorkflowOptions,
): Promise<{ handle: WorkflowHandleWithFirstExecutionRunId<typeof missionWorkflow>; taskQueue: string }> {
  const taskQueue = uniqueTaskQueue(name);
  const handle = await env.client.workflow.start(missionWorkflow, {
    taskQueue,
    workflowId: missionWorkflowId('ath_testtesttest', `${name}-${taskQueue}`),
    args: [missionArgs(fakeMission(), { startDate, options })],
  });
  return { handle, taskQueue };
}

/**
 * Skips the test server's clock to `time` on `date` in `timeZone` (an instant, not a duration:
 * "two days later" from 06:29 would stop a minute short of the 06:30 run).
 */
export async function sleepUntilLocal(env: TestWorkflowEnvironment, date: IsoDate, time: string, timeZone: string): Promise<void> {
  const at = zonedInstant(date, time, timeZone);
  const now = await env.currentTimeMs();
  if (at <= now) throw new Error(`${date} ${time} ${timeZone} has passed already (now ${new Date(now).toISOString()})`);
  await env.sleep(at - now);
}

/**
 * Polls the status query until `ok(status)` holds. Time does not move while polling (the test
 * server only skips time inside `env.sleep` and `result()`), so this waits for the workflow to
 * process what it has already been sent, not for a clock.
 */
export async function statusWhen(handle: MissionHandle, ok: (s: MissionStatus) => boolean, what: string): Promise<MissionStatus> {
  let last: MissionStatus | string = 'no answer yet';
  for (let i = 0; i < 400; i++) {
    try {
      const s = await handle.query(statusQuery);
      if (ok(s)) return s;
      last = s;
    } catch (err) {
      last = String(err); // still loading: the status query refuses until the mission is loaded
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`status never showed ${what}; last: ${JSON.stringify(last)}`);
}

/**
 * Waits for the mission's first day to be done. The first day runs at once only when the mission
 * starts after its run time; the test server's clock can stand at any time of day (it jumps by
 * whole days between tests), so day 1 is asked for with runNow. Refusals ("already ran", "running
 * right now") mean it is on its way; "still loading" is retried.
 */
export async function dayOneDone(handle: MissionHandle, today: IsoDate): Promise<MissionStatus> {
  for (let i = 0; i < 400; i++) {
    const answer = await rejection(handle.executeUpdate(runNowUpdate, { args: [{}] })).catch(() => 'accepted');
    if (!answer.includes('still loading')) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return statusWhen(handle, (s) => s.lastDay?.date === today && s.phase === 'waiting', 'day 1 done');
}

/** The message a rejected update carries to the caller (the validator's error). */
export async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return err.cause?.message ?? '(no cause)';
    throw err;
  }
  throw new Error('the update was accepted, expected a rejection');
}
