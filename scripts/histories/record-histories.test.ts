/**
 * Records workflow histories from real runs, for the replay tests (tests/replay). It runs the real
 * workflows with the real activities (synthetic athlete, PostgreSQL, no notifications) on the
 * time-skipping server, drives them with real messages, and writes each run's history as JSON to
 * tests/fixtures/histories/. Regenerate with `npm run record-histories` after a deliberate,
 * patched() change — never to make a failing replay pass.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker, Runtime, DefaultLogger } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { createTimeSkippingEnv, workflowBundle, uniqueTaskQueue } from '../../tests/support/temporal';
import { createTestDatabase, type TestDatabase } from '../../tests/support/db';
import { openWorkerResources, type WorkerResources } from '../../src/worker/activity-deps';
import { createActivities } from '../../src/activities';
import { missionWorkflow } from '../../src/workflows';
import { dayWorkflowId, missionWorkflowId, overrideUpdate, reflectSignal, statusQuery } from '../../src/shared/mission-api';
import { localDate } from '../../src/domain/schedule';
import { addDays } from '../../src/domain/iso-date';
import { loadMissionFile } from '../../src/mission';
import { missionInput } from '../../src/client/missions';

Runtime.install({ logger: new DefaultLogger('WARN') });

const ROOT = path.resolve(__dirname, '../..');
const OUT = path.join(ROOT, 'tests/fixtures/histories');
/**
 * Recordings are tagged with the workflow code version they come from (RECORD_TAG, e.g. v2), and
 * never overwrite older tags: histories from before a patched() change must keep replaying.
 */
const TAG = process.env.RECORD_TAG ?? 'v1';
const TDF = path.join(ROOT, 'missions/tdf_sim_2025.toml');

let env: TestWorkflowEnvironment;
let db: TestDatabase;
let resources: WorkerResources;
let out: string;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  db = await createTestDatabase('lanterne_record');
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-record-'));
  resources = await openWorkerResources({ databaseUrl: db.url, outputDir: out, env: { LANTERNE_DATA_SOURCE: 'synthetic' } });
}, 120_000);

afterAll(async () => {
  await resources?.close();
  await db?.drop();
  await env?.teardown();
  fs.rmSync(out, { recursive: true, force: true });
});

async function save(name: string, handle: Pick<WorkflowHandle, 'workflowId'>, runIds: string[]): Promise<void> {
  const files: string[] = [];
  for (const [i, runId] of runIds.entries()) {
    const h = env.client.workflow.getHandle(handle.workflowId, runId);
    const history = await h.fetchHistory();
    const file = path.join(OUT, runIds.length > 1 ? `${name}.run-${i + 1}.${TAG}.json` : `${name}.${TAG}.json`);
    if (fs.existsSync(file) && process.env.RECORD_OVERWRITE !== '1') {
      // Recorded histories are evidence of what ran: keep them (RECORD_OVERWRITE=1 only if that tag never shipped).
      process.stderr.write(`kept ${path.relative(ROOT, file)} (exists)\n`);
      continue;
    }
    fs.writeFileSync(file, JSON.stringify({ workflowId: handle.workflowId, ...history }, null, 1) + '\n');
    files.push(path.relative(ROOT, file));
  }
  if (files.length > 0) process.stderr.write(`recorded ${files.join(', ')}\n`);
}

/** The runs of a continue-as-new chain, first to last, following each run's last event. */
async function chainOf(workflowId: string, firstRunId: string): Promise<string[]> {
  const runs = [firstRunId];
  for (;;) {
    const history = await env.client.workflow.getHandle(workflowId, runs[runs.length - 1]).fetchHistory();
    const last = history.events?.[history.events.length - 1];
    const next = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!next) return runs;
    runs.push(next);
  }
}

/** Starts the TdF mission under a workflow id of its own (each recording runs the same mission). */
async function startTdf(taskQueue: string, name: string, options?: { maxDaysPerRun?: number }) {
  const mission = await loadMissionFile(TDF);
  const athlete = await resources.deps.memory.athletes.ensure(mission.athlete.handle);
  return env.client.workflow.start(missionWorkflow, {
    taskQueue,
    workflowId: missionWorkflowId(athlete.id, name),
    args: [{ ...missionInput(mission), athleteId: athlete.id, startDate: 'today', options }],
  });
}

async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueTaskQueue('record');
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: createActivities(resources.deps) });
  return worker.runUntil(fn(taskQueue));
}

async function untilDaysDone(handle: WorkflowHandle<typeof missionWorkflow>, n: number): Promise<void> {
  for (;;) {
    const s = await handle.query(statusQuery).catch(() => null);
    if (s && s.daysDone >= n && s.phase !== 'running-day') return;
    await env.sleep('2 hours');
  }
}

it('a whole TdF block with reflections and overrides', async () => {
  fs.mkdirSync(OUT, { recursive: true });
  await withWorker(async (taskQueue) => {
    const handle = await startTdf(taskQueue, 'record_block');
    await untilDaysDone(handle, 2);
    const today = localDate(await env.currentTimeMs(), 'Europe/Paris');
    await handle.signal(reflectSignal, { date: addDays(today, -1), rpe: 8, legs: 4, mood: 3, sleepQuality: 3, completed: 'yes', note: 'hard but fine' });
    await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'set-ftp', ftpW: 265 }] });
    await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'rest-day', date: addDays(today, 3), reason: 'family day' }] });
    const summary = await handle.result();
    expect(summary.days).toBe(23);
    await save('tdf-block-with-messages', handle, [(await handle.describe()).runId]);
    // A day's own workflow too (stage 3, with the reflection and FTP override in its context).
    const day = env.client.workflow.getHandle(dayWorkflowId(handle.workflowId, addDays(summary.firstDate!, 2)));
    await save('tdf-day-3', day, [(await day.describe()).runId]);
  });
}, 300_000);

it('a paused and resumed mission', async () => {
  await withWorker(async (taskQueue) => {
    const handle = await startTdf(taskQueue, 'record_pause');
    await untilDaysDone(handle, 2);
    await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'pause', reason: 'travel' }] });
    await env.sleep('3 days');
    await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'resume' }] });
    const summary = await handle.result();
    expect(summary.skipped).toBeGreaterThanOrEqual(2);
    await save('tdf-paused-resumed', handle, [(await handle.describe()).runId]);
  });
}, 300_000);

it('a continue-as-new chain', async () => {
  await withWorker(async (taskQueue) => {
    const handle = await startTdf(taskQueue, 'record_chain', { maxDaysPerRun: 8 });
    const summary = await handle.result();
    expect(summary.days).toBe(23);
    const runs = await chainOf(handle.workflowId, handle.firstExecutionRunId);
    expect(runs.length).toBe(3);
    await save('tdf-continue-as-new', handle, runs);
  });
}, 300_000);
