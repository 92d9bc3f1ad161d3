import path from 'node:path';
import type { Command } from 'commander';
import { loadMissionFile } from '../../mission';
import { outputDir, projectRoot } from '../../infra/project-paths';
import { UserError } from '../../infra/user-error';
import { action, output } from '../cli-support';
import { positiveInt } from './arguments';
import { progressBar } from './formatting';
import { DEFAULT_ATHLETES, DEFAULT_MISSION, DEFAULT_SEED, evaluateCohort } from '../../evaluation/evaluate';
import { formatEvaluation, writeEvaluation } from '../../evaluation/evaluation-report';

const SEED = /^[A-Za-z0-9._-]{1,32}$/;

export function registerEvaluateCommand(program: Command): void {
  program
    .command('evaluate')
    .description('a cohort of synthetic athletes through a whole mission under Lanterne, the fixed plan and a readiness-naive plan; prints the table and the targets, writes JSON and HTML')
    .option('--athletes <n>', 'athletes in the cohort', positiveInt('--athletes'), DEFAULT_ATHLETES)
    .option('--mission <file>', 'mission file', DEFAULT_MISSION)
    .option('--seed <seed>', 'cohort seed (letters, digits, ".", "_", "-"); the same seed gives the same athletes', DEFAULT_SEED)
    .option('--output <dir>', 'where evaluation.json and evaluation.html go (default: output/evaluate)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nNothing is stored or sent: the loop runs the coaching in memory on synthetic athletes (docs/physiology-model.md).')
    .action(
      action(async (o: { athletes: number; mission: string; seed: string; output?: string; json?: boolean }) => {
        if (!SEED.test(o.seed)) throw new UserError(`--seed ${JSON.stringify(o.seed)} is not accepted`, 'use 1 to 32 letters, digits, ".", "_" or "-"');
        const file = path.isAbsolute(o.mission) ? o.mission : path.resolve(o.mission);
        const mission = await loadMissionFile(file);
        const bar = Boolean(process.stderr.isTTY) && !process.env.CI;
        const result = await evaluateCohort({
          mission,
          missionFile: path.relative(projectRoot(), file) || file,
          athletes: o.athletes,
          seed: o.seed,
          onProgress: bar ? (done, total) => process.stderr.write(`\revaluating ${progressBar(done, total)}`) : undefined,
        });
        if (bar) process.stderr.write('\n');
        const files = writeEvaluation(result, o.output ? path.resolve(o.output) : path.join(outputDir(), 'evaluate'));
        output(Boolean(o.json), { ...result, files }, () => `${formatEvaluation(result)}\nwritten: ${files.json}\n         ${files.html}`);
      }),
    );
}
