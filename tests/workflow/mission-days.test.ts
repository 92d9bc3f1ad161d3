import { Worker, Runtime, DefaultLogger } from '@temporalio/worker';
import { missionWorkflow } from '../../src/workflows';
import { localDate, localTime } from '../../src/domain/schedule';
import { uniqueTaskQueue, useTimeSkippingEnv } from '../support/temporal';
import { fakeActivities, fakeMission, missionArgs } from '../support/fake-activities';
import { missionWorkflowId, statusQuery } from '../../src/shared/mission-api';

Runtime.install({ logger: new DefaultLogger('WARN') });

const suite = useTimeSkippingEnv();

async function run<T>(acts: object, taskQueue: string, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({ connection: suite.env.nativeConnection, taskQueue, workflowBundle: suite.bundle, activities: acts });
  return worker.runUntil(fn);
}

describe('missionWorkflow on the time-skipping server', () => {
  it('walks 3 mission days, each cycle at the mission’s local run time', async () => {
    const mission = fakeMission({ timezone: 'Europe/Paris', runTime: '06:30' }, 3);
    const { acts, calls } = fakeActivities(mission, () => suite.env.currentTimeMs());
    const taskQueue = uniqueTaskQueue('days');
    const summary = await run(acts, taskQueue, () =>
      suite.env.client.workflow.execute(missionWorkflow, {
        taskQueue,
        workflowId: missionWorkflowId('ath_testtesttest', `days-${taskQueue}`),
        args: [missionArgs(mission, { startDate: 'today' })],
      }),
    );
    expect(summary.days).toBe(3);
    expect(calls.map((c) => c.date)).toEqual(calls.map((c) => localDate(c.atMs, 'Europe/Paris')));
    // Day 1 runs at once when the mission starts after 06:30; days 2 and 3 wait for 06:30 local.
    for (const c of calls.slice(1)) expect(localTime(c.atMs, 'Europe/Paris')).toBe('06:30');
    expect(new Set(calls.map((c) => c.date)).size).toBe(3);
  });

  it('records a failed day and goes on to the next', async () => {
    const mission = fakeMission({}, 3);
    const start = localDate(await suite.env.currentTimeMs(), mission.timezone);
    const { addDays } = await import('../../src/domain/iso-date');
    const failDate = addDays(start, 1);
    const { acts, calls, failures } = fakeActivities(mission, () => suite.env.currentTimeMs(), { failOn: [failDate] });
    const taskQueue = uniqueTaskQueue('fail');
    const handle = await suite.env.client.workflow.start(missionWorkflow, {
      taskQueue,
      workflowId: missionWorkflowId('ath_testtesttest', `fail-${taskQueue}`),
      args: [missionArgs(mission, { startDate: 'today' })],
    });
    // Queries on a closed workflow are answered by a worker, so ask while the worker runs.
    const [summary, status] = await run(acts, taskQueue, async () => [await handle.result(), await handle.query(statusQuery)] as const);
    expect(summary.failed).toBe(1);
    expect(failures).toEqual([expect.stringContaining(`${failDate}: boom on ${failDate}`)]);
    expect(calls.map((c) => c.date)).toContain(addDays(start, 2));
    expect(status.phase).toBe('done');
    expect(status.counters.failed).toBe(1);
    expect(status.lastDay).toMatchObject({ date: addDays(start, 2), status: 'ok' });
  });
});
