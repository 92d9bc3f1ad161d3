import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ManagedProcess } from './managed-process';
import { freePort, assertPortFree } from './ports';
import { temporalCliPath } from './project-paths';
import { UserError } from './user-error';
import { SEARCH_ATTRIBUTES } from '../shared/search-attributes';

/**
 * The Temporal CLI's dev server (`temporal server start-dev`): a real Temporal server with SQLite
 * persistence and the web UI, provisioned by scripts/provision.js. Our search attributes are
 * registered at start, so the UI can filter missions and days.
 */
export interface DevServerOptions {
  /** SQLite file for persistence across restarts; in-memory when omitted. */
  dbFile?: string;
  port?: number;
  /** 0 disables the UI. Default: a free port. */
  uiPort?: number;
  namespace?: string;
  logFile: string;
  /** The UI's remote codec endpoint (`--ui-codec-endpoint`): the UI decodes payloads through it. */
  uiCodecEndpoint?: string;
}

export interface RunningDevServer {
  address: string;
  uiUrl: string | null;
  namespace: string;
  stop(): Promise<void>;
}

async function isServing(address: string, namespace: string): Promise<boolean> {
  let conn: Connection | undefined;
  try {
    conn = await Connection.connect({ address, connectTimeout: 1000 });
    await conn.workflowService.describeNamespace({ namespace });
    return true;
  } catch {
    return false;
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

export async function startDevServer(opts: DevServerOptions): Promise<RunningDevServer> {
  const cli = temporalCliPath();
  if (!fs.existsSync(cli)) {
    throw new UserError(`the Temporal CLI is not provisioned (${cli} is missing)`, 'run `npm run provision`, or set TEMPORAL_ADDRESS to use a running server');
  }
  const namespace = opts.namespace ?? 'default';
  const port = opts.port ?? (await freePort());
  if (opts.port) await assertPortFree(port, 'the Temporal dev server', 'LANTERNE_TEMPORAL_PORT');
  const uiPort = opts.uiPort === 0 ? null : opts.uiPort ?? (await freePort());
  if (opts.uiPort) await assertPortFree(opts.uiPort, 'the Temporal UI', 'LANTERNE_TEMPORAL_UI_PORT');
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--namespace', namespace,
    '--log-level', 'warn',
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
  ];
  args.push(...(uiPort ? ['--ui-port', String(uiPort), '--ui-ip', '127.0.0.1'] : ['--headless']));
  if (uiPort && opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  for (const sa of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${sa.name}=${sa.cliType}`);
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const proc = ManagedProcess.start('the Temporal dev server', cli, args, { logFile: opts.logFile });
  const address = `127.0.0.1:${port}`;
  await proc.waitUntilReady(() => isServing(address, namespace), 60_000);
  return {
    address,
    uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : null,
    namespace,
    stop: () => proc.stop(),
  };
}
