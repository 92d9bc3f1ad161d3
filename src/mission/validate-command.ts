/**
 * `lanterne mission validate <file> [--json]`: checks a mission file without a database or server.
 * Prints the normalised mission (or a readable summary), or every problem; exit code 1 on problems.
 */
import type { MissionConfig, MissionDay } from '../domain/types';
import { loadMissionFile } from './load-mission';
import { missionEndDate } from './mission-calendar';
import { formatProblems, isMissionConfigError, isWholeFileProblem } from './mission-errors';
import { missionHash } from './mission-hash';

export interface CommandResult {
  exitCode: number;
  output: string;
}

export async function missionValidate(file: string, opts: { json: boolean }): Promise<CommandResult> {
  let config: MissionConfig;
  try {
    config = await loadMissionFile(file);
  } catch (err) {
    if (!isMissionConfigError(err)) throw err;
    const output = opts.json ? JSON.stringify(err.problems, null, 2) : formatProblems(err.problems);
    const count = err.problems.length;
    const footer = opts.json || err.problems.every(isWholeFileProblem) ? '' : `\n${count} problem${count === 1 ? '' : 's'} in ${file}`;
    return { exitCode: 1, output: `${output}${footer}` };
  }
  return { exitCode: 0, output: opts.json ? JSON.stringify(config, null, 2) : summarise(file, config) };
}

function dayLine(day: MissionDay): string {
  const label = day.stage !== null ? `stage ${day.stage}` : day.type === 'rest' ? 'rest' : `day ${day.index}`;
  const training = day.training.mode === 'rest' ? 'rest' : `${day.training.mode} ${day.training.durationMin} min`;
  const routeInName = day.start !== null && day.finish !== null && day.name.includes(day.start) && day.name.includes(day.finish);
  const route = day.start !== null && day.finish !== null && !routeInName ? ` (${day.start} → ${day.finish})` : '';
  const key = day.importance === 'key' || day.importance === 'high' ? ` [${day.importance}]` : '';
  return `  ${day.date}  ${label.padEnd(9)} ${day.type.padEnd(8)} ${training.padEnd(16)} ${day.name}${route}${key}`;
}

/** A readable summary of a valid mission. */
export function summarise(file: string, c: MissionConfig): string {
  const stages = c.days.filter((d) => d.stage !== null).length;
  const rest = c.days.filter((d) => d.type === 'rest' || d.training.mode === 'rest').length;
  const minutes = c.days.reduce((sum, d) => sum + d.training.durationMin, 0);
  const a = c.athlete;
  const lines = [
    `${file}: OK`,
    `mission    ${c.id}: ${c.name}`,
    `athlete    ${a.handle}: FTP ${a.ftpW} W, ${a.weightKg} kg, threshold HR ${a.thresholdHr}, max HR ${a.maxHr}${a.restingHr !== null ? `, resting HR ${a.restingHr}` : ''} (${a.disciplines.join(', ')})`,
    `schedule   ${c.startDate} to ${missionEndDate(c)}: ${c.days.length} days (${stages} stages, ${rest} rest days), ${Math.round((minutes / 60) * 10) / 10} h planned`,
    `daily run  ${c.runTime} ${c.timezone}`,
    `goals      ${c.goals.summary}`,
    `           weekly cap ${c.goals.weeklyHoursCap} h, at most ${c.goals.maxConsecutiveHardDays} hard days in a row, taper ${c.goals.taperDays} days, key ${c.days.some((d) => d.stage !== null) ? 'stages' : 'days'}: ${c.goals.keyStages.join(', ') || 'none'}`,
    `notify     ${c.notifications.channels.join(', ') || 'no channels'}${c.notifications.quietHours ? `, quiet ${c.notifications.quietHours.start}–${c.notifications.quietHours.end}` : ''}`,
    `planner    ${c.planner.useLlm ? `LLM ${c.planner.model}` : 'deterministic (LLM off)'}, language ${c.planner.language}`,
    `hash       ${missionHash(c)}`,
    'days',
    ...c.days.map(dayLine),
  ];
  return lines.join('\n');
}
