/**
 * The coach view and token scopes in a real headless chromium: the dashboard on a real PostgreSQL
 * (the coach seed: athletes with coaches, their recorded days, scoped tokens from the token store)
 * and real mission workflows on the Temporal time-skipping server — anna and ben run the same
 * mission file (one mission id, two workflows `mission-<athleteId>-spring-block`), dora another,
 * each waiting for its first day tomorrow; ben's is paused through the workflow's override update.
 * A coach's token sees its three athletes on the coach view, sorts them and opens each; an
 * athlete's token sees only its own mission and gets a 404 for another's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker, Runtime, DefaultLogger } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { missionWorkflow } from '../../../src/workflows';
import { localDate } from '../../../src/domain/schedule';
import { addDays } from '../../../src/domain/iso-date';
import { overrideUpdate, statusQuery, type MissionStatus } from '../../../src/shared/mission-api';
import { MemoryStore, migrate } from '../../../src/memory';
import { startDashboard, temporalFromClient, type RunningDashboard } from '../../../src/dashboard';
import { createTimeSkippingEnv, uniqueTaskQueue, workflowBundle } from '../../support/temporal';
import { fakeActivities, missionArgs } from '../../support/fake-activities';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { launchBrowser } from '../../support/browser';
import { COACH_BO, seedCoachMissions, type CoachSeed, type SeededMission } from './coach-seed';

Runtime.install({ logger: new DefaultLogger('WARN') });

const OWNER = 'coach-e2e-owner-token-8c41d2f7';
const SHOTS = path.resolve('test-results');

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let db: TestDatabase;
let browser: Browser;
let dashboard: RunningDashboard;
let seed: CoachSeed;
let today: string;
let coachToken: string;
let benToken: string;
const workers: { worker: Worker; done: Promise<void> }[] = [];

async function startWorkflow(s: SeededMission): Promise<void> {
  const taskQueue = uniqueTaskQueue(`coach-${s.athlete}`);
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: fakeActivities(s.config, () => env.currentTimeMs()).acts });
  workers.push({ worker, done: worker.run() });
  await env.client.workflow.start(missionWorkflow, { taskQueue, workflowId: s.workflowId, args: [missionArgs(s.config, { startDate: addDays(today, 1), athleteId: s.athleteId })] });
}

/** The mission's status once it has loaded (the query refuses until then). */
async function loaded(s: SeededMission, done: (st: MissionStatus) => boolean = () => true): Promise<MissionStatus> {
  const h = env.client.workflow.getHandle(s.workflowId);
  for (let i = 0; i < 200; i++) {
    const st = await h.query(statusQuery).catch(() => null);
    if (st && done(st)) return st;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`mission ${s.workflowId} never loaded`);
}

beforeAll(async () => {
  [env, bundle, db, browser] = await Promise.all([createTimeSkippingEnv(), workflowBundle(), createTestDatabase('dashboard_coach_e2e'), launchBrowser()]);
  db.pool.on('error', () => undefined);
  await migrate(db.pool);
  const nowMs = await env.currentTimeMs();
  today = localDate(nowMs, 'Europe/Paris');
  const memory = new MemoryStore(db.pool);
  seed = await seedCoachMissions(memory, today);
  coachToken = (await memory.tokens.create('coach', COACH_BO, 'e2e')).token;
  benToken = (await memory.tokens.create('athlete', 'ben', 'e2e')).token;
  for (const s of [seed.anna, seed.ben, seed.dora]) await startWorkflow(s);
  await Promise.all([seed.anna, seed.ben, seed.dora].map((s) => loaded(s)));
  await env.client.workflow.getHandle(seed.ben.workflowId).executeUpdate(overrideUpdate, { args: [{ kind: 'pause', reason: 'travel' }] });
  dashboard = await startDashboard({
    memory,
    temporal: temporalFromClient(env.client, { rpcTimeoutMs: 1500, updateTimeoutMs: 3000 }),
    token: OWNER,
    namespace: 'default',
    // The dashboard's today is the test server's (LANTERNE_TEST_CLOCK moves it), not the machine's.
    now: () => nowMs,
    rateLimits: { signIn: { max: 200, windowMs: 60_000 } },
    log: () => undefined,
  });
  fs.mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
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

/** A browser context signed in with `token` through the sign-in form; CSP violations are kept. */
async function signedIn(token: string): Promise<{ context: BrowserContext; page: Page; cspViolations: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to|Failed to load resource/.test(m.text())) cspViolations.push(m.text());
  });
  await page.goto(`${dashboard.url}/sign-in`);
  await page.locator('form#sign-in [name=token]').fill(token);
  await Promise.all([page.waitForURL('**/missions'), page.locator('form#sign-in button[type=submit]').click()]);
  return { context, page, cspViolations };
}

const rowAthletes = (page: Page) => page.locator('#coach tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-athlete')));

describe('the coach view in a real browser', () => {
  it('a coach’s token sees its athletes’ missions on one page, with their state, flags, next run and progress', async () => {
    const { context, page, cspViolations } = await signedIn(coachToken);
    await Promise.all([page.waitForURL('**/coach'), page.locator('#coach-link').click()]);
    expect(await page.locator('#signed-in-as').innerText()).toBe(`Coach ${COACH_BO}`);
    expect(await page.locator('#coach-summary').innerText()).toBe(`Coach ${COACH_BO}: 3 missions of 3 athletes, 3 flagged`);
    // Default order: the most worrying first (sick, then strained with degraded data, then paused).
    expect(await rowAthletes(page)).toEqual(['anna', 'dora', 'ben']);
    const text = (athlete: string) => page.locator(`#coach tr[data-athlete="${athlete}"]`).innerText();
    expect(await text('anna')).toMatch(/Spring block\s+sick\s+rest\s+sick\s*no reflection for 3 days/);
    expect(await text('dora')).toMatch(/Base 8 weeks\s+strained \(\d{4}-\d{2}-\d{2}\)\s+reduce volume\s+strained\s*degraded data/);
    expect(await text('ben')).toMatch(/Spring block\s+ready\s+as planned\s+paused\s+paused/);
    // anna's and ben's rows are two workflows of one mission file: each shows its own live state.
    const anna = await loaded(seed.anna);
    expect(anna.nextRunAt).not.toBeNull();
    expect(await text('anna')).toContain('(Europe/Paris)');
    expect(await text('anna')).toContain(`0/${seed.anna.config.days.length}`);
    expect(await page.locator('#coach tr[data-athlete="cleo"]').count()).toBe(0);
    expect(cspViolations).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-coach.png'), fullPage: true });
    await context.close();
  });

  it('sorts by a column header, both ways', async () => {
    const { context, page } = await signedIn(coachToken);
    await page.goto(`${dashboard.url}/coach`);
    await Promise.all([page.waitForURL('**/coach?sort=athlete'), page.locator('#coach th[data-sort=athlete] a').click()]);
    expect(await rowAthletes(page)).toEqual(['anna', 'ben', 'dora']);
    expect(await page.locator('#coach th[data-sort=athlete]').getAttribute('aria-sort')).toBe('ascending');
    await Promise.all([page.waitForURL('**/coach?sort=-athlete'), page.locator('#coach th[data-sort=athlete] a').click()]);
    expect(await rowAthletes(page)).toEqual(['dora', 'ben', 'anna']);
    expect(await page.locator('#coach th[data-sort=athlete]').getAttribute('aria-sort')).toBe('descending');
    await Promise.all([page.waitForURL('**/coach?sort=-state'), page.locator('#coach th[data-sort=state] a').click()]);
    expect(await rowAthletes(page)).toEqual(['anna', 'dora', 'ben']);
    await context.close();
  });

  it('opens each athlete’s mission from its row, the two runs of one mission file included; others are 404', async () => {
    const { context, page } = await signedIn(coachToken);
    for (const s of [seed.anna, seed.ben, seed.dora]) {
      await page.goto(`${dashboard.url}/coach`);
      await Promise.all([page.waitForURL(`**${s.path}`), page.locator(`#coach tr[data-athlete="${s.athlete}"] a.mission-link`).click()]);
      expect(await page.locator('h1').innerText()).toBe(s.name);
      expect(await page.locator('.crumbs').innerText()).toContain(s.athlete);
      // The page reads the athlete's own workflow: ben's is paused, anna's waits.
      const live = await page.locator('#live-status').innerText();
      expect(live).toContain(s === seed.ben ? 'paused' : 'waiting');
    }
    const res = await page.goto(`${dashboard.url}${seed.cleo.path}`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('body').innerText()).not.toContain('Cleo block');
    await context.close();
  });

  it('an athlete’s token sees only its own mission and gets a 404 for another’s, even on the same mission file', async () => {
    const { context, page, cspViolations } = await signedIn(benToken);
    expect(await page.locator('#missions tbody tr').allInnerTexts()).toEqual([expect.stringContaining('Spring block')]);
    await page.goto(`${dashboard.url}/coach`);
    expect(await rowAthletes(page)).toEqual(['ben']);
    expect(await page.locator('#signed-in-as').innerText()).toBe('Athlete ben');
    const own = await page.goto(`${dashboard.url}${seed.ben.path}`);
    expect(own?.status()).toBe(200);
    expect(cspViolations).toEqual([]);
    for (const other of [seed.anna.path, `${seed.anna.path}/calendar`, `${seed.dora.path}/days/${addDays(today, -1)}`]) {
      const res = await page.goto(`${dashboard.url}${other}`);
      expect({ other, status: res?.status() }).toEqual({ other, status: 404 });
      expect(await page.locator('h1').innerText()).toBe('Not found');
    }
    await context.close();
  });
});
