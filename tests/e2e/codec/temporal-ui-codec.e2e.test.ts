/**
 * The Temporal UI decodes payloads through Lanterne's codec server, in a real browser: the dev
 * server's own UI (Temporal CLI) with its codec endpoint on the UI's origin, a real worker and
 * activities (synthetic athlete, real PostgreSQL) writing an encrypted day, and the dashboard
 * whose sign-in authorises the codec. Signed in: the day workflow's page shows decoded fields;
 * not signed in: ciphertext and the UI's codec error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import type { Browser, Page } from 'playwright-core';
import { startDevServer, type RunningDevServer } from '../../../src/infra/temporal-dev-server';
import { freePort } from '../../../src/infra/ports';
import { openWorkerResources, type WorkerResources } from '../../../src/worker/activity-deps';
import { createWorker } from '../../../src/worker/run-worker';
import { dayWorkflowId } from '../../../src/shared/mission-api';
import { loadMissionFile } from '../../../src/mission';
import { startMission } from '../../../src/client/missions';
import { startDashboard, temporalFromClient, type RunningDashboard } from '../../../src/dashboard';
import { openPayloadKeys, payloadDataConverter } from '../../../src/secrets';
import { startUiCodecServer, UI_CODEC_ENDPOINT } from '../../../src/codec/ui-codec';
import type { RunningCodecServer } from '../../../src/codec/codec-server';
import { localDate } from '../../../src/domain/schedule';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { missionAtLocalNoon, runTodayNow, waitForStatus } from '../../support/mission-client';
import { launchBrowser } from '../../support/browser';

Runtime.install({ logger: new DefaultLogger('WARN') });

const TOKEN = 'ui-codec-e2e-token-0123456789';
const RESULTS = path.resolve(__dirname, '../../../test-results');
/** "binary/encrypted", as the UI shows an encrypted payload's encoding it could not decode. */
const ENCRYPTED_B64 = Buffer.from('binary/encrypted').toString('base64');

describe('the Temporal UI with the codec server', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-ui-codec-'));
  let server: RunningDevServer;
  let db: TestDatabase;
  let resources: WorkerResources;
  let worker: Worker;
  let running: Promise<void>;
  let connection: Connection;
  let dashboard: RunningDashboard;
  let codecServer: RunningCodecServer;
  let browser: Browser;
  let dayId: string;

  beforeAll(async () => {
    const keys = openPayloadKeys({ env: {}, stateDir: path.join(tmp, 'state'), create: true })!;
    const dataConverter = payloadDataConverter(keys.ring);
    [server, db, browser] = await Promise.all([
      startDevServer({ logFile: path.join(tmp, 'temporal.log'), uiCodecEndpoint: UI_CODEC_ENDPOINT }),
      createTestDatabase('lanterne_ui_codec'),
      launchBrowser(),
    ]);
    const uiPort = await freePort();
    resources = await openWorkerResources({ databaseUrl: db.url, outputDir: path.join(tmp, 'out'), namespace: 'default', temporalUiUrl: `http://127.0.0.1:${uiPort}`, env: { LANTERNE_DATA_SOURCE: 'synthetic' } });
    ({ worker } = await createWorker({ address: server.address, namespace: 'default', deps: resources.deps, dataConverter }));
    running = worker.run();
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, dataConverter });
    dashboard = await startDashboard({ memory: resources.deps.memory, temporal: temporalFromClient(client), token: TOKEN, host: '127.0.0.1', port: 0, namespace: 'default', log: () => undefined });
    codecServer = await startUiCodecServer({ port: uiPort, devUiUrl: server.uiUrl!, keys: keys.ring, namespace: 'default', authorize: (headers) => dashboard.signedIn(headers) });

    // A copy in the zone where it is now about noon: far from the run time, midnight and the quiet hours, whatever the hour of the test.
    const copy = missionAtLocalNoon(path.resolve(__dirname, '../../../missions/tdf_sim_2025.toml'), tmp);
    const mission = await loadMissionFile(copy.file);
    const { handle, workflowId } = await startMission(client, resources.deps.memory, mission, { startDate: 'today' });
    const today = localDate(Date.now(), copy.timeZone);
    await runTodayNow(handle);
    await waitForStatus(handle, (s) => s.lastDay?.date === today && s.phase !== 'running-day', 120_000);
    dayId = dayWorkflowId(workflowId, today);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await codecServer?.close();
    await dashboard?.close();
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await connection?.close();
    await resources?.close();
    await Promise.all([server?.stop(), db?.drop()]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Opens the day workflow's page in the UI and waits until its Input panel shows `expected`; returns the page text and the codec calls' statuses. */
  async function dayPage(page: Page, expected: string[]): Promise<{ text: string; codec: number[] }> {
    const codec: number[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.startsWith(`${UI_CODEC_ENDPOINT}/`)) codec.push(r.status());
    });
    await page.goto(`${codecServer.url}/namespaces/default/workflows/${dayId}`);
    await page.waitForFunction((all) => all.every((t) => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText.includes(t)), expected, { timeout: 30_000 });
    return { text: await page.locator('body').innerText(), codec };
  }

  it('shows decoded fields to a user signed in to the dashboard', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${dashboard.url}/sign-in`);
    await page.locator('form#sign-in [name=token]').fill(TOKEN);
    await Promise.all([page.waitForURL('**/missions'), page.locator('form#sign-in button[type=submit]').click()]); // the session cookie is set
    // The day workflow's input is the day's key: the athlete's handle in it is private.
    const { text, codec } = await dayPage(page, ['"athlete": "rider"']);
    fs.mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'temporal-ui-decoded.png'), fullPage: true });
    expect(text).toContain('"missionId": "tdf_sim_2025"');
    expect(text).not.toContain(ENCRYPTED_B64);
    expect(text).not.toContain('Codec Server could not connect');
    expect(codec.length).toBeGreaterThan(0);
    expect(codec.every((s) => s === 200)).toBe(true);
    await context.close();
  }, 90_000);

  it('shows ciphertext and the codec error to anyone else', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { text, codec } = await dayPage(page, ['Codec Server could not connect', `"encoding": "${ENCRYPTED_B64}"`]);
    fs.mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'temporal-ui-encrypted.png'), fullPage: true });
    expect(text).not.toContain('"athlete": "rider"');
    expect(codec.length).toBeGreaterThan(0);
    expect(codec.every((s) => s === 401)).toBe(true);
    await context.close();
  }, 90_000);
});
