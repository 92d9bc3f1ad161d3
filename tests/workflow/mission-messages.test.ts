import { Runtime, DefaultLogger } from '@temporalio/worker';
import { localDate, localTime } from '../../src/domain/schedule';
import { overrideUpdate, reflectSignal, runNowUpdate, statusQuery, upcomingQuery, type OverrideInput } from '../../src/shared/mission-api';
import type { MissionSummaryInput } from '../../src/shared/activity-api';
import { useTimeSkippingEnv } from '../support/temporal';
import { fakeActivities, fakeMission, missionArgs } from '../support/fake-activities';
import { dayOneDone, rejection, sleepUntilLocal, startMission, statusWhen, withWorker } from './mission-harness';
import { uniqueTaskQueue } from '../support/temporal';
import { missionWorkflow } from '../../src/workflows/mission';
import { missionWorkflowId } from '../../src/shared/mission-api';
import { addDays } from '../../src/domain/iso-date';

Runtime.install({ logger: new DefaultLogger('WARN') });

const suite = useTimeSkippingEnv();

const TZ = 'Europe/Paris';

/** Fake activities that also keep what the mission handed to summarizeMission (its outcomes). */
function fakes(days = 5) {
  const mission = fakeMission({ timezone: TZ, runTime: '06:30' }, days);
  const f = fakeActivities(mission, () => suite.env.currentTimeMs());
  const finalStates: MissionSummaryInput[] = [];
  const summarize = f.acts.summarizeMission;
  f.acts.summarizeMission = async (scope, state) => {
    finalStates.push(state);
    return summarize(scope, state);
  };
  return { ...f, mission, finalStates };
}

describe('pause and resume', () => {
  it('skips the days that pass while paused and runs the later ones', async () => {
    const { acts, calls, finalStates, overrides } = fakes(5);
    const today = localDate(await suite.env.currentTimeMs(), TZ);
    const { handle, taskQueue } = await startMission(suite.env, 'pause', 'today');
    await withWorker(suite.env, suite.bundle, acts, taskQueue, async () => {
      await dayOneDone(handle, today);

      const paused = await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'pause', reason: 'flu' }] });
      expect(paused).toMatchObject({ accepted: true, kind: 'pause' });
      expect(await rejection(handle.executeUpdate(overrideUpdate, { args: [{ kind: 'pause' }] }))).toBe('the mission is already paused');
      expect(await rejection(handle.executeUpdate(runNowUpdate, { args: [{}] }))).toBe('the mission is paused; resume it before running a day');
      const whilePaused = await handle.query(statusQuery);
      expect(whilePaused).toMatchObject({ paused: true, pauseReason: 'flu', phase: 'paused', nextRunAt: null });

      await sleepUntilLocal(suite.env, addDays(today, 2), '12:00', TZ); // days 2 and 3 pass at 06:30 while paused
      expect(calls.map((c) => c.date)).toEqual([today]);

      await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'resume' }] });
      const resumed = await statusWhen(handle, (s) => s.counters.skipped === 2, 'two skipped days');
      expect(resumed).toMatchObject({ paused: false, pauseReason: null, daysDone: 1 });
      expect(resumed.lastDay).toMatchObject({ date: addDays(today, 2), status: 'skipped', note: 'mission paused' });
      expect(resumed.nextDay?.date).toBe(addDays(today, 3));

      const summary = await handle.result();
      expect(summary).toMatchObject({ days: 5, ok: 3, skipped: 2 });
    });
    expect(calls.map((c) => c.date)).toEqual([today, addDays(today, 3), addDays(today, 4)]);
    for (const c of calls.slice(1)) expect(localTime(c.atMs, TZ)).toBe('06:30');
    const outcomes = finalStates[0].outcomes;
    expect(outcomes.filter((o) => o.status === 'skipped')).toEqual([
      expect.objectContaining({ date: addDays(today, 1), note: 'mission paused' }),
      expect.objectContaining({ date: addDays(today, 2), note: 'mission paused' }),
    ]);
    expect(overrides).toEqual([expect.stringContaining('mission paused (flu)'), 'mission resumed']);
  });
});

describe('rest-day override', () => {
  it('turns a future training day into a rest day that the upcoming query and the day cycle see', async () => {
    const { acts, calls, mission } = fakes(4);
    expect(mission.days[2].training.mode).toBe('indoor'); // day 3 is a training day in the plan
    const today = localDate(await suite.env.currentTimeMs(), TZ);
    const day3 = addDays(today, 2);
    const { handle, taskQueue } = await startMission(suite.env, 'rest', 'today');
    await withWorker(suite.env, suite.bundle, acts, taskQueue, async () => {
      await dayOneDone(handle, today);
      const res = await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'rest-day', date: day3, reason: 'sore knee' }] });
      expect(res).toEqual({ accepted: true, kind: 'rest-day', changed: `${day3} is now a rest day` });

      const upcoming = await handle.query(upcomingQuery, 3);
      expect(upcoming.map((u) => u.date)).toEqual([addDays(today, 1), day3, addDays(today, 3)]);
      expect(upcoming[0]).toMatchObject({ type: 'flat', durationMin: 60, override: null });
      expect(upcoming[1]).toMatchObject({ type: 'rest', durationMin: 0, override: 'rest day requested by the athlete: sore knee' });
      await handle.result();
    });
    const ctx3 = calls.find((c) => c.date === day3)?.seen;
    expect(ctx3?.day.type).toBe('rest');
    expect(ctx3?.day.training).toMatchObject({ mode: 'rest', durationMin: 0 });
    expect(ctx3?.overrides).toEqual(['rest day requested by the athlete: sore knee']);
    // The days around it are untouched.
    const ctx2 = calls.find((c) => c.date === addDays(today, 1))?.seen;
    expect(ctx2?.day.training).toMatchObject({ mode: 'indoor', durationMin: 60 });
    expect(ctx2?.overrides).toEqual([]);
  });
});

describe('reflections', () => {
  it('a reflection signalled before a day reaches that day’s cycle', async () => {
    const { acts, calls, reflections } = fakes(3);
    const today = localDate(await suite.env.currentTimeMs(), TZ);
    const { handle, taskQueue } = await startMission(suite.env, 'reflect', 'today');
    await withWorker(suite.env, suite.bundle, acts, taskQueue, async () => {
      await dayOneDone(handle, today);
      await handle.signal(reflectSignal, { date: today, rpe: 9, legs: 4, mood: 2, sleepQuality: 2, completed: 'partly', note: 'legs heavy' });
      // An invalid reflection is ignored, not stored.
      await handle.signal(reflectSignal, { date: today, rpe: 11, legs: 4, mood: 2, sleepQuality: 2, completed: 'partly' });
      await statusWhen(handle, (s) => s.reflections.length === 1, 'the reflection');
      // A late reflection for an older date is kept in date order and recorded as sent.
      await handle.signal(reflectSignal, { date: addDays(today, -1), rpe: 3, legs: 1, mood: 5, sleepQuality: 5, completed: 'yes' });
      await statusWhen(handle, (s) => s.reflections.length === 2, 'both reflections');
      await handle.result();
    });
    const [day1, day2, day3] = calls;
    expect(day1.seen.reflections).toEqual([]);
    const expected = { date: today, rpe: 9, legs: 4, mood: 2, sleepQuality: 2, completed: 'partly', note: 'legs heavy' };
    const older = { date: addDays(today, -1), rpe: 3, legs: 1, mood: 5, sleepQuality: 5, completed: 'yes', note: '' };
    expect(day2.seen.reflections).toEqual([older, expected]);
    expect(day3.seen.reflections).toEqual([older, expected]);
    expect(reflections).toEqual([today, addDays(today, -1)]);
  });
});

describe('messages sent with the start', () => {
  it('a reflection signalled with the start reaches the first day’s cycle', async () => {
    const { acts, calls } = fakes(2);
    const today = localDate(await suite.env.currentTimeMs(), TZ);
    const yesterday = addDays(today, -1);
    const taskQueue = uniqueTaskQueue('sws');
    const handle = await suite.env.client.workflow.signalWithStart(missionWorkflow, {
      taskQueue,
      workflowId: missionWorkflowId('ath_testtesttest', `sws-${taskQueue}`),
      args: [missionArgs(fakeMission(), { startDate: 'today' })],
      signal: reflectSignal,
      signalArgs: [{ date: yesterday, rpe: 8, legs: 4, mood: 3, sleepQuality: 2, completed: 'yes' }],
    });
    await withWorker(suite.env, suite.bundle, acts, taskQueue, () => handle.result());
    expect(calls.map((c) => c.seen.reflections.map((r) => r.date))).toEqual([[yesterday], [yesterday]]);
  });
});

describe('updates that are refused', () => {
  it('rejects bad overrides and run-now with a message that says why', async () => {
    const { acts, calls, mission } = fakes(4);
    const today = localDate(await suite.env.currentTimeMs(), TZ);
    const { handle, taskQueue } = await startMission(suite.env, 'bad', 'today');
    const override = (o: unknown) => handle.executeUpdate(overrideUpdate, { args: [o as OverrideInput] });
    await withWorker(suite.env, suite.bundle, acts, taskQueue, async () => {
      await dayOneDone(handle, today);
      const last = addDays(today, 3);

      expect(await rejection(override({ kind: 'set-ftp', ftpW: 5000 }))).toBe('set-ftp needs ftpW as whole watts from 50 to 600 (got 5000)');
      expect(await rejection(override({ kind: 'rest-day', date: addDays(today, 10) }))).toBe(
        `rest-day: ${addDays(today, 10)} is not a day of mission ${mission.id} (${today} to ${last})`,
      );
      expect(await rejection(override({ kind: 'rest-day', date: '2026-02-30' }))).toBe('rest-day needs date as a real YYYY-MM-DD date (got "2026-02-30")');
      expect(await rejection(override({ kind: 'rest-day', date: today }))).toBe(`rest-day: ${today} has already run`);
      expect(await rejection(override({ kind: 'shift', days: -2 }))).toBe(`shift: the next day would move to ${addDays(today, -1)}, before today (${today})`);
      expect(await rejection(override({ kind: 'shift', days: -1 }))).toBe(
        `shift: the next day would move to ${today}, on or before the last day that ran (${today})`,
      );
      expect(await rejection(override({ kind: 'resume' }))).toBe('the mission is not paused');
      expect(await rejection(override({ kind: 'nap' }))).toBe(
        'unknown override kind "nap"; accepted: rest-day, swap-days, set-ftp, pause, resume, shift, set-run-time, set-channels',
      );
      expect(await rejection(handle.executeUpdate(runNowUpdate, { args: [{}] }))).toBe(
        `today's cycle (${today}) already ran (ok); use force to run it again`,
      );
      // A force that is not a boolean used to be truthy and re-run the day (found by the reliability suite, R4).
      expect(await rejection(handle.executeUpdate(runNowUpdate, { args: [{ force: 'no' } as never] }))).toBe('runNow needs force as true or false (got "no")');

      // Nothing refused changed the mission.
      const status = await handle.query(statusQuery);
      expect(status).toMatchObject({ ftpW: 250, paused: false, daysDone: 1, nextDay: { date: addDays(today, 1) } });
      expect((await handle.query(upcomingQuery)).map((u) => u.override)).toEqual([null, null, null]);

      // With force, today's cycle runs again (and only today's).
      const rerun = await handle.executeUpdate(runNowUpdate, { args: [{ force: true }] });
      expect(rerun).toMatchObject({ date: today, rerun: true });
      const after = await statusWhen(handle, (s) => s.lastDay?.note === 'rerun' && s.phase === 'waiting', 'the re-run');
      expect(after).toMatchObject({ daysDone: 1, nextDay: { date: addDays(today, 1) } });
      expect(calls.map((c) => c.date)).toEqual([today, today]);
      await handle.result();
    });
    expect(calls.map((c) => c.date)).toEqual([today, today, addDays(today, 1), addDays(today, 2), addDays(today, 3)]);
  });
});
