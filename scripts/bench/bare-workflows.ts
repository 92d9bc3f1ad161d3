/**
 * The burst benchmark's floor: a bare mission of the same shape as Lanterne's — one activity to
 * register, a durable sleep to the run time, one child workflow per day running three activities
 * and one local activity with the same options as the daily cycle — with no-op bodies. What
 * Lanterne costs above it is Lanterne's own cost.
 */
import { condition, executeChild, proxyActivities, proxyLocalActivities, workflowInfo, ParentClosePolicy } from '@temporalio/workflow';
import type { BareActivities, BareKey } from './bare-activities';
import { DAY_EXTERNAL_OPTIONS, DAY_LOCAL_OPTIONS, MISSION_STORE_OPTIONS } from '../../src/workflows/activity-options';

// The daily cycle's and the mission's own options, not a copy of them.
const external = proxyActivities<BareActivities>(DAY_EXTERNAL_OPTIONS);
const local = proxyLocalActivities<BareActivities>(DAY_LOCAL_OPTIONS);
const store = proxyActivities<BareActivities>(MISSION_STORE_OPTIONS);

export interface BareMissionInput {
  missionId: string;
  athlete: string;
  /** The run time (epoch ms) the mission sleeps to. */
  wakeAtMs: number;
  date: string;
}

/** Registers, sleeps to the run time, runs its one day as a child, and ends. */
export async function bareMissionWorkflow(input: BareMissionInput): Promise<{ status: string }> {
  await store.bareRegister({ missionId: input.missionId });
  await condition(() => false, Math.max(0, input.wakeAtMs - Date.now()));
  const dayWorkflowId = `${workflowInfo().workflowId}-day-${input.date}`;
  const key: BareKey = { missionId: input.missionId, athlete: input.athlete, date: input.date, dayIndex: 0, dayWorkflowId };
  return executeChild(bareDayWorkflow, { workflowId: dayWorkflowId, args: [key], parentClosePolicy: ParentClosePolicy.ABANDON });
}

/** A day: observe → decide (local) → plan → deliver, each a no-op. */
export async function bareDayWorkflow(key: BareKey): Promise<{ status: string }> {
  const observed = await external.bareObserve(key);
  const decided = await local.bareDecide(key);
  const planned = await external.barePlan(key);
  const delivered = await external.bareDeliver(key, { degraded: [...observed.degraded, ...decided.degraded, ...(planned.degraded ? [planned.degraded] : [])] });
  return { status: delivered.status };
}
