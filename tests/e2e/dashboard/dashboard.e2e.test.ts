/**
 * The dashboard end to end: a real headless chromium against the dashboard, which reads a real
 * PostgreSQL database and talks to a real mission workflow on the Temporal time-skipping server.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Worker, Runtime, DefaultLogger } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { missionWorkflow } from '../../../src/workflows';
import { localTime } from '../../../src/domain/schedule';
import { missionWorkflowId, statusQuery, type MissionStatus } from '../../../src/shared/mission-api';
import { MemoryStore, migrate } from '../../../src/memory';
import { startDashboard, temporalFromClient, type RunningDashboard } from '../../../src/dashboard';
import { applyTestClock, createTimeSkippingEnv, uniqueTaskQueue, workflowBundle } from '../../support/temporal';
import { runTimeAwayFrom, tomorrowIn, waitForStablePhase } from '../../support/mission-client';
import { fakeActivities, fakeMission } from '../../support/fake-activities';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { launchBrowser } from '../../support/browser';
import { ALICE, ALICE_DAYS, ALICE_NOTE_ATTACK, ALICE_RATIONALE, BOB, BOB_RATIONALE, CAROL, seedMissions } from './seed';

Runtime.install({ logger: new DefaultLogger('WARN') });

const TOKEN = 'e2e-dashboard-token-4f1c9a7b2d';
const TEMPORAL_UI = 'http://127.0.0.1:8233';
const ALICE_PATH = `/missions/${ALICE.athlete}/${ALICE.missionId}`;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let db: TestDatabase;
let browser: Browser;
let dashboard: RunningDashboard;
let worker: Worker;
let workerDone: Promise<void>;
const taskQueue = uniqueTaskQueue('dashboard');
const logs: Record<string, unknown>[] = [];

beforeAll(async () => {
  [env, bundle, db, browser] = await Promise.all([createTimeSkippingEnv({ applyTestClock: false }), workflowBundle(), createTestDatabase('dashboard_e2e'), launchBrowser()]);
  await applyTestClock(env);
  db.pool.on('error', () => undefined);
  await migrate(db.pool);
  const memory = new MemoryStore(db.pool);
  await seedMissions(memory);
  // Time is an input: the mission starts tomorrow at a run time 12 hours from now, so no day can
  // start while the page and the status query are compared, whatever the hour the test runs at.
  const now = await env.currentTimeMs();
  const mission = fakeMission({
    id: ALICE.missionId,
    name: 'Tour 2025 (alice)',
    athlete: { handle: ALICE.athlete, ftpW: 250, weightKg: 70, thresholdHr: 165, maxHr: 190, restingHr: 50, disciplines: ['cycling'] },
    runTime: runTimeAwayFrom(now, 'Europe/Paris'),
  }, 5);
  const startDate = tomorrowIn(now, 'Europe/Paris');
  const { acts } = fakeActivities(mission, () => env.currentTimeMs());
  // Queries need a live worker: one polls the task queue for the whole file (one per task queue
  // and process is allowed), shut down in afterAll.
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: acts });
  workerDone = worker.run();
  await env.client.workflow.start(missionWorkflow, {
    taskQueue,
    workflowId: missionWorkflowId(ALICE.missionId),
    args: [{ file: 'missions/alice.toml', startDate }],
  });
  // Carol's workflow runs on a task queue that no worker polls: it cannot answer queries.
  await env.client.workflow.start(missionWorkflow, {
    taskQueue: uniqueTaskQueue('no-worker'),
    workflowId: missionWorkflowId(CAROL.missionId),
    args: [{ file: 'missions/carol.toml', startDate }],
  });
  dashboard = await startDashboard({
    memory,
    temporal: temporalFromClient(env.client, { rpcTimeoutMs: 1500, updateTimeoutMs: 1500 }),
    token: TOKEN,
    temporalUiUrl: TEMPORAL_UI,
    namespace: 'default',
    log: (e) => logs.push(e),
  });
}, 180_000);

afterAll(async () => {
  if (worker) {
    worker.shutdown();
    await workerDone;
  }
  await dashboard?.close();
  await browser?.close();
  await env?.teardown();
  await db?.drop();
});

/** Runs browser steps while the worker is known to be running (fails at once if it stopped). */
async function withWorker<T>(fn: () => Promise<T>): Promise<T> {
  if (worker.getState() !== 'RUNNING') throw new Error(`the test worker is ${worker.getState()}`);
  return fn();
}

async function signedIn(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const res = await page.goto(`${dashboard.url}/missions?token=${TOKEN}`);
  expect(res?.status()).toBe(200);
  return { context, page };
}

function aliceStatus(): Promise<MissionStatus> {
  return env.client.workflow.getHandle(missionWorkflowId(ALICE.missionId)).query(statusQuery);
}

/** Alice's status once her mission is loaded and in a phase that cannot change during the test. */
function aliceStableStatus(): Promise<MissionStatus> {
  return waitForStablePhase(env.client.workflow.getHandle(missionWorkflowId(ALICE.missionId)), { now: () => env.currentTimeMs() });
}

/** Raw HTTP, to send what a browser would not (another site's Origin, a missing CSRF field). */
function post(pathname: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${dashboard.url}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('dashboard in a real browser', () => {
  it('refuses a visitor without the token and says how to get in, showing no data', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const p of ['/missions', ALICE_PATH, `/missions?token=not-the-token-at-all`]) {
      const res = await page.goto(`${dashboard.url}${p}`);
      expect(res?.status()).toBe(401);
      const text = await page.locator('body').innerText();
      expect(text).toContain('?token=');
      expect(text).toContain('Authorization: Bearer');
      expect(text).not.toContain('Tour 2025');
      expect(text).not.toContain('alice');
    }
    await context.close();
  });

  it('signs in with ?token= once: HttpOnly SameSite=Strict cookie, token dropped from the address', async () => {
    const { context, page } = await signedIn();
    expect(new URL(page.url()).pathname).toBe('/missions');
    expect(page.url()).not.toContain(TOKEN);
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookies[0]!.value).not.toContain(TOKEN);
    const rows = page.locator('#missions tbody tr');
    await expect(rows.allInnerTexts()).resolves.toEqual([
      expect.stringContaining('Tour 2025 (alice)'),
      expect.stringContaining('Bob base block'),
      expect.stringContaining('Carol block'),
    ]);
    // The cookie alone keeps the visitor signed in.
    const again = await page.goto(`${dashboard.url}/missions`);
    expect(again?.status()).toBe(200);
    await context.close();
  });

  it('shows the mission page: live status, decision, workout, classes, charts, history and Temporal UI links', async () => {
    await withWorker(async () => {
      const status = await aliceStableStatus();
      expect(status.phase).toBe('waiting');
      const { context, page } = await signedIn();
      await page.click('text=Tour 2025 (alice)');
      await page.waitForURL(`**${ALICE_PATH}`);
      const res = await page.reload();
      const csp = res?.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).not.toContain('unsafe-inline');

      await expect(page.locator('#live-status').innerText()).resolves.toContain(status.phase);
      expect(await aliceStatus()).toEqual(status); // nothing moved while the page was read
      const nextRun = await page.locator('#next-run').innerText();
      expect(nextRun).toContain('(Europe/Paris)');
      expect(nextRun).toContain(localTime(Date.parse(status.nextRunAt!), 'Europe/Paris'));
      expect(await page.locator('#next-stage').innerText()).toContain(`${status.nextDay!.date} — stage ${status.nextDay!.stage}: ${status.nextDay!.name}`);

      const decision = await page.locator('#decision').innerText();
      expect(decision).toContain(ALICE_RATIONALE);
      expect(decision).toContain('modify intensity');
      expect(decision).toContain('80 %');
      expect(decision).toMatch(/mission prevailed: stage 4 is a key stage/);
      expect(await page.locator('#workout h3').innerText()).toBe('Workout: Tempo blocks for alice');
      await expect(page.locator('#intervals tbody tr').allInnerTexts()).resolves.toEqual([
        expect.stringMatching(/15\s+55\s+138.*easy spin/s),
        expect.stringMatching(/30\s+82\s+205.*tempo blocks/s),
        expect.stringMatching(/15.*Z1 100–120 bpm.*cool down/s),
      ]);
      expect(await page.locator('#classes').innerText()).toContain('45 min Climb Ride');

      // Three charts with drawn series: readiness/HRV, CTL/ATL/TSB, compliance.
      expect(await page.locator('#charts svg').count()).toBe(3);
      expect(await page.locator('#chart-readiness-hrv-title').count()).toBe(1);
      expect(await page.locator('#charts svg path.series').count()).toBe(2 + 3 + 1);

      // History: newest first, one row per stored day, each linked to its workflow in the Temporal UI.
      const dates = await page.locator('#history tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-date')));
      expect(dates).toEqual([...ALICE_DAYS].reverse());
      const href = await page.locator(`#history tr[data-date="${ALICE_DAYS[1]}"] a.workflow-link`).getAttribute('href');
      expect(href).toBe(`${TEMPORAL_UI}/namespaces/default/workflows/mission-${ALICE.missionId}-day-${ALICE_DAYS[1]}`);

      // Stored text is shown as text: the note's markup is not an element.
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.content()).toContain('&lt;img src=x');
      // The inline stylesheet applies under the CSP nonce.
      const bg = await page.locator('header.top').evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor);
      expect(bg).toBe('rgb(29, 42, 58)');

      fs.mkdirSync(path.resolve('test-results'), { recursive: true });
      await page.screenshot({ path: path.resolve('test-results/dashboard-mission.png'), fullPage: true });
      await context.close();
    });
  });

  it('sends a reflection: redirected back, the workflow status holds it, and the page shows it', async () => {
    await withWorker(async () => {
      const { context, page } = await signedIn();
      await page.goto(`${dashboard.url}${ALICE_PATH}`);
      const form = page.locator('form#reflect');
      await form.locator('[name=date]').fill('2025-07-07');
      await form.locator('[name=rpe]').selectOption('7');
      await form.locator('[name=legs]').selectOption('3');
      await form.locator('[name=mood]').selectOption('4');
      await form.locator('[name=sleepQuality]').selectOption('2');
      await form.locator('[name=completed]').selectOption('partly');
      await form.locator('[name=note]').fill('windy, cut the last block short');
      const [response] = await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
      // POST → 303 → GET of the mission page.
      if (response?.request().method() !== 'GET') throw new Error(`no redirect: ${response?.status()} ${await page.locator('body').innerText()}`);
      expect(response.request().redirectedFrom()?.method()).toBe('POST');
      expect(new URL(page.url()).pathname).toBe(ALICE_PATH);
      expect(await page.locator('.flash').innerText()).toBe('Reflection for 2025-07-07 sent.');

      const status = await aliceStatus();
      expect(status.reflections).toContainEqual({ date: '2025-07-07', rpe: 7, legs: 3, mood: 4, sleepQuality: 2, completed: 'partly', note: 'windy, cut the last block short' });
      expect(await page.locator('#live-reflections').innerText()).toContain('2025-07-07: RPE 7, legs 3/5, mood 4/5, sleep 2/5, completed partly — “windy, cut the last block short”');
      await context.close();
    });
  });

  it('shows reflection problems in place, keeping what was typed, and sends nothing', async () => {
    await withWorker(async () => {
      const { context, page } = await signedIn();
      await page.goto(`${dashboard.url}${ALICE_PATH}`);
      const before = (await aliceStatus()).reflections.length;
      const form = page.locator('form#reflect');
      await form.locator('[name=date]').fill('2025-07-32');
      await form.locator('[name=rpe]').selectOption('9');
      await form.locator('[name=note]').fill('typed text survives');
      await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
      const errors = await page.locator('#reflect-errors').innerText();
      expect(errors).toContain('date must be a real YYYY-MM-DD date (got "2025-07-32")');
      expect(errors).toContain('legs must be a whole number from 1 to 5');
      await expect(page.locator('form#reflect [name=date]').inputValue()).resolves.toBe('2025-07-32');
      await expect(page.locator('form#reflect [name=rpe]').inputValue()).resolves.toBe('9');
      await expect(page.locator('form#reflect [name=note]').inputValue()).resolves.toBe('typed text survives');
      expect((await aliceStatus()).reflections.length).toBe(before);
      await context.close();
    });
  });

  it('shows an invalid override’s message in place (shape check and the workflow’s own validator)', async () => {
    await withWorker(async () => {
      const { context, page } = await signedIn();
      await page.goto(`${dashboard.url}${ALICE_PATH}`);
      let form = page.locator('form#override');
      await form.locator('[name=kind]').selectOption('set-ftp');
      await form.locator('[name=ftpW]').fill('5000');
      await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
      expect(await page.locator('#override-errors').innerText()).toContain('set-ftp needs ftpW as whole watts from 50 to 600 (got 5000)');
      form = page.locator('form#override');
      await expect(form.locator('[name=kind]').inputValue()).resolves.toBe('set-ftp');
      await expect(form.locator('[name=ftpW]').inputValue()).resolves.toBe('5000');
      expect((await aliceStatus()).ftpW).toBe(250);

      // Well-formed but refused by the workflow's update validator (not a day of the mission).
      await form.locator('[name=kind]').selectOption('rest-day');
      await form.locator('[name=date]').fill('2031-01-01');
      await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
      const refused = await page.locator('#override-errors').innerText();
      expect(refused).toContain(`rest-day: 2031-01-01 is not a day of mission ${ALICE.missionId}`);
      await expect(page.locator('form#override [name=date]').inputValue()).resolves.toBe('2031-01-01');

      // A valid one goes through the update and redirects with what changed.
      form = page.locator('form#override');
      await form.locator('[name=kind]').selectOption('set-ftp');
      await form.locator('[name=ftpW]').fill('262');
      await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
      expect(new URL(page.url()).pathname).toBe(ALICE_PATH);
      expect(await page.locator('.flash').innerText()).toMatch(/^Done: .*262/);
      expect((await aliceStatus()).ftpW).toBe(262);
      await context.close();
    });
  });

  it('refuses cross-site POSTs (other Origin, no Origin, missing or wrong CSRF field) with 403 and sends nothing', async () => {
    await withWorker(async () => {
      const { context, page } = await signedIn();
      await page.goto(`${dashboard.url}${ALICE_PATH}`);
      const csrf = await page.locator('form#reflect [name=csrf]').inputValue();
      const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const origin = new URL(dashboard.url).origin;
      const before = (await aliceStatus()).reflections.length;
      const fields = (extra: string) => `date=2025-07-06&rpe=5&legs=2&mood=3&sleepQuality=3&completed=yes${extra}`;

      const evil = await post(`${ALICE_PATH}/reflect`, fields(`&csrf=${encodeURIComponent(csrf)}`), { cookie, origin: 'http://evil.example' });
      expect(evil.status).toBe(403);
      const noOrigin = await post(`${ALICE_PATH}/reflect`, fields(`&csrf=${encodeURIComponent(csrf)}`), { cookie });
      expect(noOrigin.status).toBe(403);
      const noCsrf = await post(`${ALICE_PATH}/reflect`, fields(''), { cookie, origin });
      expect(noCsrf.status).toBe(403);
      const wrongCsrf = await post(`${ALICE_PATH}/override`, `kind=pause&csrf=forged`, { cookie, origin });
      expect(wrongCsrf.status).toBe(403);
      for (const r of [evil, noOrigin, noCsrf, wrongCsrf]) expect(r.body).not.toContain('Tour 2025');

      // The same request from the dashboard's own origin with its CSRF field is accepted.
      const ok = await post(`${ALICE_PATH}/reflect`, fields(`&csrf=${encodeURIComponent(csrf)}`), { cookie, origin });
      expect(ok.status).toBe(303);
      const after = await aliceStatus();
      expect(after.reflections.length).toBe(before + 1);
      expect(after.paused).toBe(false);
      await context.close();
    });
  });

  it('answers 404 for another athlete’s mission URL and shows none of the first athlete’s data', async () => {
    await withWorker(async () => {
      const { context, page } = await signedIn();
      for (const p of [`/missions/${BOB.athlete}/${ALICE.missionId}`, `/missions/${ALICE.athlete}/${BOB.missionId}`]) {
        const res = await page.goto(`${dashboard.url}${p}`);
        expect(res?.status()).toBe(404);
        const text = await page.locator('body').innerText();
        for (const secret of [ALICE_RATIONALE, BOB_RATIONALE, 'Tempo blocks', 'Bob endurance', 'Tour 2025']) expect(text).not.toContain(secret);
      }
      // Posting to another athlete's URL is refused the same way.
      const csrfPage = await page.goto(`${dashboard.url}${ALICE_PATH}`);
      expect(csrfPage?.status()).toBe(200);
      const csrf = await page.locator('form#reflect [name=csrf]').inputValue();
      const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const r = await post(`/missions/${BOB.athlete}/${ALICE.missionId}/reflect`, `date=2025-07-06&rpe=5&legs=2&mood=3&sleepQuality=3&completed=yes&csrf=${encodeURIComponent(csrf)}`, {
        cookie,
        origin: new URL(dashboard.url).origin,
      });
      expect(r.status).toBe(404);
      await context.close();
    });
  });

  it('shows stored data only, and says so, for a mission whose workflow is not running', async () => {
    const { context, page } = await signedIn();
    const res = await page.goto(`${dashboard.url}/missions/${BOB.athlete}/${BOB.missionId}`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('#workflow-not-running').innerText()).toContain(`no mission workflow mission-${BOB.missionId} was found`);
    expect(await page.locator('#decision').innerText()).toContain(BOB_RATIONALE);
    expect(await page.locator('body').innerText()).not.toContain(ALICE_RATIONALE);
    expect(await page.locator('#live-status').count()).toBe(0);
    await context.close();
  });

  it('says so when the workflow runs but nothing answers (no worker), and sends nothing', async () => {
    const { context, page } = await signedIn();
    const carol = `/missions/${CAROL.athlete}/${CAROL.missionId}`;
    const res = await page.goto(`${dashboard.url}${carol}`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('#workflow-not-running').innerText()).toContain(`the mission workflow mission-${CAROL.missionId} did not answer (is a worker running?)`);
    const form = page.locator('form#override');
    await form.locator('[name=kind]').selectOption('pause');
    await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
    expect(await page.locator('#override-errors').innerText()).toContain('the mission workflow is not running');
    await context.close();
  });

  it('never logs the token', () => {
    expect(JSON.stringify(logs)).not.toContain(TOKEN);
    expect(logs.some((l) => l.event === 'csrf-refused')).toBe(true);
  });
});
