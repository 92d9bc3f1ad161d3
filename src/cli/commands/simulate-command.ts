import type { Command } from 'commander';
import { action, output } from '../cli-support';
import { isoDateOr, positiveInt, typedOption } from './arguments';
import { simulateMission, type SimulationResult } from './simulate';
import { progressBar, table } from './formatting';

export function formatSimulation(r: SimulationResult): string {
  const rows = r.days.map((d) => [d.index + 1, d.date, d.stage === null ? 'rest' : `stage ${d.stage}`, d.status, d.decision, d.state, d.readiness, d.tss, d.ctl, d.atl, d.tsb]);
  const decided = r.days.filter((d) => d.decision !== null).length;
  return [
    `${r.name} (${r.missionId}): ${r.days.length}${r.days.length < r.totalMissionDays ? ` of ${r.totalMissionDays}` : ''} days simulated in ${r.seconds} s, ${decided} decided`,
    table(['day', 'date', 'stage', 'status', 'decision', 'readiness', 'score', 'TSS', 'CTL', 'ATL', 'TSB'], rows),
    ...(r.outputDir ? [`reports in ${r.outputDir}`] : []),
  ].join('\n');
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate <file>')
    .description('run a whole mission on the Temporal time-skipping test server with the synthetic athlete, then print a table of the days')
    .option('--days <n>', 'simulate only the first n days', positiveInt('--days'))
    .addOption(typedOption('--start-date <date>', 'move the calendar to start on YYYY-MM-DD (today or later) or "today"', isoDateOr('today')).default('today'))
    .option('--output <dir>', 'keep the reports in this folder (default: a temporary folder, removed at the end)')
    .option('--llm', 'let the planner ask the model (OPENAI_API_KEY); by default the templates plan, which is fast')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nThe test server’s clock starts at the real now and a mission never runs days before it was started, so the\n' +
        'calendar is moved to start today (or --start-date); the table shows both dates. Nothing is notified.\n' +
        'PostgreSQL: a scratch database on DATABASE_URL (dropped at the end), else an embedded server in a temporary folder.',
    )
    .action(
      action(async (file: string, o: { days?: number; startDate: string; output?: string; llm?: boolean; json?: boolean }) => {
        const tty = Boolean(process.stderr.isTTY);
        let lastLine = '';
        const result = await simulateMission({
          file,
          days: o.days,
          startDate: o.startDate,
          outputDir: o.output,
          llm: Boolean(o.llm),
          onProgress: (done, total) => {
            const line = `simulating ${progressBar(done, total)}`;
            if (line === lastLine) return;
            lastLine = line;
            process.stderr.write(tty ? `\r${line}` : `${line}\n`);
          },
        }).catch((err: unknown) => {
          if (tty && lastLine) process.stderr.write('\n');
          throw err;
        });
        if (tty && lastLine) process.stderr.write('\n');
        output(Boolean(o.json), result, () => formatSimulation(result));
      }),
    );
}
