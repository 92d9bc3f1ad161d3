import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { createActivities, type ActivityDeps } from '../activities';
import { TASK_QUEUE } from '../shared/mission-api';
import { dataConverterFromEnv } from '../secrets';
import { workerSettingsFromEnv, type WorkerSettings } from './worker-settings';

export interface StartWorkerOptions {
  address: string;
  namespace: string;
  deps: ActivityDeps;
  taskQueue?: string;
  /** The payload codec's converter (`up` and `worker`: the key file's ring); default: LANTERNE_PAYLOAD_KEY from `env`. */
  dataConverter?: DataConverter;
  /** Environment for the payload codec when no dataConverter is given (LANTERNE_PAYLOAD_KEY); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Pre-bundled workflow code (tests); by default the worker bundles src/workflows at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Capacity (cache, concurrency, sticky queue); default: from `env` (LANTERNE_WORKER_*). */
  settings?: WorkerSettings;
  /** Activities registered next to the mission's (the burst benchmark's bare workflow). */
  extraActivities?: Record<string, (...args: never[]) => Promise<unknown>>;
}

/** The worker's connection and options: process wiring only, the logic lives in workflows and activities. */
export async function createWorker(opts: StartWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const settings = opts.settings ?? workerSettingsFromEnv(opts.env ?? process.env);
  const connection = await NativeConnection.connect({ address: opts.address });
  try {
    const worker = await Worker.create({
      connection,
      namespace: opts.namespace,
      taskQueue: opts.taskQueue ?? TASK_QUEUE,
      ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
      activities: { ...opts.extraActivities, ...createActivities(opts.deps) },
      dataConverter: opts.dataConverter ?? dataConverterFromEnv(opts.env ?? process.env),
      shutdownGraceTime: '20 seconds',
      maxCachedWorkflows: settings.maxCachedWorkflows,
      maxConcurrentWorkflowTaskExecutions: settings.maxConcurrentWorkflowTaskExecutions,
      maxConcurrentActivityTaskExecutions: settings.maxConcurrentActivityTaskExecutions,
      maxConcurrentLocalActivityExecutions: settings.maxConcurrentLocalActivityExecutions,
      stickyQueueScheduleToStartTimeout: settings.stickyQueueTimeoutS * 1000,
    });
    return { worker, connection };
  } catch (err) {
    await connection.close();
    throw err;
  }
}
