/** How `lanterne up` gets and announces the dashboard token: never inside a URL, never printed. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DASHBOARD_TOKEN_FILE, dashboardLine, dashboardToken } from '../../../src/cli/dashboard-launch';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-dash-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('dashboard token for up', () => {
  it('writes a generated token to a file only its owner can read, and points at the file', () => {
    const t = dashboardToken(dir, {});
    const file = path.join(dir, DASHBOARD_TOKEN_FILE);
    expect(t.where).toBe(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${t.token}\n`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(t.token.length).toBeGreaterThanOrEqual(32);
    // A new run, a new token.
    expect(dashboardToken(dir, {}).token).not.toBe(t.token);
  });

  it('uses DASHBOARD_TOKEN when set, writes nothing, and refuses a short one with a hint', () => {
    expect(dashboardToken(dir, { DASHBOARD_TOKEN: 'a-token-of-at-least-16' })).toEqual({ token: 'a-token-of-at-least-16', where: 'the DASHBOARD_TOKEN variable' });
    expect(fs.existsSync(path.join(dir, DASHBOARD_TOKEN_FILE))).toBe(false);
    expect(() => dashboardToken(dir, { DASHBOARD_TOKEN: 'short' })).toThrow('DASHBOARD_TOKEN is too short');
  });

  it('prints the sign-in address and where the token is, not the token', () => {
    const t = dashboardToken(dir, {});
    const line = dashboardLine('http://127.0.0.1:8787', t);
    expect(line).toBe(`http://127.0.0.1:8787/sign-in (token: ${path.join(dir, DASHBOARD_TOKEN_FILE)})`);
    expect(line).not.toContain(t.token);
    expect(line).not.toContain('token=');
  });
});
