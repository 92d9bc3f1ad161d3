import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { MemoryStore, migrate } from '../../../src/memory';
import type { LoadFigures } from '../../../src/domain/types';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { startFakeGitHubServer, type FakeGitHubServer } from '../../support/fake-github-server';
import { buildOnce, cleanEnv, runCli } from './run-cli';

const load = (date: string, ctl: number): LoadFigures => ({
  date,
  yesterdayTss: 50,
  yesterdayTssMethod: 'power',
  ctl,
  atl: ctl + 5,
  tsb: -5,
  acwr: 1,
  acwrSpike: false,
  hrv7dMean: 60,
  hrvNormalLow: 55,
  hrvNormalHigh: 65,
  restingHrDeviation: 0,
});

let db: TestDatabase;
let gh: FakeGitHubServer;
const GITHUB_TOKEN = 'ghp_test_export_0123456789';
let work: string;
const scope = { missionId: 'tdf_sim_2025', athlete: 'rider' };

beforeAll(async () => {
  buildOnce();
  db = await createTestDatabase('lanterne_cli_export');
  await migrate(db.pool);
  const memory = new MemoryStore(db.pool);
  await memory.missions.upsertMission(scope, { name: 'TdF', configHash: 'h1', status: 'active' });
  for (const [date, ctl] of [['2025-07-05', 40], ['2025-07-06', 41], ['2025-07-07', 42]] as const) await memory.days.recordLoad(scope, load(date, ctl));
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-export-'));
  const reports = path.join(work, 'output', 'rider', 'tdf_sim_2025');
  fs.mkdirSync(reports, { recursive: true });
  for (const d of ['2025-07-05', '2025-07-06', '2025-07-07']) for (const ext of ['md', 'html', 'json']) fs.writeFileSync(path.join(reports, `${d}.${ext}`), `report ${d}.${ext}\n`);
  fs.writeFileSync(path.join(reports, 'summary.md'), 'summary\n');
  gh = await startFakeGitHubServer({
    token: GITHUB_TOKEN,
    repositories: [
      { owner: 'alice', name: 'training', visibility: 'private' },
      { owner: 'alice', name: 'public-notes', visibility: 'public' },
    ],
  });
}, 120_000);

afterAll(async () => {
  await gh?.close();
  await db?.drop();
  fs.rmSync(work, { recursive: true, force: true });
});

const env = (extra: NodeJS.ProcessEnv = {}) => cleanEnv({ DATABASE_URL: db.url, LANTERNE_OUTPUT_DIR: path.join(work, 'output'), ...extra });

describe('lanterne export', () => {
  it('writes a .tar.gz with the reports of the range and the recorded days', async () => {
    const out = path.join(work, 'a.tar.gz');
    const r = await runCli(['export', 'tdf_sim_2025', '--from', '2025-07-05', '--to', '2025-07-06', '--out', out, '--json'], env());
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ file: out, format: 'tar.gz', reports: 6, days: 2, athlete: 'rider' });
    // system tar reads it: the archive is a real tar.gz
    const names = execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).trim().split('\n').sort();
    const root = 'tdf_sim_2025_2025-07-05_2025-07-06';
    expect(names).toEqual(
      [`${root}/history.json`, `${root}/manifest.json`, ...['2025-07-05', '2025-07-06'].flatMap((d) => ['html', 'json', 'md'].map((e) => `${root}/reports/${d}.${e}`))].sort(),
    );
    const history = JSON.parse(execFileSync('tar', ['-xzOf', out, `${root}/history.json`], { encoding: 'utf8' }));
    expect(history.map((d: { date: string; load: { ctl: number } }) => [d.date, d.load.ctl])).toEqual([
      ['2025-07-05', 40],
      ['2025-07-06', 41],
    ]);
    expect(execFileSync('tar', ['-xzOf', out, `${root}/reports/2025-07-06.md`], { encoding: 'utf8' })).toBe('report 2025-07-06.md\n');
    // written through a temporary file renamed into place: nothing else is left in the folder
    expect(fs.readdirSync(work).filter((f) => f.includes('a.tar.gz'))).toEqual(['a.tar.gz']);
  });

  it('publishes the archive to a private repository through the GitHub contents API', async () => {
    const out = path.join(work, 'b.tar.gz');
    const r = await runCli(['export', 'tdf_sim_2025', '--from', '2025-07-05', '--to', '2025-07-07', '--out', out, '--publish', 'alice/training'], env({ GITHUB_TOKEN, GITHUB_API_URL: gh.url }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('published to alice/training:lanterne-exports/b.tar.gz (private repository)');
    // the repository's visibility was asked for before the upload
    const calls = gh.requests.map((q) => `${q.method} ${q.path}`);
    expect(calls.indexOf('GET /repos/alice/training')).toBeLessThan(calls.indexOf('PUT /repos/alice/training/contents/lanterne-exports/b.tar.gz'));
    expect(gh.puts()).toHaveLength(1);
    expect(gh.file('alice', 'training', 'lanterne-exports/b.tar.gz')!.equals(fs.readFileSync(out))).toBe(true);
    expect(r.stdout + r.stderr).not.toContain(GITHUB_TOKEN);
  });

  it('refuses a public repository (health data) unless given --allow-public', async () => {
    const out = path.join(work, 'public.tar.gz');
    const args = ['export', 'tdf_sim_2025', '--from', '2025-07-05', '--to', '2025-07-07', '--out', out, '--publish', 'alice/public-notes'];
    const refused = await runCli(args, env({ GITHUB_TOKEN, GITHUB_API_URL: gh.url }));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('lanterne: GitHub repository alice/public-notes is public: the export holds health data (HRV, sleep, resting heart rate)');
    expect(refused.stderr).toContain('--allow-public');
    expect(gh.file('alice', 'public-notes', 'lanterne-exports/public.tar.gz')).toBeNull();
    expect(fs.existsSync(out)).toBe(false); // refused before anything was written
    const allowed = await runCli([...args, '--allow-public'], env({ GITHUB_TOKEN, GITHUB_API_URL: gh.url }));
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('(public repository)');
    expect(gh.file('alice', 'public-notes', 'lanterne-exports/public.tar.gz')!.equals(fs.readFileSync(out))).toBe(true);
  });

  it('says which permission is missing when GitHub answers 403', async () => {
    gh.refuseContents(true);
    try {
      const r = await runCli(['export', 'tdf_sim_2025', '--from', '2025-07-05', '--to', '2025-07-07', '--out', path.join(work, 'c.tar.gz'), '--publish', 'alice/training'], env({ GITHUB_TOKEN, GITHUB_API_URL: gh.url }));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('(403)');
      expect(r.stderr).toContain('contents: write');
      expect(r.stderr).not.toContain(GITHUB_TOKEN);
    } finally {
      gh.refuseContents(false);
    }
  });

  it('refuses bad arguments and an unknown mission clearly', async () => {
    const range = await runCli(['export', 'tdf_sim_2025', '--from', '2025-07-07', '--to', '2025-07-05'], env());
    expect(range.code).toBe(1);
    expect(range.stderr).toContain('--from 2025-07-07 is after --to 2025-07-05');
    const token = await runCli(['export', 'tdf_sim_2025', '--from', '2025-07-05', '--to', '2025-07-05', '--publish', 'alice/training'], env());
    expect(token.stderr).toContain('--publish needs GITHUB_TOKEN');
    const lonely = await runCli(['export', 'tdf_sim_2025', '--from', '2025-07-05', '--to', '2025-07-05', '--allow-public'], env());
    expect(lonely.code).toBe(1);
    expect(lonely.stderr).toContain('--allow-public only goes with --publish <owner/repo>');
    const missing = await runCli(['export', 'nope', '--from', '2025-07-05', '--to', '2025-07-05', '--out', path.join(work, 'd.tar.gz')], env());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no mission nope in the database');
  });
});
