import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDevServer, type RunningDevServer } from '../../src/infra/temporal-dev-server';

/** The Temporal CLI dev server on free ports, in memory, headless, with our search attributes. */
export async function startTestDevServer(): Promise<RunningDevServer & { logDir: string }> {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-dev-server-'));
  const server = await startDevServer({ uiPort: 0, logFile: path.join(logDir, 'temporal.log') });
  return {
    ...server,
    logDir,
    stop: async () => {
      await server.stop();
      fs.rmSync(logDir, { recursive: true, force: true });
    },
  };
}
