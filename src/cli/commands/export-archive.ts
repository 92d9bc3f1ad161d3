/**
 * The `export` archive: one .tar.gz (npm's own `tar` package) with a manifest, the mission's
 * recorded days as JSON and its report files for a date range. For the same input (the same
 * files, rows and `now`) the archive is the same bytes: every entry has mode 0644 and the export
 * time as its mtime, no owner names or ids (`portable`), in a fixed order.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create } from 'tar';
import type { DayRecord } from '../../memory';

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

export interface ExportInput {
  missionId: string;
  athlete: string;
  from: string;
  to: string;
  /** output/<missionId>: where the day reports are. */
  reportsDir: string;
  history: DayRecord[];
  /** The export time: the manifest's exportedAt and every entry's mtime (default now). */
  now?: Date;
}

export interface ExportBundle {
  missionId: string;
  athlete: string;
  from: string;
  to: string;
  /** Report file names taken from reportsDir. */
  reports: string[];
  days: number;
  archive: Buffer;
  /** Paths inside the archive, in archive order. */
  entries: string[];
}

/** Builds the archive in memory (its entries are staged in a temporary folder, removed after). */
export async function buildExportArchive(input: ExportInput): Promise<ExportBundle> {
  const now = input.now ?? new Date();
  const root = `${input.missionId}_${input.from}_${input.to}`;
  const reports = reportFilesInRange(input.reportsDir, input.from, input.to);
  const manifest = {
    missionId: input.missionId,
    athlete: input.athlete,
    from: input.from,
    to: input.to,
    exportedAt: now.toISOString(),
    reports: reports.map((r) => `reports/${r}`),
    historyDays: input.history.length,
  };
  const files: { name: string; content: Buffer | string }[] = [
    { name: `${root}/manifest.json`, content: `${JSON.stringify(manifest, null, 2)}\n` },
    { name: `${root}/history.json`, content: `${JSON.stringify(input.history, null, 2)}\n` },
    ...reports.map((r) => ({ name: `${root}/reports/${r}`, content: fs.readFileSync(path.join(input.reportsDir, r)) })),
  ];
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-export-'));
  try {
    for (const f of files) {
      const file = path.join(staging, f.name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, f.content);
      fs.chmodSync(file, 0o644); // whatever the umask
    }
    const archive = await create({ cwd: staging, gzip: true, portable: true, mtime: now, strict: true }, files.map((f) => f.name)).concat();
    return { missionId: input.missionId, athlete: input.athlete, from: input.from, to: input.to, reports, days: input.history.length, archive, entries: files.map((f) => f.name) };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
