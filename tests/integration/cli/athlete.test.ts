/**
 * Athletes as first-class, through the built CLI as a user runs it: `athlete add|update|list|show`
 * on a real PostgreSQL, and one mission file started for two athletes with `mission start
 * --athlete` on the Temporal dev server, where a worker (real activities, synthetic athlete) runs
 * each athlete's day with that athlete's own profile. `athlete show` names each mission's workflow
 * and its state, and never a secret; `connect --athlete` and `mission start --athlete` need a known
 * athlete; `token add|list|revoke` print a token once and keep only its digest.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { startTestDevServer } from '../../support/dev-server';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { missionAtLocalNoon, waitForStablePhase } from '../../support/mission-client';
import { openWorkerResources, type WorkerResources } from '../../../src/worker/activity-deps';
import { createWorker } from '../../../src/worker/run-worker';
import { PayloadKeyRing, parseSecretKey, payloadDataConverter } from '../../../src/secrets';
import type { RunningDevServer } from '../../../src/infra/temporal-dev-server';
import { ROOT, buildOnce, cleanEnv, runCli, type CliResult } from './run-cli';

Runtime.install({ logger: new DefaultLogger('WARN') });

const PAYLOAD_KEY = randomBytes(32).toString('base64');
const SECRET_KEY = randomBytes(32).toString('base64');

describe('lanterne athlete, mission start --athlete, token', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-athlete-cli-'));
  let server: RunningDevServer;
  let db: TestDatabase;
  let resources: WorkerResources;
  let worker: Worker;
  let running: Promise<void>;
  let connection: Connection;
  let client: Client;
  let missionFile: string;
  let noonZone: string;

  const env = (extra: NodeJS.ProcessEnv = {}) =>
    cleanEnv({ DATABASE_URL: db.url, TEMPORAL_ADDRESS: server.address, LANTERNE_PAYLOAD_KEY: PAYLOAD_KEY, LANTERNE_STATE_DIR: path.join(tmp, 'state'), LANTERNE_OUTPUT_DIR: path.join(tmp, 'out'), ...extra });
  const cli = (...args: string[]) => runCli(args, env());
  const json = <T>(r: CliResult): T => {
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  /** One `lanterne: …` line and one `→` hint, exit 1. */
  const refused = (r: CliResult, says: string) => {
    const lines = r.stderr.split('\n').filter(Boolean);
    expect({ code: r.code, stdout: r.stdout, lines: lines.length, first: lines[0] }).toEqual({ code: 1, stdout: '', lines: 2, first: `lanterne: ${says}` });
    expect(lines[1]).toMatch(/^ {2}→ \S/);
  };

  beforeAll(async () => {
    buildOnce();
    [server, db] = await Promise.all([startTestDevServer(), createTestDatabase('lanterne_cli_athlete')]);
    const dataConverter = payloadDataConverter(new PayloadKeyRing([parseSecretKey(PAYLOAD_KEY)]));
    resources = await openWorkerResources({ databaseUrl: db.url, outputDir: path.join(tmp, 'out'), namespace: 'default', env: { LANTERNE_DATA_SOURCE: 'synthetic' } });
    ({ worker } = await createWorker({ address: server.address, namespace: 'default', deps: resources.deps, dataConverter }));
    running = worker.run();
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection, dataConverter });
    // The shared mission file, in the zone where it is now about noon (far from its run time, midnight and quiet hours).
    const copy = missionAtLocalNoon(path.join(ROOT, 'missions/tdf_sim_2025.toml'), tmp);
    missionFile = copy.file;
    noonZone = copy.timeZone;
  }, 180_000);

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await connection?.close();
    await resources?.close();
    await Promise.all([server?.stop(), db?.drop()]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('adds athletes with a profile and a coach, refuses a duplicate or inconsistent one, lists them', async () => {
    const anna = json<{ handle: string; id: string; timezone: string; coach: string; profile: Record<string, unknown> }>(
      await cli('athlete', 'add', 'anna', '--timezone', noonZone, '--ftp', '262', '--weight', '58.5', '--threshold-hr', '172', '--max-hr', '191', '--resting-hr', '44', '--coach', 'coach-bo', '--json'),
    );
    expect(anna).toMatchObject({ handle: 'anna', timezone: noonZone, coach: 'coach-bo', profile: { ftpW: 262, weightKg: 58.5, thresholdHr: 172, maxHr: 191, restingHr: 44 } });
    expect(anna.id).toMatch(/^ath_[a-z0-9]{12}$/);
    const ben = await cli('athlete', 'add', 'ben', '--coach', 'coach-bo');
    expect(ben.stdout).toMatch(/^added athlete ben \(ath_[a-z0-9]{12}\), coached by coach-bo\n/);
    refused(await cli('athlete', 'add', 'anna'), 'athlete anna already exists');
    refused(await cli('athlete', 'add', 'carl', '--threshold-hr', '170', '--max-hr', '165'), '--max-hr 165 is not above the threshold heart rate (170)');
    refused(await cli('athlete', 'add', 'carl', '--timezone', 'Mars/Olympus'), '--timezone Mars/Olympus is not a timezone');
    refused(await cli('athlete', 'update', 'carl', '--ftp', '250'), 'no athlete "carl"');
    // Timezones are written as IANA spells them.
    expect(json<{ timezone: string }>(await cli('athlete', 'add', 'carl', '--timezone', 'europe/paris', '--json')).timezone).toBe('Europe/Paris');
    const list = json<{ handle: string; coach: string | null }[]>(await cli('athlete', 'list', '--json'));
    expect(list.map((a) => [a.handle, a.coach])).toEqual([
      ['anna', 'coach-bo'],
      ['ben', 'coach-bo'],
      ['carl', null],
    ]);
    const table = (await cli('athlete', 'list')).stdout;
    expect(table).toMatch(/^handle\s+id\s+timezone\s+coach\s+FTP\s+missions\s+providers\n/);
    expect(table).toMatch(/\nanna\s+ath_\w{12}\s+\S+\s+coach-bo\s+262\s/);
  });

  it('starts one mission file for two athletes: two workflows, each day run with that athlete’s profile', async () => {
    refused(await cli('mission', 'start', missionFile, '--athlete', 'zed'), 'no athlete "zed"');
    const anna = json<{ workflowId: string; athlete: string; athleteId: string }>(await cli('mission', 'start', missionFile, '--athlete', 'anna', '--start-date', 'today', '--json'));
    const ben = json<{ workflowId: string; athlete: string; athleteId: string }>(await cli('mission', 'start', missionFile, '--athlete', 'ben', '--start-date', 'today', '--json'));
    expect(anna).toMatchObject({ athlete: 'anna', workflowId: `mission-${anna.athleteId}-tdf_sim_2025` });
    expect(ben).toMatchObject({ athlete: 'ben', workflowId: `mission-${ben.athleteId}-tdf_sim_2025` });
    refused(await cli('mission', 'start', missionFile, '--athlete', 'anna'), 'mission tdf_sim_2025 of anna is already running');

    const annaStatus = await waitForStablePhase(client.workflow.getHandle(anna.workflowId), { done: (s) => s.lastDay !== null, timeoutMs: 120_000 });
    const benStatus = await waitForStablePhase(client.workflow.getHandle(ben.workflowId), { done: (s) => s.lastDay !== null, timeoutMs: 120_000 });
    // anna's profile replaced the file's; ben has none of his own, so the file's stands.
    expect([annaStatus.athlete, annaStatus.ftpW, annaStatus.timezone]).toEqual(['anna', 262, noonZone]);
    expect([benStatus.athlete, benStatus.ftpW]).toEqual(['ben', 250]);
    // Each athlete's report is under their own folder.
    expect(fs.readdirSync(path.join(tmp, 'out', 'anna', 'tdf_sim_2025'))).toContain(`${annaStatus.lastDay!.date}.md`);
    expect(fs.readdirSync(path.join(tmp, 'out', 'ben', 'tdf_sim_2025'))).toContain(`${benStatus.lastDay!.date}.md`);
    // The mission id alone is ambiguous now; --athlete names whose.
    refused(await cli('mission', 'status', 'tdf_sim_2025'), 'mission tdf_sim_2025 runs for 2 athletes (anna, ben)');
    expect(json<{ athlete: string; ftpW: number }>(await cli('mission', 'status', 'tdf_sim_2025', '--athlete', 'anna', '--json'))).toMatchObject({ athlete: 'anna', ftpW: 262 });
  }, 300_000);

  it('shows an athlete: profile, coach, providers (no token), missions with workflow id and state', async () => {
    const { id } = json<{ id: string }>(await cli('athlete', 'show', 'anna', '--json'));
    const shown = json<{
      handle: string;
      coach: string;
      providers: { provider: string; connected: boolean }[];
      missions: { id: string; status: string; workflowId: string; workflow: { state: string; phase: string | null } }[];
    }>(await cli('athlete', 'show', 'anna', '--json'));
    expect(shown).toMatchObject({ handle: 'anna', coach: 'coach-bo' });
    expect(shown.providers).toEqual([
      { provider: 'oura', connected: false, expiresAt: null, expired: false, webhooksLinked: false },
      { provider: 'strava', connected: false, expiresAt: null, expired: false, webhooksLinked: false },
    ]);
    expect(shown.missions).toEqual([{ id: 'tdf_sim_2025', name: expect.any(String), status: 'active', workflowId: `mission-${id}-tdf_sim_2025`, workflow: { state: 'running', phase: 'waiting' } }]);
    const human = await cli('athlete', 'show', 'anna');
    expect(human.stdout).toContain(`athlete anna (${id})`);
    expect(human.stdout).toContain('profile   FTP 262 W, 58.5 kg, threshold HR 172, max HR 191, resting HR 44');
    expect(human.stdout).toMatch(new RegExp(`tdf_sim_2025\\s+.+\\s+active\\s+mission-${id}-tdf_sim_2025\\s+running \\(waiting\\)`));
    expect(human.stdout).toContain('oura      not connected (lanterne connect oura --athlete anna)');
    // Without Temporal, the database still answers and says why the state is unknown.
    const offline = json<{ temporal: string; missions: { workflow: unknown }[] }>(await runCli(['athlete', 'show', 'anna', '--json'], env({ TEMPORAL_ADDRESS: '127.0.0.1:1' })));
    expect(offline.temporal).toBe('no Temporal server answers at 127.0.0.1:1');
    expect(offline.missions[0]!.workflow).toBeNull();
    refused(await cli('athlete', 'show', 'nobody'), 'no athlete "nobody"');
  });

  it('connect --athlete needs a known athlete (before any browser is opened)', async () => {
    const connectEnv = env({ OURA_CLIENT_ID: 'id', OURA_CLIENT_SECRET: 'secret', LANTERNE_SECRET_KEY: SECRET_KEY, OURA_AUTHORIZE_URL: 'http://127.0.0.1:1/authorize', OURA_TOKEN_URL: 'http://127.0.0.1:1/token' });
    const r = await runCli(['connect', 'oura', '--athlete', 'zed', '--port', '0', '--no-browser'], connectEnv);
    refused(r, 'no athlete "zed"');
    expect(r.stderr).toContain('lanterne athlete add zed');
  });

  it('token add prints the token once; list and the database keep only its id and digest; revoke ends it', async () => {
    const made = await cli('token', 'add', '--coach', 'coach-bo', '--label', 'Bo laptop');
    expect(made.code).toBe(0);
    const [, id] = /^token (tok_[a-z0-9]{12}) for coach coach-bo\n/.exec(made.stdout)!;
    const token = /\n {2}(lnt_[A-Za-z0-9_-]{43})\n/.exec(made.stdout)![1]!;
    expect(made.stdout).toContain('It sees the missions of anna, ben');
    const list = await cli('token', 'list', '--json');
    expect(list.stdout).not.toContain(token);
    expect(json<{ id: string; scope: string; subject: string; label: string; revokedAt: null }[]>(list)).toEqual([expect.objectContaining({ id, scope: 'coach', subject: 'coach-bo', label: 'Bo laptop', revokedAt: null })]);
    const rows = await db.pool.query(`SELECT * FROM access_tokens`);
    expect(JSON.stringify(rows.rows)).not.toContain(token.slice(4, 20));
    refused(await cli('token', 'add', '--athlete', 'zed'), 'no athlete "zed"');
    refused(await cli('token', 'add'), 'token add needs --coach <name> or --athlete <handle>');
    expect((await cli('token', 'revoke', id!)).stdout).toMatch(new RegExp(`^revoked ${id} \\(coach coach-bo\\) at \\d{4}-`));
    expect(json<{ revokedAt: string | null }[]>(await cli('token', 'list', '--json'))[0]!.revokedAt).not.toBeNull();
    refused(await cli('token', 'revoke', 'tok_000000000000'), 'no token tok_000000000000');
  });
});
