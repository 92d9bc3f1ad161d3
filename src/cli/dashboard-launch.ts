import type { Client } from '@temporalio/client';
import type { MemoryStore } from '../memory';
import { startDashboard, temporalFromClient } from '../dashboard';
import { UserError } from '../infra/user-error';
import { findMissionWorkflowId } from '../client/missions';

export interface DashboardHandle {
  url: string;
  close(): Promise<void>;
}

/** Starts the dashboard for `lanterne up` on DASHBOARD_HOST:DASHBOARD_PORT (127.0.0.1, a free port by default). */
export async function launchDashboard(opts: {
  memory: MemoryStore;
  client: Client;
  token: string;
  temporalUiUrl: string | null;
  namespace: string;
}): Promise<DashboardHandle> {
  const port = process.env.DASHBOARD_PORT ? Number(process.env.DASHBOARD_PORT) : 8787;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`DASHBOARD_PORT=${process.env.DASHBOARD_PORT} is not a port`, 'use a whole number from 0 to 65535 (0 = any free port)');
  if (opts.token.length < 16) throw new UserError('DASHBOARD_TOKEN is too short', 'use at least 16 characters, or leave it unset to get a generated one');
  try {
    return await startDashboard({
      memory: opts.memory,
      temporal: temporalFromClient(opts.client, { workflowIdOf: (missionId) => findMissionWorkflowId(opts.memory, missionId) }),
      token: opts.token,
      host: process.env.DASHBOARD_HOST ?? '127.0.0.1',
      port,
      temporalUiUrl: opts.temporalUiUrl ?? undefined,
      namespace: opts.namespace,
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      throw new UserError(`port ${port} for the dashboard is already in use`, 'stop what is listening there, or choose another with DASHBOARD_PORT=<port> (0 = any free port)');
    }
    throw err;
  }
}
