import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import { UserError } from './user-error';

/**
 * A child server process that we started and must stop: its output goes to a log file, it is
 * stopped with SIGTERM (then SIGKILL after a grace period), and it is killed if this process exits
 * without stopping it, so nothing is left orphaned.
 */
export class ManagedProcess {
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(
    public readonly name: string,
    private readonly child: ChildProcess,
    public readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        live.delete(this);
        resolve(this.exitCode);
      });
    });
    live.add(this);
  }

  static start(name: string, command: string, args: string[], opts: SpawnOptions & { logFile: string }): ManagedProcess {
    const { logFile, ...spawnOpts } = opts;
    const out = fs.openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(command, args, { ...spawnOpts, stdio: ['ignore', out, out], detached: false });
    } finally {
      fs.closeSync(out);
    }
    const proc = new ManagedProcess(name, child, logFile);
    child.once('error', (err) => {
      proc.exitCode = -1;
      proc.spawnError = err;
    });
    return proc;
  }

  spawnError: Error | undefined;

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined && this.spawnError === undefined;
  }

  /** The last lines of the process log, for error messages. */
  tail(lines = 15): string {
    try {
      const text = fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n');
      return text.slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /**
   * Waits until `probe` says the server is ready, failing with a clear message when the process
   * exits first or the time runs out (the process is then stopped).
   */
  async waitUntilReady(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        const why = this.spawnError ? this.spawnError.message : `exited with code ${this.exitCode}`;
        throw new UserError(`${this.name} did not start: ${why}`, `see ${this.logFile}:\n${this.tail()}`);
      }
      if (await probe().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 150));
    }
    await this.stop();
    throw new UserError(
      `${this.name} did not come up within ${Math.round(timeoutMs / 1000)} s`,
      `see ${this.logFile}:\n${this.tail()}`,
    );
  }

  /** SIGTERM, then SIGKILL after `graceMs`. Resolves when the process has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

const live = new Set<ManagedProcess>();
process.once('exit', () => {
  for (const p of live) {
    try {
      process.kill(p.pid ?? -1, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});
