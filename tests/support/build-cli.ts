/**
 * The built CLI (dist/) that the CLI tests run as a user would. It is compiled once per jest run,
 * in the global setup, before any test file starts: compiling from the test files themselves let
 * one file's tsc rewrite dist/ while another file's CLI process was loading it (a half-written
 * module, an "unexpected error" with a stack, one run in many).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const STAMP = path.join(ROOT, 'dist', '.build-stamp');

/** The newest modification time under src/ and of the build's tsconfig files. */
function newestSource(): number {
  let newest = Math.max(...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => fs.statSync(path.join(ROOT, f)).mtimeMs));
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  walk(path.join(ROOT, 'src'));
  return newest;
}

/** True when dist/ was built after the last change to src/. */
export function cliIsBuilt(): boolean {
  try {
    return fs.statSync(STAMP).mtimeMs >= newestSource();
  } catch {
    return false;
  }
}

/** Compiles src/ to dist/ unless it is already up to date (npm test builds it before jest starts). */
export function buildCli(): void {
  if (cliIsBuilt()) return;
  const started = Date.now();
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    /* type errors elsewhere still emit JavaScript; a missing file shows up in the tests */
  }
  fs.mkdirSync(path.dirname(STAMP), { recursive: true });
  fs.writeFileSync(STAMP, new Date(started).toISOString() + '\n');
  fs.utimesSync(STAMP, new Date(started), new Date(started));
}
