import { Command } from 'commander';
import { Connection } from '@temporalio/client';
import { registerSearchAttributes } from '../infra/register-search-attributes';
import { UserError } from '../infra/user-error';
import { action, databaseUrl, exitWithError, serverPayloadKeys, temporalTarget } from './cli-support';
import { isCleanExit, refuseUsageMistakes } from './usage-errors';
import { up } from './up';
import { registerMissionCommands, registerSteeringCommands } from './mission-commands';
import { registerExtraCommands } from './extra-commands';
import { jsonLog } from '../infra/json-logger';
import { installRuntimeLogger } from '../worker/logger';
import { openWorkerResources } from '../worker/activity-deps';
import { createWorker } from '../worker/run-worker';
import { describeWorkerSettings, workerSettingsFromEnv } from '../worker/worker-settings';
import { serveWebhooksFromEnv } from '../webhooks';
import { payloadDataConverter } from '../secrets';

const pkg = require('../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('lanterne')
    .description('Lanterne: a daily endurance-training coach on Temporal')
    .version(pkg.version);

  program
    .command('up')
    .description('the main job: servers, worker, dashboard, the default mission from today; runs until Ctrl-C')
    .option('--mission <file>', 'mission file', 'missions/tdf_sim_2025.toml')
    .option('--keep-dates', 'keep the mission file’s own dates instead of starting today')
    .option('--no-dashboard', 'do not serve the dashboard')
    .option('--json', 'print the summary as JSON')
    .action(action(async (o: { mission: string; keepDates?: boolean; dashboard: boolean; json?: boolean }) => up({ mission: o.mission, keepDates: Boolean(o.keepDates), dashboard: o.dashboard, json: Boolean(o.json) })));

  program
    .command('worker')
    .description('run a worker alone against TEMPORAL_ADDRESS and DATABASE_URL (Ctrl-C drains and stops it)')
    .action(
      action(async () => {
        installRuntimeLogger('INFO');
        const settings = workerSettingsFromEnv(); // a bad LANTERNE_WORKER_* value stops here, before any server is called
        const { address, namespace } = temporalTarget();
        const keys = serverPayloadKeys((file) => jsonLog().info({ file }, 'created the payload key file (owner-only); keep it and back it up'));
        // Register the search attributes the UI filters on (a no-op when they exist, e.g. on the dev server).
        const admin = await Connection.connect({ address }).catch(() => {
          throw new UserError(`no Temporal server answers at ${address}`, 'start one (`npm start`, or docker compose up), or set TEMPORAL_ADDRESS');
        });
        try {
          await registerSearchAttributes(admin, namespace);
        } finally {
          await admin.close();
        }
        const dbUrl = databaseUrl();
        const resources = await openWorkerResources({ databaseUrl: dbUrl, namespace, temporalUiUrl: process.env.TEMPORAL_UI_URL ?? null });
        const dataConverter = payloadDataConverter(keys.ring);
        const { worker, connection } = await createWorker({ address, namespace, deps: resources.deps, dataConverter, settings });
        const webhooks = await serveWebhooksFromEnv({ temporalAddress: address, namespace, databaseUrl: dbUrl, dataConverter });
        const stop = () => worker.getState() === 'RUNNING' && worker.shutdown();
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        jsonLog().info({ address, namespace, settings: describeWorkerSettings(settings), ...(webhooks ? { webhooks: webhooks.url } : {}) }, 'worker running');
        try {
          await worker.run();
        } finally {
          await webhooks?.close();
          await connection.close();
          await resources.close();
        }
      }),
    );

  registerMissionCommands(program);
  registerSteeringCommands(program);
  registerExtraCommands(program);
  // Last, once every command is registered: commander's refusals become one-line errors.
  refuseUsageMistakes(program);
  return program;
}

/** Runs the CLI: every error, commander's or a command's, leaves through `exitWithError`. */
export async function main(argv = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (isCleanExit(err)) return;
    exitWithError(err);
  }
}
