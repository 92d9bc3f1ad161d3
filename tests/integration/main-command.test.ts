import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort, isListening } from '../../src/infra/ports';
import { localDate } from '../../src/domain/schedule';
import { missionAtLocalNoon } from '../support/mission-client';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The main command as a user runs it (`lanterne up`, what `npm start` ends with), on free ports and
 * its own state folder: today's report in three formats, the mission answering the CLI, the
 * dashboard serving it, a reflection reaching the workflow, and a clean Ctrl-C.
 *
 * On the real clock, the default mission is given with `--mission` as a copy in a zone where it is
 * now about noon: "today" cannot change while the test runs, and no run time is near.
 */
describe('lanterne up', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-up-'));
  fs.chmodSync(tmp, 0o755); // reachable by PostgreSQL's server user when the tests run as root
  let up: ChildProcess;
  let stdout = '';
  let env: Record<string, string>;
  let ports: number[];
  const mission = missionAtLocalNoon(path.join(ROOT, 'missions/tdf_sim_2025.toml'), tmp);

  afterAll(() => {
    if (up && up.exitCode === null) up.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin/lanterne.js'), ...args], { cwd: ROOT, env, encoding: 'utf8' });

  it('starts everything, runs today, prints where to look', async () => {
    ports = [await freePort(), await freePort(), await freePort()];
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      LANTERNE_STATE_DIR: path.join(tmp, 'state'),
      LANTERNE_OUTPUT_DIR: path.join(tmp, 'output'),
      LANTERNE_TEMPORAL_PORT: String(ports[0]),
      LANTERNE_TEMPORAL_UI_PORT: String(ports[1]),
      DASHBOARD_PORT: String(ports[2]),
      DASHBOARD_TOKEN: 'test-dashboard-token-0123456789',
    };
    up = spawn(process.execPath, [path.join(ROOT, 'bin/lanterne.js'), 'up', '--mission', mission.file], { cwd: ROOT, env });
    up.stdout!.on('data', (d) => (stdout += d));
    let stderr = '';
    up.stderr!.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 120_000;
    while (!stdout.includes('Press Ctrl-C') && Date.now() < deadline && up.exitCode === null) await new Promise((r) => setTimeout(r, 200));
    expect(stdout).toContain('Press Ctrl-C');
    expect(stderr).not.toContain('unexpected error');

    const today = localDate(Date.now(), mission.timeZone);
    expect(stdout).toMatch(new RegExp(`Temporal UI : http://127\\.0\\.0\\.1:${ports[1]}/namespaces/default/workflows/mission-ath_[a-z0-9]{12}-tdf_sim_2025\\n`));
    expect(stdout).toContain(`Report      : ${path.join(tmp, 'output', 'rider', 'tdf_sim_2025', `${today}.md`)}`);
    for (const ext of ['md', 'html', 'json']) expect(fs.existsSync(path.join(tmp, 'output', 'rider', 'tdf_sim_2025', `${today}.${ext}`))).toBe(true);
    // The Temporal UI answers.
    expect((await fetch(`http://127.0.0.1:${ports[1]}/`)).status).toBe(200);

    // Encryption is on by default: a key file made on this first run (its path printed), owner-only,
    // and the UI's codec endpoint on the UI's origin, for a signed-in caller only.
    const keyFile = path.join(tmp, 'state', 'keys', 'payload-keys.json');
    expect(stdout).toContain(`Created the payload key ${keyFile} (owner-only)`);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(stdout).toContain('Decrypted   : payloads are encrypted; the Temporal UI decodes them in a browser signed in to the dashboard');
    const codec = (authorization?: string) =>
      fetch(`http://127.0.0.1:${ports[1]}/codec/encode`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: '{"payloads":[]}' });
    expect((await codec()).status).toBe(401);
    expect((await codec('Bearer test-dashboard-token-0123456789')).status).toBe(200);
  }, 150_000);

  it('answers the CLI, serves the dashboard, and takes a reflection into the workflow', async () => {
    const status = cli('mission', 'status', 'tdf_sim_2025', '--json');
    expect(status.status).toBe(0);
    const s = JSON.parse(status.stdout);
    expect(s).toMatchObject({ missionId: 'tdf_sim_2025', daysTotal: 23 });

    const page = await fetch(`http://127.0.0.1:${ports[2]}/missions`, { headers: { authorization: 'Bearer test-dashboard-token-0123456789' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Tour de France 2025 simulation');
    expect((await fetch(`http://127.0.0.1:${ports[2]}/missions`)).status).toBe(401);

    const yesterday = localDate(Date.now() - 86_400_000, mission.timeZone);
    const sent = cli('reflect', 'tdf_sim_2025', '--date', yesterday, '--rpe', '7', '--legs', '3', '--mood', '4', '--sleep', '4', '--completed', 'yes', '--json');
    expect(sent.status).toBe(0);
    let reflections: { date: string }[] = [];
    for (let i = 0; i < 40 && reflections.length === 0; i++) {
      reflections = JSON.parse(cli('mission', 'status', 'tdf_sim_2025', '--json').stdout).reflections;
      if (reflections.length === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(reflections).toEqual([expect.objectContaining({ date: yesterday, rpe: 7 })]);

    const bad = cli('override', 'tdf_sim_2025', 'set-ftp', '--ftp', '5000');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('set-ftp needs ftpW as whole watts from 50 to 600 (got 5000)');
  }, 60_000);

  it('stops cleanly on Ctrl-C, leaving nothing listening', async () => {
    up.kill('SIGINT');
    const code = await new Promise((r) => up.once('exit', r));
    expect(code).toBe(0);
    expect(stdout).toContain('Stopped cleanly.');
    for (const p of ports) expect(await isListening(p)).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'state', 'up.json'))).toBe(false);
  }, 60_000);
});
