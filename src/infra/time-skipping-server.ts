/**
 * The Java time-skipping test server (provisioned by scripts/provision.js), started through the
 * SDK as an `existing-path` executable: nothing is downloaded.
 */
import fs from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';

/** The time-skipping environment on the server at `executable`, started with `startWithRetry`. */
export function startTimeSkippingServer(executable: string): Promise<TestWorkflowEnvironment> {
  return startWithRetry(() => TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: executable } } }));
}

/**
 * The SDK gives the server 5 s to open its port (fixed in Core); a JVM on a busy 2-core machine can
 * take longer. Like Temporal's own SDK test suites (start_local_with_retry in sdk-python), a start
 * that timed out is tried again, up to three times; the JVM left behind by the failed start is
 * stopped first (found by the port the error names), so it neither leaks nor holds the port.
 */
export async function startWithRetry<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      const startup = /ephemeral server at [\d.]+:(\d+) did not start within/.exec((err as Error).message ?? '');
      if (!startup || attempt >= attempts) throw err;
      stopServerOnPort(Number(startup[1]));
    }
  }
}

/** Kills a time-skipping server process listening (or about to) on `port`, if one is left. */
function stopServerOnPort(port: number): void {
  if (!fs.existsSync('/proc')) return; // not Linux: nothing to look in (the port is then left to the OS)
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmd: string[];
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone, or not ours to read
    }
    if (cmd.includes('io.temporal.testserver.TestServer') && cmd.includes(String(port))) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

