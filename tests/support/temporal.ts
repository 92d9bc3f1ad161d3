import fs from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { testServerPath } from '../../src/infra/project-paths';
import { registerSearchAttributes } from '../../src/infra/register-search-attributes';

/**
 * The Java time-skipping test server provisioned by scripts/provision.js, started by the SDK on a
 * free port (existing-path executable: nothing is downloaded).
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = testServerPath();
  if (!fs.existsSync(path)) throw new Error(`time-skipping test server missing at ${path}: run \`npm run provision\``);
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** Bundles the workflows once per test file (webpack is slow; workers reuse the bundle). */
export async function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: quietLogger });
}

const noop = () => undefined;
export const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

let counter = 0;
export function uniqueTaskQueue(name: string): string {
  return `${name}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

export interface TimeSkippingSuite {
  /** Set in beforeAll: the file's time-skipping environment. */
  env: TestWorkflowEnvironment;
  /** Set in beforeAll: the workflow bundle, built once for the file. */
  bundle: WorkflowBundleWithSourceMap;
}

/**
 * One time-skipping environment and one workflow bundle for the calling test file: registers the
 * beforeAll/afterAll hooks and returns the object they fill in.
 */
export function useTimeSkippingEnv(): TimeSkippingSuite {
  const suite = {} as TimeSkippingSuite;
  beforeAll(async () => {
    suite.env = await createTimeSkippingEnv();
    suite.bundle = await workflowBundle();
  }, 120_000);
  afterAll(async () => {
    await suite.env?.teardown();
  });
  return suite;
}
