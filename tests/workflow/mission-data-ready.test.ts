/**
 * Event-driven mornings (issue 13, item 2) on the time-skipping server: a provider's webhook event
 * (the `dataReady` signal) starts the day as soon as its data is there, never before the earliest
 * time, and the run time stays the deadline. The same event twice changes nothing.
 */
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { localDate, localTime } from '../../src/domain/schedule';
import { addDays } from '../../src/domain/iso-date';
import { dataReadySignal, overrideUpdate, type DataReadyInput } from '../../src/shared/mission-api';
import { useTimeSkippingEnv } from '../support/temporal';
import { fakeActivities, fakeMission, type FakeOptions } from '../support/fake-activities';
import { sleepUntilLocal, startMission, statusWhen, withWorker } from './mission-harness';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const suite = useTimeSkippingEnv();
const TZ = 'Europe/Paris';

let seq = 0;
function ouraEvent(over: Partial<Extract<DataReadyInput, { provider: 'oura' }>> = {}): DataReadyInput {
  seq += 1;
  return { provider: 'oura', dataType: 'daily_readiness', eventType: 'create', objectId: `obj-${seq}`, eventTime: new Date(0).toISOString(), eventId: `oura-event-${seq}`, ...over };
}

/** A 3-day mission that starts tomorrow, run time 09:00, earliest 07:00; the worker runs while `fn` does, then the mission is ended. */
async function tomorrowMission(name: string, fn: (ctx: { handle: Awaited<ReturnType<typeof startMission>>['handle']; day1: string }) => Promise<void>, opts: FakeOptions = {}) {
  const day1 = addDays(localDate(await suite.env.currentTimeMs(), TZ), 1);
  const mission = fakeMission({ timezone: TZ, runTime: '09:00', earliestTime: '07:00' }, 3);
  const f = fakeActivities(mission, () => suite.env.currentTimeMs(), opts);
  const { handle, taskQueue } = await startMission(suite.env, name, day1);
  await withWorker(suite.env, suite.bundle, f.acts, taskQueue, async () => {
    await fn({ handle, day1 });
    // A running workflow whose worker has gone holds the test server's clock: end it here.
    await handle.terminate('test done');
  });
  return { ...f, day1 };
}

const ranAt = (atMs: number) => localTime(atMs, TZ);

describe('dataReady: the day starts when the night’s data lands', () => {
  it('an Oura event at 07:12 starts that day’s cycle at once; the next day, without an event, runs at 09:00', async () => {
    const f = await tomorrowMission('at-0712', async ({ handle, day1 }) => {
      await sleepUntilLocal(suite.env, day1, '07:12', TZ);
      await handle.signal(dataReadySignal, ouraEvent());
      const s = await statusWhen(handle, (x) => x.lastDay?.date === day1 && x.phase === 'waiting', 'day 1 done');
      expect(s.lastDay).toMatchObject({ ranAtLocal: '07:12', late: false, note: 'started at 07:12: test data is there' });
      await sleepUntilLocal(suite.env, addDays(day1, 1), '12:00', TZ);
    });
    expect(f.dataChecks.map((c) => [c.date, ranAt(c.atMs)])).toEqual([[f.day1, '07:12']]);
    expect(f.calls.map((c) => [c.date, ranAt(c.atMs)])).toEqual([
      [f.day1, '07:12'],
      [addDays(f.day1, 1), '09:00'],
    ]);
    expect(f.calls[0].key.early).toBe('started at 07:12: test data is there');
    expect(f.calls[1].key.early).toBeNull();
  });

  it('an event before the earliest time waits for it; the day starts at 07:00', async () => {
    const f = await tomorrowMission('early-event', async ({ handle, day1 }) => {
      await sleepUntilLocal(suite.env, day1, '05:40', TZ);
      await handle.signal(dataReadySignal, ouraEvent({ dataType: 'sleep' }));
      await sleepUntilLocal(suite.env, day1, '07:30', TZ);
      await statusWhen(handle, (x) => x.lastDay?.date === day1 && x.phase === 'waiting', 'day 1 done');
    });
    expect(f.dataChecks.map((c) => ranAt(c.atMs))).toEqual(['07:00']);
    expect(f.calls.map((c) => ranAt(c.atMs))).toEqual(['07:00']);
  });

  it('without any event all morning the day runs at its run time', async () => {
    const f = await tomorrowMission('no-event', async ({ handle, day1 }) => {
      await sleepUntilLocal(suite.env, day1, '10:00', TZ);
      await statusWhen(handle, (x) => x.lastDay?.date === day1 && x.phase === 'waiting', 'day 1 done');
    });
    expect(f.dataChecks).toEqual([]);
    expect(f.calls.map((c) => [c.date, ranAt(c.atMs), c.key.late])).toEqual([[f.day1, '09:00', false]]);
  });

  it('the data is not there yet: the mission keeps waiting, and 09:00 is the deadline', async () => {
    const f = await tomorrowMission(
      'not-ready',
      async ({ handle, day1 }) => {
        await sleepUntilLocal(suite.env, day1, '07:20', TZ);
        await handle.signal(dataReadySignal, ouraEvent());
        await sleepUntilLocal(suite.env, day1, '08:10', TZ);
        await handle.signal(dataReadySignal, ouraEvent({ dataType: 'daily_sleep' }));
        await sleepUntilLocal(suite.env, day1, '09:30', TZ);
        await statusWhen(handle, (x) => x.lastDay?.date === day1 && x.phase === 'waiting', 'day 1 done');
      },
      { dataReady: () => ({ ready: false, why: 'Oura has no readiness or sleep yet' }) },
    );
    expect(f.dataChecks.map((c) => ranAt(c.atMs))).toEqual(['07:20', '08:10']);
    expect(f.calls.map((c) => ranAt(c.atMs))).toEqual(['09:00']);
  });

  it('the same event delivered twice, and an event after the day started (about that day), change nothing', async () => {
    const f = await tomorrowMission('twice', async ({ handle, day1 }) => {
      await sleepUntilLocal(suite.env, day1, '07:12', TZ);
      const event = ouraEvent();
      await handle.signal(dataReadySignal, event);
      await handle.signal(dataReadySignal, event);
      await statusWhen(handle, (x) => x.lastDay?.date === day1 && x.phase === 'waiting', 'day 1 done');
      await handle.signal(dataReadySignal, event);
      await handle.signal(dataReadySignal, ouraEvent({ eventType: 'update' }));
      await sleepUntilLocal(suite.env, addDays(day1, 1), '08:00', TZ);
    });
    expect(f.dataChecks.map((c) => [c.date, ranAt(c.atMs)])).toEqual([[f.day1, '07:12']]);
    expect(f.calls.map((c) => c.date)).toEqual([f.day1]); // day 2 waits for its own morning's data (or 09:00)
  });

  it('an event for a paused mission changes nothing', async () => {
    const f = await tomorrowMission('paused', async ({ handle, day1 }) => {
      await sleepUntilLocal(suite.env, day1, '06:00', TZ);
      await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'pause', reason: 'travel' }] });
      await sleepUntilLocal(suite.env, day1, '07:12', TZ);
      await handle.signal(dataReadySignal, ouraEvent());
      await sleepUntilLocal(suite.env, day1, '10:00', TZ);
      await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'resume' }] });
      // Its run time passed while paused: the day is skipped, not caught up.
      await statusWhen(handle, (x) => x.lastDay?.date === day1 && x.lastDay.status === 'skipped', 'day 1 skipped');
    });
    expect(f.dataChecks).toEqual([]);
    expect(f.calls).toEqual([]);
  });

  it('a Strava activity event records the ride once; its redelivery and a delete do nothing', async () => {
    const ride = (aspect: 'create' | 'update' | 'delete', eventId: string): DataReadyInput => ({ provider: 'strava', aspect, activityId: '12345678987654321', eventTime: new Date(0).toISOString(), eventId });
    const f = await tomorrowMission('strava', async ({ handle, day1 }) => {
      await sleepUntilLocal(suite.env, day1, '18:00', TZ);
      await handle.signal(dataReadySignal, ride('create', 'strava-1'));
      await handle.signal(dataReadySignal, ride('create', 'strava-1'));
      await handle.signal(dataReadySignal, ride('update', 'strava-2'));
      await handle.signal(dataReadySignal, ride('delete', 'strava-3'));
      await sleepUntilLocal(suite.env, day1, '18:05', TZ);
    });
    expect(f.rides.map((r) => (r.provider === 'strava' ? [r.aspect, r.eventId] : null))).toEqual([
      ['create', 'strava-1'],
      ['update', 'strava-2'],
    ]);
  });

  it('an event that is not a valid data event is ignored', async () => {
    const f = await tomorrowMission('invalid', async ({ handle, day1 }) => {
      await sleepUntilLocal(suite.env, day1, '07:12', TZ);
      await handle.signal(dataReadySignal, { provider: 'oura', dataType: 'heart_rate', eventType: 'create', objectId: 'x', eventTime: 'yesterday', eventId: '' } as unknown as DataReadyInput);
      await sleepUntilLocal(suite.env, day1, '09:30', TZ);
      await statusWhen(handle, (x) => x.lastDay?.date === day1, 'day 1 done');
    });
    expect(f.dataChecks).toEqual([]);
    expect(f.calls.map((c) => ranAt(c.atMs))).toEqual(['09:00']);
  });
});
