import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { MemoryStore } from '../memory';
import { generateDashboardToken, parseAllowedHosts, startDashboard, temporalFromClient, type RunningDashboard } from '../dashboard';
import { UserError } from '../infra/user-error';
import { findMissionWorkflowId } from '../client/missions';

export type DashboardHandle = RunningDashboard;

/** Where the dashboard token is: the DASHBOARD_TOKEN variable, or the file `up` wrote it to. */
export interface DashboardToken {
  token: string;
  /** Said to the user instead of the token itself. */
  where: string;
}

export const DASHBOARD_TOKEN_FILE = 'dashboard-token';

/**
 * The token for `lanterne up`: DASHBOARD_TOKEN when set, else a fresh one written to
 * `<stateDir>/dashboard-token` (readable by the owner only), so the token is never printed.
 */
export function dashboardToken(stateDir: string, env: NodeJS.ProcessEnv = process.env): DashboardToken {
  const fromEnv = env.DASHBOARD_TOKEN;
  if (fromEnv) {
    if (fromEnv.length < 16) throw new UserError('DASHBOARD_TOKEN is too short', 'use at least 16 characters, or leave it unset to get a generated one');
    return { token: fromEnv, where: 'the DASHBOARD_TOKEN variable' };
  }
  const token = generateDashboardToken();
  const file = path.join(stateDir, DASHBOARD_TOKEN_FILE);
  fs.mkdirSync(stateDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${token}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return { token, where: file };
}

/** The line `up` prints: the sign-in address and where the token is, never the token. */
export function dashboardLine(url: string, token: DashboardToken): string {
  return `${url}/sign-in (token: ${token.where})`;
}

/**
 * Starts the dashboard for `lanterne up` on DASHBOARD_HOST:DASHBOARD_PORT (127.0.0.1:8787 by
 * default), answering also to the names in DASHBOARD_ALLOWED_HOSTS.
 */
export async function launchDashboard(opts: {
  memory: MemoryStore;
  client: Client;
  token: string;
  temporalUiUrl: string | null;
  namespace: string;
}): Promise<DashboardHandle> {
  const port = process.env.DASHBOARD_PORT ? Number(process.env.DASHBOARD_PORT) : 8787;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`DASHBOARD_PORT=${process.env.DASHBOARD_PORT} is not a port`, 'use a whole number from 0 to 65535 (0 = any free port)');
  let allowedHosts: string[];
  try {
    allowedHosts = parseAllowedHosts(process.env.DASHBOARD_ALLOWED_HOSTS);
  } catch (err) {
    throw new UserError((err as Error).message, 'fix or unset DASHBOARD_ALLOWED_HOSTS');
  }
  try {
    return await startDashboard({
      memory: opts.memory,
      temporal: temporalFromClient(opts.client, { workflowIdOf: ({ missionId, athlete }) => findMissionWorkflowId(opts.memory, missionId, athlete) }),
      token: opts.token,
      host: process.env.DASHBOARD_HOST ?? '127.0.0.1',
      port,
      allowedHosts,
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
