/**
 * Where a block is, read from the Temporal server's histories (no worker needed): which day runs,
 * and which step of it — so a trial can strike at a chosen step, and say afterwards which step it
 * struck.
 */
import type { temporal } from '@temporalio/proto';
import { dayWorkflowId } from '../../src/shared/mission-api';
import type { IsoDate } from '../../src/domain/types';
import type { Rig } from './rig';
import type { Block } from './block';

/** The steps of a day (activities of the day workflow), and the moments between days. */
export const STEPS = ['observe', 'reason', 'plan', 'deliver', 'between days'] as const;
export type Step = (typeof STEPS)[number] | 'before the block' | 'after the block';

const STEP_OF_ACTIVITY: Record<string, Step> = { observeDay: 'observe', planDay: 'plan', deliverDay: 'deliver' };
const EventType = {
  COMPLETED: 2, // WORKFLOW_EXECUTION_COMPLETED
  ACTIVITY_SCHEDULED: 10,
  ACTIVITY_COMPLETED: 12,
} as const;

async function events(rig: Rig, workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[] | null> {
  try {
    const r = await rig.connection.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
    return r.history?.events ?? [];
  } catch {
    return null; // not started yet
  }
}

/** The step a running day workflow is in, from its history. */
function stepOf(history: temporal.api.history.v1.IHistoryEvent[]): Step | 'done' {
  if (history.some((e) => Number(e.eventType) === EventType.COMPLETED)) return 'done';
  const scheduled = new Map<number, string>();
  const completed = new Set<string>();
  for (const e of history) {
    if (Number(e.eventType) === EventType.ACTIVITY_SCHEDULED) scheduled.set(Number(e.eventId), e.activityTaskScheduledEventAttributes?.activityType?.name ?? '');
    if (Number(e.eventType) === EventType.ACTIVITY_COMPLETED) completed.add(scheduled.get(Number(e.activityTaskCompletedEventAttributes?.scheduledEventId)) ?? '');
  }
  const open = [...scheduled.values()].filter((t) => !completed.has(t));
  if (open.length > 0) return STEP_OF_ACTIVITY[open[open.length - 1]!] ?? 'observe';
  // The decision is a local activity: it runs inside the workflow task after observe completed.
  if (completed.has('observeDay') && !completed.has('planDay')) return 'reason';
  if (completed.has('planDay')) return 'deliver';
  return 'observe';
}

/** The first due day that has not completed, and its step. */
export async function whereIs(rig: Rig, block: Block): Promise<{ date: IsoDate | null; step: Step }> {
  let previousDone = false;
  for (const [i, date] of block.dueDates.entries()) {
    const history = await events(rig, dayWorkflowId(block.workflowId, date));
    if (history === null) return { date, step: i === 0 && !previousDone ? 'before the block' : 'between days' };
    const step = stepOf(history);
    if (step !== 'done') return { date, step };
    previousDone = true;
  }
  return { date: null, step: 'after the block' };
}
