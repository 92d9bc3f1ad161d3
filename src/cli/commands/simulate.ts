/**
 * `lanterne simulate <file>`: a whole mission, day after day, on the Java time-skipping test
 * server with the real workflows and activities, a real PostgreSQL and the synthetic athlete.
 * Nothing is notified; everything started here is stopped at the end, also on error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import type { WorkflowHandle } from '@temporalio/client';
import { Runtime, Worker, DefaultLogger } from '@temporalio/worker';
import type { DecisionKind, IsoDate, MissionConfig, ReadinessState } from '../../domain/types';
import { loadMissionFile } from '../../mission';
import { localDate } from '../../domain/schedule';
import { MemoryStore } from '../../memory';
import { createActivities } from '../../activities';
import { openWorkerResources } from '../../worker/activity-deps';
import { statusQuery } from '../../shared/mission-api';
import { startMission } from '../../client/missions';
import { registerSearchAttributes } from '../../infra/register-search-attributes';
import { startPostgres } from '../../infra/postgres-server';
import { testServerPath } from '../../infra/project-paths';
import { startTimeSkippingServer } from '../../infra/time-skipping-server';
import { UserError } from '../../infra/user-error';

export interface SimulateOptions {
  file: string;
  /** Only the first N days of the mission. */
  days?: number;
  /** 'today' (default) or a date ≥ today: the mission's calendar is moved to start then. */
  startDate?: IsoDate | 'today';
  /** Where reports go; a temporary folder (removed at the end) when absent. */
  outputDir?: string;
  /** Keep OPENAI_API_KEY (the planner asks the model); by default the templates plan. */
  llm?: boolean;
  env?: NodeJS.ProcessEnv;
  onProgress?: (done: number, total: number) => void;
  /** Polling period of the status query, ms. */
  pollMs?: number;
}

export interface SimulatedDay {
  index: number;
  date: IsoDate;
  /** The date in the mission file before the calendar was moved. */
  missionDate: IsoDate;
  stage: number | null;
  name: string;
  /** The day run's status as recorded (ok, degraded, failed…). */
  status: string | null;
  decision: DecisionKind | null;
  state: ReadinessState | null;
  readiness: number | null;
  tss: number | null;
  ctl: number | null;
  atl: number | null;
  tsb: number | null;
}

export interface SimulationResult {
  missionId: string;
  name: string;
  days: SimulatedDay[];
  totalMissionDays: number;
  outputDir: string | null;
  database: 'scratch database on DATABASE_URL' | 'embedded PostgreSQL';
  seconds: number;
}

/** Variables removed from the worker's environment: no notification leaves a simulation. */
const NOTIFY_VARS = /^(SMTP_|NOTIFY_|SMS_|TWILIO_|USE_TWILIO$)/;

export function simulationEnv(env: NodeJS.ProcessEnv, llm: boolean): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!NOTIFY_VARS.test(k)) out[k] = v;
  out.LANTERNE_DATA_SOURCE = 'synthetic';
  if (!llm) delete out.OPENAI_API_KEY;
  delete out.PELOTON_BEARER_TOKEN;
  return out;
}

/**
 * A copy of the mission file with only its first `days` days (key stages outside them dropped),
 * written under `dir`. Returns the new path.
 */
export function trimMissionFile(file: string, days: number, dir: string): string {
  const doc = parseToml(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const list = doc.days;
  if (!Array.isArray(list)) throw new UserError(`${file}: no [[days]] to simulate`);
  const kept = list.slice(0, days) as Record<string, unknown>[];
  doc.days = kept;
  const goals = doc.goals as Record<string, unknown> | undefined;
  if (goals && Array.isArray(goals.key_stages)) {
    const stages = new Set(kept.map((d) => d.stage).filter((s) => typeof s === 'number'));
    const stageMission = stages.size > 0;
    goals.key_stages = (goals.key_stages as number[]).filter((k) => (stageMission ? stages.has(k) : k < kept.length));
  }
  const out = path.join(dir, `first-${days}-days-${path.basename(file)}`);
  fs.writeFileSync(out, `# First ${days} days of ${file}, written by lanterne simulate\n${stringifyToml(doc)}\n`);
  return out;
}

function installRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [], telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  } catch {
    /* already installed in this process (tests): keep it */
  }
}

async function scratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lanterne_sim_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new Pool({ connectionString: serverUrl, max: 1 });
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    throw new UserError(`cannot create a scratch database on DATABASE_URL: ${(err as Error).message}`, 'give the user CREATEDB, or unset DATABASE_URL to let simulate start its own PostgreSQL');
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = new Pool({ connectionString: serverUrl, max: 1 });
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}

export async function simulateMission(o: SimulateOptions): Promise<SimulationResult> {
  const started = Date.now();
  const env = o.env ?? process.env;
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        /* keep stopping the rest */
      }
    }
  };
  try {
    const original = await loadMissionFile(o.file); // a bad file fails here, clearly, before any server starts
    const today = localDate(Date.now(), original.timezone);
    if (o.startDate && o.startDate !== 'today' && o.startDate < today) {
      throw new UserError(`--start-date ${o.startDate} is in the past`, `the test server's clock starts now (${today} in ${original.timezone}) and days before the start are skipped: use today or a later date`);
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-simulate-'));
    cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
    // A shorter run is a shorter mission file, validated like any other.
    const mission = o.days !== undefined && o.days < original.days.length ? await loadMissionFile(trimMissionFile(path.resolve(o.file), o.days, tmp)) : original;
    const server = testServerPath();
    if (!fs.existsSync(server)) throw new UserError(`the Temporal time-skipping test server is missing at ${server}`, 'run `npm run provision` (or set TEMPORAL_TEST_SERVER)');

    let dbUrl: string;
    let database: SimulationResult['database'];
    if (env.DATABASE_URL) {
      const db = await scratchDatabase(env.DATABASE_URL);
      cleanups.push(() => db.drop());
      dbUrl = db.url;
      database = 'scratch database on DATABASE_URL';
    } else {
      fs.chmodSync(tmp, 0o711); // PostgreSQL runs as another user when we are root: it must reach its folder
      const pg = await startPostgres({ dataDir: path.join(tmp, 'postgres') });
      cleanups.push(() => pg.stop());
      dbUrl = pg.url;
      database = 'embedded PostgreSQL';
    }

    installRuntime();
    const testEnv = await startTimeSkippingServer(server);
    cleanups.push(() => testEnv.teardown());
    const namespace = testEnv.namespace ?? 'default';
    await registerSearchAttributes(testEnv.connection, namespace);

    const reports = o.outputDir ? path.resolve(o.outputDir) : path.join(tmp, 'output');
    const resources = await openWorkerResources({ databaseUrl: dbUrl, env: simulationEnv(env, Boolean(o.llm)), outputDir: reports, namespace });
    cleanups.push(() => resources.close());

    const taskQueue = `lanterne-simulate-${randomBytes(4).toString('hex')}`;
    const worker = await Worker.create({
      connection: testEnv.nativeConnection,
      namespace,
      taskQueue,
      workflowsPath: require.resolve('../../workflows'),
      activities: createActivities(resources.deps),
      bundlerOptions: { logger: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, log: () => undefined } } as never,
    });

    const memory = new MemoryStore(resources.pool);
    await worker.runUntil(async () => {
      const { handle } = await startMission(testEnv.client, memory, mission, { taskQueue, startDate: o.startDate ?? 'today' });
      let finished = false;
      const poll = (async () => {
        let last = -1;
        // A query before the mission has loaded is refused (and the test server prints a stack
        // trace for it): wait until the registerMission activity has completed.
        while (!finished && !(await missionLoaded(handle))) await new Promise((r) => setTimeout(r, o.pollMs ?? 100));
        while (!finished) {
          try {
            const s = await handle.query(statusQuery);
            if (s.daysDone !== last) {
              last = s.daysDone;
              o.onProgress?.(s.daysDone, s.daysTotal);
            }
          } catch {
            /* still loading the mission */
          }
          await new Promise((r) => setTimeout(r, o.pollMs ?? 100));
        }
      })();
      try {
        await handle.result();
      } finally {
        finished = true;
        await poll;
      }
      const s = await handle.query(statusQuery);
      o.onProgress?.(s.daysDone, s.daysTotal);
    });

    const days = await recordedDays(memory, { missionId: original.id, athlete: original.athlete.handle }, original.days.map((d) => d.date));
    return {
      missionId: original.id,
      name: original.name,
      days,
      totalMissionDays: original.days.length,
      outputDir: o.outputDir ? reports : null,
      database,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    await cleanup();
  }
}

async function missionLoaded(handle: WorkflowHandle): Promise<boolean> {
  try {
    const history = await handle.fetchHistory();
    return (history.events ?? []).some((e) => e.activityTaskCompletedEventAttributes);
  } catch {
    return false;
  }
}

/**
 * One row per simulated day, from the memory: the mission as the workflow ran it (its stored
 * config version, with the moved calendar) joined with each day's records.
 */
export async function recordedDays(memory: MemoryStore, scope: { missionId: string; athlete: string }, fileDates: IsoDate[]): Promise<SimulatedDay[]> {
  const row = await memory.missions.getMission(scope);
  if (!row) throw new Error(`the simulated mission ${scope.missionId} was not recorded`);
  const version = await memory.missions.getConfigVersion(scope, row.configHash);
  if (!version) throw new Error(`the simulated mission ${scope.missionId} has no stored configuration`);
  const mission = JSON.parse(version.canonicalJson) as MissionConfig;
  const first = mission.days[0]?.date;
  const last = mission.days[mission.days.length - 1]?.date;
  const records = first && last ? await memory.reads.history(scope, first, last) : [];
  const byDate = new Map(records.map((r) => [r.date, r]));
  return mission.days.map((d, i) => {
    const r = byDate.get(d.date);
    return {
      index: i,
      date: d.date,
      missionDate: fileDates[i] ?? d.date,
      stage: d.stage,
      name: d.name,
      status: r?.run?.status ?? null,
      decision: r?.decision?.decision.decision ?? null,
      state: r?.decision?.decision.state ?? null,
      readiness: r?.observation?.readiness?.score ?? null,
      tss: r?.plan?.targetTss ?? null,
      ctl: r?.load?.ctl ?? null,
      atl: r?.load?.atl ?? null,
      tsb: r?.load?.tsb ?? null,
    };
  });
}
