#!/usr/bin/env node
/*
 * A worker process for the reliability trials that need one worker per task queue (the fault
 * matrix runs each cell with its own fakes and its own worker): the same wiring as `lanterne worker`
 * (src/cli/main.ts: the JSON Runtime logger, the payload key file of LANTERNE_STATE_DIR, the worker's
 * resources on DATABASE_URL, src/worker/run-worker.ts) from dist/, with the workflows bundled once
 * by the trial (RELIABILITY_WORKFLOW_BUNDLE) and the task queue RELIABILITY_TASK_QUEUE.
 */
'use strict';
const path = require('node:path');

const DIST = path.resolve(__dirname, '../../dist');
const { installRuntimeLogger } = require(path.join(DIST, 'worker/logger'));
const { openWorkerResources } = require(path.join(DIST, 'worker/activity-deps'));
const { createWorker } = require(path.join(DIST, 'worker/run-worker'));
const { openPayloadKeys, payloadDataConverter } = require(path.join(DIST, 'secrets'));
const { jsonLog } = require(path.join(DIST, 'infra/json-logger'));

async function main() {
  installRuntimeLogger('INFO');
  const env = process.env;
  const keys = openPayloadKeys({ env, stateDir: env.LANTERNE_STATE_DIR, create: true });
  const resources = await openWorkerResources({ databaseUrl: env.DATABASE_URL, namespace: 'default', temporalUiUrl: null });
  const { worker, connection } = await createWorker({
    address: env.TEMPORAL_ADDRESS,
    namespace: 'default',
    deps: resources.deps,
    dataConverter: payloadDataConverter(keys.ring),
    taskQueue: env.RELIABILITY_TASK_QUEUE,
    workflowBundle: { codePath: env.RELIABILITY_WORKFLOW_BUNDLE },
  });
  const stop = () => worker.getState() === 'RUNNING' && worker.shutdown();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  jsonLog().info({ taskQueue: env.RELIABILITY_TASK_QUEUE }, 'worker running');
  try {
    await worker.run();
  } finally {
    await connection.close();
    await resources.close();
  }
}

main().catch((err) => {
  process.stderr.write(`worker-entry: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
