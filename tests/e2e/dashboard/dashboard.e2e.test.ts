/**
 * The dashboard end to end: a real headless chromium against the dashboard, which reads a real
 * PostgreSQL database and talks to real mission workflows on the Temporal time-skipping server.
 *
 * Alice's recorded days are the three days before the test server's today; her workflow runs the
 * same five-day mission (started on its first day, so the recorded days are behind it). Erin's
 * mission starts today and its first day waits at a gate the test opens, so the page can be
 * watched while the cycle runs and when it finishes, whatever the time of day.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Worker, Runtime, DefaultLogger } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { missionWorkflow } from '../../../src/workflows';
import { localDate, localTime } from '../../../src/domain/schedule';
import { addDays } from '../../../src/domain/iso-date';
import { legacyMissionWorkflowId, runNowUpdate, statusQuery, type MissionStatus } from '../../../src/shared/mission-api';
import { MemoryStore, migrate } from '../../../src/memory';
import { startDashboard, temporalFromClient, type RunningDashboard } from '../../../src/dashboard';
import { createTimeSkippingEnv, uniqueTaskQueue, workflowBundle } from '../../support/temporal';
import { fakeActivities, fakeMission, missionArgs } from '../../support/fake-activities';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { launchBrowser } from '../../support/browser';
import { statusWhen } from '../../workflow/mission-harness';
import { ALICE, ALICE_HISTORY_DAYS, ALICE_MISSION_DAYS, ALICE_NOTE_ATTACK, ALICE_RATIONALE, BOB, BOB_RATIONALE, CAROL, aliceMission, seedMissions } from './seed';

Runtime.install({ logger: new DefaultLogger('WARN') });

const TOKEN = 'e2e-dashboard-token-4f1c9a7b2d';
const TEMPORAL_UI = 'http://127.0.0.1:8233';
const ALICE_PATH = `/missions/${ALICE.athlete}/${ALICE.missionId}`;
const ERIN = { athlete: 'erin', missionId: 'erin-live' };
const ERIN_PATH = `/missions/${ERIN.athlete}/${ERIN.missionId}`;
const SHOTS = path.resolve('test-results');

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let db: TestDatabase;
let browser: Browser;
let dashboard: RunningDashboard;
const workers: { worker: Worker; done: Promise<void> }[] = [];
const logs: Record<string, unknown>[] = [];
/** The test server's today in Paris, and alice's days. */
let today: string;
let aliceDays: string[];
let aliceFirst: string;
let openErinGate: () => void;

/** The activities with every step of a day's cycle held until `gate` opens (loading and messages are not held). */
function gated<T extends object>(acts: T, gate: Promise<void>): T {
  const free = new Set(['loadMission', 'registerMission', 'recordReflection', 'recordOverride', 'commitOverride']);
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(acts) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    out[name] = free.has(name) ? fn : async (...args: unknown[]) => {
      await gate;
      return fn(...args);
    };
  }
  return out as T;
}

async function runWorker(taskQueue: string, acts: object): Promise<Worker> {
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: acts });
  workers.push({ worker, done: worker.run() });
  return worker;
}

beforeAll(async () => {
  [env, bundle, db, browser] = await Promise.all([createTimeSkippingEnv(), workflowBundle(), createTestDatabase('dashboard_e2e'), launchBrowser()]);
  db.pool.on('error', () => undefined);
  await migrate(db.pool);
  // The dashboard's clock is the test server's, read once: its "today" is the test's today
  // whatever the real hour (LANTERNE_TEST_CLOCK moves the server to another day's 06:29) and even
  // when a run started at 23:59 crosses midnight.
  const startedAtMs = await env.currentTimeMs();
  today = localDate(startedAtMs, 'Europe/Paris');
  aliceFirst = addDays(today, -3);
  aliceDays = [0, 1, 2].map((i) => addDays(aliceFirst, i));
  const memory = new MemoryStore(db.pool);
  await seedMissions(memory, aliceDays);

  // Queries need a live worker: one polls each task queue for the whole file, shut down in afterAll.
  const aliceQueue = uniqueTaskQueue('dashboard-alice');
  await runWorker(aliceQueue, fakeActivities(aliceMission(aliceFirst), () => env.currentTimeMs()).acts);
  await env.client.workflow.start(missionWorkflow, { taskQueue: aliceQueue, workflowId: legacyMissionWorkflowId(ALICE.missionId), args: [missionArgs(aliceMission(aliceFirst), { startDate: aliceFirst })] });

  const erin = fakeMission({ id: ERIN.missionId, name: 'Erin spring block', athlete: { handle: ERIN.athlete, ftpW: 240, weightKg: 62, thresholdHr: 170, maxHr: 192, restingHr: 48, disciplines: ['cycling'] } }, 3, today);
  await memory.missions.upsertMission(ERIN, { name: erin.name, configHash: 'hash-erin' });
  const gate = new Promise<void>((resolve) => (openErinGate = resolve));
  const erinActs = fakeActivities(erin, () => env.currentTimeMs()).acts;
  const erinQueue = uniqueTaskQueue('dashboard-erin');
  await runWorker(erinQueue, gated(erinActs, gate));
  await env.client.workflow.start(missionWorkflow, { taskQueue: erinQueue, workflowId: legacyMissionWorkflowId(ERIN.missionId), args: [missionArgs(erin, { startDate: 'today' })] });

  // Carol's workflow runs on a task queue that no worker polls: it cannot answer queries.
  await env.client.workflow.start(missionWorkflow, { taskQueue: uniqueTaskQueue('no-worker'), workflowId: legacyMissionWorkflowId(CAROL.missionId), args: [missionArgs(fakeMission({ id: CAROL.missionId }), { startDate: 'today' })] });
  dashboard = await startDashboard({
    memory,
    temporal: temporalFromClient(env.client, { rpcTimeoutMs: 1500, updateTimeoutMs: 3000 }),
    token: TOKEN,
    temporalUiUrl: TEMPORAL_UI,
    namespace: 'default',
    statusPollMs: 250,
    // Every test signs in from 127.0.0.1: the default of 10 a minute is for people, not this suite.
    rateLimits: { signIn: { max: 200, windowMs: 60_000 } },
    log: (e) => logs.push(e),
    now: () => startedAtMs,
  });
  fs.mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  openErinGate?.();
  for (const w of workers) {
    if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
    await w.done;
  }
  // The browser first: a page a failed test left open keeps polling the dashboard.
  await browser?.close();
  await dashboard?.close();
  await env?.teardown();
  await db?.drop();
});

/** Runs browser steps while the workers are known to be running (fails at once if one stopped). */
async function withWorker<T>(fn: () => Promise<T>): Promise<T> {
  for (const w of workers) if (w.worker.getState() !== 'RUNNING') throw new Error(`a test worker is ${w.worker.getState()}`);
  return fn();
}

/** A browser context signed in through the sign-in form; every CSP violation it reports is kept. */
async function signedIn(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page; cspViolations: string[] }> {
  const context = await browser.newContext(viewport ? { viewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true } : { viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    // CSP violations, and any failed load (a missing asset, a refused favicon).
    if (/Content Security Policy|Refused to|Failed to load resource/.test(m.text())) cspViolations.push(m.text());
  });
  await page.goto(`${dashboard.url}/sign-in`);
  await page.locator('form#sign-in [name=token]').fill(TOKEN);
  await Promise.all([page.waitForURL('**/missions'), page.locator('form#sign-in button[type=submit]').click()]);
  return { context, page, cspViolations };
}

function status(id: string): Promise<MissionStatus> {
  return env.client.workflow.getHandle(legacyMissionWorkflowId(id)).query(statusQuery);
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

async function submit(page: Page, form: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.locator(`form#${form} button[type=submit]`).click()]);
}

describe('dashboard in a real browser', () => {
  it('refuses a visitor without the token and offers the sign-in form, showing no data', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const p of ['/missions', ALICE_PATH, `${ALICE_PATH}/calendar`, `/missions?token=not-the-token-at-all`]) {
      const res = await page.goto(`${dashboard.url}${p}`);
      expect(res?.status()).toBe(401);
      const text = await page.locator('body').innerText();
      expect(await page.locator('form#sign-in [name=token]').count()).toBe(1);
      expect(text).toContain('Authorization: Bearer');
      expect(text).not.toContain('Tour 2025');
      expect(text).not.toContain('alice');
    }
    await context.close();
  });

  it('signs in with the token typed into a form: HttpOnly SameSite=Strict session cookie, no token in any address', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(`${dashboard.url}${ALICE_PATH}`);
    await page.locator('form#sign-in [name=token]').fill(TOKEN);
    await Promise.all([page.waitForURL(`**${ALICE_PATH}`), page.locator('form#sign-in button[type=submit]').click()]);
    expect(urls.join(' ')).not.toContain(TOKEN);
    const session = (await context.cookies()).find((c) => c.name.startsWith('lanterne_session_'))!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(session.value).not.toContain(TOKEN);
    await page.goto(`${dashboard.url}/missions`);
    await expect(page.locator('#missions tbody tr').allInnerTexts()).resolves.toEqual([
      expect.stringContaining('Tour 2025 (alice)'),
      expect.stringContaining('Bob base block'),
      expect.stringContaining('Carol block'),
      expect.stringContaining('Erin spring block'),
    ]);
    // Sign out: back to the sign-in page, and the cookie no longer opens anything.
    await Promise.all([page.waitForURL('**/sign-in?signed_out=1'), page.locator('#sign-out').click()]);
    expect(await page.locator('body').innerText()).toContain('You are signed out.');
    expect((await page.goto(`${dashboard.url}/missions`))?.status()).toBe(401);
    await context.close();
  });

  it('shows the mission page: live status, decision, workout, classes, charts, history and Temporal UI links', async () => {
    await withWorker(async () => {
      const { context, page, cspViolations } = await signedIn();
      await page.click('text=Tour 2025 (alice)');
      await page.waitForURL(`**${ALICE_PATH}`);
      const res = await page.reload();
      const csp = res?.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).not.toContain('unsafe-inline');

      const s = await status(ALICE.missionId);
      const mission = aliceMission(aliceFirst);
      await expect(page.locator('#live-status').innerText()).resolves.toContain(s.phase);
      const nextRun = await page.locator('#next-run').innerText();
      expect(nextRun).toContain('(Europe/Paris)');
      expect(nextRun).toContain(localTime(Date.parse(s.nextRunAt!), 'Europe/Paris'));
      // Named once: "Stage 5 · Caen → Caen", not "stage 5: Stage 5: Caen → Caen".
      const next = mission.days.find((d) => d.date === s.nextDay!.date)!;
      expect(await page.locator('#next-stage').innerText()).toBe(`${s.nextDay!.date} — Stage ${next.stage} · ${next.name.replace(/^Stage \d+: /, '')}`);

      const decision = await page.locator('#decision').innerText();
      expect(decision).toContain(ALICE_RATIONALE);
      expect(decision.toLowerCase()).toContain('modify intensity');
      expect(decision).toContain('80 %');
      expect(decision).toMatch(/mission prevailed: stage 4 is a key stage/);
      expect(await page.locator('#workout h3').innerText()).toBe('Workout: Tempo blocks for alice');
      await expect(page.locator('#intervals tbody tr').allInnerTexts()).resolves.toEqual([
        expect.stringMatching(/15\s+55\s+138.*easy spin/s),
        expect.stringMatching(/30\s+82\s+205.*tempo blocks/s),
        expect.stringMatching(/15.*Z1 100–120 bpm.*cool down/s),
      ]);
      expect(await page.locator('#classes').innerText()).toContain('45 min Climb Ride');

      // Charts drawn by uPlot on canvas: fitness over the whole history (from the first ride, 60
      // days before the mission), wellness on the same days, planned vs done, the workout profile.
      await page.locator('#chart-fitness canvas').waitFor();
      expect(await page.locator('#charts .uplot').count()).toBe(3);
      const fitness = await page.locator('#chart-fitness').evaluate((el) => ({ firstDate: el.getAttribute('data-first-date'), lastDate: el.getAttribute('data-last-date'), points: el.getAttribute('data-points'), projectedFrom: el.getAttribute('data-projected-from') }));
      expect(fitness.firstDate).toBe(addDays(aliceFirst, -ALICE_HISTORY_DAYS));
      expect(fitness.lastDate).toBe(addDays(aliceFirst, ALICE_MISSION_DAYS - 1));
      expect(Number(fitness.points)).toBe(ALICE_HISTORY_DAYS + ALICE_MISSION_DAYS);
      expect(fitness.projectedFrom).toBe(today);
      expect(await page.locator('#chart-wellness').getAttribute('data-points')).toBe('3');
      expect(await page.locator('#chart-compliance').getAttribute('data-points')).toBe('3');
      expect(await page.locator('#chart-workout').getAttribute('data-zones')).toBe('1,3,1');
      // Zoomable: the range buttons and a drag on the plot narrow the days shown.
      expect(await page.locator('#chart-fitness').getAttribute('data-x-min')).toBe(fitness.firstDate);
      await page.locator('button[data-range=mission]').click();
      expect(await page.locator('#chart-fitness').getAttribute('data-x-min')).toBe(addDays(aliceFirst, -7));
      await page.locator('button[data-range=all]').click();
      const plot = await page.locator('#chart-fitness .u-over').boundingBox();
      await page.mouse.move(plot!.x + plot!.width * 0.5, plot!.y + plot!.height / 2);
      await page.mouse.down();
      await page.mouse.move(plot!.x + plot!.width * 0.8, plot!.y + plot!.height / 2, { steps: 5 });
      await page.mouse.up();
      const zoomed = await page.locator('#chart-fitness').getAttribute('data-x-min');
      expect(zoomed! > fitness.firstDate!).toBe(true);

      // This week's strip and the history: newest first, one row per stored day, each linked to its workflow.
      expect(await page.locator('#this-week .tile').count()).toBeGreaterThan(0);
      const dates = await page.locator('#history tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-date')));
      expect(dates).toEqual([...aliceDays].reverse());
      const href = await page.locator(`#history tr[data-date="${aliceDays[1]}"] a.workflow-link`).getAttribute('href');
      expect(href).toBe(`${TEMPORAL_UI}/namespaces/default/workflows/mission-${ALICE.missionId}-day-${aliceDays[1]}`);

      // Stored text is shown as text: the note's markup is not an element.
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.content()).toContain('&lt;img src=x');
      // The stylesheet applies, font rule included (it used to be dropped by the HTML escaper).
      const style = await page.locator('body').evaluate((el) => {
        const view = el.ownerDocument.defaultView!;
        return { font: view.getComputedStyle(el).fontFamily, header: view.getComputedStyle(el.ownerDocument.querySelector('header.top')!).backgroundColor };
      });
      expect(style.font).toContain('"Segoe UI"');
      expect(style.header).toBe('rgb(19, 26, 43)');
      expect(cspViolations).toEqual([]);

      await page.locator('button[data-range=all]').click();
      await page.screenshot({ path: path.join(SHOTS, 'dashboard-mission.png'), fullPage: true });
      await context.close();
    });
  });

  it('shows the block calendar: one tile per mission day, this week highlighted, a click opens the day', async () => {
    await withWorker(async () => {
      const { context, page, cspViolations } = await signedIn();
      await page.goto(`${dashboard.url}${ALICE_PATH}`);
      await Promise.all([page.waitForURL(`**${ALICE_PATH}/calendar`), page.click('#calendar-link')]);
      const mission = aliceMission(aliceFirst);
      const tiles = await page.locator('#calendar a.tile').evaluateAll((els) => els.map((e) => ({ date: e.getAttribute('data-date'), cls: e.className, text: e.textContent ?? '' })));
      expect(tiles.map((t) => t.date)).toEqual(mission.days.map((d) => d.date));
      expect(tiles.find((t) => t.date === today)!.cls).toContain('when-today');
      expect(await page.locator('.cal-week.this-week').count()).toBe(1);
      expect(await page.locator(`.cal-week.this-week a.tile[data-date="${today}"]`).count()).toBe(1);
      const key = tiles.find((t) => t.date === mission.days.find((d) => d.importance === 'key')!.date)!;
      expect(key.cls).toContain('key');
      expect(key.text).toContain('mountain');
      expect(tiles.find((t) => t.date === mission.days[4]!.date)!.text).toContain('rest day (family visit)');
      expect(tiles.find((t) => t.date === aliceDays[0])!.text).toMatch(/RPE 8/);
      await page.screenshot({ path: path.join(SHOTS, 'dashboard-calendar.png'), fullPage: true });

      await Promise.all([page.waitForURL(`**${ALICE_PATH}/days/${aliceDays[2]}`), page.click(`a.tile[data-date="${aliceDays[2]}"]`)]);
      expect(await page.locator('#decision').innerText()).toContain(ALICE_RATIONALE);
      await page.locator('#chart-workout canvas').waitFor();
      expect(await page.locator('#chart-workout').getAttribute('data-points')).toBe('3');
      expect(await page.locator('#intervals tbody tr').count()).toBe(3);
      expect(await page.locator('#day-workflow-link').getAttribute('href')).toBe(`${TEMPORAL_UI}/namespaces/default/workflows/mission-${ALICE.missionId}-day-${aliceDays[2]}`);
      expect(cspViolations).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, 'dashboard-day.png'), fullPage: true });
      await context.close();
    });
  });

  it('is usable on a phone (390×844): nothing wider than the screen, calendar tiles stacked, forms reachable', async () => {
    await withWorker(async () => {
      const { context, page } = await signedIn({ width: 390, height: 844 });
      for (const p of [ALICE_PATH, `${ALICE_PATH}/days/${aliceDays[2]}`, `${ALICE_PATH}/calendar`]) {
        await page.goto(`${dashboard.url}${p}`);
        const widths = await page.locator('html').evaluate((el) => ({ doc: el.scrollWidth, view: el.ownerDocument.defaultView!.innerWidth }));
        expect({ p, ...widths }).toEqual({ p, doc: 390, view: 390 });
      }
      const boxes = await page.locator('#calendar a.tile').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: Math.round(r.x), w: Math.round(r.width) })));
      expect(new Set(boxes.map((b) => b.x)).size).toBe(1); // one column
      expect(Math.min(...boxes.map((b) => b.w))).toBeGreaterThan(300);
      await page.screenshot({ path: path.join(SHOTS, 'dashboard-phone-calendar.png'), fullPage: true });
      await page.goto(`${dashboard.url}${ALICE_PATH}`);
      await page.locator('#chart-fitness canvas').waitFor();
      const chart = await page.locator('#chart-fitness canvas').first().boundingBox();
      expect(chart!.width).toBeLessThanOrEqual(390);
      const ftp = page.locator('form#override-set-ftp [name=ftpW]');
      await ftp.scrollIntoViewIfNeeded();
      await expect(ftp.isVisible()).resolves.toBe(true);
      await page.screenshot({ path: path.join(SHOTS, 'dashboard-phone.png'), fullPage: true });
      await context.close();
    });
  });

  it('sends a reflection: redirected back, the workflow status holds it, and the page shows it', async () => {
    await withWorker(async () => {
      const { context, page } = await signedIn();
      await page.goto(`${dashboard.url}${ALICE_PATH}`);
      const form = page.locator('form#reflect');
      await form.locator('[name=date]').fill(aliceDays[2]!);
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
      expect(await page.locator('.flash[role=status]').innerText()).toBe(`Reflection for ${aliceDays[2]} sent.`);

      const s = await status(ALICE.missionId);
      expect(s.reflections).toContainEqual({ date: aliceDays[2], rpe: 7, legs: 3, mood: 4, sleepQuality: 2, completed: 'partly', note: 'windy, cut the last block short' });
      expect(await page.locator('#live-reflections').textContent()).toContain(`${aliceDays[2]}: RPE 7, legs 3/5, mood 4/5, sleep 2/5, completed partly — “windy, cut the last block short”`);
      await context.close();
    });
  });

  it('shows reflection problems in place, keeping what was typed, and sends nothing', async () => {
    await withWorker(async () => {
      const { context, page } = await signedIn();
      await page.goto(`${dashboard.url}${ALICE_PATH}`);
      const before = (await status(ALICE.missionId)).reflections.length;
      const form = page.locator('form#reflect');
      await form.locator('[name=date]').fill('2025-07-32');
      await form.locator('[name=rpe]').selectOption('9');
      await form.locator('[name=note]').fill('typed text survives');
      await submit(page, 'reflect');
      const errors = await page.locator('#reflect-errors').innerText();
      expect(errors).toContain('date must be a real YYYY-MM-DD date (got "2025-07-32")');
      expect(errors).toContain('legs must be a whole number from 1 to 5');
      await expect(page.locator('form#reflect [name=date]').inputValue()).resolves.toBe('2025-07-32');
      await expect(page.locator('form#reflect [name=rpe]').inputValue()).resolves.toBe('9');
      await expect(page.locator('form#reflect [name=note]').inputValue()).resolves.toBe('typed text survives');
      expect((await status(ALICE.missionId)).reflections.length).toBe(before);
      await context.close();
    });
  });

  it('shows an invalid override’s message in place (shape check and the workflow’s own validator)', async () => {
    await withWorker(async () => {
      const { context, page } = await signedIn();
      await page.goto(`${dashboard.url}${ALICE_PATH}`);
      await page.locator('form#override-set-ftp [name=ftpW]').fill('5000');
      await submit(page, 'override-set-ftp');
      expect(await page.locator('#override-set-ftp-errors').innerText()).toContain('set-ftp needs ftpW as whole watts from 50 to 600 (got 5000)');
      await expect(page.locator('form#override-set-ftp [name=ftpW]').inputValue()).resolves.toBe('5000');
      expect((await status(ALICE.missionId)).ftpW).toBe(250);

      // Well-formed but refused by the workflow's update validator (not a day of the mission).
      await page.locator('form#override-rest-day [name=date]').fill('2031-01-01');
      await submit(page, 'override-rest-day');
      expect(await page.locator('#override-rest-day-errors').innerText()).toContain(`rest-day: 2031-01-01 is not a day of mission ${ALICE.missionId}`);
      await expect(page.locator('form#override-rest-day [name=date]').inputValue()).resolves.toBe('2031-01-01');
      expect(await page.locator('.errors').count()).toBe(1);

      // A valid one goes through the update and redirects with what changed.
      await page.locator('form#override-set-ftp [name=ftpW]').fill('262');
      await submit(page, 'override-set-ftp');
      expect(new URL(page.url()).pathname).toBe(ALICE_PATH);
      expect(await page.locator('.flash[role=status]').innerText()).toMatch(/^Done: .*262/);
      expect((await status(ALICE.missionId)).ftpW).toBe(262);
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
      const before = (await status(ALICE.missionId)).reflections.length;
      const fields = (extra: string) => `date=${aliceDays[1]}&rpe=5&legs=2&mood=3&sleepQuality=3&completed=yes${extra}`;

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
      const after = await status(ALICE.missionId);
      expect(after.reflections.length).toBe(before + 1);
      expect(after.paused).toBe(false);
      await context.close();
    });
  });

  it('answers 404 for another athlete’s mission URL and shows none of the first athlete’s data', async () => {
    await withWorker(async () => {
      const { context, page } = await signedIn();
      for (const p of [`/missions/${BOB.athlete}/${ALICE.missionId}`, `/missions/${ALICE.athlete}/${BOB.missionId}`, `/missions/${BOB.athlete}/${ALICE.missionId}/days/${aliceDays[0]}`]) {
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
      const r = await post(`/missions/${BOB.athlete}/${ALICE.missionId}/reflect`, `date=${aliceDays[1]}&rpe=5&legs=2&mood=3&sleepQuality=3&completed=yes&csrf=${encodeURIComponent(csrf)}`, {
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
    await submit(page, 'override-pause');
    expect(await page.locator('#override-pause-errors').innerText()).toContain('the mission workflow is not running');
    await context.close();
  });

  it('updates the phase and today’s day without a reload when the cycle finishes', async () => {
    await withWorker(async () => {
      const erin = env.client.workflow.getHandle(legacyMissionWorkflowId(ERIN.missionId));
      // Day 1 runs at once when its run time has passed, or when asked with runNow: either way it
      // waits at the gate in its first activity.
      for (let i = 0; i < 200; i++) {
        const refused = await erin.executeUpdate(runNowUpdate, { args: [{}] }).then(() => '', (e: Error) => String((e as { cause?: Error }).cause?.message ?? e.message));
        if (!refused.includes('still loading')) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      await statusWhen(erin, (s) => s.phase === 'running-day', 'day 1 running');

      const { context, page } = await signedIn();
      await page.goto(`${dashboard.url}${ERIN_PATH}`);
      expect(await page.locator('#phase').innerText()).toBe('running-day');
      expect(await page.locator('#latest-day').innerText()).toBe('none yet');
      const marker = (set: boolean) => page.locator('html').evaluate((el, v) => {
        const w = el.ownerDocument.defaultView as unknown as { sameDocument?: boolean };
        if (v) w.sameDocument = true;
        return w.sameDocument === true;
      }, set);
      await marker(true);

      openErinGate();
      await page.locator('#phase', { hasText: /^waiting$/ }).waitFor({ timeout: 20_000 });
      await page.locator('#latest-day', { hasText: today }).waitFor();
      expect(await page.locator('#latest-day').innerText()).toBe(`${today} — as planned (ok)`);
      expect(await page.locator('#next-stage').innerText()).toBe(`${addDays(today, 1)} — Stage 2`);
      expect(await page.locator('#live-news').innerText()).toContain(`Day ${today} is done.`);
      expect(await page.locator('#live-news a').getAttribute('href')).toBe(`${ERIN_PATH}/days/${today}`);
      // The same document all along: no reload happened.
      expect(await marker(false)).toBe(true);
      await context.close();
    });
  });

  it('submits each override form, one per kind, through the workflow’s update', async () => {
    await withWorker(async () => {
      const erin = () => status(ERIN.missionId);
      await statusWhen(env.client.workflow.getHandle(legacyMissionWorkflowId(ERIN.missionId)), (s) => s.lastDay?.date === today && s.phase === 'waiting', 'day 1 done');
      const [day2, day3] = [addDays(today, 1), addDays(today, 2)];
      const { context, page } = await signedIn();
      await page.goto(`${dashboard.url}${ERIN_PATH}`);
      const steps: [string, (f: ReturnType<Page['locator']>) => Promise<void>, RegExp][] = [
        ['rest-day', async (f) => { await f.locator('[name=date]').fill(day2); await f.locator('[name=reason]').fill('travel'); }, new RegExp(`^Done: ${day2} is now a rest day`)],
        ['swap-days', async (f) => { await f.locator('[name=date]').fill(day2); await f.locator('[name=otherDate]').fill(day3); }, new RegExp(`^Done: ${day2} now rides "Stage 3"`)],
        ['set-ftp', async (f) => f.locator('[name=ftpW]').fill('255'), /^Done: FTP 240 W → 255 W/],
        ['set-run-time', async (f) => f.locator('[name=runTime]').fill('07:15'), /^Done: daily run time 06:30 → 07:15/],
        ['set-channels', async (f) => { await f.locator('input[value=sms]').check(); }, /^Done: notification channels email → email, sms/],
        ['shift', async (f) => f.locator('[name=days]').fill('1'), /^Done: remaining 2 days moved by \+1 days/],
        ['pause', async (f) => f.locator('[name=reason]').fill('a cold'), /^Done: mission paused \(a cold\)/],
        ['resume', async () => undefined, /^Done: mission resumed/],
      ];
      for (const [kind, fill, done] of steps) {
        const form = page.locator(`form#override-${kind}`);
        await fill(form);
        await submit(page, `override-${kind}`);
        const flash = await page.locator('.flash[role=status]').innerText().catch(async () => `no flash: ${await page.locator('.errors').allInnerTexts()}`);
        expect({ kind, flash }).toEqual({ kind, flash: expect.stringMatching(done) });
      }
      const s = await erin();
      expect({ ftp: s.ftpW, runTime: s.runTime, channels: s.channels, paused: s.paused, next: s.nextDay?.date }).toEqual({ ftp: 255, runTime: '07:15', channels: ['email', 'sms'], paused: false, next: addDays(day2, 1) });
      await context.close();
    });
  });

  it('never logs the token', () => {
    expect(JSON.stringify(logs)).not.toContain(TOKEN);
    expect(logs.some((l) => l.event === 'csrf-refused')).toBe(true);
  });
});
