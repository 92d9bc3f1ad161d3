import fs from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { testServerPath } from '../../src/infra/project-paths';
import { startTimeSkippingServer } from '../../src/infra/time-skipping-server';
import { registerSearchAttributes } from '../../src/infra/register-search-attributes';
import { isClockTime, addDays } from '../../src/domain/iso-date';
import { isValidTimeZone, localDate, zonedInstant } from '../../src/domain/schedule';
import type { ClockTime } from '../../src/domain/types';

/** The zone of the shipped missions and of the test missions: where "06:30" is meant. */
export const TEST_CLOCK_ZONE = 'Europe/Paris';

/**
 * `LANTERNE_TEST_CLOCK=HH:MM[@Zone]` (zone Europe/Paris unless given): the local time at which
 * the time-skipping suites start, so that a test depending on the hour of day fails every time at
 * the hours where it would fail (scripts/test.js runs them at several). Unset: the real now.
 */
export function testClockFromEnv(env: NodeJS.ProcessEnv = process.env): { time: ClockTime; timeZone: string } | null {
  const raw = env.LANTERNE_TEST_CLOCK?.trim();
  if (!raw) return null;
  const [time, timeZone = TEST_CLOCK_ZONE] = raw.split('@');
  if (!isClockTime(time) || !isValidTimeZone(timeZone)) {
    throw new Error(`LANTERNE_TEST_CLOCK=${JSON.stringify(raw)} is not accepted: use HH:MM or HH:MM@<IANA zone>, e.g. 06:29 or 23:59@Europe/Paris`);
  }
  return { time, timeZone };
}

/** The first instant at or after `nowMs` at which the wall clock in `timeZone` reads `time`. */
export function nextLocalTime(nowMs: number, time: ClockTime, timeZone: string): number {
  const today = localDate(nowMs, timeZone);
  for (const date of [addDays(today, -1), today, addDays(today, 1), addDays(today, 2)]) {
    const at = zonedInstant(date, time, timeZone);
    if (at >= nowMs) return at;
  }
  throw new Error(`no ${time} in ${timeZone} within two days of ${new Date(nowMs).toISOString()}`);
}

/** Skips the time-skipping server's clock forward to the next `time` in `timeZone`; returns that instant. */
export async function advanceToLocalTime(env: TestWorkflowEnvironment, time: ClockTime, timeZone: string): Promise<number> {
  const now = await env.currentTimeMs();
  const at = nextLocalTime(now, time, timeZone);
  if (at > now) await env.sleep(at - now);
  return env.currentTimeMs();
}

/** Moves the server's clock to LANTERNE_TEST_CLOCK's local time, when it is set. */
export async function applyTestClock(env: TestWorkflowEnvironment): Promise<void> {
  const clock = testClockFromEnv();
  if (clock) await advanceToLocalTime(env, clock.time, clock.timeZone);
}

/**
 * The Java time-skipping test server provisioned by scripts/provision.js, started by the SDK on a
 * free port (existing-path executable: nothing is downloaded), its clock at LANTERNE_TEST_CLOCK
 * when that is set (see `applyTestClock`).
 */
export async function createTimeSkippingEnv(options: { applyTestClock?: boolean } = {}): Promise<TestWorkflowEnvironment> {
  testClockFromEnv(); // a bad value fails here, before a server starts
  const path = testServerPath();
  if (!fs.existsSync(path)) throw new Error(`time-skipping test server missing at ${path}: run \`npm run provision\``);
  const env = await startTimeSkippingServer(path);
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  if (options.applyTestClock ?? true) await applyTestClock(env);
  return env;
}

/** Bundles the workflows once per test file (webpack is slow; workers reuse the bundle). */
export async function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: quietLogger });
}

const noop = () => undefined;
export const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

let counter = 0;
export function uniqueTaskQueue(name: string): string {
  return `${name}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

export interface TimeSkippingSuite {
  /** Set in beforeAll: the file's time-skipping environment. */
  env: TestWorkflowEnvironment;
  /** Set in beforeAll: the workflow bundle, built once for the file. */
  bundle: WorkflowBundleWithSourceMap;
}

/**
 * One time-skipping environment and one workflow bundle for the calling test file: registers the
 * beforeAll/afterAll hooks and returns the object they fill in.
 */
export function useTimeSkippingEnv(): TimeSkippingSuite {
  const suite = {} as TimeSkippingSuite;
  beforeAll(async () => {
    [suite.env, suite.bundle] = await Promise.all([createTimeSkippingEnv({ applyTestClock: false }), workflowBundle()]);
    // Last, so the file's first test starts at LANTERNE_TEST_CLOCK's time, not a bundling later.
    await applyTestClock(suite.env);
  }, 120_000);
  afterAll(async () => {
    await suite.env?.teardown();
  });
  return suite;
}
