import { randomBytes } from 'node:crypto';
import { Worker, Runtime, DefaultLogger, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { TimeSkippingWorkflowClient, type TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { missionWorkflow } from '../../src/workflows';
import { missionWorkflowId, dayWorkflowId, statusQuery } from '../../src/shared/mission-api';
import { dataConverterFromEnv, ENCRYPTED_ENCODING } from '../../src/secrets';
import { createTimeSkippingEnv, quietLogger, uniqueTaskQueue } from '../support/temporal';
import { fakeActivities, fakeMission, missionArgs } from '../support/fake-activities';
import { FAILURE, walk } from '../support/proto-walk';

Runtime.install({ logger: new DefaultLogger('WARN') });

const key = () => randomBytes(32).toString('base64');
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');

/** Every Failure anywhere in a history (found by type, however deeply nested). */
function failures(history: unknown): temporal.api.failure.v1.IFailure[] {
  const out: temporal.api.failure.v1.IFailure[] = [];
  walk(history, (v) => void (v.type === FAILURE && out.push(v.node as temporal.api.failure.v1.IFailure)));
  return out;
}

describe('payload encryption (LANTERNE_PAYLOAD_KEY)', () => {
  const dataConverter = dataConverterFromEnv({ LANTERNE_PAYLOAD_KEY: key() })!;
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    // The worker's failure converter runs inside the sandbox too, so a bundle is built with it.
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), failureConverterPath: dataConverter.failureConverterPath, logger: quietLogger });
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  });

  it('keeps mission data out of the Temporal history while the workflow runs normally', async () => {
    const mission = fakeMission({ name: 'Secret ride to Peyragudes' }, 2);
    const { acts } = fakeActivities(mission, () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue('codec');
    // A time-skipping client with the codec: it encrypts what it sends and skips time while waiting.
    const client = new TimeSkippingWorkflowClient({ connection: env.connection, dataConverter });
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: acts, dataConverter });
    const handle = await client.start(missionWorkflow, { taskQueue, workflowId: missionWorkflowId('ath_testtesttest', `codec-${taskQueue}`), args: [missionArgs(mission, { startDate: 'today' })] });
    const summary = await worker.runUntil(handle.result());
    expect(summary.name).toBe('Secret ride to Peyragudes');

    // What the server holds: encrypted payloads only.
    const history = await env.client.workflow.getHandle(handle.workflowId).fetchHistory();
    const payloads = (history.events ?? []).flatMap((e) => [
      ...(e.activityTaskCompletedEventAttributes?.result?.payloads ?? []),
      ...(e.workflowExecutionCompletedEventAttributes?.result?.payloads ?? []),
    ]);
    expect(payloads.length).toBeGreaterThan(0);
    for (const p of payloads) {
      expect(text(p.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(p.data)).not.toContain('Peyragudes');
    }
  }, 120_000);

  it('a failure’s message travels encrypted too: the history says "Encoded failure", the workflow and clients read the real one', async () => {
    const mission = fakeMission({ id: 'codec_failure' }, 3);
    const secret = 'resting HR 52 bpm for rider@lanterne.test';
    const { acts, failures: recorded } = fakeActivities(mission, () => env.currentTimeMs());
    class ConfigurationError extends Error {} // non-retryable in the day's policies: the day fails at once
    let thrown = false;
    const failing = {
      ...acts,
      async observeDay(key: Parameters<typeof acts.observeDay>[0]) {
        const observed = await acts.observeDay(key);
        if (!thrown) {
          thrown = true;
          throw new ConfigurationError(secret);
        }
        return observed;
      },
    };
    const taskQueue = uniqueTaskQueue('codec-failure');
    const client = new TimeSkippingWorkflowClient({ connection: env.connection, dataConverter });
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: failing, dataConverter });
    const missionId = `codec-fail-${taskQueue}`;
    const handle = await client.start(missionWorkflow, { taskQueue, workflowId: missionWorkflowId('ath_testtesttest', missionId), args: [missionArgs(mission, { startDate: 'today' })] });
    // Queries on a closed workflow are answered by a worker, so ask while the worker runs.
    const status = await worker.runUntil(async () => {
      await handle.result();
      return handle.query(statusQuery);
    });

    // The workflow saw the real message (it recorded the failed day with it), and so does a client with the key…
    expect(recorded).toEqual([expect.stringContaining(secret)]);
    expect(status.counters.failed).toBe(1);

    // …and no history holds it: every failure's message and stack are in an encrypted payload.
    const history = await env.client.workflow.getHandle(handle.workflowId).fetchHistory();
    const failedDays = (history.events ?? []).flatMap((e) => e.childWorkflowExecutionFailedEventAttributes?.workflowExecution?.workflowId ?? []);
    expect(failedDays).toEqual([expect.stringMatching(new RegExp(`^${dayWorkflowId(handle.workflowId, '')}\\d{4}-\\d{2}-\\d{2}$`))]);
    const dayHistory = await env.client.workflow.getHandle(failedDays[0]!).fetchHistory();
    let seen = 0;
    for (const h of [history, dayHistory]) {
      const raw = JSON.stringify(temporal.api.history.v1.History.toObject(h as temporal.api.history.v1.History, { bytes: String }));
      expect(raw).not.toContain('rider@lanterne.test');
      expect(raw).not.toContain('resting HR');
      for (const f of failures(h)) {
        seen++;
        expect(f.message).toBe('Encoded failure');
        expect(f.stackTrace ?? '').toBe('');
        expect(text(f.encodedAttributes?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
      }
    }
    expect(seen).toBeGreaterThan(0);
  }, 120_000);

  it('is off without a key, and a malformed key is a clear error', () => {
    expect(dataConverterFromEnv({})).toBeUndefined();
    expect(() => dataConverterFromEnv({ LANTERNE_PAYLOAD_KEY: 'short' })).toThrow('LANTERNE_PAYLOAD_KEY is not a valid key (5 characters)');
  });
});
