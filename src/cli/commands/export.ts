/**
 * `lanterne export <missionId>`: one .tar.gz with the mission's reports for a date range
 * (output/<athlete>/<missionId>/<date>.{md,html,json}) and its rows from the memory as JSON, written
 * atomically; optionally published to a private GitHub repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Pool } from 'pg';
import { MemoryStore, migrate } from '../../memory';
import { writeFileAtomic } from '../../infra/atomic-file';
import { outputDir } from '../../infra/project-paths';
import { UserError } from '../../infra/user-error';
import { action, databaseUrl, output } from '../cli-support';
import { athleteHandle, githubRepository, isoDate, missionId as missionIdValue, typedArgument, typedOption } from './arguments';
import { buildExportArchive, type ExportBundle } from './export-archive';
import { ensurePrivateRepository, publishToGitHub, type PublishResult, type RepositoryVisibility } from './github-publish';

async function resolveAthlete(memory: MemoryStore, missionId: string, athlete: string | undefined): Promise<string> {
  const missions = (await memory.missions.listMissions(athlete)).filter((m) => m.id === missionId);
  if (missions.length === 1) return missions[0]!.athlete;
  if (missions.length === 0) {
    throw new UserError(`no mission ${missionId}${athlete ? ` for athlete "${athlete}"` : ''} in the database`, 'check the mission id (`lanterne mission status`), --athlete, or DATABASE_URL');
  }
  throw new UserError(`mission ${missionId} exists for several athletes (${missions.map((m) => m.athlete).join(', ')})`, 'say which with --athlete <handle>');
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .addArgument(typedArgument('<missionId>', 'the mission’s id', missionIdValue))
    .description('write one .tar.gz with the reports from output/<athlete>/<missionId>/ and the mission’s recorded days (JSON) for a date range')
    .addOption(typedOption('--from <YYYY-MM-DD>', 'first day (inclusive)', isoDate).makeOptionMandatory())
    .addOption(typedOption('--to <YYYY-MM-DD>', 'last day (inclusive)', isoDate).makeOptionMandatory())
    .addOption(typedOption('--athlete <handle>', 'the athlete, when several have a mission with this id', athleteHandle))
    .option('--out <file>', 'archive to write (default <missionId>_<from>_<to>.tar.gz in the current folder)')
    .addOption(typedOption('--publish <owner/repo>', 'also upload the archive to this private GitHub repository (GITHUB_TOKEN with contents: write)', githubRepository))
    .option('--allow-public', 'with --publish: also upload to a public repository (the archive holds HRV, sleep and notes)')
    .option('--publish-path <path>', 'path in the repository (default lanterne-exports/<archive name>)')
    .option('--branch <name>', 'branch to publish to (default: the repository’s default branch)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nReads DATABASE_URL (or the one `lanterne up` runs), LANTERNE_OUTPUT_DIR, GITHUB_TOKEN and GITHUB_API_URL (default https://api.github.com).')
    .action(
      action(async (missionId: string, o: { from: string; to: string; athlete?: string; out?: string; publish?: { owner: string; repo: string }; allowPublic?: boolean; publishPath?: string; branch?: string; json?: boolean }) => {
        const { from, to } = o;
        if (from > to) throw new UserError(`--from ${from} is after --to ${to}`, 'give the first day with --from and the last with --to');
        const target = o.publish ?? null;
        if (o.allowPublic && !target) throw new UserError('--allow-public only goes with --publish <owner/repo>', 'add --publish <owner/repo>, or leave --allow-public out');
        if (target && !process.env.GITHUB_TOKEN) throw new UserError('--publish needs GITHUB_TOKEN', 'set GITHUB_TOKEN to a token with the permission contents: write on the repository');
        const github = target ? { ...target, token: process.env.GITHUB_TOKEN, apiUrl: process.env.GITHUB_API_URL } : null;
        // Before anything is read or written: a public repository is refused unless --allow-public.
        const visibility: RepositoryVisibility | null = github ? await ensurePrivateRepository(github, Boolean(o.allowPublic)) : null;
        const pool = new Pool({ connectionString: databaseUrl(), max: 2 });
        let bundle: ExportBundle;
        try {
          await migrate(pool);
          const memory = new MemoryStore(pool);
          const athlete = await resolveAthlete(memory, missionId, o.athlete);
          const history = await memory.reads.history({ missionId, athlete }, from, to);
          bundle = await buildExportArchive({ missionId, athlete, from, to, reportsDir: path.join(outputDir(), athlete, missionId), history });
        } finally {
          await pool.end();
        }
        const name = `${missionId}_${from}_${to}.tar.gz`;
        const file = path.resolve(o.out ?? name);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        await writeFileAtomic(file, bundle.archive);
        let published: (PublishResult & { visibility: string }) | null = null;
        if (github && visibility) {
          const result = await publishToGitHub({
            ...github,
            path: o.publishPath ?? `lanterne-exports/${path.basename(file)}`,
            content: bundle.archive,
            message: `Lanterne export of ${missionId} from ${from} to ${to}`,
            branch: o.branch,
          });
          published = { ...result, visibility: visibility.visibility };
        }
        output(
          Boolean(o.json),
          { file, format: 'tar.gz', bytes: bundle.archive.length, missionId, athlete: bundle.athlete, from, to, reports: bundle.reports.length, days: bundle.days, entries: bundle.entries, published },
          () =>
            [
              `wrote ${file} (${bundle.archive.length} bytes): ${bundle.reports.length} report files and ${bundle.days} recorded days of ${missionId} (${bundle.athlete}), ${from} to ${to}`,
              ...(bundle.reports.length === 0 ? [`  note: no reports under ${path.join(outputDir(), bundle.athlete, missionId)} for those dates`] : []),
              ...(published ? [`published to ${target!.owner}/${target!.repo}:${published.path} (${published.visibility} repository)${published.htmlUrl ? ` ${published.htmlUrl}` : ''}`] : []),
            ].join('\n'),
        );
      }),
    );
}
