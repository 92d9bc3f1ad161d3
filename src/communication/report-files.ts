/**
 * Writes a rendered report to output/<missionId>/<YYYY-MM-DD>.{md,html,json}.
 * Each file is written to a temporary file in the same folder, flushed, then renamed over the
 * target, so a crash leaves either the old file or the new one, never half of one. Rewriting the
 * same content leaves the files untouched (idempotent).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { IsoDate } from '../domain/types';
import type { RenderedReport } from './report-model';

export type FileWriteResult = 'written' | 'unchanged';

export interface ReportFiles {
  markdown: string;
  html: string;
  json: string;
  /** Per file: written anew, or left alone because the content was already there. */
  results: { markdown: FileWriteResult; html: FileWriteResult; json: FileWriteResult };
}

const MISSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Paths of a day's report files, with the mission id and date checked so they cannot escape outputDir. */
export function reportPaths(outputDir: string, missionId: string, date: IsoDate | 'summary'): { markdown: string; html: string; json: string } {
  if (!MISSION_ID.test(missionId) || missionId.includes('..')) {
    throw new Error(
      `report mission id ${JSON.stringify(missionId)} is not usable as a folder name: use letters, digits, '.', '_' or '-' (no '..')`,
    );
  }
  if (date !== 'summary' && !ISO_DATE.test(date)) {
    throw new Error(`report date ${JSON.stringify(date)} is not an ISO date (YYYY-MM-DD) or "summary"`);
  }
  const dir = path.join(outputDir, missionId);
  return {
    markdown: path.join(dir, `${date}.md`),
    html: path.join(dir, `${date}.html`),
    json: path.join(dir, `${date}.json`),
  };
}

/** Writes a day's report (`<date>.*`) or, with date = 'summary', the mission's block summary (`summary.*`). */
export async function writeReportFiles(
  outputDir: string,
  missionId: string,
  date: IsoDate | 'summary',
  rendered: RenderedReport,
): Promise<ReportFiles> {
  const paths = reportPaths(outputDir, missionId, date);
  await fs.mkdir(path.dirname(paths.markdown), { recursive: true });
  // JSON last: a reader that sees the JSON can rely on the other two being there.
  const markdown = await writeFileAtomic(paths.markdown, rendered.markdown);
  const html = await writeFileAtomic(paths.html, rendered.html);
  const json = await writeFileAtomic(paths.json, rendered.json);
  return { ...paths, results: { markdown, html, json } };
}

/** Replace `file` with `content` atomically; do nothing when it already holds exactly that. */
export async function writeFileAtomic(file: string, content: string): Promise<FileWriteResult> {
  const wanted = Buffer.from(content, 'utf8');
  try {
    const current = await fs.readFile(file);
    if (current.equals(wanted)) return 'unchanged';
  } catch {
    // missing or unreadable: write it; a real problem surfaces on write or rename
  }
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(wanted);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
  return 'written';
}

async function syncDir(dir: string): Promise<void> {
  // Make the rename durable; not every platform lets a directory be fsynced, which is fine.
  let handle: Awaited<ReturnType<typeof fs.open>> | null = null;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    /* best effort */
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
