/**
 * One worker process of the burst benchmark (its RSS is the worker's own): Lanterne's worker as
 * `lanterne worker` builds it (src/worker: the same resources, activities, settings from
 * LANTERNE_WORKER_*, payload codec from LANTERNE_PAYLOAD_KEY), with the bare floor's workflows and
 * activities registered next to Lanterne's, and the workflow code pre-bundled by the benchmark
 * (LANTERNE_BENCH_BUNDLE) so that both workers run the same bundle. SIGTERM drains it.
 */
import { installRuntimeLogger } from '../../src/worker/logger';
import { openWorkerResources } from '../../src/worker/activity-deps';
import { createWorker } from '../../src/worker/run-worker';
import { describeWorkerSettings, workerSettingsFromEnv } from '../../src/worker/worker-settings';
import { jsonLog } from '../../src/infra/json-logger';
import { createBareActivities } from './bare-activities';

/** The line the benchmark waits for in the worker's log. */
export const READY = 'burst worker ready';

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`burst worker: ${name} is not set`);
  return v;
}

async function main(): Promise<void> {
  installRuntimeLogger('INFO');
  const settings = workerSettingsFromEnv();
  const address = required('TEMPORAL_ADDRESS');
  const resources = await openWorkerResources({ databaseUrl: required('DATABASE_URL'), namespace: 'default', temporalUiUrl: null });
  const { worker, connection } = await createWorker({
    address,
    namespace: 'default',
    deps: resources.deps,
    settings,
    workflowBundle: { codePath: required('LANTERNE_BENCH_BUNDLE') },
    extraActivities: createBareActivities(),
  });
  const stop = () => worker.getState() === 'RUNNING' && worker.shutdown();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  jsonLog().info({ pid: process.pid, settings: describeWorkerSettings(settings) }, READY);
  try {
    await worker.run();
  } finally {
    await connection.close();
    await resources.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    jsonLog().error({ error: err instanceof Error ? err.stack : String(err) }, 'burst worker failed');
    process.exit(1);
  });
}
