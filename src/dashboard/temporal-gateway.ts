/**
 * What the dashboard asks of Temporal, behind a small interface so pages can be tested and the
 * dashboard can run with stored data only. {@link temporalFromClient} implements it over a
 * `@temporalio/client` Client with the shared message definitions.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import {
  legacyMissionWorkflowId,
  overrideUpdate,
  reflectSignal,
  statusQuery,
  upcomingQuery,
  type MissionStatus,
  type OverrideInput,
  type OverrideResult,
  type ReflectInput,
  type UpcomingDay,
} from '../shared/mission-api';

/**
 * A mission of one athlete: two athletes can ride the same mission id (each with a workflow of
 * their own), so the dashboard always names both.
 */
export interface MissionKey {
  athlete: string;
  missionId: string;
}

export interface DashboardTemporal {
  /** The running mission workflow's status; throws {@link MissionNotRunningError} when it is not running. */
  status(mission: MissionKey): Promise<MissionStatus>;
  /** The next `n` days as the workflow will run them. */
  upcoming(mission: MissionKey, n?: number): Promise<UpcomingDay[]>;
  /** Send the reflection signal. */
  reflect(mission: MissionKey, input: ReflectInput): Promise<void>;
  /** Run the override update; throws {@link OverrideRejectedError} with the validator's message when refused. */
  override(mission: MissionKey, input: OverrideInput): Promise<OverrideResult>;
}

/** The mission workflow is not running (never started, completed, failed, or unreachable). */
export class MissionNotRunningError extends Error {
  override name = 'MissionNotRunningError';
}

/** The workflow refused an override; `message` is the workflow validator's message, for the athlete. */
export class OverrideRejectedError extends Error {
  override name = 'OverrideRejectedError';
}

export interface TemporalGatewayOptions {
  /** How long a describe, query or signal may take before the dashboard gives up (ms). Default 5000. */
  rpcTimeoutMs?: number;
  /** How long an override update may take (it waits for a worker to run the validator and handler). Default 15000. */
  updateTimeoutMs?: number;
  /** The workflow id of an athlete's mission (it includes the athlete's opaque id); default: the legacy `mission-<id>`. */
  workflowIdOf?: (mission: MissionKey) => Promise<string>;
}

export function temporalFromClient(client: Client, options: TemporalGatewayOptions = {}): DashboardTemporal {
  const timeoutMs = options.rpcTimeoutMs ?? 5000;
  const updateTimeoutMs = options.updateTimeoutMs ?? 15_000;
  const workflowIdOf = options.workflowIdOf ?? (async (mission: MissionKey) => legacyMissionWorkflowId(mission.missionId));
  const handle = async (mission: MissionKey) => client.workflow.getHandle(await workflowIdOf(mission));
  const withDeadline = <T>(fn: () => Promise<T>, ms = timeoutMs) => client.withDeadline(Date.now() + ms, fn);

  async function running(mission: MissionKey) {
    const h = await handle(mission);
    try {
      const d = await withDeadline(() => h.describe());
      if (d.status.name !== 'RUNNING') {
        throw new MissionNotRunningError(`the mission workflow ${h.workflowId} is ${d.status.name.toLowerCase().replace(/_/g, ' ')}`);
      }
    } catch (err) {
      throw notRunning(err, h.workflowId);
    }
    return h;
  }

  async function query<T>(mission: MissionKey, fn: (h: Awaited<ReturnType<typeof handle>>) => Promise<T>): Promise<T> {
    const h = await running(mission);
    try {
      return await withDeadline(() => fn(h));
    } catch (err) {
      throw notRunning(err, h.workflowId);
    }
  }

  return {
    status: (mission) => query(mission, (h) => h.query(statusQuery)),
    upcoming: (mission, n) => query(mission, (h) => h.query(upcomingQuery, n)),
    async reflect(mission, input) {
      const h = await running(mission);
      try {
        await withDeadline(() => h.signal(reflectSignal, input));
      } catch (err) {
        throw notRunning(err, h.workflowId);
      }
    },
    async override(mission, input) {
      const h = await running(mission);
      try {
        return await withDeadline(() => h.executeUpdate(overrideUpdate, { args: [input] }), updateTimeoutMs);
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          throw new OverrideRejectedError(err.cause?.message || err.message);
        }
        throw notRunning(err, h.workflowId);
      }
    },
  };
}

function notRunning(err: unknown, workflowId: string): Error {
  if (err instanceof MissionNotRunningError) return err;
  if (err instanceof WorkflowNotFoundError) return new MissionNotRunningError(`no mission workflow ${workflowId} was found`);
  const e = err as { code?: number; message?: string; cause?: { code?: number; details?: string } };
  const code = e.code ?? e.cause?.code;
  // DEADLINE_EXCEEDED: nothing answered in time; FAILED_PRECONDITION: the workflow has not completed
  // its first workflow task yet. Both mean no worker is running it.
  if (code === 4 || code === 9 || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new MissionNotRunningError(`the mission workflow ${workflowId} did not answer (is a worker running?)`);
  }
  if (code === 14 /* UNAVAILABLE */) return new MissionNotRunningError('the Temporal server is not reachable');
  const detail = [e.message ?? String(err), e.cause?.details].filter(Boolean).join(': ');
  return new MissionNotRunningError(`the mission workflow ${workflowId} could not be reached: ${detail}`);
}
