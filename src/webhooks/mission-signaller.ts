/**
 * Which missions an event is for, and the signal that tells them. The receiver only knows this
 * interface; the default implementation reads the athlete's active missions from PostgreSQL and
 * sends `dataReady` to each running mission workflow that is not paused.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { dataReadySignal, legacyMissionWorkflowId, missionWorkflowId, type DataReadyInput } from '../shared/mission-api';
import { PHASE } from '../shared/search-attributes';

export interface MissionSignalResult {
  /** How many mission workflows received the signal. */
  signalled: number;
  /** Why the athlete's other missions did not (`<missionId>: <reason>`). */
  skipped: string[];
}

/** Sends `input` to the athlete's running missions. Throws when Temporal cannot be reached (retried later). */
export type SignalAthleteMissions = (athlete: string, input: DataReadyInput) => Promise<MissionSignalResult>;

/**
 * The workflow id of an athlete's mission: as the mission row recorded it, else built from the
 * athlete's opaque id; missions started before athletes had ids answer to `mission-<missionId>`.
 */
export function missionWorkflowIdFor(row: { id: string; workflow_id: string | null; athlete_id: string | null }): string {
  return row.workflow_id ?? (row.athlete_id ? missionWorkflowId(row.athlete_id, row.id) : legacyMissionWorkflowId(row.id));
}

/**
 * The default: missions with status 'active' in the `missions` table, signalled when their
 * workflow is running and its `LanternePhase` is not 'paused' (a paused mission skips its days, so
 * an event for it changes nothing).
 */
export function temporalMissionSignaller(o: { client: Client; pool: Pool }): SignalAthleteMissions {
  return async (athlete, input) => {
    const { rows } = await o.pool.query<{ id: string; workflow_id: string | null; athlete_id: string | null }>(
      `SELECT m.id, m.workflow_id, a.id AS athlete_id FROM missions m LEFT JOIN athletes a ON a.handle = m.athlete
       WHERE m.athlete = $1 AND m.status = 'active' ORDER BY m.id`,
      [athlete],
    );
    const result: MissionSignalResult = { signalled: 0, skipped: [] };
    if (rows.length === 0) result.skipped.push('the athlete has no active mission');
    for (const row of rows) {
      const { id } = row;
      const handle = o.client.workflow.getHandle(missionWorkflowIdFor(row));
      let description;
      try {
        description = await handle.describe();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          result.skipped.push(`${id}: no mission workflow`);
          continue;
        }
        throw err;
      }
      if (description.status.name !== 'RUNNING') {
        result.skipped.push(`${id}: its workflow is ${description.status.name.toLowerCase()}`);
        continue;
      }
      if (description.typedSearchAttributes.get(PHASE) === 'paused') {
        result.skipped.push(`${id}: paused`);
        continue;
      }
      await handle.signal(dataReadySignal, input);
      result.signalled += 1;
    }
    return result;
  };
}
