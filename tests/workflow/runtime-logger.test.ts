import { Writable } from 'node:stream';
import { Context } from '@temporalio/activity';
import { Runtime, Worker } from '@temporalio/worker';
import { missionWorkflow } from '../../src/workflows';
import { missionWorkflowId } from '../../src/shared/mission-api';
import { createJsonLogger, REDACTED } from '../../src/infra/json-logger';
import { installRuntimeLogger } from '../../src/worker/logger';
import { uniqueTaskQueue, useTimeSkippingEnv } from '../support/temporal';
import { fakeActivities, fakeMission, missionArgs } from '../support/fake-activities';

// The worker's wiring, with the pino logger writing to memory instead of stderr.
let raw = '';
const destination = new Writable({
  write(chunk: Buffer, _enc, done) {
    raw += chunk.toString('utf8');
    done();
  },
});
installRuntimeLogger('INFO', createJsonLogger({ destination }));

const suite = useTimeSkippingEnv();
const CANARY = 'canary-oauth-token-5b1e';

describe('installRuntimeLogger: Runtime.install({ logger: jsonLinesLogger() }) with Core forwarded', () => {
  it('carries activity logs as JSON lines, with Temporal’s task token and our secrets redacted', async () => {
    const mission = fakeMission({}, 2);
    const { acts, calls } = fakeActivities(mission, () => suite.env.currentTimeMs());
    const taskTokens: string[] = [];
    const observe = acts.observeDay;
    acts.observeDay = async (key) => {
      taskTokens.push(Context.current().info.base64TaskToken);
      Context.current().log.info('observing', { missionId: key.missionId, date: key.date, token: CANARY });
      return observe(key);
    };
    const taskQueue = uniqueTaskQueue('runtime-logger');
    const worker = await Worker.create({ connection: suite.env.nativeConnection, taskQueue, workflowBundle: suite.bundle, activities: acts });
    const handle = await suite.env.client.workflow.start(missionWorkflow, { taskQueue, workflowId: missionWorkflowId('ath_testtesttest', `log-${taskQueue}`), args: [missionArgs(mission, { startDate: 'today' })] });
    await worker.runUntil(handle.result());
    // Forwarded entries wait briefly in the Runtime's collector (to be sorted by time): flush them.
    (Runtime.instance().logger as { flush?: () => void }).flush?.();

    const lines = raw.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const observing = lines.filter((l) => l.message === 'observing');
    expect(calls).toHaveLength(2);
    expect(observing.map((l) => l.date)).toEqual(calls.map((c) => c.date));
    for (const l of observing) {
      expect(l).toMatchObject({ level: 'info', missionId: mission.id, sdkComponent: 'activity', activityType: 'observeDay', token: REDACTED, taskToken: REDACTED });
    }
    expect(taskTokens).toHaveLength(2);
    // Core's own warnings (the Rust side) arrive as JSON lines too.
    expect(lines.some((l) => l.sdkComponent === 'core' && l.level === 'warn')).toBe(true);
    expect(raw).not.toContain(CANARY);
    for (const t of taskTokens) expect(raw).not.toContain(t);
  }, 120_000);
});
