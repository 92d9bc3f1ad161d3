import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { list, type ReadEntry } from 'tar';
import { buildExportArchive, reportFilesInRange } from '../../../src/cli/commands/export-archive';
import type { DayRecord } from '../../../src/memory';

const day = (date: string, ctl: number): DayRecord => ({
  date,
  run: null,
  observation: null,
  load: { date, yesterdayTss: 50, yesterdayTssMethod: 'power', ctl, atl: ctl + 5, tsb: -5, acwr: 1, acwrSpike: false, hrv7dMean: 60, hrvNormalLow: 55, hrvNormalHigh: 65, restingHrDeviation: 0 },
  decision: null,
  plan: null,
  classSuggestions: null,
  reflection: null,
  overrides: [],
  notifications: [],
  report: null,
});

let work: string;
let reportsDir: string;
const NOW = new Date('2025-07-28T08:15:30.250Z');

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-archive-'));
  reportsDir = path.join(work, 'tdf_sim_2025');
  fs.mkdirSync(reportsDir);
  for (const d of ['2025-07-05', '2025-07-06', '2025-07-07']) for (const ext of ['md', 'html', 'json']) fs.writeFileSync(path.join(reportsDir, `${d}.${ext}`), `report ${d}.${ext}\n`);
  fs.writeFileSync(path.join(reportsDir, 'summary.md'), 'summary\n');
  fs.writeFileSync(path.join(reportsDir, '.2025-07-06.md.123.tmp'), 'half-written\n');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const input = { missionId: 'tdf_sim_2025', athlete: 'rider', from: '2025-07-05', to: '2025-07-06', history: [day('2025-07-05', 40), day('2025-07-06', 41)], now: NOW };

async function entriesOf(archive: Buffer): Promise<{ path: string; mode: number; mtime: number; uid: number | undefined; uname: string | undefined; size: number }[]> {
  const file = path.join(work, `list-${Math.random().toString(36).slice(2)}.tar.gz`);
  fs.writeFileSync(file, archive);
  const out: { path: string; mode: number; mtime: number; uid: number | undefined; uname: string | undefined; size: number }[] = [];
  await list({ file, onReadEntry: (e: ReadEntry) => void out.push({ path: e.path, mode: e.mode ?? -1, mtime: e.mtime?.getTime() ?? -1, uid: e.uid, uname: e.uname, size: e.size }) });
  return out;
}

describe('the export archive (npm tar)', () => {
  it('holds the manifest, the recorded days and the reports of the range, in that order', async () => {
    const bundle = await buildExportArchive({ ...input, reportsDir });
    const root = 'tdf_sim_2025_2025-07-05_2025-07-06';
    const names = [`${root}/manifest.json`, `${root}/history.json`, ...['2025-07-05', '2025-07-06'].flatMap((d) => ['html', 'json', 'md'].map((e) => `${root}/reports/${d}.${e}`))];
    expect(bundle.entries).toEqual(names);
    expect(bundle.reports).toHaveLength(6);
    const entries = await entriesOf(bundle.archive);
    expect(entries.map((e) => e.path)).toEqual(names);
    // every entry: mode 0644, the export time (whole seconds) as mtime, no owner
    for (const e of entries) expect(e).toMatchObject({ mode: 0o644, mtime: Math.floor(NOW.getTime() / 1000) * 1000, uid: undefined, uname: '' });
    // the system's tar reads it too
    const file = path.join(work, 'a.tar.gz');
    fs.writeFileSync(file, bundle.archive);
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', file, `${root}/manifest.json`], { encoding: 'utf8' }));
    expect(manifest).toEqual({ missionId: 'tdf_sim_2025', athlete: 'rider', from: '2025-07-05', to: '2025-07-06', exportedAt: NOW.toISOString(), reports: bundle.reports.map((r) => `reports/${r}`), historyDays: 2 });
    expect(execFileSync('tar', ['-xzOf', file, `${root}/reports/2025-07-06.md`], { encoding: 'utf8' })).toBe('report 2025-07-06.md\n');
  });

  it('is the same bytes for the same input, whatever the umask or the files’ own times', async () => {
    const first = await buildExportArchive({ ...input, reportsDir });
    const old = process.umask(0o077);
    try {
      const later = new Date(Date.now() + 5000);
      for (const f of fs.readdirSync(reportsDir)) fs.utimesSync(path.join(reportsDir, f), later, later);
      const second = await buildExportArchive({ ...input, reportsDir });
      expect(second.archive.equals(first.archive)).toBe(true);
    } finally {
      process.umask(old);
    }
    const otherTime = await buildExportArchive({ ...input, reportsDir, now: new Date(NOW.getTime() + 60_000) });
    expect(otherTime.archive.equals(first.archive)).toBe(false);
  });

  it('takes only day reports inside the range (no summary, no temporary files)', () => {
    expect(reportFilesInRange(reportsDir, '2025-07-06', '2025-07-07')).toEqual(['2025-07-06.html', '2025-07-06.json', '2025-07-06.md', '2025-07-07.html', '2025-07-07.json', '2025-07-07.md']);
    expect(reportFilesInRange(path.join(work, 'missing'), '2025-07-01', '2025-07-31')).toEqual([]);
  });
});
