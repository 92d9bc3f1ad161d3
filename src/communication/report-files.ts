/**
 * Writes a rendered report to output/<missionId>/<YYYY-MM-DD>.{md,html,json}.
 * Each file is written atomically (src/infra/atomic-file), so a crash leaves either the old file
 * or the new one, never half of one. Rewriting the same content leaves the files untouched.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { IsoDate } from '../domain/types';
import { writeFileAtomic, type FileWriteResult } from '../infra/atomic-file';
import type { RenderedReport } from './report-model';

export { writeFileAtomic, type FileWriteResult };

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
