/**
 * The burst benchmark's run (`npm run bench:burst`, and small in tests/integration/burst.test.ts):
 * N missions, each its own athlete, all waking in the same minute, against the bare floor of the
 * same shape in the same run, with one worker process and then with two.
 *
 * A round (per worker count) has its own Temporal dev server and database; its worker processes
 * (scripts/bench/burst-worker.ts: Lanterne's worker wiring, settings from LANTERNE_WORKER_*) talk
 * to local HTTP servers in Oura's, Strava's and OpenAI's documented shapes, a real PostgreSQL and a
 * real SMTP server on loopback. In each round:
 *  1. the bare phase: N bare missions start, register (no-op) and sleep to the same minute; each
 *     then runs one bare day (three no-op activities, one no-op local activity, a child workflow);
 *  2. the Lanterne phase: N Lanterne missions start through src/client/missions.ts with a run time
 *     at the next such minute, in a zone where it is about noon (far from quiet hours and midnight),
 *     and each runs its first day: observe (Oura, Strava), decide, plan (the model), deliver
 *     (report files, one e-mail each through the outbox).
 * Figures per phase: time from the minute until the last day is recorded, per-mission latency,
 * history events, the workers' peak RSS and CPU, rows written; and the correctness of the
 * Lanterne phase: every day recorded once in every day table, exactly N e-mails, no duplicate.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { bundleWorkflowCode } from '@temporalio/worker';
import { transformSync } from '@swc/core';
import { Pool } from 'pg';
import { startTestDevServer } from '../../tests/support/dev-server';
import { createTestDatabase, type TestDatabase } from '../../tests/support/db';
import { startSmtpSink, type SmtpSink } from '../../tests/support/smtp-sink';
import { dailySleepItem, readinessItem, sleepPeriodItem, startFakeOuraServer, type FakeOuraServer } from '../../tests/support/fake-oura-server';
import { startFakeStravaServer, summaryActivity, type FakeStravaServer } from '../../tests/support/fake-strava-server';
import { ruleFollowingAnswer, startFakeOpenAiServer, type FakeOpenAiServer } from '../../tests/support/fake-openai-server';
import { zoneAtLocalNoon } from '../../tests/support/mission-client';
import { ManagedProcess } from '../../src/infra/managed-process';
import type { RunningDevServer } from '../../src/infra/temporal-dev-server';
import { migrate, MemoryStore } from '../../src/memory';
import { PgTokenStore, parseSecretKey, payloadDataConverter, payloadKeysFromEnv } from '../../src/secrets';
import { startMission } from '../../src/client/missions';
import { loadMissionFile } from '../../src/mission';
import { localDate, localTime } from '../../src/domain/schedule';
import { addDays } from '../../src/domain/iso-date';
import { dayWorkflowId, TASK_QUEUE } from '../../src/shared/mission-api';
import type { MissionConfig } from '../../src/domain/types';
import { describeWorkerSettings, workerSettingsFromEnv, WORKER_SETTINGS } from '../../src/worker/worker-settings';
import type { BareMissionInput } from './bare-workflows';
import { READY } from './burst-worker';

const ROOT = path.resolve(__dirname, '../..');

export interface BurstOptions {
  /** Missions per phase (each its own athlete). */
  missions: number;
  /** Rounds: the number of worker processes in each (default [1, 2]). */
  workerCounts: number[];
  /** The minute is at least this far after the first start (default: 40 s + 80 ms per mission). */
  leadMs?: number;
  /** Longest wait for a phase's last day after its minute (default: 5 min + 1 s per mission). */
  phaseTimeoutMs?: number;
  /**
   * The bare phase wakes at a whole minute, as Lanterne's must (default); false: `leadMs` after its
   * launch, with no wait for the next minute (the small run in tests, which judges no time).
   */
  alignBare?: boolean;
  /**
   * Count PostgreSQL's transactions per phase (default): PostgreSQL reports an idle backend's
   * statistics after 10 s, so each phase waits 11 s for them. false: no wait, the figure is n/a.
   */
  countTransactions?: boolean;
  /** Environment of the workers' settings (LANTERNE_WORKER_*); default process.env. */
  settingsEnv?: NodeJS.ProcessEnv;
  /** Folder for the workers' logs and reports (default: a temporary folder, removed at the end). */
  workDir?: string;
  /** Keep the work folder (logs) at the end. */
  keep?: boolean;
  /** Write a CPU profile of each worker process (node --cpu-prof) into the work folder (kept). */
  cpuProfile?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Called with the report so far after each round (a run stopped later still has these figures). */
  onRound?: (report: BurstReport) => void;
}

export interface PhaseFigures {
  kind: 'lanterne' | 'bare';
  missions: number;
  /** The minute every mission of the phase wakes at (ISO). */
  minute: string;
  /** Time from the first start to the last start, and how long before the minute the last one started. */
  launchS: number;
  startedBeforeMinuteS: number;
  /** Lanterne: missions asleep (phase waiting) when the minute came. */
  asleepAtMinute: number | null;
  /** Days whose workflow completed. */
  daysCompleted: number;
  /** Time from the minute until the last day's workflow completed. */
  lastDayS: number | null;
  /** Lanterne: time from the minute until the last day_runs row was finished in PostgreSQL. */
  lastRecordedS: number | null;
  p50S: number | null;
  p95S: number | null;
  /** History events of the parent (mission) workflow from the minute on, and of the day workflow (sample means). */
  parentEventsPerDay: number;
  dayEventsPerDay: number;
  /** The parent's whole history so far (registration and first sleep included). */
  parentEventsTotal: number;
  historySample: number;
  /** A mission-day's round trips (sample means). */
  shape: DayShape;
  /** Per step (activity type, workflow task; parent and day workflow): mean wait for a worker and run time. */
  steps: StepProfile;
  /** Peak RSS of each worker process during the phase (MB), and CPU seconds they used. */
  workerPeakRssMb: number[];
  workerCpuS: number;
  /** CPU seconds of this process (client, fakes, SMTP server) and of the whole machine, during the phase. */
  driverCpuS: number;
  machineBusyCpuS: number;
  /** CPU seconds during the phase by process: workers, Temporal server, PostgreSQL, this process, the rest of the machine. */
  cpu: CpuByProcess;
  /** Transactions committed in PostgreSQL during the phase (each statement outside a transaction counts one); null when not counted. */
  pgTransactions: number | null;
  /** Lanterne: correctness of the day's records and messages. */
  emails: number | null;
  duplicateEmails: number | null;
  /** Rows of each day table (one per mission-day is expected). */
  dayTableRows: Record<string, number> | null;
  /** Day tables whose rows are not exactly one per mission. */
  rowProblems: string[];
  rowsAdded: number | null;
  /** Plans by source (llm / fallback) and day status counts. */
  plans: Record<string, number> | null;
  statuses: Record<string, number> | null;
  problems: string[];
}

export interface RoundFigures {
  workers: number;
  settings: string;
  /** Worker RSS after start, before any mission (MB). */
  idleRssMb: number[];
  bare: PhaseFigures;
  lanterne: PhaseFigures;
  /** Row writes (inserts, updates, deletes) in the day tables over the round (warm-up days included), from pg_stat_user_tables. */
  dayTableWrites: Record<string, { ins: number; upd: number; del: number }>;
  /** Requests the stand-in APIs answered during the Lanterne phase. */
  apiRequests: { oura: number; strava: number; openai: number };
}

export interface BurstReport {
  date: string;
  cores: number;
  loadAverage: number[];
  missions: number;
  /** Missions of each kind run before the measured phases of each round (not measured). */
  warmup: number;
  settings: string;
  rounds: RoundFigures[];
  wallS: number;
}

/** The tables a Lanterne day writes one row each to. */
export const DAY_TABLES = ['day_runs', 'observations', 'load_metrics', 'decisions', 'adaptations', 'plans', 'class_suggestions', 'reports', 'notifications'] as const;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Nearest-rank percentile of `xs` (p in 0–100). */
export function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The first whole minute at least `leadMs` from `nowMs`. */
export function minuteAfter(nowMs: number, leadMs: number): number {
  return Math.ceil((nowMs + leadMs) / 60_000) * 60_000;
}

/** Runs `fn` over `items` with at most `limit` at once. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(lanes);
}

// ---------------------------------------------------------------- process and machine figures

function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const TICKS = 100; // USER_HZ on Linux

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  cpuS: number;
}

function procStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime + stime + the waited-for children's (PostgreSQL backends that ended)
      out.push({ pid: Number(name), ppid: Number(f[1]), comm, cpuS: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS });
    } catch {
      /* ended meanwhile */
    }
  }
  return out;
}

/** CPU seconds used so far by this process's descendants, by kind: the workers, the Temporal server, PostgreSQL. */
export interface CpuByProcess {
  workers: number;
  temporal: number;
  postgres: number;
  driver: number;
  /** Every other process on the machine (siblings' jobs on a shared machine). */
  others: number;
}

function cpuByProcess(workerPids: readonly number[]): CpuByProcess {
  const all = procStats();
  const children = new Map<number, ProcStat[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const tree = (pid: number): ProcStat[] => (children.get(pid) ?? []).flatMap((c) => [c, ...tree(c.pid)]);
  const ours = tree(process.pid);
  const sum = (ps: ProcStat[]) => ps.reduce((s, p) => s + p.cpuS, 0);
  const workers = ours.filter((p) => workerPids.includes(p.pid));
  const temporal = ours.filter((p) => p.comm.startsWith('temporal'));
  const postgres = ours.filter((p) => p.comm.startsWith('postgres'));
  const driverUsage = process.cpuUsage();
  const driver = (driverUsage.user + driverUsage.system) / 1e6;
  return { workers: sum(workers), temporal: sum(temporal), postgres: sum(postgres), driver, others: machineBusySeconds() - sum(ours) - driver };
}

function cpuDelta(a: CpuByProcess, b: CpuByProcess): CpuByProcess {
  return {
    workers: round1(b.workers - a.workers),
    temporal: round1(b.temporal - a.temporal),
    postgres: round1(b.postgres - a.postgres),
    driver: round1(b.driver - a.driver),
    others: round1(b.others - a.others),
  };
}

function machineBusySeconds(): number {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3] + (cpu[4] ?? 0);
    return (cpu.reduce((a, b) => a + b, 0) - idle) / TICKS;
  } catch {
    return 0;
  }
}

/** Samples each worker's RSS every 200 ms while running. */
class RssSampler {
  private readonly peaks: number[];
  private timer: NodeJS.Timeout | null = null;
  constructor(private readonly pids: number[]) {
    this.peaks = pids.map(() => 0);
  }
  start(): void {
    const sample = () => this.pids.forEach((pid, i) => (this.peaks[i] = Math.max(this.peaks[i], rssMb(pid) ?? 0)));
    sample();
    this.timer = setInterval(sample, 200);
  }
  stop(): number[] {
    if (this.timer) clearInterval(this.timer);
    this.pids.forEach((pid, i) => (this.peaks[i] = Math.max(this.peaks[i], rssMb(pid) ?? 0)));
    return this.peaks.map(round1);
  }
}

// ---------------------------------------------------------------- the stand-in world

interface World {
  oura: FakeOuraServer;
  strava: FakeStravaServer;
  openai: FakeOpenAiServer;
  smtp: SmtpSink;
  close(): Promise<void>;
}

/** The APIs' stand-ins with 100 days of nights and rides, and the SMTP server. */
async function startWorld(today: string): Promise<World> {
  const [oura, strava, openai, smtp] = await Promise.all([startFakeOuraServer(), startFakeStravaServer(), startFakeOpenAiServer(ruleFollowingAnswer), startSmtpSink()]);
  for (let d = -100; d <= 1; d++) {
    const day = addDays(today, d);
    const wobble = (d * 7 + 100) % 11; // a little variety between nights
    oura.data.daily_readiness.push(readinessItem(day, { score: 70 + wobble }));
    oura.data.daily_sleep.push(dailySleepItem(day, { score: 72 + wobble }));
    oura.data.sleep.push(sleepPeriodItem(day, { average_hrv: 55 + wobble }));
    if (d < 0 && d % 2 === 0) strava.activities.push(summaryActivity(100_000 + d + 200, `${day}T17:30:00`, { moving_time: 3000 + wobble * 120 }));
  }
  // An application with raised limits: the default (100 reads per 15 minutes) serves about 30 athletes.
  strava.rateLimit = { limit: [60_000, 600_000], usage: [0, 0] };
  strava.readRateLimit = { limit: [30_000, 300_000], usage: [0, 0] };
  return {
    oura,
    strava,
    openai,
    smtp,
    close: async () => {
      await Promise.all([oura.close(), strava.close(), openai.close(), smtp.close()]);
    },
  };
}

// ---------------------------------------------------------------- a round

interface RoundContext {
  n: number;
  workers: number;
  server: RunningDevServer;
  db: TestDatabase;
  client: Client;
  memory: MemoryStore;
  world: World;
  workerPids: number[];
  baseMission: MissionConfig;
  leadMs: number;
  phaseTimeoutMs: number;
  alignBare: boolean;
  countTransactions: boolean;
  log: (line: string) => void;
}

/**
 * The zone where it is about noon at `ms`, as the mission's rules write it (they make "Etc/GMT" "UTC";
 * a mission started with a name they would rewrite is refused by the worker as not canonical).
 */
export function benchZone(ms: number): string {
  const zone = zoneAtLocalNoon(ms);
  return zone === 'Etc/GMT' ? 'UTC' : zone;
}

const handleOf = (i: number) => `rider${String(i).padStart(4, '0')}`;
const warmupHandleOf = (i: number) => `warmup${String(i).padStart(2, '0')}`;
/** Missions of each kind run before the measured phases, so that neither phase pays the worker's cold start. */
const WARMUP = 8;
const visibilityTime = (ms: number) => new Date(ms).toISOString();

async function countWorkflows(client: Client, query: string): Promise<number> {
  return (await client.workflow.count(query)).count;
}

/** Close times (ms) of the completed workflows of a type that started at or after `sinceMs`. */
async function closeTimes(client: Client, type: string, sinceMs: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const wf of client.workflow.list({ query: `WorkflowType = '${type}' AND ExecutionStatus = 'Completed' AND StartTime >= '${visibilityTime(sinceMs)}'` })) {
    if (wf.closeTime) out.set(wf.workflowId, wf.closeTime.getTime());
  }
  return out;
}

/** What a mission-day is made of (parent from the minute on, plus the day workflow): the round trips. */
export interface DayShape {
  workflowTasks: number;
  activities: number;
  localActivities: number;
  childWorkflows: number;
  timers: number;
  searchAttributeUpserts: number;
}

type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>[number];

function shapeOf(events: readonly HistoryEvent[]): DayShape {
  const count = (f: (e: HistoryEvent) => unknown) => events.filter((e) => Boolean(f(e))).length;
  return {
    workflowTasks: count((e) => e.workflowTaskCompletedEventAttributes),
    activities: count((e) => e.activityTaskScheduledEventAttributes),
    localActivities: count((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity'),
    childWorkflows: count((e) => e.startChildWorkflowExecutionInitiatedEventAttributes),
    timers: count((e) => e.timerStartedEventAttributes),
    searchAttributeUpserts: count((e) => e.upsertWorkflowSearchAttributesEventAttributes),
  };
}

/** Per step of a day: how long its task waited for a worker (schedule to start) and ran (start to close), in ms. */
export type StepProfile = Record<string, { n: number; queueMs: number; runMs: number }>;

function addSteps(profile: StepProfile, events: readonly HistoryEvent[], prefix: string): void {
  const at = new Map<string, number>();
  const name = new Map<string, string>();
  const add = (step: string, queue: number, run: number) => {
    const p = (profile[step] ??= { n: 0, queueMs: 0, runMs: 0 });
    p.n++;
    p.queueMs += queue;
    p.runMs += run;
  };
  for (const e of events) {
    const id = String(e.eventId);
    const t = tsToMs(e.eventTime);
    at.set(id, t);
    if (e.activityTaskScheduledEventAttributes) name.set(id, `${prefix}${e.activityTaskScheduledEventAttributes.activityType?.name ?? 'activity'}`);
    if (e.workflowTaskScheduledEventAttributes) name.set(id, `${prefix}workflow task`);
    const done = e.activityTaskCompletedEventAttributes ?? e.workflowTaskCompletedEventAttributes;
    if (done) {
      const scheduled = String(done.scheduledEventId);
      const started = String(done.startedEventId);
      const step = name.get(scheduled);
      if (step && at.has(scheduled) && at.has(started)) add(step, at.get(started)! - at.get(scheduled)!, t - at.get(started)!);
    }
  }
}

/** Mean events of the parents from the minute on, of their whole history, and of the days' workflows, over a sample. */
async function historyFigures(client: Client, parents: string[], minuteMs: number, dayIdOf: (parent: string) => Promise<string | null>) {
  const sample = parents.filter((_, i) => i % Math.max(1, Math.floor(parents.length / 20)) === 0).slice(0, 20);
  let fromMinute = 0;
  let total = 0;
  let day = 0;
  let counted = 0;
  const shape: DayShape = { workflowTasks: 0, activities: 0, localActivities: 0, childWorkflows: 0, timers: 0, searchAttributeUpserts: 0 };
  const steps: StepProfile = {};
  for (const id of sample) {
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const ofDay = events.filter((e) => tsToMs(e.eventTime) >= minuteMs);
    total += events.length;
    fromMinute += ofDay.length;
    const dayId = await dayIdOf(id);
    const dayEvents = dayId ? (await client.workflow.getHandle(dayId).fetchHistory()).events ?? [] : [];
    day += dayEvents.length;
    addSteps(steps, ofDay, 'parent ');
    addSteps(steps, dayEvents, 'day ');
    const s = shapeOf([...ofDay, ...dayEvents]);
    for (const k of Object.keys(shape) as (keyof DayShape)[]) shape[k] += s[k];
    counted++;
  }
  const mean = (x: number) => (counted ? round1(x / counted) : 0);
  for (const k of Object.keys(shape) as (keyof DayShape)[]) shape[k] = mean(shape[k]);
  for (const p of Object.values(steps)) {
    p.queueMs = Math.round(p.queueMs / p.n);
    p.runMs = Math.round(p.runMs / p.n);
  }
  return { parentEventsPerDay: mean(fromMinute), parentEventsTotal: mean(total), dayEventsPerDay: mean(day), historySample: counted, shape, steps };
}

async function tableCounts(pool: Pool): Promise<Record<string, number>> {
  const tables = await pool.query<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public' and tablename <> 'schema_migrations'`);
  const out: Record<string, number> = {};
  for (const { tablename } of tables.rows) {
    out[tablename] = (await pool.query<{ n: number }>(`select count(*)::int as n from "${tablename}"`)).rows[0].n;
  }
  return out;
}

/** Waits until `done()` reaches `n` or the deadline; returns the last count. */
async function waitForCount(done: () => Promise<number>, n: number, deadlineMs: number): Promise<number> {
  let last = 0;
  for (;;) {
    last = await done().catch(() => last);
    if (last >= n || Date.now() > deadlineMs) return last;
    await pause(500);
  }
}

/** Transactions committed in the round's database so far (each statement outside a transaction is one). */
async function transactions(pool: Pool): Promise<number> {
  await pool.query('select pg_stat_clear_snapshot()');
  const r = await pool.query<{ n: string }>(`select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()`);
  return Number(r.rows[0].n);
}

/** Waits for the minute, sampling the workers from 5 s before it until `finish` resolves. */
async function measureFromMinute<T>(ctx: RoundContext, minuteMs: number, finish: () => Promise<T>) {
  await pause(Math.max(0, minuteMs - 5_000 - Date.now()));
  const sampler = new RssSampler(ctx.workerPids);
  const cpu0 = cpuByProcess(ctx.workerPids);
  const machine0 = machineBusySeconds();
  const xact0 = ctx.countTransactions ? await transactions(ctx.db.pool) : null;
  sampler.start();
  const result = await finish();
  const peaks = sampler.stop();
  const cpu = cpuDelta(cpu0, cpuByProcess(ctx.workerPids));
  const machineBusyCpuS = round1(machineBusySeconds() - machine0);
  // Backends report their statistics when idle for 10 s: wait for them before counting transactions.
  if (xact0 !== null) await pause(11_000);
  return {
    result,
    workerPeakRssMb: peaks,
    workerCpuS: cpu.workers,
    driverCpuS: cpu.driver,
    machineBusyCpuS,
    cpu,
    pgTransactions: xact0 === null ? null : (await transactions(ctx.db.pool)) - xact0,
  };
}

function emptyPhase(kind: PhaseFigures['kind'], n: number, minuteMs: number): PhaseFigures {
  return {
    kind,
    missions: n,
    minute: new Date(minuteMs).toISOString(),
    launchS: 0,
    startedBeforeMinuteS: 0,
    asleepAtMinute: null,
    daysCompleted: 0,
    lastDayS: null,
    lastRecordedS: null,
    p50S: null,
    p95S: null,
    parentEventsPerDay: 0,
    dayEventsPerDay: 0,
    parentEventsTotal: 0,
    historySample: 0,
    shape: { workflowTasks: 0, activities: 0, localActivities: 0, childWorkflows: 0, timers: 0, searchAttributeUpserts: 0 },
    steps: {},
    workerPeakRssMb: [],
    workerCpuS: 0,
    driverCpuS: 0,
    machineBusyCpuS: 0,
    cpu: { workers: 0, temporal: 0, postgres: 0, driver: 0, others: 0 },
    pgTransactions: 0,
    emails: null,
    duplicateEmails: null,
    dayTableRows: null,
    rowProblems: [],
    rowsAdded: null,
    plans: null,
    statuses: null,
    problems: [],
  };
}

function latencies(f: PhaseFigures, closes: Map<string, number>, minuteMs: number): void {
  const xs = [...closes.values()].map((t) => (t - minuteMs) / 1000);
  f.daysCompleted = xs.length;
  f.lastDayS = xs.length ? round1(Math.max(...xs)) : null;
  const p50 = percentile(xs, 50);
  const p95 = percentile(xs, 95);
  f.p50S = p50 === null ? null : round1(p50);
  f.p95S = p95 === null ? null : round1(p95);
}

async function barePhase(ctx: RoundContext): Promise<PhaseFigures> {
  const { n, client } = ctx;
  const t0 = Date.now();
  const minuteMs = ctx.alignBare ? minuteAfter(t0, ctx.leadMs) : t0 + ctx.leadMs;
  const zone = benchZone(minuteMs);
  const date = localDate(minuteMs, zone);
  const f = emptyPhase('bare', n, minuteMs);
  ctx.log(`  bare: starting ${n} bare missions that wake at ${new Date(minuteMs).toISOString()}`);
  const ids = Array.from({ length: n }, (_, i) => `bare-${handleOf(i)}`);
  await eachLimited(ids, 16, async (workflowId, i) => {
    const input: BareMissionInput = { missionId: 'bare', athlete: handleOf(i), wakeAtMs: minuteMs, date };
    await client.workflow.start('bareMissionWorkflow', { taskQueue: TASK_QUEUE, workflowId, args: [input] });
  });
  f.launchS = round1((Date.now() - t0) / 1000);
  f.startedBeforeMinuteS = round1((minuteMs - Date.now()) / 1000);
  if (f.startedBeforeMinuteS < 0) f.problems.push(`the last bare mission started ${-f.startedBeforeMinuteS} s after the minute: raise --lead`);
  const deadline = minuteMs + ctx.phaseTimeoutMs;
  const completedQuery = `WorkflowType = 'bareDayWorkflow' AND ExecutionStatus = 'Completed' AND StartTime >= '${visibilityTime(minuteMs)}'`;
  const m = await measureFromMinute(ctx, minuteMs, () => waitForCount(() => countWorkflows(client, completedQuery), n, deadline));
  Object.assign(f, { workerPeakRssMb: m.workerPeakRssMb, workerCpuS: m.workerCpuS, driverCpuS: m.driverCpuS, machineBusyCpuS: m.machineBusyCpuS, cpu: m.cpu, pgTransactions: m.pgTransactions });
  if (m.result < n) f.problems.push(`only ${m.result} of ${n} bare days completed within ${ctx.phaseTimeoutMs / 1000} s of the minute`);
  latencies(f, await closeTimes(client, 'bareDayWorkflow', minuteMs), minuteMs);
  Object.assign(f, await historyFigures(client, ids, minuteMs, async (id) => `${id}-day-${date}`));
  return f;
}

/** Requests the stand-in APIs answered in a round's Lanterne phase. */
const lanterneRequests = new WeakMap<RoundContext, RoundFigures['apiRequests']>();

async function lanternePhase(ctx: RoundContext): Promise<PhaseFigures> {
  const { n, client, memory, db } = ctx;
  const t0 = Date.now();
  const minuteMs = minuteAfter(t0, ctx.leadMs);
  const zone = benchZone(minuteMs);
  const runTime = localTime(minuteMs, zone);
  const date = localDate(minuteMs, zone);
  const f = emptyPhase('lanterne', n, minuteMs);
  const sentBefore = ctx.world.smtp.messages.length;
  const requestsBefore = { oura: ctx.world.oura.requests.length, strava: ctx.world.strava.requests.length, openai: ctx.world.openai.requests.length };
  ctx.log(`  lanterne: starting ${n} missions whose run time is ${runTime} ${zone} (${new Date(minuteMs).toISOString()})`);
  const workflowIds: string[] = new Array(n);
  await eachLimited(Array.from({ length: n }, (_, i) => i), 16, async (i) => {
    const base = ctx.baseMission;
    const mission: MissionConfig = { ...base, timezone: zone, runTime, earliestTime: undefined, athlete: { ...base.athlete, handle: handleOf(i) } };
    const started = await startMission(client, memory, mission, { startDate: 'today' });
    workflowIds[i] = started.workflowId;
  });
  f.launchS = round1((Date.now() - t0) / 1000);
  f.startedBeforeMinuteS = round1((minuteMs - Date.now()) / 1000);
  if (f.startedBeforeMinuteS < 0) f.problems.push(`the last mission started ${-f.startedBeforeMinuteS} s after the minute: raise --lead`);
  // Every mission registered and asleep before the minute (else the figures include their start).
  const asleep = () => countWorkflows(client, `WorkflowType = 'missionWorkflow' AND LanternePhase = 'waiting' AND StartTime >= '${visibilityTime(t0)}'`);
  f.asleepAtMinute = await waitForCount(asleep, n, minuteMs - 2_000);
  if (f.asleepAtMinute < n) f.problems.push(`${n - f.asleepAtMinute} missions were not asleep yet when the minute came: raise --lead`);

  const rowsBefore = await tableCounts(db.pool); // after the launch: the rows the days add
  const deadline = minuteMs + ctx.phaseTimeoutMs;
  const recorded = async () =>
    (await db.pool.query<{ n: number }>(`select count(*)::int as n from day_runs where day = $1 and status <> 'running' and athlete like 'rider%'`, [date])).rows[0].n;
  const completed = () => countWorkflows(client, `WorkflowType = 'dailyCycleWorkflow' AND ExecutionStatus = 'Completed' AND StartTime >= '${visibilityTime(minuteMs)}'`);
  const m = await measureFromMinute(ctx, minuteMs, async () => {
    const r = await waitForCount(recorded, n, deadline);
    const c = await waitForCount(completed, n, deadline);
    return { recorded: r, completed: c };
  });
  Object.assign(f, { workerPeakRssMb: m.workerPeakRssMb, workerCpuS: m.workerCpuS, driverCpuS: m.driverCpuS, machineBusyCpuS: m.machineBusyCpuS, cpu: m.cpu, pgTransactions: m.pgTransactions });
  if (m.result.recorded < n) f.problems.push(`only ${m.result.recorded} of ${n} days recorded within ${ctx.phaseTimeoutMs / 1000} s of the minute`);
  latencies(f, await closeTimes(client, 'dailyCycleWorkflow', minuteMs), minuteMs);
  const last = await db.pool.query<{ at: Date | null }>(`select max(finished_at) as at from day_runs where day = $1 and athlete like 'rider%'`, [date]);
  f.lastRecordedS = last.rows[0].at ? round1((last.rows[0].at.getTime() - minuteMs) / 1000) : null;

  // Correctness: one row per mission-day in every day table, N e-mails, none twice.
  const rowsAfter = await tableCounts(db.pool);
  f.rowsAdded = Object.keys(rowsAfter).reduce((s, t) => s + rowsAfter[t] - (rowsBefore[t] ?? 0), 0);
  f.dayTableRows = {};
  for (const t of DAY_TABLES) {
    const r = await db.pool.query<{ rows: number; days: number }>(
      `select count(*)::int as rows, count(distinct (athlete, mission_id, day))::int as days from ${t} where day = $1 and athlete like 'rider%'`,
      [date],
    );
    f.dayTableRows[t] = r.rows[0].rows;
    if (r.rows[0].rows !== n || r.rows[0].days !== n) f.rowProblems.push(`${t}: ${r.rows[0].rows} rows for ${r.rows[0].days} mission-days (expected ${n})`);
  }
  const mails = ctx.world.smtp.messages.slice(sentBefore);
  f.emails = mails.length;
  const ids = new Map<string, number>();
  for (const mail of mails) {
    const id = mail.messageId ?? mail.subject;
    ids.set(id, (ids.get(id) ?? 0) + 1);
  }
  f.duplicateEmails = [...ids.values()].reduce((s, c) => s + c - 1, 0);
  const plans = await db.pool.query<{ source: string; n: number }>(`select source, count(*)::int as n from plans where day = $1 and athlete like 'rider%' group by source`, [date]);
  f.plans = Object.fromEntries(plans.rows.map((r) => [r.source, r.n]));
  const statuses = await db.pool.query<{ status: string; n: number }>(`select status, count(*)::int as n from day_runs where day = $1 and athlete like 'rider%' group by status`, [date]);
  f.statuses = Object.fromEntries(statuses.rows.map((r) => [r.status, r.n]));
  Object.assign(f, await historyFigures(client, workflowIds, minuteMs, async (id) => dayWorkflowId(id, date)));
  lanterneRequests.set(ctx, {
    oura: ctx.world.oura.requests.length - requestsBefore.oura,
    strava: ctx.world.strava.requests.length - requestsBefore.strava,
    openai: ctx.world.openai.requests.length - requestsBefore.openai,
  });
  return f;
}

async function dayTableWrites(pool: Pool): Promise<RoundFigures['dayTableWrites']> {
  const r = await pool.query<{ relname: string; ins: string; upd: string; del: string }>(
    `select relname, n_tup_ins as ins, n_tup_upd as upd, n_tup_del as del from pg_stat_user_tables where relname = any($1)`,
    [DAY_TABLES as unknown as string[]],
  );
  return Object.fromEntries(r.rows.map((x) => [x.relname, { ins: Number(x.ins), upd: Number(x.upd), del: Number(x.del) }]));
}

/**
 * Before the measured phases: a few bare missions and a few Lanterne missions (their own athletes)
 * run a day at once, so that neither measured phase pays the worker's cold start (code loaded and
 * compiled, connection pools opened, the SMTP connection made).
 */
async function warmUp(ctx: RoundContext): Promise<void> {
  const { client, memory, db } = ctx;
  const t0 = Date.now();
  const zone = benchZone(t0);
  const date = localDate(t0, zone);
  await eachLimited(Array.from({ length: WARMUP }, (_, i) => i), 8, async (i) => {
    const input: BareMissionInput = { missionId: 'bare', athlete: warmupHandleOf(i), wakeAtMs: t0, date };
    await client.workflow.start('bareMissionWorkflow', { taskQueue: TASK_QUEUE, workflowId: `bare-${warmupHandleOf(i)}`, args: [input] });
    // The run time has passed today: the day runs as soon as the mission is registered.
    const base = ctx.baseMission;
    await startMission(client, memory, { ...base, timezone: zone, runTime: '00:00', earliestTime: undefined, athlete: { ...base.athlete, handle: warmupHandleOf(i) } }, { startDate: 'today' });
  });
  const deadline = Date.now() + 300_000;
  const bareDone = await waitForCount(() => countWorkflows(client, `WorkflowType = 'bareDayWorkflow' AND ExecutionStatus = 'Completed'`), WARMUP, deadline);
  const recorded = async () => (await db.pool.query<{ n: number }>(`select count(*)::int as n from day_runs where status <> 'running' and athlete like 'warmup%'`)).rows[0].n;
  const lanterneDone = await waitForCount(recorded, WARMUP, deadline);
  if (bareDone < WARMUP || lanterneDone < WARMUP) throw new Error(`the warm-up did not finish in 5 minutes (${bareDone} bare, ${lanterneDone} Lanterne days of ${WARMUP}): see the worker logs`);
  ctx.log(`  warm-up: ${WARMUP} bare and ${WARMUP} Lanterne days in ${round1((Date.now() - t0) / 1000)} s`);
}

interface WorkerProcess {
  proc: ManagedProcess;
  pid: number;
}

async function startWorkers(count: number, entry: string, env: NodeJS.ProcessEnv, workDir: string, tag: string, cpuProfile: boolean): Promise<WorkerProcess[]> {
  const nodeArgs = cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(workDir, `cpu-profiles-${tag}`)}`] : [];
  const out: WorkerProcess[] = [];
  for (let i = 0; i < count; i++) {
    const logFile = path.join(workDir, `worker-${tag}-${i + 1}.log`);
    const proc = ManagedProcess.start(`burst worker ${i + 1}`, process.execPath, [...nodeArgs, entry], {
      cwd: ROOT,
      env,
      logFile,
    });
    out.push({ proc, pid: proc.pid! });
  }
  for (const w of out) {
    await w.proc.waitUntilReady(async () => fs.readFileSync(w.proc.logFile, 'utf8').includes(READY), 120_000);
  }
  return out;
}

async function runRound(o: Required<Pick<BurstOptions, 'missions'>> & { workers: number; workDir: string; bundlePath: string; workerEntry: string; cpuProfile: boolean; leadMs: number; phaseTimeoutMs: number; alignBare: boolean; countTransactions: boolean; settingsEnv: NodeJS.ProcessEnv; log: (s: string) => void }): Promise<RoundFigures> {
  const n = o.missions;
  const tag = `${o.workers}w`;
  const secretKey = randomBytes(32).toString('hex');
  const payloadKey = randomBytes(32).toString('hex');
  const world = await startWorld(localDate(Date.now(), 'UTC'));
  let server: RunningDevServer | undefined;
  let db: TestDatabase | undefined;
  let connection: Connection | undefined;
  let workers: WorkerProcess[] = [];
  const memoryPool: { pool?: Pool } = {};
  try {
    [server, db] = await Promise.all([startTestDevServer(), createTestDatabase('lanterne_burst')]);
    await migrate(db.pool);
    const outDir = path.join(o.workDir, `reports-${tag}`);
    const settingsVars = Object.fromEntries(WORKER_SETTINGS.flatMap((s) => (o.settingsEnv[s.env] !== undefined ? [[s.env, o.settingsEnv[s.env]]] : [])));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...settingsVars,
      TEMPORAL_ADDRESS: server.address,
      DATABASE_URL: db.url,
      LANTERNE_BENCH_BUNDLE: o.bundlePath,
      LANTERNE_OUTPUT_DIR: outDir,
      LANTERNE_STATE_DIR: path.join(o.workDir, `state-${tag}`),
      LANTERNE_PAYLOAD_KEY: payloadKey,
      LANTERNE_SECRET_KEY: secretKey,
      LANTERNE_DATA_SOURCE: 'wearables',
      OURA_CLIENT_ID: world.oura.clientId,
      OURA_CLIENT_SECRET: world.oura.clientSecret,
      OURA_BASE_URL: world.oura.url,
      OURA_TOKEN_URL: world.oura.tokenUrl,
      STRAVA_CLIENT_ID: world.strava.clientId,
      STRAVA_CLIENT_SECRET: world.strava.clientSecret,
      STRAVA_BASE_URL: world.strava.url,
      STRAVA_TOKEN_URL: world.strava.tokenUrl,
      OPENAI_API_KEY: 'bench-key-not-secret',
      OPENAI_BASE_URL: world.openai.baseUrl,
      SMTP_HOST: world.smtp.host,
      SMTP_PORT: String(world.smtp.port),
      SMTP_SECURE: 'false',
      SMTP_FROM: 'coach@lanterne.test',
      NOTIFY_EMAIL_TO: 'athletes@lanterne.test',
    };
    // Each athlete connected to Oura and Strava (tokens valid for hours: no refresh in the burst).
    const tokens = new PgTokenStore(db.pool, parseSecretKey(secretKey));
    const expiresAt = new Date(Date.now() + 6 * 3600_000).toISOString();
    const handles = [...Array.from({ length: WARMUP }, (_, i) => warmupHandleOf(i)), ...Array.from({ length: n }, (_, i) => handleOf(i))];
    await eachLimited(handles, 8, async (h) => {
      world.oura.validAccessTokens.add(`oura-${h}`);
      world.strava.validAccessTokens.add(`strava-${h}`);
      await tokens.save(h, 'oura', { accessToken: `oura-${h}`, refreshToken: `oura-refresh-${h}`, expiresAt, scope: 'daily' });
      await tokens.save(h, 'strava', { accessToken: `strava-${h}`, refreshToken: `strava-refresh-${h}`, expiresAt, scope: 'activity:read_all' });
    });
    workers = await startWorkers(o.workers, o.workerEntry, env, o.workDir, tag, o.cpuProfile);
    const idleRssMb = workers.map((w) => round1(rssMb(w.pid) ?? 0));
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, dataConverter: payloadDataConverter(payloadKeysFromEnv({ LANTERNE_PAYLOAD_KEY: payloadKey })!) });
    memoryPool.pool = new Pool({ connectionString: db.url, max: 8 });
    const ctx: RoundContext = {
      n,
      workers: o.workers,
      server,
      db,
      client,
      memory: new MemoryStore(memoryPool.pool),
      world,
      workerPids: workers.map((w) => w.pid),
      baseMission: await loadMissionFile(path.join(ROOT, 'missions/tdf_sim_2025.toml')),
      leadMs: o.leadMs,
      phaseTimeoutMs: o.phaseTimeoutMs,
      alignBare: o.alignBare,
      countTransactions: o.countTransactions,
      log: o.log,
    };
    o.log(`round with ${o.workers} worker process(es): idle RSS ${idleRssMb.join(' + ')} MB`);
    await warmUp(ctx);
    const bare = await barePhase(ctx);
    o.log(`  bare: last day ${bare.lastDayS} s after the minute`);
    const lanterne = await lanternePhase(ctx);
    o.log(`  lanterne: last day ${lanterne.lastDayS} s after the minute`);
    const apiRequests = lanterneRequests.get(ctx) ?? { oura: 0, strava: 0, openai: 0 };
    // Stopped workers have flushed their backends' statistics.
    await Promise.all(workers.map((w) => w.proc.stop()));
    workers = [];
    await memoryPool.pool.end();
    memoryPool.pool = undefined;
    await pause(1_500);
    const writes = await dayTableWrites(db.pool);
    return { workers: o.workers, settings: describeWorkerSettings(workerSettingsFromEnv(o.settingsEnv)), idleRssMb, bare, lanterne, dayTableWrites: writes, apiRequests };
  } finally {
    await Promise.all(workers.map((w) => w.proc.stop()));
    await memoryPool.pool?.end();
    await connection?.close();
    await Promise.all([server?.stop(), db?.drop(), world.close()]);
  }
}

/** Every .ts file under `dir`. */
function typeScriptFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return typeScriptFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/**
 * The worker's code as plain JavaScript, as `npm run build` makes it, so that the worker process
 * holds no compiler (run through scripts/bench/run-ts.js it would carry @swc/core and inline source
 * maps, some 30 MB of RSS that `lanterne worker` does not have). Written under
 * node_modules/.cache/lanterne-bench, in the repository's layout, so modules and the project root
 * are found as from src/. Returns the worker's entry.
 */
export function compileWorker(): string {
  const out = path.join(ROOT, 'node_modules', '.cache', 'lanterne-bench');
  fs.rmSync(out, { recursive: true, force: true });
  const files = [...typeScriptFiles(path.join(ROOT, 'src')), path.join(__dirname, 'burst-worker.ts'), path.join(__dirname, 'bare-activities.ts')];
  for (const file of files) {
    const { code } = transformSync(fs.readFileSync(file, 'utf8'), {
      filename: file,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    const target = path.join(out, path.relative(ROOT, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, code);
  }
  return path.join(out, 'scripts', 'bench', 'burst-worker.js');
}

/** Bundles the workers' workflow code once (both rounds and all workers run the same bundle). */
async function writeBundle(workDir: string): Promise<string> {
  const noop = () => undefined;
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./burst-workflows'),
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop },
  });
  const file = path.join(workDir, 'burst-workflows.js');
  fs.writeFileSync(file, bundle.code);
  return file;
}

export async function runBurst(options: BurstOptions): Promise<BurstReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const settingsEnv = options.settingsEnv ?? process.env;
  const settings = describeWorkerSettings(workerSettingsFromEnv(settingsEnv)); // a bad value stops here
  const n = options.missions;
  const workDir = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-burst-'));
  fs.mkdirSync(workDir, { recursive: true });
  fs.chmodSync(workDir, 0o755);
  const report: BurstReport = { date: new Date().toISOString(), cores: os.cpus().length, loadAverage: os.loadavg().map(round1), missions: n, warmup: WARMUP, settings, rounds: [], wallS: 0 };
  try {
    const bundlePath = await writeBundle(workDir);
    const workerEntry = compileWorker();
    for (const workers of options.workerCounts) {
      report.rounds.push(
        await runRound({
          missions: n,
          workers,
          workDir,
          bundlePath,
          workerEntry,
          cpuProfile: Boolean(options.cpuProfile),
          leadMs: options.leadMs ?? 60_000 + 150 * n,
          phaseTimeoutMs: options.phaseTimeoutMs ?? 300_000 + 1_000 * n,
          alignBare: options.alignBare ?? true,
          countTransactions: options.countTransactions ?? true,
          settingsEnv,
          log,
        }),
      );
      report.wallS = round1((Date.now() - started) / 1000);
      options.onRound?.(report);
    }
  } finally {
    if (options.keep || options.cpuProfile) log(`worker logs${options.cpuProfile ? ' and CPU profiles' : ''} kept in ${workDir}`);
    else if (!options.workDir) fs.rmSync(workDir, { recursive: true, force: true });
  }
  report.wallS = round1((Date.now() - started) / 1000);
  return report;
}

// ---------------------------------------------------------------- the printed figures

const fmt = (x: number | null, unit = '') => (x === null ? 'n/a' : `${x}${unit}`);
const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : Math.round((a / b) * 100) / 100);

/** One figure: measured / baseline / ratio / target, and whether the target is met. */
function line(label: string, measured: string, baseline: string, r: number | null, target: string, met: boolean | null): string {
  const verdict = met === null ? '' : met ? ' — met' : ' — MISSED';
  return `  ${label.padEnd(44)} measured ${measured.padEnd(11)} baseline ${baseline.padEnd(11)} ratio ${fmt(r).padEnd(6)} target ${target}${verdict}`;
}

export function formatReport(r: BurstReport): string[] {
  const out: string[] = [];
  out.push(`Burst benchmark: ${r.missions} missions (each its own athlete) waking in the same minute; baseline = the bare workflow of the same shape, same run`);
  out.push(`  machine: ${r.cores} cores, load average at start ${r.loadAverage.join(' ')}; wall ${r.wallS} s`);
  out.push(`  worker settings: ${r.settings}`);
  const first = r.rounds[0];
  for (const round of r.rounds) {
    const { lanterne: l, bare: b } = round;
    const lanternePeak = Math.max(0, ...l.workerPeakRssMb);
    const barePeak = Math.max(0, ...b.workerPeakRssMb);
    const atTarget = r.missions >= 500;
    const burstRatio = ratio(l.lastDayS, b.lastDayS);
    out.push(`${round.workers} worker process(es) (idle RSS ${round.idleRssMb.join(' + ')} MB):`);
    out.push(line('time from the minute to the last day', fmt(l.lastDayS, ' s'), fmt(b.lastDayS, ' s'), burstRatio, `ratio ≤ 1.25${atTarget ? '' : ' (at N = 500)'}`, atTarget && burstRatio !== null ? burstRatio <= 1.25 : null));
    out.push(line('  … until recorded in PostgreSQL', fmt(l.lastRecordedS, ' s'), '—', null, '—', null));
    out.push(line('per-mission latency p50', fmt(l.p50S, ' s'), fmt(b.p50S, ' s'), ratio(l.p50S, b.p50S), '—', null));
    out.push(line('per-mission latency p95', fmt(l.p95S, ' s'), fmt(b.p95S, ' s'), ratio(l.p95S, b.p95S), '—', null));
    out.push(line('history events per mission-day (parent)', String(l.parentEventsPerDay), String(b.parentEventsPerDay), ratio(l.parentEventsPerDay, b.parentEventsPerDay), '≤ 50', l.parentEventsPerDay <= 50));
    const shape = (x: DayShape) => `${x.workflowTasks} WFT, ${x.activities} act, ${x.localActivities} local, ${x.childWorkflows} child, ${x.timers} timer, ${x.searchAttributeUpserts} SA`;
    out.push(`  a mission-day (parent from the minute + day workflow): Lanterne ${shape(l.shape)}; bare ${shape(b.shape)}`);
    const steps = (p: StepProfile) => Object.entries(p).map(([k, v]) => `${k} ${v.queueMs}+${v.runMs} ms${v.n > l.historySample ? ` ×${round1(v.n / Math.max(1, l.historySample))}` : ''}`).join(', ');
    out.push(`  steps, mean wait for a worker + run: Lanterne ${steps(l.steps)}`);
    out.push(`                                       bare ${steps(b.steps)}`);
    out.push(line('history events of the day workflow', String(l.dayEventsPerDay), String(b.dayEventsPerDay), ratio(l.dayEventsPerDay, b.dayEventsPerDay), '—', null));
    out.push(line(`peak worker RSS (${r.missions} active missions)`, `${round1(lanternePeak)} MB`, `${round1(barePeak)} MB`, ratio(lanternePeak, barePeak), `≤ 400 MB${r.missions >= 500 ? '' : ' (at 500)'}`, r.missions >= 500 ? lanternePeak <= 400 : lanternePeak <= 400 ? true : null));
    if (round.workers > 1) out.push(line('  per worker', l.workerPeakRssMb.map((x) => `${x}`).join(' + ') + ' MB', b.workerPeakRssMb.join(' + ') + ' MB', null, '—', null));
    out.push(line('worker CPU in the phase', `${l.workerCpuS} s`, `${b.workerCpuS} s`, ratio(l.workerCpuS, b.workerCpuS), '—', null));
    out.push(line('machine CPU busy in the phase (all processes)', `${l.machineBusyCpuS} s`, `${b.machineBusyCpuS} s`, ratio(l.machineBusyCpuS, b.machineBusyCpuS), '—', null));
    const cpu = (c: CpuByProcess) => `workers ${c.workers}, Temporal ${c.temporal}, PostgreSQL ${c.postgres}, APIs+SMTP+client ${c.driver}, other jobs ${c.others}`;
    out.push(`  CPU s by process: Lanterne ${cpu(l.cpu)}; bare ${cpu(b.cpu)}`);
    const perDay = (x: number | null) => (x === null ? 'n/a' : `${round1(x / r.missions)}`);
    out.push(line('PostgreSQL transactions per mission-day', perDay(l.pgTransactions), perDay(b.pgTransactions), null, '—', null));
    out.push(line('days recorded', `${l.statuses ? Object.values(l.statuses).reduce((a, c) => a + c, 0) : 0}`, `${b.daysCompleted}`, null, `= ${r.missions}`, l.rowProblems.length === 0 && l.daysCompleted === r.missions));
    out.push(line('notifications sent (e-mails received)', fmt(l.emails), '—', null, `= ${r.missions}`, l.emails === r.missions));
    out.push(line('duplicate e-mails / duplicate rows', `${l.duplicateEmails ?? 'n/a'} / ${l.rowProblems.length}`, '—', null, '0 / 0', l.duplicateEmails === 0 && l.rowProblems.length === 0));
    const writes = Object.values(round.dayTableWrites).reduce((s, w) => s + w.ins + w.upd + w.del, 0);
    out.push(line('database rows added (per mission-day)', `${l.rowsAdded ?? 'n/a'} (${l.rowsAdded === null ? 'n/a' : round1(l.rowsAdded / r.missions)})`, '0', null, '—', null));
    out.push(line('row writes in the day tables (per mission-day)', `${writes} (${round1(writes / (r.missions + r.warmup))})`, '0', null, '—', null));
    out.push(`  days: ${JSON.stringify(l.statuses)}; plans: ${JSON.stringify(l.plans)}; API requests: Oura ${round.apiRequests.oura}, Strava ${round.apiRequests.strava}, OpenAI ${round.apiRequests.openai}`);
    out.push(`  launch: ${r.missions} Lanterne missions started in ${l.launchS} s (${l.asleepAtMinute ?? 'n/a'} asleep at the minute), bare in ${b.launchS} s; history sample ${l.historySample} missions`);
    for (const p of [...b.problems, ...l.problems, ...l.rowProblems]) out.push(`  PROBLEM: ${p}`);
    if (round !== first) {
      out.push(line(`scale-out: last day, ${round.workers} workers vs ${first.workers}`, fmt(l.lastDayS, ' s'), fmt(first.lanterne.lastDayS, ' s'), ratio(l.lastDayS, first.lanterne.lastDayS), '< 1 (faster)', ratio(l.lastDayS, first.lanterne.lastDayS) !== null ? ratio(l.lastDayS, first.lanterne.lastDayS)! < 1 : null));
      out.push(line(`scale-out: bare last day, ${round.workers} vs ${first.workers}`, fmt(b.lastDayS, ' s'), fmt(first.bare.lastDayS, ' s'), ratio(b.lastDayS, first.bare.lastDayS), '—', null));
    }
  }
  return out;
}
