/** Runs the built `lanterne` command as a user would (node bin/lanterne.js …) and collects its output. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { cliIsBuilt } from '../../support/build-cli';

export const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin', 'lanterne.js');

/**
 * The CLI tests run dist/, which the jest global setup compiles once before any test file starts
 * (tests/support/build-cli.ts). Refuses to run a stale build rather than compiling here: a test
 * file compiling dist/ while another file's CLI loads it was a source of rare half-written modules.
 */
export function buildOnce(): void {
  if (!cliIsBuilt()) throw new Error('dist/ is older than src/: the jest global setup builds it (run the tests through jest or npm test)');
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for the CLI: the test's process.env minus anything that would reach real services. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(OURA_|STRAVA_|OPENAI_|SMTP_|TWILIO_|PELOTON_|GITHUB_|NOTIFY_|SMS_|LANTERNE_)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export function startCli(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): { child: ChildProcess; result: Promise<CliResult>; stderrSoFar: () => string; stdoutSoFar: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const result = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, result, stderrSoFar: () => stderr, stdoutSoFar: () => stdout };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<CliResult> {
  return startCli(args, env, cwd).result;
}
