import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderDayReport } from '../../../src/communication/report';
import { reportPaths, writeFileAtomic, writeReportFiles } from '../../../src/communication/report-files';
import { sampleReport } from './fixtures';

describe('report files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lanterne-report-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes output/<missionId>/<date>.md, .html and .json with the rendered content', async () => {
    const rendered = renderDayReport(sampleReport());
    const files = await writeReportFiles(dir, 'tdf2025', '2025-07-09', rendered);
    expect(files.markdown).toBe(path.join(dir, 'tdf2025', '2025-07-09.md'));
    expect(await fs.readFile(files.markdown, 'utf8')).toBe(rendered.markdown);
    expect(await fs.readFile(files.html, 'utf8')).toBe(rendered.html);
    expect(JSON.parse(await fs.readFile(files.json, 'utf8')).decision.decision).toBe('modify_intensity');
    expect(files.results).toEqual({ markdown: 'written', html: 'written', json: 'written' });
    // no temporary files left behind
    expect((await fs.readdir(path.join(dir, 'tdf2025'))).sort()).toEqual(['2025-07-09.html', '2025-07-09.json', '2025-07-09.md']);
  });

  it('is idempotent: the same content leaves the files untouched; new content replaces them', async () => {
    const rendered = renderDayReport(sampleReport());
    const first = await writeReportFiles(dir, 'tdf2025', '2025-07-09', rendered);
    const before = await fs.stat(first.html);
    const again = await writeReportFiles(dir, 'tdf2025', '2025-07-09', renderDayReport(sampleReport()));
    expect(again.results).toEqual({ markdown: 'unchanged', html: 'unchanged', json: 'unchanged' });
    expect((await fs.stat(first.html)).ino).toBe(before.ino);

    const changed = renderDayReport(sampleReport({ adaptations: ['new note'] }));
    const third = await writeReportFiles(dir, 'tdf2025', '2025-07-09', changed);
    expect(third.results.html).toBe('written');
    expect(await fs.readFile(first.html, 'utf8')).toContain('new note');
  });

  it('replaces a file by rename, so a reader never sees half of it', async () => {
    const file = path.join(dir, 'r.md');
    await fs.writeFile(file, 'old content');
    const oldInode = (await fs.stat(file)).ino;
    // An open handle on the old file keeps reading the old, complete content.
    const reader = await fs.open(file, 'r');
    await writeFileAtomic(file, 'new content, fully written');
    const oldView = (await reader.readFile()).toString('utf8');
    await reader.close();
    expect(oldView).toBe('old content');
    expect(await fs.readFile(file, 'utf8')).toBe('new content, fully written');
    expect((await fs.stat(file)).ino).not.toBe(oldInode);
  });

  it('a failed replacement leaves the old file and no temporary file behind', async () => {
    const file = path.join(dir, 'r.html');
    await fs.writeFile(file, 'old');
    // fail the final rename: the target's folder entry is swapped for a non-empty directory
    const blocked = path.join(dir, 'blocked.html');
    await fs.mkdir(path.join(blocked, 'x'), { recursive: true });
    await expect(writeFileAtomic(blocked, 'new')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    expect((await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(await fs.readFile(file, 'utf8')).toBe('old');
  });

  it('refuses mission ids and dates that would leave the output folder', () => {
    expect(() => reportPaths(dir, '../etc', '2025-07-09')).toThrow(/mission id "..\/etc"/);
    expect(() => reportPaths(dir, 'a/b', '2025-07-09')).toThrow(/folder name/);
    expect(() => reportPaths(dir, 'tdf2025', '2025-7-9')).toThrow(/YYYY-MM-DD/);
    expect(() => reportPaths(dir, 'tdf2025', '../../x')).toThrow(/ISO date/);
  });
});
