import { Runtime, DefaultLogger } from '@temporalio/worker';
import { localDate, localTime } from '../../src/domain/schedule';
import { overrideUpdate, reflectSignal, statusQuery, upcomingQuery } from '../../src/shared/mission-api';
import { useTimeSkippingEnv } from '../support/temporal';
import { fakeActivities, fakeMission } from '../support/fake-activities';
import { dayOneDone, sleepUntilLocal, startMission, statusWhen, withWorker } from './mission-harness';
import { addDays } from '../../src/domain/iso-date';

Runtime.install({ logger: new DefaultLogger('WARN') });

const suite = useTimeSkippingEnv();

const TZ = 'Europe/Paris';

describe('continue-as-new in the middle of a mission', () => {
  it('keeps reflections, overrides and progress; every day runs exactly once', async () => {
    const mission = fakeMission({ timezone: TZ, runTime: '06:30' }, 5);
    const { acts, calls } = fakeActivities(mission, () => suite.env.currentTimeMs());
    const today = localDate(await suite.env.currentTimeMs(), TZ);
    const { handle, taskQueue } = await startMission(suite.env, 'can', 'today', { maxDaysPerRun: 2 });
    const firstRunId = handle.firstExecutionRunId;
    const reflection = { date: today, rpe: 7, legs: 3, mood: 4, sleepQuality: 3, completed: 'yes' as const, note: 'good' };

    const [summary, status, upcoming] = await withWorker(suite.env, suite.bundle, acts, taskQueue, async () => {
      await dayOneDone(handle, today);
      // Before the first boundary (after day 2): a reflection, a new FTP and a rest day after it.
      await handle.signal(reflectSignal, reflection);
      await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'set-ftp', ftpW: 280 }] });
      await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'rest-day', date: addDays(today, 4), reason: 'travel' }] });
      await statusWhen(handle, (s) => s.reflections.length === 1, 'the reflection');

      // Let days 2 and 3 run: the workflow continues as new after day 2.
      await sleepUntilLocal(suite.env, addDays(today, 2), '12:00', TZ);
      const mid = await statusWhen(handle, (s) => s.lastDay?.date === addDays(today, 2), 'day 3 done');
      expect(mid.counters.continuedAsNew).toBe(1);
      const description = await handle.describe();
      expect(description.runId).not.toBe(firstRunId);
      expect(description.status.name).toBe('RUNNING');
      // State carried into the new run.
      expect(mid).toMatchObject({ ftpW: 280, reflections: [reflection], daysDone: 3, nextDay: { date: addDays(today, 3) } });
      const upcomingMid = await handle.query(upcomingQuery);

      return [await handle.result(), await handle.query(statusQuery), upcomingMid] as const;
    });

    expect(upcoming.map((u) => [u.date, u.type])).toEqual([
      [addDays(today, 3), 'rest'], // the mission plan's own rest day
      [addDays(today, 4), 'rest'], // the athlete's override, carried across the boundary
    ]);
    expect(upcoming[1].override).toBe('rest day requested by the athlete: travel');

    expect(summary).toMatchObject({ days: 5, ok: 5, skipped: 0, failed: 0 });
    expect(status.counters.continuedAsNew).toBe(2); // after day 2 and after day 4
    expect(status.reflections).toEqual([reflection]);
    expect(status.ftpW).toBe(280);

    expect(calls.map((c) => c.date)).toEqual([0, 1, 2, 3, 4].map((i) => addDays(today, i)));
    for (const c of calls.slice(1)) expect(localTime(c.atMs, TZ)).toBe('06:30');
    expect(calls.map((c) => c.seen.profile.ftpW)).toEqual([250, 280, 280, 280, 280]);
    expect(calls.map((c) => c.seen.reflections.length)).toEqual([0, 1, 1, 1, 1]);
    expect(calls[4].seen.day.training.mode).toBe('rest');
    expect(calls[4].seen.overrides).toEqual(['rest day requested by the athlete: travel']);
  });
});
