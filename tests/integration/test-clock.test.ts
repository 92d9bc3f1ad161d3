/**
 * The test tooling that keeps the wall clock out of the tests: LANTERNE_TEST_CLOCK moves the
 * time-skipping server to a chosen local time (what the shifted-clock runs of scripts/test.js use),
 * the zone in which it is now about noon (for suites on the real clock), and the stable-phase wait,
 * which refuses a mission whose next run is close to now.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker, Runtime, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { applyTestClock, createTimeSkippingEnv, nextLocalTime, testClockFromEnv, uniqueTaskQueue, workflowBundle } from '../support/temporal';
import { missionAtLocalNoon, runTimeAwayFrom, waitForStablePhase, zoneAtLocalNoon } from '../support/mission-client';
import { fakeActivities, fakeMission, missionArgs } from '../support/fake-activities';
import { localDate, localTime } from '../../src/domain/schedule';
import { missionWorkflow } from '../../src/workflows';
import { missionWorkflowId } from '../../src/shared/mission-api';
import { loadMissionFile } from '../../src/mission';

Runtime.install({ logger: new DefaultLogger('WARN') });

describe('LANTERNE_TEST_CLOCK', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  const saved = process.env.LANTERNE_TEST_CLOCK;

  beforeAll(async () => {
    delete process.env.LANTERNE_TEST_CLOCK;
    [env, bundle] = await Promise.all([createTimeSkippingEnv(), workflowBundle()]);
  }, 120_000);

  afterAll(async () => {
    if (saved === undefined) delete process.env.LANTERNE_TEST_CLOCK;
    else process.env.LANTERNE_TEST_CLOCK = saved;
    await env?.teardown();
  });

  it('reads HH:MM, in Europe/Paris unless a zone is given, and refuses anything else by name', () => {
    expect(testClockFromEnv({})).toBeNull();
    expect(testClockFromEnv({ LANTERNE_TEST_CLOCK: '06:29' })).toEqual({ time: '06:29', timeZone: 'Europe/Paris' });
    expect(testClockFromEnv({ LANTERNE_TEST_CLOCK: '23:59@America/New_York' })).toEqual({ time: '23:59', timeZone: 'America/New_York' });
    expect(() => testClockFromEnv({ LANTERNE_TEST_CLOCK: 'noon' })).toThrow('LANTERNE_TEST_CLOCK="noon" is not accepted: use HH:MM or HH:MM@<IANA zone>');
    expect(() => testClockFromEnv({ LANTERNE_TEST_CLOCK: '06:29@Mars/Olympus' })).toThrow('is not accepted');
  });

  it('finds the next such local time, across midnight and on DST days', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(new Date(nextLocalTime(at('2025-07-10T03:00:00Z'), '06:29', 'Europe/Paris')).toISOString()).toBe('2025-07-10T04:29:00.000Z');
    expect(new Date(nextLocalTime(at('2025-07-10T05:00:00Z'), '06:29', 'Europe/Paris')).toISOString()).toBe('2025-07-11T04:29:00.000Z');
    expect(new Date(nextLocalTime(at('2025-07-10T04:29:00Z'), '06:29', 'Europe/Paris')).toISOString()).toBe('2025-07-10T04:29:00.000Z');
    // 30 March 2025: Paris moves from +01:00 to +02:00 at 02:00.
    expect(new Date(nextLocalTime(at('2025-03-29T12:00:00Z'), '06:30', 'Europe/Paris')).toISOString()).toBe('2025-03-30T04:30:00.000Z');
  });

  it('moves the time-skipping server to that local time', async () => {
    process.env.LANTERNE_TEST_CLOCK = '23:59';
    await applyTestClock(env);
    const paris = await env.currentTimeMs();
    expect(localTime(paris, 'Europe/Paris')).toBe('23:59');
    process.env.LANTERNE_TEST_CLOCK = '06:29@America/New_York';
    await applyTestClock(env);
    const ny = await env.currentTimeMs();
    expect(localTime(ny, 'America/New_York')).toBe('06:29');
    expect(ny).toBeGreaterThan(paris);
    expect(ny - paris).toBeLessThan(86_400_000);
  });

  it('the stable-phase wait refuses a mission whose next run is minutes away, and accepts one 12 hours away', async () => {
    const now = await env.currentTimeMs();
    const tz = 'Europe/Paris';
    const soon = fakeMission({ runTime: localTime(now + 5 * 60_000, tz) }, 3, localDate(now + 5 * 60_000, tz));
    const away = fakeMission({ runTime: runTimeAwayFrom(now, tz) }, 3, localDate(now + 12 * 3_600_000, tz));
    for (const [mission, expected] of [[soon, 'refused'], [away, 'stable']] as const) {
      const taskQueue = uniqueTaskQueue('stable');
      const { acts } = fakeActivities(mission, () => env.currentTimeMs());
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: acts });
      const outcome = await worker.runUntil(async () => {
        const handle = await env.client.workflow.start(missionWorkflow, { taskQueue, workflowId: missionWorkflowId('ath_testtesttest', `stable-${taskQueue}`), args: [missionArgs(mission, { startDate: mission.startDate })] });
        const result = await waitForStablePhase(handle, { now: () => env.currentTimeMs() }).then(
          (s) => `stable ${s.phase}`,
          (e: Error) => e.message,
        );
        await handle.terminate('test done');
        return result;
      });
      if (expected === 'refused') expect(outcome).toMatch(/runs its next day at .* within 10 minutes of now .*: the test must choose a run time that cannot be now/);
      else expect(outcome).toBe('stable waiting');
    }
  });
});

describe('a zone where it is now about noon', () => {
  it('reads 12:xx at any hour of the day', () => {
    const midnightUtc = Date.parse('2025-07-10T00:00:00Z');
    for (let h = 0; h < 24; h++) {
      const now = midnightUtc + h * 3_600_000 + 17 * 60_000;
      expect(localTime(now, zoneAtLocalNoon(now))).toBe('12:17');
    }
  });

  it('gives a copy of a mission file that loads, in that zone', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-noon-'));
    try {
      const { file, timeZone } = missionAtLocalNoon('missions/tdf_sim_2025.toml', dir);
      const m = await loadMissionFile(file);
      expect(m.timezone).toBe(timeZone);
      expect(m.id).toBe('tdf_sim_2025');
      expect(localTime(Date.now(), timeZone)).toMatch(/^12:/);
      // At every hour the zone is the loader's own spelling (at 12:00 UTC "Etc/GMT" became "UTC", and a
      // block built with the zone as given was refused as not canonical; found by npm run reliability, R5).
      const midnightUtc = Date.parse('2025-07-10T00:00:00Z');
      for (let h = 0; h < 24; h++) {
        const at = missionAtLocalNoon('missions/tdf_sim_2025.toml', dir, midnightUtc + h * 3_600_000);
        expect((await loadMissionFile(at.file)).timezone).toBe(at.timeZone);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
