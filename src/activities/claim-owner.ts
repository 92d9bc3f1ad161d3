import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';

/**
 * Who claims outbox rows: this activity attempt (workflow id, run id, activity id, attempt), so a
 * retry of the activity is a different owner from the attempt it replaces, and the outbox can tell
 * a late mark from the current claim's. Outside an activity (dry runs, direct calls in tests) a
 * one-off id.
 */
export function activityAttemptOwner(): string {
  let info;
  try {
    info = Context.current().info;
  } catch {
    return `local/${randomUUID()}`;
  }
  const run = info.workflowExecution; // absent only for an activity started outside a workflow
  return `${run ? `${run.workflowId}/${run.runId}` : `standalone/${randomUUID()}`}/${info.activityId}#${info.attempt}`;
}
