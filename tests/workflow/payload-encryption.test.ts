import { randomBytes } from 'node:crypto';
import { Worker, Runtime, DefaultLogger } from '@temporalio/worker';
import { TimeSkippingWorkflowClient } from '@temporalio/testing';
import { missionWorkflow } from '../../src/workflows';
import { missionWorkflowId } from '../../src/shared/mission-api';
import { dataConverterFromEnv, EncryptionCodec, ENCRYPTED_ENCODING, parseSecretKey } from '../../src/secrets';
import { uniqueTaskQueue, useTimeSkippingEnv } from '../support/temporal';
import { fakeActivities, fakeMission, missionArgs } from '../support/fake-activities';

Runtime.install({ logger: new DefaultLogger('WARN') });

const suite = useTimeSkippingEnv();

const key = () => randomBytes(32).toString('base64');
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');

describe('payload encryption (LANTERNE_PAYLOAD_KEY)', () => {
  it('keeps mission data out of the Temporal history while the workflow runs normally', async () => {
    const dataConverter = dataConverterFromEnv({ LANTERNE_PAYLOAD_KEY: key() });
    const mission = fakeMission({ name: 'Secret ride to Peyragudes' }, 2);
    const { acts } = fakeActivities(mission, () => suite.env.currentTimeMs());
    const taskQueue = uniqueTaskQueue('codec');
    // A time-skipping client with the codec: it encrypts what it sends and skips time while waiting.
    const client = new TimeSkippingWorkflowClient({ connection: suite.env.connection, dataConverter });
    const worker = await Worker.create({ connection: suite.env.nativeConnection, taskQueue, workflowBundle: suite.bundle, activities: acts, dataConverter });
    const handle = await client.start(missionWorkflow, { taskQueue, workflowId: missionWorkflowId('ath_testtesttest', `codec-${taskQueue}`), args: [missionArgs(mission, { startDate: 'today' })] });
    const summary = await worker.runUntil(handle.result());
    expect(summary.name).toBe('Secret ride to Peyragudes');

    // What the server holds: encrypted payloads only.
    const history = await suite.env.client.workflow.getHandle(handle.workflowId).fetchHistory();
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

  it('refuses a tampered payload and names the key mismatch', async () => {
    const a = new EncryptionCodec(parseSecretKey(key()));
    const b = new EncryptionCodec(parseSecretKey(key()));
    const [enc] = await a.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"hrv":38}') }]);
    const [dec] = await a.decode([enc]);
    expect(text(dec.data)).toBe('{"hrv":38}');
    await expect(b.decode([enc])).rejects.toThrow(/LANTERNE_PAYLOAD_KEY is key [0-9a-f]{16}: use the key the mission was started with/);
    const tampered = { ...enc, data: Buffer.from(enc.data!).fill(0, 20, 21) };
    await expect(a.decode([tampered])).rejects.toThrow();
  });

  it('is off without a key, and a malformed key is a clear error', () => {
    expect(dataConverterFromEnv({})).toBeUndefined();
    expect(() => dataConverterFromEnv({ LANTERNE_PAYLOAD_KEY: 'short' })).toThrow('LANTERNE_PAYLOAD_KEY is not a valid key (5 characters)');
  });
});
