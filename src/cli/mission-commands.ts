import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { isMissionConfigError, loadMissionFile, missionValidate } from '../mission';
import { overrideUpdate, reflectSignal, statusQuery, upcomingQuery, type OverrideInput, type ReflectInput } from '../shared/mission-api';
import { OVERRIDE_KINDS, overrideProblems, reflectionProblems } from '../shared/message-validation';
import { COMPLETION } from '../domain/types';
import { UserError } from '../infra/user-error';
import { missionForAthlete, startMission } from '../client/missions';
import { action, connectClient, missionWorkflowIdFor, output, reportFolder, withMemory } from './cli-support';
import { athleteHandle, clockTime, isoDate, isoDateOr, missionId as missionIdValue, oneOf, typedArgument, typedOption, wholeNumber } from './commands/arguments';
import { commandPath } from './usage-errors';

async function withMission<T>(missionId: string, athlete: string | undefined, fn: (handle: ReturnType<Awaited<ReturnType<typeof connectClient>>['client']['workflow']['getHandle']>) => Promise<T>): Promise<T> {
  const workflowId = await missionWorkflowIdFor(missionId, athlete);
  const c = await connectClient();
  try {
    return await fn(c.client.workflow.getHandle(workflowId));
  } finally {
    await c.close();
  }
}

/** `--athlete <handle>`: whose mission, when several athletes run a mission with the same id. */
const athleteOption = () => typedOption('--athlete <handle>', 'whose mission (when several athletes run the same mission id)', athleteHandle);

export function registerMissionCommands(program: Command): void {
  const mission = program.command('mission').description('validate, start and steer missions');

  mission
    .command('validate <file>')
    .description('check a mission file and print the normalised mission, or every problem (no server needed)')
    .option('--json', 'print JSON')
    .action(
      action(async (file: string, o: { json?: boolean }) => {
        // A file that cannot be read at all is a one-line error; a file's problems are the report.
        if (!o.json) await loadMissionFile(file).catch((err: unknown) => {
          if (isMissionConfigError(err) && err.problems.every((p) => p.path === '' && p.line === null)) throw err;
        });
        const r = await missionValidate(file, { json: Boolean(o.json) });
        (r.exitCode === 0 ? process.stdout : process.stderr).write(r.output.replace(/\n?$/, '\n'));
        process.exitCode = r.exitCode;
      }),
    );

  mission
    .command('start <file>')
    .description('start the mission workflow for a mission file')
    .addOption(typedOption('--start-date <date>', 'move the calendar to start on YYYY-MM-DD, or "today"', isoDateOr('today')))
    .addOption(typedOption('--athlete <handle>', 'run the file for this athlete (added with `lanterne athlete add`): their handle, profile and timezone replace the file’s', athleteHandle))
    .option('--json', 'print JSON')
    .action(
      action(async (file: string, o: { startDate?: string; athlete?: string; json?: boolean }) => {
        // The mission travels as validated data: the worker never reads this file.
        const fromFile = await loadMissionFile(file);
        let m = fromFile;
        const started = await withMemory(async (memory) => {
          if (o.athlete) {
            const athlete = await memory.athletes.get(o.athlete);
            if (!athlete) throw new UserError(`no athlete ${JSON.stringify(o.athlete)}`, `add them first: \`lanterne athlete add ${o.athlete} --timezone <zone> --ftp <watts> …\` (see \`lanterne athlete add --help\`)`);
            m = missionForAthlete(fromFile, athlete);
          }
          const c = await connectClient();
          try {
            return await startMission(c.client, memory, m, { startDate: o.startDate });
          } finally {
            await c.close();
          }
        });
        output(Boolean(o.json), { missionId: m.id, athlete: m.athlete.handle, athleteId: started.athleteId, workflowId: started.workflowId }, () => `started ${started.workflowId} (${m.name}, ${m.days.length} days, athlete ${m.athlete.handle})`);
      }),
    );

  mission
    .command('status')
    .addArgument(typedArgument('<missionId>', 'the mission’s id', missionIdValue))
    .description('the mission workflow’s state: day, next run, pause, last decision, load')
    .addOption(typedOption('--upcoming <n>', 'also list the next n days', wholeNumber({ min: 1 })))
    .addOption(athleteOption())
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

  mission
    .command('pause')
    .addArgument(typedArgument('<missionId>', 'the mission’s id', missionIdValue))
    .description('pause the mission (days that pass while paused are skipped)')
    .option('--reason <text>', 'why')
    .addOption(athleteOption())
    .option('--json', 'print JSON')
    .action(action(async (missionId: string, o: { reason?: string; athlete?: string; json?: boolean }) => sendOverride(missionId, o.athlete, { kind: 'pause', reason: o.reason }, Boolean(o.json))));

  mission
    .command('resume')
    .addArgument(typedArgument('<missionId>', 'the mission’s id', missionIdValue))
    .description('resume a paused mission')
    .addOption(athleteOption())
    .option('--json', 'print JSON')
    .action(action(async (missionId: string, o: { athlete?: string; json?: boolean }) => sendOverride(missionId, o.athlete, { kind: 'resume' }, Boolean(o.json))));
}

async function sendOverride(missionId: string, athlete: string | undefined, input: OverrideInput, json: boolean): Promise<void> {
  const problems = overrideProblems(input);
  if (problems.length) throw new UserError(problems.join('; '), 'see `lanterne override --help`');
  await withMission(missionId, athlete, async (h) => {
    const r = await h.executeUpdate(overrideUpdate, { args: [input] });
    output(json, r, () => `ok: ${r.changed}`);
  });
}

export function registerSteeringCommands(program: Command): void {
  program
    .command('override')
    .addArgument(typedArgument('<missionId>', 'the mission’s id', missionIdValue))
    .addArgument(typedArgument('<kind>', OVERRIDE_KINDS.join(', '), oneOf(OVERRIDE_KINDS)))
    .description('change the mission: rest-day, swap-days, set-ftp, pause, resume, shift, set-run-time, set-channels')
    .addOption(typedOption('--date <date>', 'YYYY-MM-DD (rest-day, swap-days)', isoDate))
    .addOption(typedOption('--other-date <date>', 'YYYY-MM-DD (swap-days)', isoDate))
    .addOption(typedOption('--ftp <watts>', 'new FTP (set-ftp)', wholeNumber()))
    .addOption(typedOption('--days <n>', 'days to shift the remaining calendar by (shift)', wholeNumber()))
    .addOption(typedOption('--run-time <HH:MM>', 'new daily run time (set-run-time)', clockTime))
    .option('--channels <list>', 'comma-separated: email, sms, twilio (set-channels)')
    .option('--reason <text>', 'why (rest-day, pause)')
    .addOption(athleteOption())
    .option('--json', 'print JSON')
    .action(
      action(async (missionId: string, kind: OverrideInput['kind'], o: OverrideOptions, cmd: Command) => {
        checkOverrideOptions(cmd, kind, o);
        const input = {
          kind,
          date: o.date,
          otherDate: o.otherDate,
          ftpW: o.ftp,
          days: o.days,
          runTime: o.runTime,
          channels: o.channels?.split(',').map((s) => s.trim()).filter(Boolean),
          reason: o.reason,
        };
        const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as unknown as OverrideInput;
        await sendOverride(missionId, o.athlete, clean, Boolean(o.json));
      }),
    );

  program
    .command('reflect')
    .addArgument(typedArgument('<missionId>', 'the mission’s id', missionIdValue))
    .description('tell the coach how a day felt (used by the next days’ decisions)')
    .addOption(typedOption('--date <date>', 'the day, YYYY-MM-DD', isoDate).makeOptionMandatory())
    .addOption(typedOption('--rpe <1-10>', 'perceived exertion', wholeNumber()).makeOptionMandatory())
    .addOption(typedOption('--legs <1-5>', 'legs / soreness, 1 fresh … 5 very sore', wholeNumber()).makeOptionMandatory())
    .addOption(typedOption('--mood <1-5>', 'mood, 1 low … 5 great', wholeNumber()).makeOptionMandatory())
    .addOption(typedOption('--sleep <1-5>', 'sleep quality, 1 bad … 5 great', wholeNumber()).makeOptionMandatory())
    .addOption(typedOption('--completed <yes|partly|no>', 'did you do the workout', oneOf(COMPLETION)).makeOptionMandatory())
    .option('--note <text>', 'free text (up to 1000 characters)')
    .addOption(athleteOption())
    .option('--json', 'print JSON')
    .action(
      action(async (missionId: string, o: { date: string; rpe: number; legs: number; mood: number; sleep: number; completed: string; note?: string; athlete?: string; json?: boolean }) => {
        const input = { date: o.date, rpe: o.rpe, legs: o.legs, mood: o.mood, sleepQuality: o.sleep, completed: o.completed, note: o.note } as ReflectInput;
        const problems = reflectionProblems(input);
        if (problems.length) throw new UserError(problems.join('; '), 'see `lanterne reflect --help`');
        await withMission(missionId, o.athlete, async (h) => {
          await h.signal(reflectSignal, input);
          output(Boolean(o.json), { sent: true, reflection: input }, () => `reflection for ${o.date} sent to mission ${missionId}`);
        });
      }),
    );

  program
    .command('report')
    .addArgument(typedArgument('<missionId>', 'the mission’s id', missionIdValue))
    .addArgument(typedArgument('<date>', 'the day, YYYY-MM-DD, or "summary" (the whole block)', isoDateOr('summary')))
    .description('print a day’s report (written by the daily cycle under output/<athlete>/<missionId>/)')
    .addOption(typedOption('--format <fmt>', 'md, html or json', oneOf(['md', 'html', 'json'])).default('md'))
    .addOption(typedOption('--athlete <handle>', 'whose report (when several athletes run the same mission id)', athleteHandle))
    .action(
      action(async (missionId: string, date: string, o: { format: string; athlete?: string }) => {
        const file = path.join(await reportFolder(missionId, o.athlete), `${date}.${o.format}`);
        if (!fs.existsSync(file)) throw new UserError(`no report at ${file}`, 'reports are written when a day’s cycle runs; check `lanterne mission status`');
        process.stdout.write(fs.readFileSync(file, 'utf8'));
      }),
    );
}

interface OverrideOptions {
  athlete?: string;
  date?: string;
  otherDate?: string;
  ftp?: number;
  days?: number;
  runTime?: string;
  channels?: string;
  reason?: string;
  json?: boolean;
}

/** The options each override kind needs and may take, by long flag; any other is refused by name. */
const OVERRIDE_OPTIONS: Record<OverrideInput['kind'], { needs: string[]; may: string[] }> = {
  'rest-day': { needs: ['--date'], may: ['--reason'] },
  'swap-days': { needs: ['--date', '--other-date'], may: [] },
  'set-ftp': { needs: ['--ftp'], may: [] },
  pause: { needs: [], may: ['--reason'] },
  resume: { needs: [], may: [] },
  shift: { needs: ['--days'], may: [] },
  'set-run-time': { needs: ['--run-time'], may: [] },
  'set-channels': { needs: ['--channels'], may: [] },
};

/** Refuses an option the kind does not take, and names the options it needs but lacks. */
function checkOverrideOptions(cmd: Command, kind: OverrideInput['kind'], o: OverrideOptions): void {
  const { needs, may } = OVERRIDE_OPTIONS[kind];
  const takes = [...needs, ...may];
  const flags = (longs: string[]) => longs.map((l) => cmd.options.find((x) => x.long === l)?.flags ?? l);
  const usage = `usage: ${commandPath(cmd)} <missionId> ${kind} ${[...flags(needs), ...flags(may).map((f) => `[${f}]`)].join(' ')}`.trimEnd();
  for (const option of cmd.options) {
    const key = option.attributeName();
    if (key === 'json' || key === 'athlete' || !option.long || o[key as keyof OverrideOptions] === undefined || takes.includes(option.long)) continue;
    throw new UserError(`${option.long} does not apply to ${kind}; ${kind} takes ${takes.length ? takes.join(', ') : 'no options'}`, usage);
  }
  const missing = needs.filter((l) => o[cmd.options.find((x) => x.long === l)!.attributeName() as keyof OverrideOptions] === undefined);
  if (missing.length) throw new UserError(`${kind} needs ${flags(missing).join(', ')}`, usage);
}
