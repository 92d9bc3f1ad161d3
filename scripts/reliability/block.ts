/**
 * A multi-day block on the real clock, and the audit of what it left behind.
 *
 * The dev server runs on the real clock, and a mission day is a calendar date: a new mission gets
 * one day to run today. A trial needs several days in seconds, so its block is a mission whose run
 * began `pastDays` days ago and whose workers have been down since — the state a mission carries
 * through continue-as-new, with `startedOn` that many days back. As after any worker outage, the
 * days whose run time has passed run late, one after another, each a whole day (observe, decide,
 * plan, deliver: rows, report, e-mail) with its own date; the later days wait for their run time.
 * The mission is registered as its first run would have done it (`registerMission`: the athlete,
 * the mission row, its config version), in a zone where it is now about noon (far from the run
 * time, midnight and the quiet hours).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { addDays } from '../../src/domain/iso-date';
import { localDate, zonedInstant } from '../../src/domain/schedule';
import type { Channel, ClockTime, IsoDate, MissionConfig } from '../../src/domain/types';
import { loadMissionFile } from '../../src/mission';
import { createMissionActivities } from '../../src/activities/mission-activities';
import type { ActivityDeps } from '../../src/activities';
import { initialState } from '../../src/shared/mission-state';
import { missionInput } from '../../src/client/missions';
import { missionWorkflowId, statusQuery, TASK_QUEUE, type MissionStatus } from '../../src/shared/mission-api';
import { ATHLETE, MISSION_ID, PHASE } from '../../src/shared/search-attributes';
import type { missionWorkflow } from '../../src/workflows/mission';
import { zoneAtLocalNoon } from '../../tests/support/mission-client';
import type { ReceivedMail } from '../../tests/support/smtp-sink';
import { ROOT, waitFor, type Rig } from './rig';

export interface BlockSpec {
  /** Athlete handle (a fresh one per block: rows, reports and messages are told apart by it). */
  athlete: string;
  /** Mission id and name (the name starts every e-mail subject, so a block's messages are found by it). */
  missionId: string;
  name: string;
  /** Days before today in the block: they run late at once, then today. */
  pastDays: number;
  /** Days after today (they wait for their run time; they keep the mission running). */
  futureDays?: number;
  channels?: Channel[];
  /** The model planner (needs OPENAI_* on the worker); default off (the template planner). */
  useLlm?: boolean;
  maxDaysPerRun?: number;
  taskQueue?: string;
  /** Zone of the mission; default the one where it is now about noon. */
  timeZone?: string;
  /** Daily run time; default 06:30 (passed in the noon zone: today is due at once). */
  runTime?: ClockTime;
}

export interface Block {
  spec: BlockSpec;
  mission: MissionConfig;
  configHash: string;
  athleteId: string;
  workflowId: string;
  handle: WorkflowHandle<typeof missionWorkflow>;
  /** The dates that run now (the past days, and today when its run time has passed). */
  dueDates: IsoDate[];
  timeZone: string;
}

let tdf: MissionConfig | null = null;

/** The block's mission: the TdF simulation's first days from `first`, for one athlete, with the spec's settings. */
export async function blockMission(spec: BlockSpec, first: IsoDate, timeZone: string): Promise<MissionConfig> {
  tdf ??= await loadMissionFile(path.join(ROOT, 'missions/tdf_sim_2025.toml'));
  const count = spec.pastDays + 1 + (spec.futureDays ?? 2);
  const offset = Math.round((Date.parse(first) - Date.parse(tdf.startDate)) / 86_400_000);
  return {
    ...tdf,
    id: spec.missionId,
    name: spec.name,
    timezone: timeZone,
    runTime: spec.runTime ?? tdf.runTime,
    startDate: first,
    athlete: { ...tdf.athlete, handle: spec.athlete },
    // A few days of the Tour: its key stages and taper lie beyond them.
    goals: { ...tdf.goals, keyStages: [], taperDays: 0 },
    notifications: { ...tdf.notifications, channels: spec.channels ?? ['email'] },
    planner: { ...tdf.planner, useLlm: spec.useLlm ?? false },
    days: tdf.days.slice(0, count).map((d) => ({ ...d, training: { ...d.training }, date: addDays(d.date, offset), importance: d.importance === 'key' ? 'high' : d.importance })),
  };
}

/** Registers the block's mission as its first run did and starts its workflow with the carried state. */
export async function startBlock(rig: Rig, spec: BlockSpec): Promise<Block> {
  const timeZone = spec.timeZone ?? zoneAtLocalNoon(Date.now());
  const today = localDate(Date.now(), timeZone);
  const first = addDays(today, -spec.pastDays);
  const draft = await blockMission(spec, first, timeZone);
  const athlete = await rig.memory.athletes.ensure(spec.athlete);
  // What the mission's first run did (the registerMission activity): the mission checked, its rows recorded.
  const { registerMission } = createMissionActivities({ memory: rig.memory } as unknown as ActivityDeps);
  const input = missionInput(draft);
  const { mission, configHash } = await registerMission({ ...input, nowMs: Date.now() });
  const workflowId = missionWorkflowId(athlete.id, mission.id);
  const state = { ...initialState(mission, configHash, first, athlete.id) };
  const handle = (await rig.client.workflow.start('missionWorkflow', {
    taskQueue: spec.taskQueue ?? TASK_QUEUE,
    workflowId,
    args: [{ state, options: spec.maxDaysPerRun ? { maxDaysPerRun: spec.maxDaysPerRun } : {} }],
    typedSearchAttributes: [
      { key: MISSION_ID, value: mission.id },
      { key: ATHLETE, value: athlete.id },
      { key: PHASE, value: 'starting' },
    ],
  })) as WorkflowHandle<typeof missionWorkflow>;
  await rig.memory.missions.recordStart({ athlete: spec.athlete, missionId: mission.id }, { name: mission.name, configHash, workflowId });
  const now = Date.now();
  const dueDates = mission.days.map((d) => d.date).filter((d) => zonedInstant(d, mission.runTime, timeZone) <= now);
  return { spec, mission, configHash, athleteId: athlete.id, workflowId, handle, dueDates, timeZone };
}

/** The mission's status, or null while no worker answers (queries need one). */
export async function statusOf(block: Block): Promise<MissionStatus | null> {
  return block.handle.query(statusQuery).catch(() => null);
}

/** Waits until every due day has an outcome and no day runs. */
export async function waitForBlock(block: Block, timeoutMs: number): Promise<MissionStatus> {
  return waitFor(
    `${block.spec.name}: its ${block.dueDates.length} due days done`,
    async () => {
      const s = await statusOf(block);
      return s && s.phase !== 'running-day' && s.daysDone >= block.dueDates.length ? s : null;
    },
    timeoutMs,
    300,
  );
}

/** What a block left behind, day by day, and what it lost. */
export interface BlockAudit {
  days: number;
  /** Due days without an outcome, a decision, a report or an e-mail sent (ok or degraded days count as done). */
  lostDays: IsoDate[];
  /** Messages delivered beyond one per day (any channel of the sink), by date. */
  duplicateDeliveries: { date: IsoDate; count: number }[];
  /** Days whose e-mail never arrived (in the sink). */
  missingDeliveries: IsoDate[];
  /** Rows beyond one per (athlete, mission, day, …key) in any table, and overrides recorded twice. */
  duplicateRows: { table: string; key: string; count: number }[];
  /** Report files missing, unparsable, not matching their row, or temporary files left behind. */
  badReports: { file: string; why: string }[];
  statuses: Record<IsoDate, string>;
  degraded: Record<IsoDate, string[]>;
}

const DAY_TABLES = ['day_runs', 'observations', 'load_metrics', 'decisions', 'plans', 'class_suggestions', 'reports', 'adaptations', 'reflections'];

/** Checks every due day of the block in PostgreSQL, the report folder and the SMTP sink. */
export async function auditBlock(rig: Rig, block: Block, mail: ReceivedMail[], o: { emailExpected?: boolean } = {}): Promise<BlockAudit> {
  const scope = [block.spec.athlete, block.mission.id];
  const q = (sql: string, params: unknown[] = scope) => rig.pool.query(sql, params).then((r) => r.rows);
  const audit: BlockAudit = { days: block.dueDates.length, lostDays: [], duplicateDeliveries: [], missingDeliveries: [], duplicateRows: [], badReports: [], statuses: {}, degraded: {} };

  for (const table of DAY_TABLES) {
    for (const r of await q(`select day::text as day, count(*)::int as n from ${table} where athlete=$1 and mission_id=$2 group by day having count(*) > 1`)) {
      audit.duplicateRows.push({ table, key: r.day, count: r.n });
    }
  }
  for (const r of await q(`select day::text as day, channel, message_key, count(*)::int as n from notifications where athlete=$1 and mission_id=$2 group by 1, 2, 3 having count(*) > 1`)) {
    audit.duplicateRows.push({ table: 'notifications', key: `${r.day}/${r.channel}/${r.message_key}`, count: r.n });
  }
  // An override is one row per request; the same change recorded under two requests is a duplicate.
  for (const r of await q(`select kind, coalesce(day::text, '') as day, payload->>'changed' as changed, count(*)::int as n from overrides where athlete=$1 and mission_id=$2 group by 1, 2, 3 having count(*) > 1`)) {
    audit.duplicateRows.push({ table: 'overrides', key: `${r.kind}/${r.day}/${r.changed}`, count: r.n });
  }

  const runs = new Map((await q('select day::text as day, status, degraded_reasons from day_runs where athlete=$1 and mission_id=$2')).map((r) => [r.day as string, r]));
  const decisions = new Map((await q('select day::text as day, decision from decisions where athlete=$1 and mission_id=$2')).map((r) => [r.day as string, r.decision as string]));
  const reports = new Map((await q('select day::text as day, paths from reports where athlete=$1 and mission_id=$2')).map((r) => [r.day as string, r.paths as string[]]));
  const sent = new Map((await q(`select day::text as day, count(*)::int as n from notifications where athlete=$1 and mission_id=$2 and channel='email' and message_key='day' and status='sent' group by 1`)).map((r) => [r.day as string, r.n as number]));

  for (const date of block.dueDates) {
    const run = runs.get(date);
    audit.statuses[date] = run?.status ?? 'missing';
    audit.degraded[date] = (run?.degraded_reasons as string[] | undefined) ?? [];
    const done = run && (run.status === 'ok' || run.status === 'degraded');
    const emailExpected = o.emailExpected ?? true;
    const delivered = mail.filter((m) => m.subject.startsWith(`${block.mission.name} — ${date} — `)).length;
    if (delivered > 1) audit.duplicateDeliveries.push({ date, count: delivered });
    if (emailExpected && delivered === 0) audit.missingDeliveries.push(date);
    if (!done || !decisions.has(date) || !reports.has(date) || (emailExpected && !sent.has(date))) audit.lostDays.push(date);

    const paths = reports.get(date) ?? [];
    if (done && paths.length !== 3) audit.badReports.push({ file: `${date}.*`, why: `the reports row lists ${paths.length} files` });
    for (const file of paths) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        audit.badReports.push({ file, why: 'missing' });
        continue;
      }
      if (file.endsWith('.json')) {
        try {
          const report = JSON.parse(text) as { date?: string; decision?: { decision?: string } };
          if (report.date !== date || report.decision?.decision !== decisions.get(date)) audit.badReports.push({ file, why: `says ${report.date}/${report.decision?.decision}, the row says ${date}/${decisions.get(date)}` });
        } catch (err) {
          audit.badReports.push({ file, why: `not JSON: ${(err as Error).message}` });
        }
      } else if (file.endsWith('.html')) {
        if (!/<\/html>\s*$/.test(text)) audit.badReports.push({ file, why: 'HTML cut short' });
      } else if (!text.includes(date)) audit.badReports.push({ file, why: 'Markdown without its date' });
    }
  }
  // Temporary files of an interrupted atomic write (`.<name>.<pid>.<hex>.tmp`) left in the block's folder.
  const folder = path.join(rig.outputDir, block.spec.athlete, block.mission.id);
  if (fs.existsSync(folder)) for (const f of fs.readdirSync(folder)) if (f.endsWith('.tmp')) audit.badReports.push({ file: path.join(folder, f), why: 'temporary file left behind' });
  return audit;
}

/** Sums audits into the figures of a table line. */
export function sumAudits(audits: BlockAudit[]): { days: number; lostDays: number; duplicateDeliveries: number; missingDeliveries: number; duplicateRows: number; badReports: number } {
  return {
    days: audits.reduce((n, a) => n + a.days, 0),
    lostDays: audits.reduce((n, a) => n + a.lostDays.length, 0),
    duplicateDeliveries: audits.reduce((n, a) => n + a.duplicateDeliveries.reduce((m, d) => m + d.count - 1, 0), 0),
    missingDeliveries: audits.reduce((n, a) => n + a.missingDeliveries.length, 0),
    duplicateRows: audits.reduce((n, a) => n + a.duplicateRows.reduce((m, d) => m + d.count - 1, 0), 0),
    badReports: audits.reduce((n, a) => n + a.badReports.length, 0),
  };
}
