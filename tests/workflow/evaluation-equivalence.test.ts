/**
 * The evaluation's fast loop against the real thing: a small cohort through the mission workflow
 * on the Java time-skipping server, with the real activities from `createActivities` (synthetic
 * athlete, real PostgreSQL), the athletes' reflections sent as signals between the days — and the
 * same load figures (CTL/ATL/TSB from the athlete's whole history: the daily_load table there, the
 * loop's own copy here), decisions, states and prescribed TSS as `runAdaptive` gives in memory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker, Runtime, DefaultLogger } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { reflectSignal, statusQuery } from '../../src/shared/mission-api';
import { startMission } from '../../src/client/missions';
import { createActivities } from '../../src/activities';
import { openWorkerResources, type WorkerResources } from '../../src/worker/activity-deps';
import { MemoryStore } from '../../src/memory';
import { loadMissionFile, shiftMission } from '../../src/mission';
import { localDate, zonedInstant } from '../../src/domain/schedule';
import { addDays } from '../../src/domain/iso-date';
import type { IsoDate, MissionConfig } from '../../src/domain/types';
import { runAdaptive, type AthleteRun } from '../../src/evaluation/coaching-loop';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { uniqueTaskQueue, useTimeSkippingEnv } from '../support/temporal';
import { statusWhen, type MissionHandle } from './mission-harness';

Runtime.install({ logger: new DefaultLogger('WARN') });

const suite = useTimeSkippingEnv();
const DAYS = 4;
const ATHLETES = ['eq-a1', 'eq-a2', 'eq-a3'];

/** Starts one mission workflow for the test, as a client does: the mission as data. */
async function startEvaluationMission(client: Client, memory: MemoryStore, o: { mission: MissionConfig; startDate: IsoDate; taskQueue: string }): Promise<MissionHandle> {
  const { handle } = await startMission(client, memory, o.mission, { taskQueue: o.taskQueue, startDate: o.startDate });
  return handle;
}

/** The TdF mission's first days as a file of its own: its own id and athlete handle (the synthetic athlete's seed). */
function missionFile(dir: string, handle: string): string {
  const doc = parseToml(fs.readFileSync('missions/tdf_sim_2025.toml', 'utf8')) as Record<string, unknown>;
  doc.id = `eq_${handle}`;
  (doc.athlete as Record<string, unknown>).handle = handle;
  doc.days = (doc.days as unknown[]).slice(0, DAYS);
  (doc.goals as Record<string, unknown>).key_stages = [2];
  const file = path.join(dir, `${handle}.toml`);
  fs.writeFileSync(file, stringifyToml(doc));
  return file;
}

describe('the evaluation loop and the real workflow', () => {
  let db: TestDatabase;
  let resources: WorkerResources;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase('lanterne_eval_eq');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-eval-eq-'));
    resources = await openWorkerResources({ databaseUrl: db.url, env: { LANTERNE_DATA_SOURCE: 'synthetic' }, outputDir: path.join(dir, 'output'), namespace: suite.env.namespace ?? 'default' });
  }, 60_000);

  afterAll(async () => {
    await resources?.close();
    await db?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same decisions, states and prescriptions for a small cohort, reflections included', async () => {
    // The missions start tomorrow (the test server's clock is the real now): no day runs at start.
    const tz = 'Europe/Paris';
    const start = addDays(localDate(await suite.env.currentTimeMs(), tz), 1);
    const files = ATHLETES.map((h) => missionFile(dir, h));
    const missions = await Promise.all(files.map(async (f) => shiftMission(await loadMissionFile(f), start)));
    const fast: AthleteRun[] = [];
    for (const m of missions) fast.push(await runAdaptive(m));

    const taskQueue = uniqueTaskQueue('eval-eq');
    const worker = await Worker.create({ connection: suite.env.nativeConnection, taskQueue, workflowBundle: suite.bundle, activities: createActivities(resources.deps) });
    await worker.runUntil(async () => {
      const handles = await Promise.all(missions.map((mission, i) => startEvaluationMission(suite.env.client, resources.deps.memory, { mission, startDate: start, taskQueue })));
      for (let k = 0; k < DAYS; k++) {
        const date = addDays(start, k);
        // Skip time to just after the day's run time, wait for its cycle, then send what the athlete felt.
        const target = zonedInstant(date, missions[0].runTime, tz) + 10 * 60_000;
        await suite.env.sleep(Math.max(1, target - (await suite.env.currentTimeMs())));
        for (const [i, handle] of handles.entries()) {
          await statusWhen(handle, (s) => s.daysDone >= k + 1 && s.phase !== 'running-day', `day ${k + 1} done`);
          const reflection = fast[i].days[k].reflection;
          // after the last day the mission has finished: nothing left to reflect into
          if (reflection && k < DAYS - 1) await handle.signal(reflectSignal, reflection);
        }
      }
      for (const handle of handles) {
        const summary = await handle.result();
        expect(summary.days).toBe(DAYS);
        expect(summary.failed).toBe(0);
      }
      // the reflections reached the workflows
      const sent = fast.flatMap((r) => r.days.slice(0, DAYS - 1).filter((d) => d.reflection).map((d) => `${r.athlete} ${d.date}`));
      expect(sent.length).toBeGreaterThan(0);
      const received = (await Promise.all(handles.map((h) => h.query(statusQuery)))).flatMap((s) => s.reflections.map((r) => `${s.athlete} ${r.date}`));
      expect(received).toEqual(sent);
    });

    const memory = new MemoryStore(resources.pool);
    for (const [i, m] of missions.entries()) {
      const records = await memory.reads.history({ missionId: m.id, athlete: m.athlete.handle }, start, addDays(start, DAYS - 1));
      const real = records.map((r) => ({ date: r.date, decision: r.decision?.decision.decision, state: r.decision?.decision.state, tss: r.plan?.targetTss, load: r.load && { ctl: r.load.ctl, atl: r.load.atl, tsb: r.load.tsb } }));
      const loop = fast[i].days.map((d) => ({ date: d.date, decision: d.decision, state: d.state, tss: d.prescribedTss, load: d.seen }));
      expect(real).toEqual(loop);
    }
  }, 240_000);
});
