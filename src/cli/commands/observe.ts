import type { Command } from 'commander';
import { loadMissionFile } from '../../mission';
import { action, output } from '../cli-support';
import { isoDate, typedOption } from './arguments';
import { observePreview } from './day-preview';
import { formatObservePreview } from './formatting';

export function registerObserveCommand(program: Command): void {
  program
    .command('observe')
    .description('print the normalised observation (every missing part with why) and the load figures the coach would see for a date; writes nothing')
    .requiredOption('--mission <file>', 'mission file')
    .addOption(typedOption('--date <YYYY-MM-DD>', 'the day to observe (the athlete’s local date)', isoDate).makeOptionMandatory())
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nSources: Oura/Strava when OURA_CLIENT_ID / STRAVA_CLIENT_ID are set (tokens from the encrypted store on DATABASE_URL,\n' +
        'key LANTERNE_SECRET_KEY), else the synthetic athlete. LANTERNE_DATA_SOURCE=synthetic|wearables forces a choice.\n' +
        'Load (CTL/ATL/TSB) comes from the athlete\'s whole daily load history: the one stored in PostgreSQL (DATABASE_URL,\n' +
        'or the running `lanterne up`), the same the day\'s cycle and the dashboard read, extended in memory by this\n' +
        'observation; with nothing stored, a year of rides pulled from the source. Nothing is written.',
    )
    .action(
      action(async (o: { mission: string; date: string; json?: boolean }) => {
        const mission = await loadMissionFile(o.mission);
        const p = await observePreview(mission, o.date, process.env);
        const { wellness: _w, ...shown } = p;
        void _w;
        output(Boolean(o.json), shown, () => formatObservePreview(p));
      }),
    );
}
