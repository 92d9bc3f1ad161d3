/** Reads a mission file from disk. */
import { readFile } from 'node:fs/promises';
import type { MissionConfig } from '../domain/types';
import { MissionConfigError } from './mission-errors';
import { parseMission } from './parse-mission';

/**
 * Loads and validates the mission file at `path` (named in messages as given).
 * Throws `MissionConfigError` listing every problem, or one line when the file cannot be read.
 */
export async function loadMissionFile(path: string): Promise<MissionConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new MissionConfigError([{ file: path, line: null, path: '', message: `mission file not found: ${path}`, code: 'file_not_found' }]);
    }
    const why = code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? String(err));
    throw new MissionConfigError([{ file: path, line: null, path: '', message: `cannot read mission file ${path}: ${why}`, code: 'file_unreadable' }]);
  }
  return parseMission(text, path);
}
