import { Runtime, DefaultLogger } from '@temporalio/worker';
import { localDate, localTime } from '../../src/domain/schedule';
import { overrideUpdate, runNowUpdate, statusQuery, upcomingQuery } from '../../src/shared/mission-api';
import type { CommitOverrideInput } from '../../src/shared/activity-api';
import { useTimeSkippingEnv } from '../support/temporal';
import { fakeActivities, fakeMission } from '../support/fake-activities';
import { dayOneDone, rejection, startMission, statusWhen, withWorker } from './mission-harness';
import { addDays } from '../../src/domain/iso-date';

Runtime.install({ logger: new DefaultLogger('WARN') });

const suite = useTimeSkippingEnv();

const TZ = 'Europe/Paris';

function fakes(days: number) {
  return fakeActivities(fakeMission({ timezone: TZ, runTime: '06:30' }, days), () => suite.env.currentTimeMs());
}

async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!ok()) throw new Error(`never saw ${what}`);
}

describe('changes to the schedule while the mission runs', () => {
  it('shift +1 moves the remaining days; set-run-time moves the daily run', async () => {
    const { acts, calls } = fakes(3);
    const today = localDate(await suite.env.currentTimeMs(), TZ);
    const { handle, taskQueue } = await startMission(suite.env, 'shift', 'today');
    await withWorker(suite.env, suite.bundle, acts, taskQueue, async () => {
      await dayOneDone(handle, today);
      const shifted = await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'shift', days: 1 }] });
      expect(shifted.changed).toBe(`remaining 2 days moved by +1 days (next: ${addDays(today, 2)})`);
      await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'set-run-time', runTime: '07:15' }] });
      const s = await handle.query(statusQuery);
      expect(s.nextDay?.date).toBe(addDays(today, 2));
      expect(s.runTime).toBe('07:15');
      await handle.result();
    });
    expect(calls.map((c) => c.date)).toEqual([today, addDays(today, 2), addDays(today, 3)]);
    expect(calls.map((c) => c.seen.day.stage)).toEqual([1, 2, 3]);
    for (const c of calls.slice(1)) expect([localDate(c.atMs, TZ), localTime(c.atMs, TZ)]).toEqual([c.date, '07:15']);
  });

  it('run-now before the run time runs today at once, and not again at the run time', async () => {
    const { acts, calls } = fakes(3);
    const today = localDate(await suite.env.currentTimeMs(), TZ);
    const tomorrow = addDays(today, 1);
    const { handle, taskQueue } = await startMission(suite.env, 'early', 'today');
    await withWorker(suite.env, suite.bundle, acts, taskQueue, async () => {
      const s = await dayOneDone(handle, today);
      // Skip to one hour before tomorrow's 06:30 run.
      await suite.env.sleep(Date.parse(s.nextRunAt ?? '') - (await suite.env.currentTimeMs()) - 3_600_000);
      expect(localTime(await suite.env.currentTimeMs(), TZ)).toBe('05:30');
      const res = await handle.executeUpdate(runNowUpdate, { args: [{}] });
      expect(res).toMatchObject({ date: tomorrow, rerun: false });
      await until(() => calls.length === 2, 'the early run');
      await handle.result();
    });
    expect(calls.map((c) => c.date)).toEqual([today, tomorrow, addDays(today, 2)]);
    expect(localTime(calls[1].atMs, TZ)).toBe('05:30');
    expect(localTime(calls[2].atMs, TZ)).toBe('06:30');
  });

  it('refuses to change the day whose cycle is running, and accepts a change to a later day', async () => {
    const base = fakes(3);
    const today = localDate(await suite.env.currentTimeMs(), TZ);
    const day2 = addDays(today, 1);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const acts = {
      ...base.acts,
      async observeDay(key: Parameters<typeof base.acts.observeDay>[0]) {
        const observed = await base.acts.observeDay(key);
        if (key.date === day2) await gate; // hold day 2's cycle open
        return observed;
      },
    };
    const { handle, taskQueue } = await startMission(suite.env, 'running', 'today');
    await withWorker(suite.env, suite.bundle, acts, taskQueue, async () => {
      const s = await dayOneDone(handle, today);
      await suite.env.sleep(Date.parse(s.nextRunAt ?? '') - (await suite.env.currentTimeMs()) + 1_000);
      await until(() => base.calls.length === 2, 'day 2 started');
      await statusWhen(handle, (x) => x.phase === 'running-day', 'day 2 running');
      try {
        expect(await rejection(handle.executeUpdate(overrideUpdate, { args: [{ kind: 'rest-day', date: day2 }] }))).toBe(
          `rest-day: ${day2} is running right now; try again when it has finished`,
        );
        expect(await rejection(handle.executeUpdate(overrideUpdate, { args: [{ kind: 'shift', days: 1 }] }))).toBe(
          'shift: a day is running right now; try again when it has finished',
        );
        expect(await rejection(handle.executeUpdate(runNowUpdate, { args: [{ force: true }] }))).toBe(
          'a day is running right now; try again when it has finished',
        );
        const later = await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'rest-day', date: addDays(today, 2) }] });
        expect(later.changed).toBe(`${addDays(today, 2)} is now a rest day`);
      } finally {
        release(); // a failed expectation must not leave the day (and the worker) hanging
      }
      await statusWhen(handle, (x) => x.lastDay?.date === day2 && x.phase === 'waiting', 'day 2 done');
      expect((await handle.query(upcomingQuery)).map((u) => [u.date, u.type])).toEqual([[addDays(today, 2), 'rest']]);
      await handle.result();
    });
    expect(base.calls.map((c) => c.date)).toEqual([today, day2, addDays(today, 2)]);
    expect(base.calls[1].seen.day.training.mode).toBe('indoor');
    expect(base.calls[2].seen.day.training.mode).toBe('rest');
  });

  it('swap-days exchanges two coming days, and a short pause skips nothing', async () => {
    const { acts, calls } = fakes(4);
    const today = localDate(await suite.env.currentTimeMs(), TZ);
    const [d2, d3] = [addDays(today, 1), addDays(today, 2)];
    const { handle, taskQueue } = await startMission(suite.env, 'swap', 'today');
    await withWorker(suite.env, suite.bundle, acts, taskQueue, async () => {
      const s = await dayOneDone(handle, today);
      const swapped = await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'swap-days', date: d2, otherDate: d3 }] });
      expect(swapped.changed).toBe(`${d2} now rides "Stage 3" and ${d3} rides "Stage 2"`);
      // Paused until one hour before day 2's run, then resumed: day 2 still runs at 06:30.
      await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'pause' }] });
      await suite.env.sleep(Date.parse(s.nextRunAt ?? '') - (await suite.env.currentTimeMs()) - 3_600_000);
      await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'resume' }] });
      const resumed = await handle.query(statusQuery);
      expect(resumed).toMatchObject({ paused: false, counters: { skipped: 0 }, nextRunAt: s.nextRunAt });
      await handle.result();
    });
    expect(calls.map((c) => [c.date, c.seen.day.stage, c.seen.day.index])).toEqual([
      [today, 1, 0],
      [d2, 3, 1],
      [d3, 2, 2],
      [addDays(today, 3), 4, 3],
    ]);
    for (const c of calls.slice(1)) expect(localTime(c.atMs, TZ)).toBe('06:30');
  });

  it('gives every override its own request id, also past the 50 kept in the log', async () => {
    const base = fakes(2);
    const recorded: CommitOverrideInput[] = [];
    const acts = {
      ...base.acts,
      async commitOverride(scope: Parameters<typeof base.acts.commitOverride>[0], o: CommitOverrideInput) {
        recorded.push(o);
        return base.acts.commitOverride(scope, o);
      },
    };
    const today = localDate(await suite.env.currentTimeMs(), TZ);
    const { handle, taskQueue } = await startMission(suite.env, 'ids', 'today');
    await withWorker(suite.env, suite.bundle, acts, taskQueue, async () => {
      await dayOneDone(handle, today);
      for (let i = 0; i < 55; i++) {
        await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'set-ftp', ftpW: 200 + i }] });
      }
      expect((await handle.query(statusQuery)).ftpW).toBe(254);
      await handle.result();
    });
    expect(recorded).toHaveLength(55);
    // The memory store keeps one row per request id: a repeated id would silently drop an override.
    expect(new Set(recorded.map((o) => o.requestId)).size).toBe(55);
    for (const o of recorded) expect(o.requestId.startsWith(`${handle.workflowId}:`)).toBe(true);
  });
});
