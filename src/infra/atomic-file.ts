/**
 * Atomic file replacement: the content goes to a temporary file in the same folder, is flushed,
 * then renamed over the target (and the folder flushed), so a crash leaves either the old file or
 * the new one, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export type FileWriteResult = 'written' | 'unchanged';

/** Replace `file` with `content` atomically; do nothing when it already holds exactly that. */
export async function writeFileAtomic(file: string, content: string | Buffer): Promise<FileWriteResult> {
  const wanted = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
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
