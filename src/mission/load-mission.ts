/** Reads a mission file from disk: at most 1 MiB of UTF-8 text. */
import { open } from 'node:fs/promises';
import type { MissionConfig } from '../domain/types';
import { wholeFileError } from './mission-errors';
import { parseMissionText } from './mission-text';
import { bytesFault } from './text-encoding';

/** The largest mission file read. The shipped missions are a few kilobytes. */
export const MAX_MISSION_FILE_BYTES = 1024 * 1024;

function readError(path: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return wholeFileError(path, 'file_not_found', `mission file not found: ${path}`);
  const why = code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? String(err));
  return wholeFileError(path, 'file_unreadable', `cannot read mission file ${path}: ${why}`);
}

/** Up to `limit` + 1 bytes of the file (reading no more, whatever it is: a pipe, /dev/zero, ...). */
async function readAtMost(path: string, limit: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, limit + 1 - total));
      const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) break;
    }
    return Buffer.concat(chunks);
  } finally {
    await file.close();
  }
}

/**
 * Loads and validates the mission file at `path` (named in messages as given). Throws
 * `MissionConfigError` listing every problem, or one line when the file cannot be read, is larger
 * than 1 MiB or is not UTF-8.
 */
export async function loadMissionFile(path: string): Promise<MissionConfig> {
  let bytes: Buffer;
  try {
    bytes = await readAtMost(path, MAX_MISSION_FILE_BYTES);
  } catch (err) {
    throw readError(path, err);
  }
  if (bytes.length > MAX_MISSION_FILE_BYTES) {
    throw wholeFileError(path, 'file_too_large', `mission file ${path} is larger than 1 MiB; a mission file is TOML text of a few kilobytes (is this the right file?)`);
  }
  const fault = bytesFault(bytes);
  if (fault) throw wholeFileError(path, 'not_utf8', fault.message, fault.line);
  return parseMissionText(bytes.toString('utf8'), path);
}
