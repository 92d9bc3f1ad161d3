/**
 * `lanterne peloton sync` as a user runs it (the built CLI) against a local server in the shape of
 * Peloton's archive and a real PostgreSQL: the library synced and summarised, the same after a
 * second run, `--max-age` leaving a fresh one alone; a refused token, a missing token and an
 * outage each give one line and a hint, keep the library and never print the token.
 */
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { type FakePelotonServer, archivedRide, startFakePelotonServer } from '../../support/fake-peloton-server';
import { buildOnce, cleanEnv, runCli } from './run-cli';

const TOKEN = 'peloton-cli-token-not-secret';
let db: TestDatabase;
let peloton: FakePelotonServer;

beforeAll(async () => {
  buildOnce();
  db = await createTestDatabase('lanterne_cli_peloton');
  peloton = await startFakePelotonServer();
  peloton.validTokens.add(TOKEN);
  for (let i = 0; i < 130; i++) peloton.rides.push(archivedRide(i));
}, 120_000);

afterAll(async () => {
  await peloton?.close();
  db?.pool.on('error', () => undefined);
  await db?.drop();
});

const env = (extra: NodeJS.ProcessEnv = {}) => cleanEnv({ DATABASE_URL: db.url, PELOTON_BASE_URL: peloton.url, PELOTON_BEARER_TOKEN: TOKEN, ...extra });
const classes = async () => Number((await db.pool.query('SELECT count(*) AS n FROM peloton_classes')).rows[0].n);

describe('lanterne peloton sync', () => {
  it('syncs the archive into PostgreSQL and says what changed; a second run leaves the same library', async () => {
    const r = await runCli(['peloton', 'sync'], env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Peloton library synced: 130 cycling classes from 2 pages of the archive (the archive counts 130).');
    expect(r.stdout).toContain('130 new, 0 updated, 0 gone from the archive and removed');
    expect(await classes()).toBe(130);

    const again = await runCli(['peloton', 'sync', '--json'], env());
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(expect.objectContaining({ status: 'synced', classes: 130, added: 0, updated: 130, removed: 0 }));
    expect(await classes()).toBe(130);
  });

  it('--max-age leaves a library synced more recently alone, without calling Peloton', async () => {
    const before = peloton.requests.length;
    const r = await runCli(['peloton', 'sync', '--max-age', '7'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Peloton library is fresh: 130 classes, synced \d{4}-\d\d-\d\dT[\d:.]+Z; nothing to do\.$/m);
    expect(peloton.requests.length).toBe(before);
  });

  it('a refused token: one line with what to do, the library kept, the token never printed', async () => {
    const r = await runCli(['peloton', 'sync'], env({ PELOTON_BEARER_TOKEN: 'an-expired-token-value' }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('lanterne: Peloton refused the bearer token (HTTP 401): it has expired or was revoked; the library was kept');
    expect(lines[1]).toMatch(/^\s*→ sign in at members\.onepeloton\.com, copy the bearer token .* into PELOTON_BEARER_TOKEN/);
    expect(r.stderr).not.toContain('an-expired-token-value');
    expect(await classes()).toBe(130);
  });

  it('no token, or an archive that keeps failing: one line each, nothing changed', async () => {
    const none = await runCli(['peloton', 'sync'], env({ PELOTON_BEARER_TOKEN: '' }));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("lanterne: PELOTON_BEARER_TOKEN is not set: the archive needs a Peloton member's bearer token");
    peloton.script({ status: 500 }, { status: 500 }, { status: 500 });
    const down = await runCli(['peloton', 'sync'], env());
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split('\n')[0]).toMatch(/^lanterne: Peloton is unavailable: .* answered HTTP 500 after 3 attempts; the library was kept$/);
    expect(down.stderr).not.toContain('    at ');
    expect(await classes()).toBe(130);
  });
});
