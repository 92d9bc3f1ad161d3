/**
 * The dashboard's HTTP behaviour without a browser: a real PostgreSQL memory and a recording fake
 * of the Temporal side (the browser test covers the real workflow).
 */
import http from 'node:http';
import os from 'node:os';
import { MemoryStore, migrate } from '../../../src/memory';
import { startDashboard, OverrideRejectedError, MissionNotRunningError, type DashboardOptions, type DashboardTemporal, type MissionRef, type RunningDashboard } from '../../../src/dashboard';
import type { MissionStatus, OverrideInput, ReflectInput, UpcomingDay } from '../../../src/shared/mission-api';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { addDays } from '../../../src/domain/iso-date';
import { ALICE, ALICE_DAYS, ALICE_MISSION_DAYS, BOB, CAROL, aliceMission, seedMissions } from './seed';

const TOKEN = 'server-test-token-7d2e91c0aa';
const ALICE_PATH = `/missions/${ALICE.athlete}/${ALICE.missionId}`;
/** The dashboard's clock in these tests: noon UTC on alice's third recorded day. */
const NOW = Date.parse(`${ALICE_DAYS[2]}T12:00:00Z`);

function status(over: Partial<MissionStatus> = {}): MissionStatus {
  return {
    missionId: ALICE.missionId, name: 'Tour 2025 (alice)', athlete: ALICE.athlete, athleteId: 'ath_alicealice1', timezone: 'Europe/Paris', runTime: '06:30', earliestTime: '04:30', runNowPending: false,
    phase: 'waiting', paused: false, pauseReason: null, nextDay: { date: '2025-07-08', stage: 4, name: 'Stage 4' },
    nextRunAt: '2025-07-08T04:30:00.000Z', daysTotal: 5, daysDone: 3,
    counters: { ok: 3, degraded: 0, failed: 0, skipped: 0, continuedAsNew: 0 }, lastDay: null, load: null, ftpW: 250,
    channels: ['email'], configHash: 'hash-alice', reflections: [], ...over,
  };
}

class FakeTemporal implements DashboardTemporal {
  statusFor: (mission: MissionRef) => MissionStatus = () => status();
  upcomingDays: UpcomingDay[] = [];
  reflections: ReflectInput[] = [];
  overrides: OverrideInput[] = [];
  rejectOverrideWith: string | null = null;
  /** Every mission asked about, as the dashboard named it (athlete and mission id). */
  asked: { athlete: string; missionId: string }[] = [];
  async status(mission: MissionRef) {
    this.asked.push({ athlete: mission.athlete, missionId: mission.id });
    if (mission.id !== ALICE.missionId) throw new MissionNotRunningError(`no mission workflow mission-${mission.id} was found`);
    return this.statusFor(mission);
  }
  async upcoming(mission: MissionRef) {
    this.asked.push({ athlete: mission.athlete, missionId: mission.id });
    return this.upcomingDays;
  }
  async reflect(mission: MissionRef, input: ReflectInput) {
    this.asked.push({ athlete: mission.athlete, missionId: mission.id });
    this.reflections.push(input);
  }
  async override(mission: MissionRef, input: OverrideInput) {
    this.asked.push({ athlete: mission.athlete, missionId: mission.id });
    if (this.rejectOverrideWith) throw new OverrideRejectedError(this.rejectOverrideWith);
    this.overrides.push(input);
    return { accepted: true as const, kind: input.kind, changed: `applied ${input.kind}` };
  }
}

let db: TestDatabase;
let memory: MemoryStore;
let temporal: FakeTemporal;
let dash: RunningDashboard;
let clock = NOW;

beforeAll(async () => {
  db = await createTestDatabase('dashboard_http');
  db.pool.on('error', () => undefined);
  await migrate(db.pool);
  memory = new MemoryStore(db.pool);
  await seedMissions(memory);
  await memory.missions.upsertMission({ athlete: 'mallory', missionId: 'xss' }, { name: '<script>alert(1)</script>', configHash: 'h' });
}, 60_000);

async function start(over: Partial<DashboardOptions> = {}): Promise<RunningDashboard> {
  return startDashboard({ memory, temporal, token: TOKEN, log: () => undefined, now: () => clock, ...over });
}

beforeEach(async () => {
  clock = NOW;
  temporal = new FakeTemporal();
  dash = await start();
});

afterEach(async () => {
  await dash.close();
});

afterAll(async () => {
  await db?.drop();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(method: string, path: string, opts: { headers?: Record<string, string>; body?: string; base?: string; connectTo?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${opts.base ?? dash.url}${path}`, { method, headers: opts.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** name=value pairs of the Set-Cookie headers, for a Cookie header. */
function cookiesOf(res: Answer): string {
  return (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!).join('; ');
}

function csrfIn(body: string, form = 'reflect'): string {
  const m = new RegExp(`<form id="${form}"[^]*?name="csrf" value="([^"]+)"`).exec(body);
  if (!m) throw new Error(`no CSRF field in form ${form}`);
  return m[1]!;
}

const bearer = { authorization: `Bearer ${TOKEN}` };
const urlencoded = { 'content-type': 'application/x-www-form-urlencoded' };
const reflectionFields = 'date=2025-07-07&rpe=6&legs=2&mood=4&sleepQuality=4&completed=yes';

/** What a program with the token needs to post: the page's CSRF cookie and token. */
async function bearerForm(path = ALICE_PATH, form = 'reflect'): Promise<{ headers: Record<string, string>; csrf: string }> {
  const page = await request('GET', path, { headers: bearer });
  expect(page.status).toBe(200);
  return { headers: { ...bearer, ...urlencoded, cookie: cookiesOf(page) }, csrf: encodeURIComponent(csrfIn(page.body, form)) };
}

/** Signs in through the form like a browser; returns the Cookie header to send afterwards. */
async function signIn(d: RunningDashboard = dash): Promise<string> {
  const origin = new URL(d.url).origin;
  const form = await request('GET', '/sign-in', { base: d.url });
  expect(form.status).toBe(200);
  const csrf = encodeURIComponent(csrfIn(form.body, 'sign-in'));
  const res = await request('POST', '/sign-in', { base: d.url, headers: { ...urlencoded, origin, cookie: cookiesOf(form) }, body: `token=${encodeURIComponent(TOKEN)}&next=${encodeURIComponent(ALICE_PATH)}&csrf=${csrf}` });
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe(ALICE_PATH);
  return [cookiesOf(form), cookiesOf(res)].join('; ');
}

describe('dashboard HTTP', () => {
  it('refuses a token shorter than 16 characters', async () => {
    await expect(startDashboard({ memory, temporal, token: 'short' })).rejects.toThrow(/at least 16 characters/);
  });

  it('binds to 127.0.0.1 by default', () => {
    expect(new URL(dash.url).hostname).toBe('127.0.0.1');
  });

  it('answers only to its own host name (DNS rebinding guard)', async () => {
    const res = await request('GET', '/missions', { headers: { ...bearer, host: `evil.example:${new URL(dash.url).port}` } });
    expect(res.status).toBe(421);
    expect(res.body).not.toContain('Tour 2025');
    expect((await request('GET', '/missions', { headers: { ...bearer, host: `localhost:${new URL(dash.url).port}` } })).status).toBe(200);
  });

  it('on 0.0.0.0 answers to loopback names, the machine’s name and DASHBOARD_ALLOWED_HOSTS names, and still refuses others', async () => {
    const wide = await start({ host: '0.0.0.0', allowedHosts: ['lanterne.home'] });
    try {
      const port = new URL(wide.url).port;
      const base = `http://127.0.0.1:${port}`;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `${os.hostname()}:${port}`, `lanterne.home:${port}`]) {
        const res = await request('GET', '/missions', { base, headers: { ...bearer, host } });
        expect({ host, status: res.status }).toEqual({ host, status: 200 });
      }
      expect((await request('GET', '/missions', { base, headers: { ...bearer, host: `evil.example:${port}` } })).status).toBe(421);
    } finally {
      await wide.close();
    }
  });

  it('sets a strict CSP (nonces, no unsafe-inline) and the security headers on pages', async () => {
    const res = await request('GET', '/missions', { headers: bearer });
    expect(res.status).toBe(200);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toMatch(/^default-src 'none';script-src 'nonce-[0-9a-f]{32}';style-src 'nonce-[0-9a-f]{32}';img-src 'self' data:;connect-src 'self';form-action 'self';frame-ancestors 'none';base-uri 'none'$/);
    expect(csp).not.toContain('unsafe-inline');
    const [, scriptNonce] = /script-src 'nonce-([0-9a-f]+)'/.exec(csp)!;
    expect(res.body).toContain(`<script src="/assets/dashboard.js" nonce="${scriptNonce}" defer>`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['cache-control']).toBe('no-store');
    // Each response has its own nonces.
    const again = await request('GET', '/missions', { headers: bearer });
    expect(again.headers['content-security-policy']).not.toBe(csp);
  });

  it('serves its stylesheet as a file, untouched by the HTML escaper (the "Segoe UI" font rule survives)', async () => {
    const page = await request('GET', ALICE_PATH, { headers: bearer });
    expect(page.body).not.toMatch(/<style|style="/);
    const cssFile = await request('GET', '/assets/dashboard.css');
    expect(cssFile.status).toBe(200);
    expect(cssFile.headers['content-type']).toMatch(/^text\/css/);
    expect(cssFile.body).toContain('"Segoe UI"');
    expect(cssFile.body).not.toContain('&quot;');
  });

  it('serves uPlot from node_modules, and nothing else of it', async () => {
    const js = await request('GET', '/assets/vendor/uplot/uPlot.iife.min.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.body).toContain('uPlot');
    expect((await request('GET', '/assets/vendor/uplot/uPlot.min.css')).status).toBe(200);
    // The page's icon is one of our assets, so the browser asks for no /favicon.ico.
    expect((await request('GET', '/assets/favicon.svg')).headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect((await request('GET', '/assets/vendor/uplot/uPlot.esm.js', { headers: bearer })).status).toBe(404);
    expect((await request('GET', '/assets/vendor/uplot/../../../package.json', { headers: bearer })).status).toBe(404);
  });

  it('escapes stored text', async () => {
    const res = await request('GET', '/missions', { headers: bearer });
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).not.toContain('<script>alert');
  });

  it('accepts a Bearer client’s form without Origin (browsers cannot send Authorization by themselves)', async () => {
    const { headers, csrf } = await bearerForm();
    const res = await request('POST', `${ALICE_PATH}/reflect`, { headers, body: `${reflectionFields}&csrf=${csrf}` });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^${ALICE_PATH}\\?flash=`));
    expect(temporal.reflections).toEqual([{ date: '2025-07-07', rpe: 6, legs: 2, mood: 4, sleepQuality: 4, completed: 'yes' }]);
    // The flash message is shown once.
    const first = await request('GET', res.headers.location!, { headers: bearer });
    expect(first.body).toContain('Reflection for 2025-07-07 sent.');
    const second = await request('GET', res.headers.location!, { headers: bearer });
    expect(second.body).not.toContain('Reflection for 2025-07-07 sent.');
  });

  it('still wants the CSRF field from a Bearer client, and one made for this client', async () => {
    const { headers, csrf } = await bearerForm();
    expect((await request('POST', `${ALICE_PATH}/reflect`, { headers, body: reflectionFields })).status).toBe(403);
    expect((await request('POST', `${ALICE_PATH}/reflect`, { headers, body: `${reflectionFields}&csrf=forged` })).status).toBe(403);
    // A token without the CSRF cookie it belongs to is refused too.
    expect((await request('POST', `${ALICE_PATH}/reflect`, { headers: { ...bearer, ...urlencoded }, body: `${reflectionFields}&csrf=${csrf}` })).status).toBe(403);
    expect(temporal.reflections).toEqual([]);
  });

  it('refuses forms that are not urlencoded, and oversized ones', async () => {
    const { headers, csrf } = await bearerForm();
    const json = await request('POST', `${ALICE_PATH}/reflect`, { headers: { ...headers, 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    const big = await request('POST', `${ALICE_PATH}/reflect`, { headers, body: `${reflectionFields}&csrf=${csrf}&note=${'x'.repeat(20_000)}` });
    expect(big.status).toBe(413);
    expect(big.body).toContain('Forms are limited to 16384 bytes.');
    expect(temporal.reflections).toEqual([]);
  });

  it('shows the workflow validator’s refusal in place, in the form of that kind, with status 422', async () => {
    temporal.rejectOverrideWith = 'rest-day: 2025-07-06 has already run';
    const { headers, csrf } = await bearerForm(ALICE_PATH, 'override-rest-day');
    const res = await request('POST', `${ALICE_PATH}/override`, { headers, body: `kind=rest-day&date=2025-07-06&reason=sore&csrf=${csrf}` });
    expect(res.status).toBe(422);
    const form = /<form id="override-rest-day"[^]*?<\/form>/.exec(res.body)![0];
    expect(form).toMatch(/<div class="errors" id="override-rest-day-errors" role="alert">.*rest-day: 2025-07-06 has already run/s);
    expect(form).toContain('name="date" value="2025-07-06"');
    expect(form).toContain('name="reason" value="sore"');
    // Only that form shows the problem.
    expect(res.body.match(/class="errors"/g)).toHaveLength(1);
  });

  // Found by `npm run reliability` (R4): a kind with no form on the page was refused with 422 and
  // no problem shown anywhere.
  it('says a refusal for a kind that has no form above the forms, naming the kind', async () => {
    const { headers, csrf } = await bearerForm(ALICE_PATH, 'override-rest-day');
    const res = await request('POST', `${ALICE_PATH}/override`, { headers, body: `kind=nap&csrf=${csrf}` });
    expect(res.status).toBe(422);
    expect(res.body).toMatch(/<div class="errors" id="override-errors" role="alert">.*nap/s);
    expect(res.body.match(/class="errors"/g)).toHaveLength(1);
    expect(temporal.overrides).toEqual([]);
  });

  it('has one form per override kind, each with only its own fields, and each submits its kind', async () => {
    const page = await request('GET', ALICE_PATH, { headers: bearer });
    const fieldsOf = (kind: string) => {
      const form = new RegExp(`<form id="override-${kind}"[^]*?</form>`).exec(page.body)?.[0] ?? '';
      return [...form.matchAll(/name="([a-zA-Z]+)"/g)].map((m) => m[1]).filter((n) => n !== 'csrf' && n !== 'kind');
    };
    expect({
      rest: fieldsOf('rest-day'),
      swap: fieldsOf('swap-days'),
      ftp: fieldsOf('set-ftp'),
      pause: fieldsOf('pause'),
      shift: fieldsOf('shift'),
      runTime: fieldsOf('set-run-time'),
      channels: [...new Set(fieldsOf('set-channels'))],
    }).toEqual({ rest: ['date', 'reason'], swap: ['date', 'otherDate'], ftp: ['ftpW'], pause: ['reason'], shift: ['days'], runTime: ['runTime'], channels: ['channels'] });
    // Running and not paused: the pause form is shown, not the resume one.
    expect(page.body).not.toContain('id="override-resume"');
    const paused = status({ paused: true, phase: 'paused' });
    temporal.statusFor = () => paused;
    const pausedPage = await request('GET', ALICE_PATH, { headers: bearer });
    expect(pausedPage.body).toContain('id="override-resume"');
    expect(pausedPage.body).not.toContain('id="override-pause"');

    const { headers, csrf } = await bearerForm(ALICE_PATH, 'override-set-ftp');
    for (const body of ['kind=set-ftp&ftpW=262', 'kind=shift&days=-1', 'kind=set-run-time&runTime=07:15', 'kind=set-channels&channels=email&channels=sms', 'kind=swap-days&date=2025-07-08&otherDate=2025-07-09']) {
      const res = await request('POST', `${ALICE_PATH}/override`, { headers, body: `${body}&csrf=${csrf}` });
      expect({ body, status: res.status }).toEqual({ body, status: 303 });
    }
    expect(temporal.overrides).toEqual([
      { kind: 'set-ftp', ftpW: 262 },
      { kind: 'shift', days: -1 },
      { kind: 'set-run-time', runTime: '07:15' },
      { kind: 'set-channels', channels: ['email', 'sms'] },
      { kind: 'swap-days', date: '2025-07-08', otherDate: '2025-07-09' },
    ]);
  });

  it('sends nothing and says why when the workflow is not running', async () => {
    const { headers, csrf } = await bearerForm(`/missions/${BOB.athlete}/${BOB.missionId}`);
    const res = await request('POST', `/missions/${BOB.athlete}/${BOB.missionId}/reflect`, { headers, body: `${reflectionFields}&csrf=${csrf}` });
    expect(res.status).toBe(409);
    expect(res.body).toContain('the mission workflow is not running (no mission workflow mission-bob-block was found); the reflection was not sent');
    expect(temporal.reflections).toEqual([]);
  });

  it('does not show or message a running workflow that belongs to another athlete', async () => {
    temporal.statusFor = () => status({ athlete: 'eve', name: 'Eve secret block', reflections: [{ date: '2025-07-01', rpe: 9, legs: 5, mood: 1, sleepQuality: 1, completed: 'no', note: 'eve-note' }] });
    const page = await request('GET', ALICE_PATH, { headers: bearer });
    expect(page.status).toBe(200);
    expect(page.body).toContain('belongs to another mission');
    expect(page.body).not.toContain('eve-note');
    expect(page.body).not.toContain('Eve secret block');
    const live = await request('GET', `${ALICE_PATH}/status.json`, { headers: bearer });
    expect(JSON.parse(live.body)).toMatchObject({ running: false, reason: 'the running workflow with this id belongs to another mission' });
    expect(live.body).not.toContain('eve');
    const { headers, csrf } = await bearerForm();
    const post = await request('POST', `${ALICE_PATH}/reflect`, { headers, body: `${reflectionFields}&csrf=${csrf}` });
    expect(post.status).toBe(409);
    expect(temporal.reflections).toEqual([]);
  });

  // Found by `npm run reliability` (R6): the dashboard asked for a mission by its id alone, so with
  // two athletes on the same mission id neither page could read or message its workflow.
  it('asks Temporal for the athlete’s own mission, by athlete and mission id (two athletes can ride one mission)', async () => {
    const { headers, csrf } = await bearerForm();
    await request('POST', `${ALICE_PATH}/reflect`, { headers, body: `${reflectionFields}&csrf=${csrf}` });
    await request('GET', `${ALICE_PATH}/status.json`, { headers: bearer });
    expect(temporal.asked.length).toBeGreaterThanOrEqual(3);
    expect(new Set(temporal.asked.map((k) => JSON.stringify(k)))).toEqual(new Set([JSON.stringify({ athlete: ALICE.athlete, missionId: ALICE.missionId })]));
  });

  it('has no Temporal UI links when no Temporal UI URL is configured', async () => {
    const page = await request('GET', ALICE_PATH, { headers: bearer });
    expect(page.body).not.toContain('/namespaces/');
    expect(page.body).toContain('<code>mission-tdf-dash-day-2025-07-07</code>');
  });

  it('answers 404 to unknown paths and 405 to other methods', async () => {
    expect((await request('GET', '/nope', { headers: bearer })).status).toBe(404);
    expect((await request('GET', '/missions/alice', { headers: bearer })).status).toBe(404);
    expect((await request('GET', `${ALICE_PATH}/days/2025-07-32`, { headers: bearer })).status).toBe(404);
    expect((await request('GET', `${ALICE_PATH}/days/2031-01-01`, { headers: bearer })).status).toBe(404);
    expect((await request('DELETE', ALICE_PATH, { headers: bearer })).status).toBe(405);
    const head = await request('HEAD', ALICE_PATH, { headers: bearer });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('gives the live status as JSON, scoped like the page, and only with the token', async () => {
    temporal.statusFor = () => status({ phase: 'running-day', lastDay: { date: '2025-07-07', status: 'ok', decision: 'modify_intensity', state: 'caution', ranAtLocal: '06:30', late: false, note: null } });
    const res = await request('GET', `${ALICE_PATH}/status.json`, { headers: bearer });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(res.body)).toMatchObject({
      running: true,
      phase: 'running-day',
      nextDay: '2025-07-08 — Stage 4',
      progress: '3 of 5 days (3 ok, 0 degraded, 0 failed, 0 skipped)',
      progressPct: 60,
      latest: { date: '2025-07-07', text: '2025-07-07 — modify intensity (ok)', url: `${ALICE_PATH}/days/2025-07-07` },
    });
    expect((await request('GET', `${ALICE_PATH}/status.json`)).status).toBe(401);
    expect((await request('GET', `/missions/${BOB.athlete}/${ALICE.missionId}/status.json`, { headers: bearer })).status).toBe(404);
  });
});

describe('sign-in sessions', () => {
  it('signs in with the token in a POST form: an HttpOnly SameSite=Strict session cookie that holds no token', async () => {
    const form = await request('GET', '/sign-in');
    expect(form.body).toMatch(/<input type="password" name="token"/);
    const origin = new URL(dash.url).origin;
    const res = await request('POST', '/sign-in', { headers: { ...urlencoded, origin, cookie: cookiesOf(form) }, body: `token=${TOKEN}&next=%2Fmissions&csrf=${encodeURIComponent(csrfIn(form.body, 'sign-in'))}` });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/missions');
    const session = res.headers['set-cookie']!.find((c) => c.startsWith(`lanterne_session_${new URL(dash.url).port}=`))!;
    expect(session).toMatch(/; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Strict/);
    expect(session).not.toContain(TOKEN);
    const page = await request('GET', '/missions', { headers: { cookie: cookiesOf(res) } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="sign-out"');
  });

  it('goes back only to a page of this dashboard after signing in', async () => {
    const origin = new URL(dash.url).origin;
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/missions?x="><script>']) {
      const form = await request('GET', '/sign-in');
      const res = await request('POST', '/sign-in', { headers: { ...urlencoded, origin, cookie: cookiesOf(form) }, body: `token=${TOKEN}&next=${encodeURIComponent(next)}&csrf=${encodeURIComponent(csrfIn(form.body, 'sign-in'))}` });
      expect({ next, location: res.headers.location }).toEqual({ next, location: '/missions' });
    }
  });

  it('refuses a wrong token in the form with 401 and no session, and a sign-in from another site', async () => {
    const form = await request('GET', '/sign-in');
    const origin = new URL(dash.url).origin;
    const csrf = encodeURIComponent(csrfIn(form.body, 'sign-in'));
    const wrong = await request('POST', '/sign-in', { headers: { ...urlencoded, origin, cookie: cookiesOf(form) }, body: `token=not-it&csrf=${csrf}` });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('That is not the dashboard token.');
    expect(JSON.stringify(wrong.headers['set-cookie'] ?? [])).not.toContain('lanterne_session_');
    const cross = await request('POST', '/sign-in', { headers: { ...urlencoded, origin: 'http://evil.example', cookie: cookiesOf(form) }, body: `token=${TOKEN}&csrf=${csrf}` });
    expect(cross.status).toBe(403);
  });

  it('no longer takes the token in the address: ?token= signs nobody in and says where to put it', async () => {
    const res = await request('GET', `/missions?token=${TOKEN}`);
    expect(res.status).toBe(401);
    expect(res.headers['set-cookie'] ?? []).not.toContainEqual(expect.stringContaining('lanterne_session_'));
    expect(res.body).toContain('The dashboard no longer takes its token in the address');
    expect(res.body).not.toContain(TOKEN);
  });

  it('sessions expire: after 7 days without a visit the cookie no longer opens the dashboard', async () => {
    const cookie = await signIn();
    clock += 6 * 86_400_000;
    expect((await request('GET', '/missions', { headers: { cookie } })).status).toBe(200);
    clock += 7 * 86_400_000 + 1;
    const late = await request('GET', '/missions', { headers: { cookie } });
    expect(late.status).toBe(401);
    expect(late.body).toContain('Your session has ended');
    expect(late.body).not.toContain('Tour 2025');
  });

  it('signs out: the session ends at once and the same cookie is refused afterwards', async () => {
    const cookie = await signIn();
    const page = await request('GET', '/missions', { headers: { cookie } });
    const csrf = /<form class="sign-out"[^]*?name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const out = await request('POST', '/sign-out', { headers: { ...urlencoded, cookie, origin: new URL(dash.url).origin }, body: `csrf=${encodeURIComponent(csrf)}` });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/sign-in?signed_out=1');
    expect((await request('GET', '/missions', { headers: { cookie } })).status).toBe(401);
  });

  it('refuses a wrong Bearer token sent next to a valid session cookie', async () => {
    const cookie = await signIn();
    expect((await request('GET', '/missions', { headers: { cookie } })).status).toBe(200);
    const res = await request('GET', '/missions', { headers: { cookie, authorization: 'Bearer not-the-token-at-all' } });
    expect(res.status).toBe(401);
    expect(res.body).not.toContain('Tour 2025');
  });

  it('rate-limits sign-in attempts per address', async () => {
    const limited = await start({ rateLimits: { signIn: { max: 3, windowMs: 60_000 } } });
    try {
      const origin = new URL(limited.url).origin;
      const form = await request('GET', '/sign-in', { base: limited.url });
      const body = `token=wrong-guess&csrf=${encodeURIComponent(csrfIn(form.body, 'sign-in'))}`;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await request('POST', '/sign-in', { base: limited.url, headers: { ...urlencoded, origin, cookie: cookiesOf(form) }, body })).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const last = await request('POST', '/sign-in', { base: limited.url, headers: { ...urlencoded, origin, cookie: cookiesOf(form) }, body: body.replace('wrong-guess', TOKEN) });
      expect(last.status).toBe(429);
      expect(last.body).toContain('Too many requests from this address');
    } finally {
      await limited.close();
    }
  });

  it('rate-limits form posts per address', async () => {
    const limited = await start({ rateLimits: { forms: { max: 2, windowMs: 60_000 } } });
    try {
      const page = await request('GET', ALICE_PATH, { base: limited.url, headers: bearer });
      const headers = { ...bearer, ...urlencoded, cookie: cookiesOf(page) };
      const body = `${reflectionFields}&csrf=${encodeURIComponent(csrfIn(page.body))}`;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await request('POST', `${ALICE_PATH}/reflect`, { base: limited.url, headers, body })).status);
      expect(statuses).toEqual([303, 303, 429]);
      expect(temporal.reflections).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });
});

describe('block calendar and day view', () => {
  const config = aliceMission(ALICE_DAYS[0]!);
  const keyDay = config.days.find((d) => d.importance === 'key')!.date;

  it('has one tile per mission day, this week highlighted, each linking to its day', async () => {
    const res = await request('GET', `${ALICE_PATH}/calendar`, { headers: bearer });
    expect(res.status).toBe(200);
    const tiles = [...res.body.matchAll(/<a class="tile ([^"]*)" href="([^"]+)" data-date="([^"]+)"/g)];
    expect(tiles.map((t) => t[3])).toEqual(config.days.map((d) => d.date));
    expect(tiles.map((t) => t[2])).toEqual(config.days.map((d) => `${ALICE_PATH}/days/${d.date}`));
    expect(tiles.length).toBe(ALICE_MISSION_DAYS);
    // 2025-07-07 (today in this test) is a Monday: the week of 7–13 July is this week.
    const thisWeek = tiles.filter((t) => t[1]!.includes('this-week')).map((t) => t[3]);
    expect(thisWeek).toEqual(['2025-07-07', '2025-07-08', '2025-07-09', '2025-07-10', '2025-07-11', '2025-07-12', '2025-07-13']);
    expect(res.body.match(/<div class="cal-week[^"]*"/g)).toEqual(['<div class="cal-week"', '<div class="cal-week this-week"', '<div class="cal-week"']);
    expect(tiles.find((t) => t[3] === '2025-07-07')![1]).toContain('when-today');
    const tile = (date: string) => new RegExp(`<a class="tile [^"]*" href="[^"]+" data-date="${date}"[^]*?</a>`).exec(res.body)![0];
    // Recorded day: decision, planned / done TSS (done comes from the next morning), reflection.
    expect(tile('2025-07-05')).toMatch(/<span class="planned" title="planned TSS">55<\/span>.*<span class="done" title="done TSS">55<\/span>/s);
    expect(tile('2025-07-05')).toContain('modify intensity');
    expect(tile('2025-07-05')).toContain('RPE 8 ½');
    // Key stage, estimated load for a day not planned yet, and the override mark.
    expect(tile(keyDay)).toContain('title="key stage">★');
    expect(tile(keyDay)).toContain('mountain');
    expect(tile('2025-07-08')).toMatch(/<span class="planned" title="planned TSS">≈\d+<\/span>/);
    // The rest day of the block is a rest tile without planned load.
    const rest = config.days.find((d) => d.type === 'rest')!;
    expect(tile(rest.date)).toMatch(/<a class="tile when-future type-rest/);
    expect(tile(rest.date)).toContain('<span class="tile-load rest">rest</span>');
    expect(tile('2025-07-09')).toContain('⟲ rest day (family visit)');
  });

  it('takes the running workflow’s view of the days to come (moved days, rest-day overrides)', async () => {
    // The athlete moved the block by +2 days and asked for a rest on the first moved day.
    const remaining = config.days.slice(3);
    temporal.upcomingDays = remaining.map((d, i) => ({
      date: addDays(d.date, 2),
      stage: d.stage,
      name: d.name,
      type: i === 0 ? 'rest' : d.type,
      durationMin: i === 0 ? 0 : d.training.durationMin,
      override: i === 0 ? 'rest day requested by the athlete' : null,
    }));
    const res = await request('GET', `${ALICE_PATH}/calendar`, { headers: bearer });
    const dates = [...res.body.matchAll(/data-date="([^"]+)" id="tile-/g)].map((m) => m[1]);
    expect(dates).toEqual([...ALICE_DAYS, ...remaining.map((d) => addDays(d.date, 2))]);
    expect(res.body).toMatch(/data-date="2025-07-10" id="tile-2025-07-10">[^]*?rest day requested by the athlete/);
    expect(res.body).toMatch(/<a class="tile when-future type-rest[^"]*" href="[^"]+" data-date="2025-07-10"/);
  });

  it('opens a day: decision and why, the workout profile data and table, classes, reflection', async () => {
    const res = await request('GET', `${ALICE_PATH}/days/2025-07-05`, { headers: bearer });
    expect(res.status).toBe(200);
    // Named once: the stage number, then the name without its repeated "Stage 1:" prefix.
    expect(res.body).toContain('<h1 id="day-title">Stage 1 · Lille Métropole → Lille Métropole</h1>');
    expect(res.body).toContain('day 1 rationale');
    expect(res.body).toContain('<table id="intervals">');
    expect(res.body).toContain('45 min Climb Ride');
    expect(res.body).toContain('&lt;img src=x');
    const island = /<script type="application\/json" id="chart-workout-data">([^<]*)<\/script>/.exec(res.body)![1]!;
    expect(JSON.parse(island)).toEqual([
      { startMin: 0, endMin: 15, pct: 0.55, watts: 138, zone: 1, byHeartRate: false, cue: 'easy spin' },
      { startMin: 15, endMin: 45, pct: 0.82, watts: 205, zone: 3, byHeartRate: false, cue: 'tempo blocks' },
      { startMin: 45, endMin: 60, pct: 0.5, watts: null, zone: 1, byHeartRate: true, cue: 'cool down' },
    ]);
    expect(res.body).toContain(`href="${ALICE_PATH}/days/2025-07-06" rel="next"`);
    // A day to come: what is planned, no decision yet.
    const future = await request('GET', `${ALICE_PATH}/days/2025-07-08`, { headers: bearer });
    expect(future.status).toBe(200);
    expect(future.body).toContain('The coach decides on the morning of 2025-07-08.');
  });

  it('puts the whole load history in the fitness chart’s data, and projects the days to come', async () => {
    const res = await request('GET', ALICE_PATH, { headers: bearer });
    const charts = JSON.parse(/<script type="application\/json" id="mission-charts">([^<]*)<\/script>/.exec(res.body)![1]!);
    // The first ride is 60 days before the mission's first day.
    expect(charts.dates[0]).toBe('2025-05-06');
    expect(charts.dates[charts.dates.length - 1]).toBe(config.days[config.days.length - 1]!.date);
    expect(charts.tss[0]).toBeCloseTo(64, 0);
    expect(charts.dates[charts.projectedFrom]).toBe('2025-07-07');
    expect(charts.ctl[charts.projectedFrom - 1]).toBeGreaterThan(20);
    expect(charts.mission).toEqual({ start: '2025-07-05', end: '2025-07-18', today: '2025-07-07', keyDays: config.days.filter((d) => d.importance === 'key').map((d) => d.date) });
    // Planned vs done: every day from the first planned one, a week at least.
    expect(charts.compliance).toEqual({
      dates: ['2025-07-05', '2025-07-06', '2025-07-07', '2025-07-08', '2025-07-09', '2025-07-10', '2025-07-11'],
      planned: [55, 55, 55, null, null, null, null],
      done: [55, 52, null, null, null, null, null],
    });
    const at = (d: string) => charts.dates.indexOf(d);
    expect([charts.readiness[at('2025-07-05')], charts.hrv[at('2025-07-06')], charts.hrvLow[at('2025-07-06')], charts.restingHr[at('2025-07-07')]]).toEqual([72, 47, 50, 46]);
    expect(charts.readiness[at('2025-06-01')]).toBeNull();
  });

  it('keeps athletes apart: another athlete’s address for a mission, day or calendar is 404', async () => {
    for (const p of [`/missions/${BOB.athlete}/${ALICE.missionId}/calendar`, `/missions/${BOB.athlete}/${ALICE.missionId}/days/2025-07-05`, `/missions/${CAROL.athlete}/${ALICE.missionId}`]) {
      const res = await request('GET', p, { headers: bearer });
      expect({ p, status: res.status }).toEqual({ p, status: 404 });
      expect(res.body).not.toContain('Tour 2025');
    }
  });
});
