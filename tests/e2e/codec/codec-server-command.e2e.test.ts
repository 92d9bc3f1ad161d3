/**
 * `lanterne codec-server`, the codec endpoint docker-compose runs for its `temporalio/ui`: the
 * built CLI as a process, with the worker's payload key and its own token. Over HTTP: Temporal's
 * payload JSON decoded only with the token, CORS for the UI's origin only. In a real chromium: a
 * page on the UI's origin (another port of localhost, as compose serves the UI) calls the codec as
 * the Temporal UI does with TEMPORAL_CODEC_INCLUDE_CREDENTIALS (`fetch(…, { credentials: 'include' })`
 * with `X-Namespace`): refused until the browser signs in on the codec server's own page, decoded
 * after, refused again after sign-out. And its setup mistakes are one line each.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../../../src/infra/ports';
import { EncryptionCodec, PayloadKeyRing, parseSecretKey } from '../../../src/secrets';
import { launchBrowser } from '../../support/browser';
import { buildOnce, cleanEnv, runCli, startCli } from '../../integration/cli/run-cli';

const TOKEN = 'compose-codec-token-3f9a0e1b7c';
const KEY = randomBytes(32).toString('base64');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const HEALTH = { hrvMs: 38.2, restingHr: 54, athlete: 'rider' };

describe('lanterne codec-server', () => {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-codec-cmd-'));
  let codecPort: number;
  let uiPort: number;
  let codecUrl: string;
  let uiOrigin: string;
  let ui: http.Server;
  let server: ReturnType<typeof startCli>;
  let browser: Browser;
  let encrypted: { metadata: Record<string, string>; data: string };

  beforeAll(async () => {
    buildOnce();
    [codecPort, uiPort, browser] = await Promise.all([freePort(), freePort(), launchBrowser()]);
    codecUrl = `http://localhost:${codecPort}`;
    uiOrigin = `http://localhost:${uiPort}`;
    // Stands in for the Temporal UI's page: an empty document on the UI's origin.
    ui = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Temporal UI</title><p>ui</p>'));
    await new Promise<void>((r) => ui.listen(uiPort, '127.0.0.1', r));
    server = startCli(['codec-server', '--port', String(codecPort), '--ui-origin', uiOrigin], cleanEnv({ LANTERNE_CODEC_TOKEN: TOKEN, LANTERNE_PAYLOAD_KEY: KEY, LANTERNE_STATE_DIR: state }));
    for (let i = 0; i < 150 && !server.stdoutSoFar().includes('Sign in'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(server.stdoutSoFar()).toContain(`Codec server: http://127.0.0.1:${codecPort}/codec for the Temporal UI at ${uiOrigin} (namespace default); it decodes only for the token in LANTERNE_CODEC_TOKEN.`);
    // A payload as the worker writes it: encrypted with the same key.
    const [p] = await new EncryptionCodec(new PayloadKeyRing([parseSecretKey(KEY)])).encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(HEALTH)) }]);
    encrypted = { metadata: Object.fromEntries(Object.entries(p!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(p!.data!).toString('base64') };
  }, 120_000);

  afterAll(async () => {
    server?.child.kill('SIGTERM');
    if (server) expect((await server.result).code).toBe(0); // Ctrl-C / SIGTERM: a clean stop
    await browser?.close();
    await new Promise((r) => ui?.close(r));
    fs.rmSync(state, { recursive: true, force: true });
  });

  const decode = (headers: Record<string, string>) =>
    fetch(`${codecUrl}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers }, body: JSON.stringify({ payloads: [encrypted] }) });

  it('decodes Temporal payload JSON for its token only', async () => {
    expect(Buffer.from(encrypted.data, 'base64').toString('latin1')).not.toContain('38.2');
    expect((await decode({})).status).toBe(401);
    expect((await decode({ authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    const ok = await decode({ authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(body.payloads[0]!.metadata.encoding).toBe(b64('json/plain'));
    expect(JSON.parse(Buffer.from(body.payloads[0]!.data, 'base64').toString('utf8'))).toEqual(HEALTH);
    expect((await decode({ authorization: `Bearer ${TOKEN}`, 'x-namespace': 'other' })).status).toBe(403);
  });

  it('answers the UI origin’s CORS preflight with credentials, and no other origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${codecUrl}/codec/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    const ok = await preflight(uiOrigin);
    expect(ok.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect((await preflight('http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  /** The Temporal UI's codec call (includeCredentials on), run in the UI page. */
  const uiDecode = (page: Page) =>
    page.evaluate(
      async ({ endpoint, payload }) => {
        const res = await fetch(`${endpoint}/decode`, { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default' }, body: JSON.stringify({ payloads: [payload] }) });
        return { status: res.status, body: await res.text() };
      },
      { endpoint: `${codecUrl}/codec`, payload: encrypted },
    );

  it('in a browser: the UI’s page decodes only after the browser signed in on the codec server, and not after signing out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${uiOrigin}/`);
    expect((await uiDecode(page)).status).toBe(401);

    const signIn = await context.newPage();
    await signIn.goto(`${codecUrl}/sign-in`);
    await signIn.locator('form#sign-in [name=token]').fill('not-the-token-at-all');
    await Promise.all([signIn.waitForLoadState(), signIn.locator('form#sign-in button[type=submit]').click()]);
    expect(await signIn.locator('#message').innerText()).toBe('That is not the codec server’s token.');
    expect((await uiDecode(page)).status).toBe(401);
    await signIn.locator('form#sign-in [name=token]').fill(TOKEN);
    await Promise.all([signIn.waitForURL(`${codecUrl}/sign-in`), signIn.locator('form#sign-in button[type=submit]').click()]);
    expect(await signIn.locator('#message').innerText()).toContain('Signed in');
    const cookie = (await context.cookies()).find((c) => c.name === `lanterne_codec_${codecPort}`)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookie.value).not.toContain(TOKEN);

    const decoded = await uiDecode(page);
    expect(decoded.status).toBe(200);
    const payload = (JSON.parse(decoded.body) as { payloads: { data: string }[] }).payloads[0]!;
    expect(JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'))).toEqual(HEALTH);

    await Promise.all([signIn.waitForURL('**/sign-in?signed_out=1'), signIn.locator('form#sign-out button[type=submit]').click()]);
    expect((await uiDecode(page)).status).toBe(401);
    await context.close();
  });

  it('refuses a sign-in form sent from another site', async () => {
    const res = await fetch(`${codecUrl}/sign-in`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' }, body: `token=${TOKEN}` });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('will not start without a token or a payload key, each said in one line', async () => {
    const noToken = await runCli(['codec-server', '--port', '0'], cleanEnv({ LANTERNE_PAYLOAD_KEY: KEY, LANTERNE_STATE_DIR: state, DASHBOARD_TOKEN: '' }));
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(/^lanterne: the codec server decodes for no one without a token: LANTERNE_CODEC_TOKEN is not set \(nor DASHBOARD_TOKEN\)\n {2}→ set LANTERNE_CODEC_TOKEN/);
    const short = await runCli(['codec-server', '--port', '0'], cleanEnv({ LANTERNE_CODEC_TOKEN: 'short', LANTERNE_PAYLOAD_KEY: KEY, LANTERNE_STATE_DIR: state }));
    expect(short.stderr).toContain('lanterne: LANTERNE_CODEC_TOKEN is too short for the codec server');
    const noKey = await runCli(['codec-server', '--port', '0'], cleanEnv({ LANTERNE_CODEC_TOKEN: TOKEN, LANTERNE_STATE_DIR: state }));
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain(`lanterne: no payload key: neither LANTERNE_PAYLOAD_KEY nor ${path.join(state, 'keys')}`);
    const busy = await runCli(['codec-server', '--port', String(codecPort)], cleanEnv({ LANTERNE_CODEC_TOKEN: TOKEN, LANTERNE_PAYLOAD_KEY: KEY, LANTERNE_STATE_DIR: state }));
    expect(busy.stderr).toContain(`lanterne: port ${codecPort} for the codec server is already in use`);
  });
});
