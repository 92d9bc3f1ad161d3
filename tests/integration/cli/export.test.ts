import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { MemoryStore, migrate } from '../../../src/memory';
import type { LoadFigures } from '../../../src/domain/types';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { buildOnce, cleanEnv, runCli } from './run-cli';

/** A local stand-in for GitHub's contents API: records PUTs, answers a scripted status. */
interface FakeGitHub {
  url: string;
  puts: { path: string; auth: string | undefined; body: { message: string; content: string; sha?: string } }[];
  status: number;
  close(): Promise<void>;
}

async function startFakeGitHub(): Promise<FakeGitHub> {
  const state = { puts: [] as FakeGitHub['puts'], status: 201 };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const m = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+?)(\?.*)?$/.exec(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (!m) return res.writeHead(404).end('{"message":"Not Found"}');
      if (state.status === 403) return res.writeHead(403).end('{"message":"Resource not accessible by personal access token"}');
      if (req.method === 'GET') return res.writeHead(404).end('{"message":"Not Found"}');
      const body = JSON.parse(raw);
      state.puts.push({ path: decodeURIComponent(m[3]!), auth: req.headers.authorization, body });
      res.writeHead(201).end(JSON.stringify({ content: { path: decodeURIComponent(m[3]!), html_url: `https://github.example/${m[1]}/${m[2]}/blob/main/${m[3]}` }, commit: { sha: 'abc123' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get puts() {
      return state.puts;
    },
    get status() {
      return state.status;
    },
    set status(s: number) {
      state.status = s;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

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
let gh: FakeGitHub;
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
  gh = await startFakeGitHub();
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
  });

  it('publishes the archive through the GitHub contents API', async () => {
    const out = path.join(work, 'b.tar.gz');
    const r = await runCli(['export', 'tdf_sim_2025', '--from', '2025-07-05', '--to', '2025-07-07', '--out', out, '--publish', 'alice/training'], env({ GITHUB_TOKEN: 'ghp_test', GITHUB_API_URL: gh.url }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('published to alice/training:lanterne-exports/b.tar.gz');
    expect(gh.puts).toHaveLength(1);
    expect(gh.puts[0]!.path).toBe('lanterne-exports/b.tar.gz');
    expect(gh.puts[0]!.auth).toBe('Bearer ghp_test');
    expect(Buffer.from(gh.puts[0]!.body.content, 'base64').equals(fs.readFileSync(out))).toBe(true);
    expect(r.stdout + r.stderr).not.toContain('ghp_test');
  });

  it('says which permission is missing when GitHub answers 403', async () => {
    gh.status = 403;
    try {
      const r = await runCli(['export', 'tdf_sim_2025', '--from', '2025-07-05', '--to', '2025-07-07', '--out', path.join(work, 'c.tar.gz'), '--publish', 'alice/training'], env({ GITHUB_TOKEN: 'ghp_test', GITHUB_API_URL: gh.url }));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('(403)');
      expect(r.stderr).toContain('contents: write');
      expect(r.stderr).not.toContain('ghp_test');
    } finally {
      gh.status = 201;
    }
  });

  it('refuses bad arguments and an unknown mission clearly', async () => {
    const range = await runCli(['export', 'tdf_sim_2025', '--from', '2025-07-07', '--to', '2025-07-05'], env());
    expect(range.code).toBe(1);
    expect(range.stderr).toContain('--from 2025-07-07 is after --to 2025-07-05');
    const token = await runCli(['export', 'tdf_sim_2025', '--from', '2025-07-05', '--to', '2025-07-05', '--publish', 'alice/training'], env());
    expect(token.stderr).toContain('--publish needs GITHUB_TOKEN');
    const missing = await runCli(['export', 'nope', '--from', '2025-07-05', '--to', '2025-07-05', '--out', path.join(work, 'd.tar.gz')], env());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no mission nope in the database');
  });
});
