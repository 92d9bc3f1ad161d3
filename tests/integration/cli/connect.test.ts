import { startFakeOuraServer, type FakeOuraServer } from '../../support/fake-oura-server';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { buildOnce, cleanEnv, runCli, startCli } from './run-cli';

const KEY = Buffer.alloc(32, 9).toString('base64');
let oura: FakeOuraServer;
let db: TestDatabase;

beforeAll(async () => {
  buildOnce();
  oura = await startFakeOuraServer();
  db = await createTestDatabase('lanterne_cli_connect');
}, 120_000);

afterAll(async () => {
  await oura?.close();
  await db?.drop();
});

const env = (extra: NodeJS.ProcessEnv = {}) =>
  cleanEnv({
    OURA_CLIENT_ID: oura.clientId,
    OURA_CLIENT_SECRET: oura.clientSecret,
    OURA_AUTHORIZE_URL: oura.authorizeUrl,
    OURA_TOKEN_URL: oura.tokenUrl,
    OURA_BASE_URL: oura.url,
    LANTERNE_SECRET_KEY: KEY,
    DATABASE_URL: db.url,
    ...extra,
  });

async function waitFor<T>(fn: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('lanterne connect', () => {
  it('runs the OAuth flow for the mission’s athlete and stores the tokens encrypted', async () => {
    const run = startCli(['connect', 'oura', '--mission', 'missions/tdf_sim_2025.toml', '--port', '0', '--no-browser', '--json'], env());
    const url = await waitFor(() => /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\S+)/.exec(run.stderrSoFar())?.[1]);
    // The "browser": follow the consent redirect back to the CLI's loopback callback.
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('connected');
    const r = await run.result;
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ connected: true, provider: 'oura', athlete: 'rider' });
    expect(out.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(r.stdout + r.stderr).not.toMatch(/oura-(access|refresh)-/);
    const rows = await db.pool.query(`SELECT athlete, provider, ciphertext::text AS c FROM athlete_tokens`);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]).toMatchObject({ athlete: 'rider', provider: 'oura' });
    expect(rows.rows[0].c).not.toContain('oura-access-');
    // The Oura account's id, so webhook events find the athlete
    expect(out).toMatchObject({ webhooksLinked: true });
    const accounts = await db.pool.query(`SELECT athlete, provider, provider_user_id FROM provider_accounts`);
    expect(accounts.rows).toEqual([{ athlete: 'rider', provider: 'oura', provider_user_id: oura.userId }]);
  });

  it('--status lists providers and expiry, never token values', async () => {
    const r = await runCli(['connect', '--status', '--athlete', 'rider', '--json'], env());
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.connections).toEqual([expect.objectContaining({ athlete: 'rider', provider: 'oura', expired: false })]);
    expect(r.stdout).not.toMatch(/oura-(access|refresh)-|accessToken|refreshToken/);
    const human = await runCli(['connect', '--status'], env());
    expect(human.stdout).toMatch(/rider\s+oura\s+\d{4}-/);
    const other = await runCli(['connect', '--status', '--athlete', 'nobody'], env());
    expect(other.stdout).toContain('no provider is connected for athlete "nobody"');
  });

  it('names every missing variable before starting anything', async () => {
    const r = await runCli(['connect', 'strava', '--athlete', 'rider'], env({ LANTERNE_SECRET_KEY: '', DATABASE_URL: '' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('STRAVA_CLIENT_ID, STRAVA_CLIENT_SECRET, LANTERNE_SECRET_KEY, DATABASE_URL are not set');
  });

  it('rejects an unknown provider and a denied consent clearly', async () => {
    const bad = await runCli(['connect', 'garmin', '--athlete', 'rider'], env());
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('provider garmin is not accepted');
    oura.denyConsent = true;
    try {
      const run = startCli(['connect', 'oura', '--athlete', 'rider', '--port', '0', '--no-browser'], env());
      const url = await waitFor(() => /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\S+)/.exec(run.stderrSoFar())?.[1]);
      await fetch(url);
      const r = await run.result;
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('connecting oura failed');
      expect(r.stderr).toContain('access_denied');
    } finally {
      oura.denyConsent = false;
    }
  });
});
