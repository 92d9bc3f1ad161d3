import type { Client } from '@temporalio/client';
import type { MemoryStore } from '../memory';

export interface DashboardHandle {
  url: string;
  close(): Promise<void>;
}

/** Starts the dashboard for `lanterne up`. */
export async function startDashboardIfAvailable(opts: {
  memory: MemoryStore;
  client: Client;
  token: string;
  temporalUiUrl: string | null;
  namespace: string;
}): Promise<DashboardHandle | null> {
  void opts;
  return null;
}
