/**
 * `lanterne export <missionId>`: one .tar.gz with the mission's reports for a date range
 * (output/<missionId>/<date>.{md,html,json}) and its rows from the memory as JSON; optionally
 * published to a GitHub repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Pool } from 'pg';
import { MemoryStore, migrate, type DayRecord } from '../../memory';
import { outputDir } from '../../infra/project-paths';
import { UserError } from '../../infra/user-error';
import { action, databaseUrl, output } from '../cli-support';
import { athleteHandle, githubRepository, isoDate, missionId as missionIdValue, typedArgument, typedOption } from './arguments';
import { tarGz, type TarEntry } from './tar-writer';
import { publishToGitHub, type PublishResult } from './github-publish';

const REPORT_FILE = /^(\d{4}-\d{2}-\d{2})\.(md|html|json)$/;

/** Report files of the mission between from and to (inclusive), sorted by name. */
export function reportFilesInRange(dir: string, from: string, to: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => {
      const m = REPORT_FILE.exec(name);
      return m !== null && m[1]! >= from && m[1]! <= to && fs.statSync(path.join(dir, name)).isFile();
    })
    .sort();
}

export interface ExportBundle {
  missionId: string;
  athlete: string;
  from: string;
  to: string;
  reports: string[];
  days: number;
  archive: Buffer;
  /** Names inside the archive. */
  entries: string[];
}

export function buildExportArchive(input: { missionId: string; athlete: string; from: string; to: string; reportsDir: string; history: DayRecord[]; now?: Date }): ExportBundle {
  const now = input.now ?? new Date();
  const mtime = Math.floor(now.getTime() / 1000);
  const root = `${input.missionId}_${input.from}_${input.to}`;
  const reports = reportFilesInRange(input.reportsDir, input.from, input.to);
  const entries: TarEntry[] = [
    {
      name: `${root}/manifest.json`,
      mtime,
      content: JSON.stringify(
        { missionId: input.missionId, athlete: input.athlete, from: input.from, to: input.to, exportedAt: now.toISOString(), reports: reports.map((r) => `reports/${r}`), historyDays: input.history.length },
        null,
        2,
      ) + '\n',
    },
    { name: `${root}/history.json`, mtime, content: JSON.stringify(input.history, null, 2) + '\n' },
    ...reports.map((r) => ({ name: `${root}/reports/${r}`, mtime, content: fs.readFileSync(path.join(input.reportsDir, r)) })),
  ];
  return { missionId: input.missionId, athlete: input.athlete, from: input.from, to: input.to, reports, days: input.history.length, archive: tarGz(entries), entries: entries.map((e) => e.name) };
}

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
    .description('write one .tar.gz with the reports from output/<missionId>/ and the mission’s recorded days (JSON) for a date range')
    .addOption(typedOption('--from <YYYY-MM-DD>', 'first day (inclusive)', isoDate).makeOptionMandatory())
    .addOption(typedOption('--to <YYYY-MM-DD>', 'last day (inclusive)', isoDate).makeOptionMandatory())
    .addOption(typedOption('--athlete <handle>', 'the athlete, when several have a mission with this id', athleteHandle))
    .option('--out <file>', 'archive to write (default <missionId>_<from>_<to>.tar.gz in the current folder)')
    .addOption(typedOption('--publish <owner/repo>', 'also upload the archive to this GitHub repository (GITHUB_TOKEN with contents: write)', githubRepository))
    .option('--publish-path <path>', 'path in the repository (default lanterne-exports/<archive name>)')
    .option('--branch <name>', 'branch to publish to (default: the repository’s default branch)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nReads DATABASE_URL (or the one `lanterne up` runs), LANTERNE_OUTPUT_DIR, GITHUB_TOKEN and GITHUB_API_URL (default https://api.github.com).')
    .action(
      action(async (missionId: string, o: { from: string; to: string; athlete?: string; out?: string; publish?: { owner: string; repo: string }; publishPath?: string; branch?: string; json?: boolean }) => {
        const { from, to } = o;
        if (from > to) throw new UserError(`--from ${from} is after --to ${to}`, 'give the first day with --from and the last with --to');
        const target = o.publish ?? null;
        if (target && !process.env.GITHUB_TOKEN) throw new UserError('--publish needs GITHUB_TOKEN', 'set GITHUB_TOKEN to a token with the permission contents: write on the repository');
        const pool = new Pool({ connectionString: databaseUrl(), max: 2 });
        let bundle: ExportBundle;
        try {
          await migrate(pool);
          const memory = new MemoryStore(pool);
          const athlete = await resolveAthlete(memory, missionId, o.athlete);
          const history = await memory.reads.history({ missionId, athlete }, from, to);
          bundle = buildExportArchive({ missionId, athlete, from, to, reportsDir: path.join(outputDir(), missionId), history });
        } finally {
          await pool.end();
        }
        const name = `${missionId}_${from}_${to}.tar.gz`;
        const file = path.resolve(o.out ?? name);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, bundle.archive);
        let published: PublishResult | null = null;
        if (target) {
          published = await publishToGitHub({
            ...target,
            path: o.publishPath ?? `lanterne-exports/${path.basename(file)}`,
            content: bundle.archive,
            message: `Lanterne export of ${missionId} from ${from} to ${to}`,
            branch: o.branch,
            token: process.env.GITHUB_TOKEN,
            apiUrl: process.env.GITHUB_API_URL,
          });
        }
        output(
          Boolean(o.json),
          { file, format: 'tar.gz', bytes: bundle.archive.length, missionId, athlete: bundle.athlete, from, to, reports: bundle.reports.length, days: bundle.days, entries: bundle.entries, published },
          () =>
            [
              `wrote ${file} (${bundle.archive.length} bytes): ${bundle.reports.length} report files and ${bundle.days} recorded days of ${missionId} (${bundle.athlete}), ${from} to ${to}`,
              ...(bundle.reports.length === 0 ? [`  note: no reports under ${path.join(outputDir(), missionId)} for those dates`] : []),
              ...(published ? [`published to ${target!.owner}/${target!.repo}:${published.path}${published.htmlUrl ? ` (${published.htmlUrl})` : ''}`] : []),
            ].join('\n'),
        );
      }),
    );
}
