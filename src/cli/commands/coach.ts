import type { Command } from 'commander';
import { loadMissionFile } from '../../mission';
import { UserError } from '../../infra/user-error';
import { action, output } from '../cli-support';
import { isoDate, typedOption } from './arguments';
import { coachPreview } from './day-preview';
import { formatCoachPreview } from './formatting';

export function registerCoachCommand(program: Command): void {
  program
    .command('coach')
    .description('dry run of a mission day: observe → assess → reason → negotiate → plan → match, printed; records and notifies nothing')
    .requiredOption('--mission <file>', 'mission file')
    .addOption(typedOption('--date <YYYY-MM-DD>', 'a day of the mission', isoDate).makeOptionMandatory())
    .option('--dry-run', 'required: compute and print only (the real run happens inside the mission workflow)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nThe planner uses OpenAI when the mission allows it and OPENAI_API_KEY is set (OPENAI_BASE_URL, OPENAI_MODEL),\n' +
        'else the deterministic templates. The day is coached as if it were the first: no recorded history is read.',
    )
    .action(
      action(async (o: { mission: string; date: string; dryRun?: boolean; json?: boolean }) => {
        if (!o.dryRun) {
          throw new UserError(
            '`lanterne coach` only runs as --dry-run: the real coaching of a day happens inside the mission workflow (recorded, reported, notified)',
            'add --dry-run to preview the day, or start the mission with `lanterne mission start <file>` / `lanterne up`',
          );
        }
        const mission = await loadMissionFile(o.mission);
        const p = await coachPreview(mission, o.date, process.env);
        output(Boolean(o.json), p, () => formatCoachPreview(p));
      }),
    );
}
