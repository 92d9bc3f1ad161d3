/**
 * Benchmark (prints figures; asserts nothing about time): `npm run bench`.
 *  - wall time to simulate the whole TdF block on the time-skipping server, real activities
 *    (synthetic athlete, PostgreSQL, reports), target ≤ 20 s;
 *  - the same for a 365-day block, target ≤ 60 s;
 *  - history events per mission-day (target ≤ 50) and per run (target < 2,000);
 *  - replay time of a whole block (target ≤ 2 s).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker, Runtime, DefaultLogger } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv, workflowBundle, uniqueTaskQueue } from '../../tests/support/temporal';
import { createTestDatabase, type TestDatabase } from '../../tests/support/db';
import { openWorkerResources, type WorkerResources } from '../../src/worker/activity-deps';
import { createActivities } from '../../src/activities';
import { missionWorkflow } from '../../src/workflows';
import { missionWorkflowId } from '../../src/shared/mission-api';
import { loadMissionFile } from '../../src/mission';
import { missionInput } from '../../src/client/missions';

Runtime.install({ logger: new DefaultLogger('WARN') });

const ROOT = path.resolve(__dirname, '../..');
let env: TestWorkflowEnvironment;
let db: TestDatabase;
let resources: WorkerResources;
let tmp: string;
const figures: string[] = [];

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  db = await createTestDatabase('lanterne_bench');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-bench-'));
  resources = await openWorkerResources({ databaseUrl: db.url, outputDir: path.join(tmp, 'output'), env: { LANTERNE_DATA_SOURCE: 'synthetic' } });
}, 120_000);

afterAll(async () => {
  process.stdout.write(`\nLanterne benchmark (${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)})\n${figures.join('\n')}\n`);
  await resources?.close();
  await db?.drop();
  await env?.teardown();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A year-long block: the gran fondo base block's pattern repeated to 365 days. */
async function yearMission(): Promise<string> {
  const base = fs.readFileSync(path.join(ROOT, 'missions/gran_fondo_base.toml'), 'utf8');
  const head = base.slice(0, base.indexOf('[[days]]'));
  const days = base.slice(base.indexOf('[[days]]')).split('[[days]]').filter((d) => d.trim());
  const out: string[] = [];
  for (let i = 0; i < 365; i++) {
    out.push('[[days]]' + days[i % days.length].replace(/^day\s*=\s*\d+/m, `day = ${i}`));
  }
  const file = path.join(tmp, 'year.toml');
  fs.writeFileSync(file, (head + out.join('')).replace(/^id\s*=.*$/m, 'id = "year_block"').replace(/^key_stages\s*=.*$/m, 'key_stages = []'));
  await loadMissionFile(file); // fail early with the mission's own error if the generated file is wrong
  return file;
}

async function simulate(name: string, file: string, options?: { maxDaysPerRun?: number }) {
  const taskQueue = uniqueTaskQueue('bench');
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: createActivities(resources.deps) });
  return worker.runUntil(async () => {
    const t0 = Date.now();
    const mission = await loadMissionFile(file);
    const athlete = await resources.deps.memory.athletes.ensure(mission.athlete.handle);
    const handle = await env.client.workflow.start(missionWorkflow, {
      taskQueue,
      workflowId: missionWorkflowId(athlete.id, `${name}-${taskQueue}`),
      args: [{ ...missionInput(mission), athleteId: athlete.id, startDate: 'today', options }],
    });
    const summary = await handle.result();
    const wall = (Date.now() - t0) / 1000;
    // Every run of the chain, for the history figures.
    const runs: number[] = [];
    let runId: string | undefined = handle.firstExecutionRunId;
    while (runId) {
      const h = await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
      runs.push(h.events?.length ?? 0);
      runId = h.events?.[h.events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    return { summary, wall, runs, workflowId: handle.workflowId, firstRunId: handle.firstExecutionRunId };
  });
}

it('TdF block (23 days)', async () => {
  const r = await simulate('tdf', 'missions/tdf_sim_2025.toml');
  const events = r.runs.reduce((a, b) => a + b, 0);
  figures.push(
    `TdF block: ${r.summary.days} days in ${r.wall.toFixed(1)} s wall (target ≤ 20 s); mission history ${events} events in ${r.runs.length} run(s) = ${(events / r.summary.days).toFixed(1)} events per mission-day (target ≤ 50); largest run ${Math.max(...r.runs)} events (target < 2,000)`,
  );
  const history = await env.client.workflow.getHandle(r.workflowId, r.firstRunId).fetchHistory();
  const t0 = Date.now();
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, r.workflowId);
  figures.push(`replay of the TdF block's mission history: ${((Date.now() - t0) / 1000).toFixed(2)} s (target ≤ 2 s; includes bundle reuse, not bundling)`);
  expect(r.summary.days).toBe(23);
}, 600_000);

it('365-day block', async () => {
  const r = await simulate('year', await yearMission());
  const events = r.runs.reduce((a, b) => a + b, 0);
  figures.push(
    `365-day block: ${r.summary.days} days in ${r.wall.toFixed(1)} s wall (target ≤ 60 s); ${r.runs.length} runs (continue-as-new), ${(events / r.summary.days).toFixed(1)} events per mission-day, largest run ${Math.max(...r.runs)} events (target < 2,000)`,
  );
  expect(r.summary.days).toBe(365);
}, 900_000);
