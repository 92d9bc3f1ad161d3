import { Runtime, DefaultLogger } from '@temporalio/worker';
import { loadMissionFile } from '../../src/mission';
import { localDate, localTime } from '../../src/domain/schedule';
import { statusQuery } from '../../src/shared/mission-api';
import { useTimeSkippingEnv } from '../support/temporal';
import { fakeActivities } from '../support/fake-activities';
import { startMission, withWorker } from './mission-harness';
import { addDays } from '../../src/domain/iso-date';

Runtime.install({ logger: new DefaultLogger('WARN') });

const suite = useTimeSkippingEnv();

describe('the Tour de France 2025 simulation, first to last day', () => {
  it('runs all 23 days in order at 06:30 Paris time, rest days as rest', async () => {
    const mission = await loadMissionFile('missions/tdf_sim_2025.toml');
    expect(mission.days).toHaveLength(23);
    const { acts, calls } = fakeActivities(mission, () => suite.env.currentTimeMs());
    const start = localDate(await suite.env.currentTimeMs(), 'Europe/Paris');
    const { handle, taskQueue } = await startMission(suite.env, 'tdf', 'today');

    const [summary, status] = await withWorker(suite.env, suite.bundle, acts, taskQueue, async () => [await handle.result(), await handle.query(statusQuery)] as const);

    expect(summary.days).toBe(23);
    expect(summary.ok).toBe(23);
    expect(summary.failed).toBe(0);
    expect(summary.skipped).toBe(0);
    // Every day once, in calendar order, each on its own local date.
    expect(calls.map((c) => c.date)).toEqual(mission.days.map((_, i) => addDays(start, i)));
    expect(calls.map((c) => localDate(c.atMs, 'Europe/Paris'))).toEqual(calls.map((c) => c.date));
    // The first day runs when the mission starts (possibly after 06:30); the others at 06:30 local.
    for (const c of calls.slice(1)) expect(localTime(c.atMs, 'Europe/Paris')).toBe('06:30');
    // The stages reach their cycles in order, and the two rest days arrive as rest days.
    expect(calls.map((c) => c.seen.day.stage)).toEqual(mission.days.map((d) => d.stage));
    const restCalls = calls.filter((c) => c.seen.day.type === 'rest');
    expect(restCalls.map((c) => c.seen.day.index)).toEqual(mission.days.filter((d) => d.type === 'rest').map((d) => d.index));
    expect(restCalls).toHaveLength(2);
    for (const c of restCalls) expect(c.seen.day.training.mode).toBe('rest');
    for (const c of calls) expect(c.seen.totalDays).toBe(23);

    expect(status.phase).toBe('done');
    expect(status.daysDone).toBe(23);
    expect(status.nextDay).toBeNull();
    expect(status.counters).toMatchObject({ ok: 23, failed: 0, skipped: 0 });
    expect(status.lastDay).toMatchObject({ date: addDays(start, 22), status: 'ok' });
  });
});
