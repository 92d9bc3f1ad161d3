import { Runtime, DefaultLogger } from '@temporalio/worker';
import { localDate, localTime } from '../../src/domain/schedule';
import type { ClockTime, IsoDate } from '../../src/domain/types';
import { useTimeSkippingEnv } from '../support/temporal';
import { fakeActivities, fakeMission } from '../support/fake-activities';
import { startMission, withWorker } from './mission-harness';
import { addDays } from '../../src/domain/iso-date';

Runtime.install({ logger: new DefaultLogger('WARN') });

const suite = useTimeSkippingEnv();

const TZ = 'Europe/Paris';
const HOUR = 3_600_000;

/** The last Sunday of `month` (1–12) in `year`: the EU's DST change days. */
function lastSunday(year: number, month: number): IsoDate {
  const last = new Date(Date.UTC(year, month, 0)); // day 0 of the next month = last day of this one
  last.setUTCDate(last.getUTCDate() - last.getUTCDay());
  return last.toISOString().slice(0, 10);
}

/**
 * The next EU DST change in `month` at least a few days after the test server's "now" (the server
 * starts at real time and jumps ahead after each completed workflow, so dates cannot be fixed).
 */
async function nextChange(month: 3 | 10): Promise<IsoDate> {
  const today = localDate(await suite.env.currentTimeMs(), TZ);
  const year = Number(today.slice(0, 4));
  for (const y of [year, year + 1]) {
    const d = lastSunday(y, month);
    if (d > addDays(today, 3)) return d;
  }
  throw new Error('unreachable');
}

/** Runs a 5-day mission from two days before `change` and returns when each day's cycle began. */
async function runAround(change: IsoDate, runTime: ClockTime, days = 5) {
  const start = addDays(change, -2);
  const mission = fakeMission({ timezone: TZ, runTime }, days, start);
  const { acts, calls } = fakeActivities(mission, () => suite.env.currentTimeMs());
  const { handle, taskQueue } = await startMission(suite.env, `dst-${change}`, start);
  const summary = await withWorker(suite.env, suite.bundle, acts, taskQueue, () => handle.result());
  expect(summary.days).toBe(days);
  expect(calls.map((c) => c.date)).toEqual(Array.from({ length: days }, (_, i) => addDays(start, i)));
  return calls;
}

describe('daily run time across daylight-saving changes (Europe/Paris)', () => {
  it('spring forward (last Sunday of March): every cycle at 06:30 local, 23 h apart across the change', async () => {
    const change = await nextChange(3);
    const calls = await runAround(change, '06:30');
    for (const c of calls) expect([c.date, localTime(c.atMs, TZ), localDate(c.atMs, TZ)]).toEqual([c.date, '06:30', c.date]);
    // 06:30 is 05:30 UTC in winter time and 04:30 UTC in summer time.
    expect(calls.map((c) => new Date(c.atMs).toISOString().slice(11, 16))).toEqual(['05:30', '05:30', '04:30', '04:30', '04:30']);
    const gaps = calls.slice(1).map((c, i) => Math.round((c.atMs - calls[i].atMs) / HOUR));
    expect(gaps).toEqual([24, 23, 24, 24]);
  });

  it('fall back (last Sunday of October): every cycle at 06:30 local, 25 h apart across the change', async () => {
    const change = await nextChange(10);
    const calls = await runAround(change, '06:30');
    for (const c of calls) expect([c.date, localTime(c.atMs, TZ), localDate(c.atMs, TZ)]).toEqual([c.date, '06:30', c.date]);
    expect(calls.map((c) => new Date(c.atMs).toISOString().slice(11, 16))).toEqual(['04:30', '04:30', '05:30', '05:30', '05:30']);
    const gaps = calls.slice(1).map((c, i) => Math.round((c.atMs - calls[i].atMs) / HOUR));
    expect(gaps).toEqual([24, 25, 24, 24]);
  });

  it('a run time inside the spring gap (02:30) runs once, at 03:30, on the change day', async () => {
    const change = await nextChange(3);
    const calls = await runAround(change, '02:30', 4);
    expect(calls.map((c) => localTime(c.atMs, TZ))).toEqual(['02:30', '02:30', '03:30', '02:30']);
  });

  it('a run time that happens twice in autumn (02:30) runs once, at its first occurrence', async () => {
    const change = await nextChange(10);
    const calls = await runAround(change, '02:30', 4);
    expect(calls.map((c) => localTime(c.atMs, TZ))).toEqual(['02:30', '02:30', '02:30', '02:30']);
    // 02:30 summer time (00:30 UTC) on the change day, not the repeated 02:30 winter time (01:30 UTC).
    expect(new Date(calls[2].atMs).toISOString().slice(11, 16)).toBe('00:30');
  });
});
