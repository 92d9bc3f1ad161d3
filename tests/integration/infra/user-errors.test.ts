import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnSync, spawn } from 'node:child_process';
import { freePort, isListening } from '../../../src/infra/ports';

const ROOT = path.resolve(__dirname, '../../..');

/** Runs a command as a user would, with a clean environment plus `env`. */
function run(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { HOME: process.env.HOME ?? '/root', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('mistakes in the setup get one clear line, and nothing is left running', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-user-errors-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('provisioning without Go says what to install (no stack trace)', () => {
    const r = spawnSync(process.execPath, ['scripts/provision.js', '--for', 'up'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LANTERNE_TOOLS_DIR: path.join(tmp, 'tools') },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('lanterne: Go is not installed: the Temporal CLI (dev server and UI) is built from its Go module');
    expect(r.stderr).toContain('→ install Go 1.25 or newer, or set TEMPORAL_ADDRESS to use a running Temporal server');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('`up` with a mission file that does not exist stops before starting anything', async () => {
    const r = await run(['bin/lanterne.js', 'up', '--mission', 'missions/nope.toml'], { PATH: process.env.PATH ?? '', LANTERNE_STATE_DIR: path.join(tmp, 'state-1') });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `lanterne: mission file not found: ${path.join(ROOT, 'missions/nope.toml')}`,
      '  → check the path; the shipped missions are in missions/ (e.g. missions/tdf_sim_2025.toml)',
    ]);
    expect(fs.existsSync(path.join(tmp, 'state-1', 'logs'))).toBe(false);
  });

  it('`up` with the database port taken stops the Temporal server it had already started', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const busy = (blocker.address() as net.AddressInfo).port;
    const temporalPort = await freePort();
    const uiPort = await freePort();
    try {
      const r = await run(['bin/lanterne.js', 'up'], {
        PATH: process.env.PATH ?? '',
        LANTERNE_STATE_DIR: path.join(tmp, 'state-2'),
        LANTERNE_OUTPUT_DIR: path.join(tmp, 'output'),
        LANTERNE_TEMPORAL_PORT: String(temporalPort),
        LANTERNE_TEMPORAL_UI_PORT: String(uiPort),
        LANTERNE_PG_PORT: String(busy),
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`lanterne: port ${busy} for the embedded PostgreSQL is already in use`);
      expect(r.stderr).toContain('→ stop what is listening there, or choose another port with LANTERNE_PG_PORT=<port>');
      expect(r.stdout).toContain('Starting the Temporal dev server');
      expect(await isListening(temporalPort)).toBe(false);
      expect(await isListening(uiPort)).toBe(false);
    } finally {
      blocker.close();
    }
  }, 180_000);
});
