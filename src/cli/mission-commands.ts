import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadMissionFile, missionValidate } from '../mission';
import { overrideUpdate, reflectSignal, statusQuery, upcomingQuery, type OverrideInput, type ReflectInput } from '../shared/mission-api';
import { overrideProblems, reflectionProblems } from '../shared/message-validation';
import { isIsoDate } from '../domain/iso-date';
import { UserError } from '../infra/user-error';
import { startMission } from '../client/missions';
import { action, connectClient, missionWorkflowIdFor, output, reportFolder, withMemory } from './cli-support';

function int(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new UserError(`--${name} must be a whole number (got ${JSON.stringify(v)})`);
    return n;
  };
}

async function withMission<T>(missionId: string, athlete: string | undefined, fn: (handle: ReturnType<Awaited<ReturnType<typeof connectClient>>['client']['workflow']['getHandle']>) => Promise<T>): Promise<T> {
  const workflowId = await missionWorkflowIdFor(missionId, athlete);
  const c = await connectClient();
  try {
    return await fn(c.client.workflow.getHandle(workflowId));
  } finally {
    await c.close();
  }
}

export function registerMissionCommands(program: Command): void {
  const mission = program.command('mission').description('validate, start and steer missions');

  mission
    .command('validate <file>')
    .description('check a mission file and print the normalised mission, or every problem (no server needed)')
    .option('--json', 'print JSON')
    .action(
      action(async (file: string, o: { json?: boolean }) => {
        const r = await missionValidate(file, { json: Boolean(o.json) });
        (r.exitCode === 0 ? process.stdout : process.stderr).write(r.output.replace(/\n?$/, '\n'));
        process.exitCode = r.exitCode;
      }),
    );

  mission
    .command('start <file>')
    .description('start the mission workflow for a mission file')
    .option('--start-date <date>', 'move the calendar to start on YYYY-MM-DD, or "today"')
    .option('--json', 'print JSON')
    .action(
      action(async (file: string, o: { startDate?: string; json?: boolean }) => {
        if (o.startDate && o.startDate !== 'today' && !isIsoDate(o.startDate)) {
          throw new UserError(`--start-date ${o.startDate} is not a real date`, 'use YYYY-MM-DD or "today"');
        }
        // The mission travels as validated data: the worker never reads this file.
        const m = await loadMissionFile(file);
        const started = await withMemory(async (memory) => {
          const c = await connectClient();
          try {
            return await startMission(c.client, memory, m, { startDate: o.startDate as string | undefined });
          } finally {
            await c.close();
          }
        });
        output(Boolean(o.json), { missionId: m.id, athlete: m.athlete.handle, athleteId: started.athleteId, workflowId: started.workflowId }, () => `started ${started.workflowId} (${m.name}, ${m.days.length} days, athlete ${m.athlete.handle})`);
      }),
    );

  mission
    .command('status <missionId>')
    .description('the mission workflow’s state: day, next run, pause, last decision, load')
    .option('--upcoming <n>', 'also list the next n days', int('upcoming'))
    .option('--athlete <handle>', 'whose mission (when several athletes run the same mission id)')
    .option('--json', 'print JSON')
    .action(
      action(async (missionId: string, o: { upcoming?: number; athlete?: string; json?: boolean }) => {
        await withMission(missionId, o.athlete, async (h) => {
          const s = await h.query(statusQuery);
          const upcoming = o.upcoming ? await h.query(upcomingQuery, o.upcoming) : undefined;
          output(Boolean(o.json), upcoming ? { ...s, upcoming } : s, () =>
            [
              `${s.name} (${s.missionId}, athlete ${s.athlete})`,
              `phase ${s.phase}${s.paused ? ` — paused${s.pauseReason ? `: ${s.pauseReason}` : ''}` : ''}`,
              `days ${s.daysDone}/${s.daysTotal}: ${s.counters.ok} ok, ${s.counters.degraded} degraded, ${s.counters.failed} failed, ${s.counters.skipped} skipped`,
              s.lastDay ? `last day ${s.lastDay.date}: ${s.lastDay.decision ?? '-'} (${s.lastDay.status})` : 'no day has run yet',
              s.nextDay ? `next ${s.nextDay.date} ${s.nextDay.name}${s.nextRunAt ? ` at ${s.nextRunAt}` : ''}` : 'no more days',
              s.load ? `load CTL ${s.load.ctl} ATL ${s.load.atl} TSB ${s.load.tsb}` : '',
              `FTP ${s.ftpW} W, channels ${s.channels.join(', ') || 'none'}, reflections ${s.reflections.length}`,
              ...(upcoming ?? []).map((d) => `  ${d.date} ${d.type.padEnd(8)} ${String(d.durationMin).padStart(3)} min  ${d.name}${d.override ? `  [${d.override}]` : ''}`),
            ]
              .filter(Boolean)
              .join('\n'),
          );
        });
      }),
    );

  for (const kind of ['pause', 'resume'] as const) {
    mission
      .command(`${kind} <missionId>`)
      .description(`${kind} the mission${kind === 'pause' ? ' (days that pass while paused are skipped)' : ''}`)
      .option('--reason <text>', 'why (pause only)')
      .option('--athlete <handle>', 'whose mission (when several athletes run the same mission id)')
      .option('--json', 'print JSON')
      .action(
        action(async (missionId: string, o: { reason?: string; athlete?: string; json?: boolean }) => {
          const input: OverrideInput = kind === 'pause' ? { kind, reason: o.reason } : { kind };
          await sendOverride(missionId, o.athlete, input, Boolean(o.json));
        }),
      );
  }
}

async function sendOverride(missionId: string, athlete: string | undefined, input: OverrideInput, json: boolean): Promise<void> {
  const problems = overrideProblems(input);
  if (problems.length) throw new UserError(problems.join('; '));
  await withMission(missionId, athlete, async (h) => {
    const r = await h.executeUpdate(overrideUpdate, { args: [input] });
    output(json, r, () => `ok: ${r.changed}`);
  });
}

export function registerSteeringCommands(program: Command): void {
  program
    .command('override <missionId> <kind>')
    .description('change the mission: rest-day, swap-days, set-ftp, pause, resume, shift, set-run-time, set-channels')
    .option('--date <date>', 'YYYY-MM-DD (rest-day, swap-days)')
    .option('--other-date <date>', 'YYYY-MM-DD (swap-days)')
    .option('--ftp <watts>', 'new FTP (set-ftp)', int('ftp'))
    .option('--days <n>', 'days to shift the remaining calendar by (shift)', int('days'))
    .option('--run-time <HH:MM>', 'new daily run time (set-run-time)')
    .option('--channels <list>', 'comma-separated: email, sms, twilio (set-channels)')
    .option('--reason <text>', 'why (rest-day, pause)')
    .option('--athlete <handle>', 'whose mission (when several athletes run the same mission id)')
    .option('--json', 'print JSON')
    .action(
      action(async (missionId: string, kind: string, o: Record<string, string | number | boolean | undefined>) => {
        const input = {
          kind,
          date: o.date,
          otherDate: o.otherDate,
          ftpW: o.ftp,
          days: o.days,
          runTime: o.runTime,
          channels: typeof o.channels === 'string' ? o.channels.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
          reason: o.reason,
        };
        const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as unknown as OverrideInput;
        await sendOverride(missionId, o.athlete as string | undefined, clean, Boolean(o.json));
      }),
    );

  program
    .command('reflect <missionId>')
    .description('tell the coach how a day felt (used by the next days’ decisions)')
    .requiredOption('--date <date>', 'the day, YYYY-MM-DD')
    .requiredOption('--rpe <1-10>', 'perceived exertion', int('rpe'))
    .requiredOption('--legs <1-5>', 'legs / soreness, 1 fresh … 5 very sore', int('legs'))
    .requiredOption('--mood <1-5>', 'mood, 1 low … 5 great', int('mood'))
    .requiredOption('--sleep <1-5>', 'sleep quality, 1 bad … 5 great', int('sleep'))
    .requiredOption('--completed <yes|partly|no>', 'did you do the workout')
    .option('--note <text>', 'free text (up to 1000 characters)')
    .option('--athlete <handle>', 'whose mission (when several athletes run the same mission id)')
    .option('--json', 'print JSON')
    .action(
      action(async (missionId: string, o: { date: string; rpe: number; legs: number; mood: number; sleep: number; completed: string; note?: string; athlete?: string; json?: boolean }) => {
        const input = { date: o.date, rpe: o.rpe, legs: o.legs, mood: o.mood, sleepQuality: o.sleep, completed: o.completed, note: o.note } as ReflectInput;
        const problems = reflectionProblems(input);
        if (problems.length) throw new UserError(problems.join('; '));
        await withMission(missionId, o.athlete, async (h) => {
          await h.signal(reflectSignal, input);
          output(Boolean(o.json), { sent: true, reflection: input }, () => `reflection for ${o.date} sent to mission ${missionId}`);
        });
      }),
    );

  program
    .command('report <missionId> <date>')
    .description('print a day’s report (written by the daily cycle under output/)')
    .option('--format <fmt>', 'md, html or json', 'md')
    .option('--athlete <handle>', 'whose report (when several athletes run the same mission id)')
    .action(
      action(async (missionId: string, date: string, o: { format: string; athlete?: string }) => {
        if (!['md', 'html', 'json'].includes(o.format)) throw new UserError(`--format ${o.format} is not accepted`, 'use md, html or json');
        if (!isIsoDate(date) && date !== 'summary') throw new UserError(`date ${date} is not a real YYYY-MM-DD date`, 'or `summary` for the block summary');
        if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(missionId)) throw new UserError(`mission id ${missionId} is not valid`);
        const folder = await reportFolder(missionId, o.athlete);
        const file = path.join(folder, `${date}.${o.format}`);
        if (!fs.existsSync(file)) throw new UserError(`no report at ${file}`, 'reports are written when a day’s cycle runs; check `lanterne mission status`');
        process.stdout.write(fs.readFileSync(file, 'utf8'));
      }),
    );
}
