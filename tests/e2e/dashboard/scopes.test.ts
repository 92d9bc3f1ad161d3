/**
 * Token scopes and the coach view over HTTP: a real PostgreSQL (athletes with coaches, scoped
 * tokens made by the token store, the coach seed's recorded days) and a recording fake of the
 * Temporal side that answers by workflow id (the browser test drives real workflows). The owner's
 * token sees everything; a coach's token its athletes; an athlete's token its own missions; any
 * other address is a 404, the same answer as for a mission that does not exist.
 */
import http from 'node:http';
import { MemoryStore, migrate } from '../../../src/memory';
import { startDashboard, MissionNotRunningError, type DashboardTemporal, type MissionRef, type RunningDashboard } from '../../../src/dashboard';
import type { MissionStatus, OverrideInput, ReflectInput } from '../../../src/shared/mission-api';
import { localDate } from '../../../src/domain/schedule';
import { addDays } from '../../../src/domain/iso-date';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { COACH_BO, seedCoachMissions, type CoachSeed, type SeededMission } from './coach-seed';

const OWNER = 'scopes-owner-token-5e1b0c93f2';
/** The dashboard's clock: noon in Paris on a fixed day, so "today" does not depend on when the test runs. */
const NOW = Date.parse('2025-07-10T10:00:00Z');
const TODAY = localDate(NOW, 'Europe/Paris');

/** Live status by workflow id: anna's and ben's workflows run (ben's paused), dora's and cleo's do not. */
class FakeTemporal implements DashboardTemporal {
  running = new Map<string, MissionStatus>();
  asked: string[] = [];
  reflections: { workflowId: string | null; input: ReflectInput }[] = [];
  async status(m: MissionRef) {
    this.asked.push(m.workflowId ?? m.id);
    const s = m.workflowId ? this.running.get(m.workflowId) : undefined;
    if (!s) throw new MissionNotRunningError(`no mission workflow ${m.workflowId} was found`);
    return s;
  }
  async upcoming() {
    return [];
  }
  async reflect(m: MissionRef, input: ReflectInput) {
    this.reflections.push({ workflowId: m.workflowId, input });
  }
  async override(_m: MissionRef, input: OverrideInput) {
    return { accepted: true as const, kind: input.kind, changed: `applied ${input.kind}` };
  }
}

function liveStatus(s: SeededMission, over: Partial<MissionStatus> = {}): MissionStatus {
  return {
    missionId: s.missionId, name: s.name, athlete: s.athlete, athleteId: s.athleteId, timezone: 'Europe/Paris', runTime: '06:30', earliestTime: '04:30', runNowPending: false,
    phase: 'waiting', paused: false, pauseReason: null, nextDay: { date: addDays(TODAY, 1), stage: 6, name: 'Stage 6' },
    nextRunAt: `${addDays(TODAY, 1)}T04:30:00.000Z`, daysTotal: 12, daysDone: 5,
    counters: { ok: 5, degraded: 0, failed: 0, skipped: 0, continuedAsNew: 0 }, lastDay: null, load: null, ftpW: 240,
    channels: ['email'], configHash: 'h', reflections: [], ...over,
  };
}

let db: TestDatabase;
let memory: MemoryStore;
let seed: CoachSeed;
let temporal: FakeTemporal;
let dash: RunningDashboard;
let coachToken: string;
let benToken: string;
let benTokenId: string;

beforeAll(async () => {
  db = await createTestDatabase('dashboard_scopes');
  db.pool.on('error', () => undefined);
  await migrate(db.pool);
  memory = new MemoryStore(db.pool);
  seed = await seedCoachMissions(memory, TODAY);
  coachToken = (await memory.tokens.create('coach', COACH_BO)).token;
  const ben = await memory.tokens.create('athlete', 'ben');
  benToken = ben.token;
  benTokenId = ben.record.id;
  temporal = new FakeTemporal();
  temporal.running.set(seed.anna.workflowId, liveStatus(seed.anna, { daysDone: 5 }));
  temporal.running.set(seed.ben.workflowId, liveStatus(seed.ben, { daysDone: 3, paused: true, pauseReason: 'travel', nextRunAt: null }));
  dash = await startDashboard({ memory, temporal, token: OWNER, log: () => undefined, now: () => NOW, rateLimits: { signIn: { max: 100, windowMs: 60_000 } } });
}, 60_000);

afterAll(async () => {
  await dash?.close();
  await db?.drop();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(method: string, path: string, opts: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${dash.url}${path}`, { method, headers: opts.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const as = (token: string) => ({ authorization: `Bearer ${token}` });
const cookiesOf = (res: Answer) => (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!).join('; ');

/** The coach view's rows, as (athlete, mission id) in page order. */
function coachRows(body: string): string[] {
  return [...body.matchAll(/<tr data-athlete="([^"]+)" data-mission="([^"]+)" data-flags="([^"]*)">/g)].map((m) => `${m[1]}/${m[2]}`);
}

function flagsOf(body: string, athlete: string): string[] {
  const m = new RegExp(`<tr data-athlete="${athlete}" data-mission="[^"]+" data-flags="([^"]*)">`).exec(body);
  if (!m) throw new Error(`no row for ${athlete}`);
  return m[1]!.split(' ').filter(Boolean);
}

/** Signs in through the form with `token`; returns the Cookie header. */
async function signIn(token: string): Promise<string> {
  const form = await request('GET', '/sign-in');
  const csrf = encodeURIComponent(/name="csrf" value="([^"]+)"/.exec(form.body)![1]!);
  const res = await request('POST', '/sign-in', {
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(dash.url).origin, cookie: cookiesOf(form) },
    body: `token=${encodeURIComponent(token)}&next=%2Fcoach&csrf=${csrf}`,
  });
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe('/coach');
  return [cookiesOf(form), cookiesOf(res)].join('; ');
}

describe('token scopes', () => {
  it('the owner’s token sees every athlete’s mission, two athletes on the same mission file included', async () => {
    const res = await request('GET', '/coach?sort=athlete', { headers: as(OWNER) });
    expect(res.status).toBe(200);
    expect(coachRows(res.body)).toEqual(['anna/spring-block', 'ben/spring-block', 'cleo/cleo-block', 'dora/base-8w']);
    expect(res.body).toContain('Owner (every athlete): 4 missions of 4 athletes');
    // Each of the two spring-block rows asked its own workflow.
    expect(temporal.asked).toEqual(expect.arrayContaining([seed.anna.workflowId, seed.ben.workflowId]));
    expect(seed.anna.workflowId).not.toBe(seed.ben.workflowId);
  });

  it('a coach’s token sees its athletes only; another athlete’s pages are 404', async () => {
    const res = await request('GET', '/coach?sort=athlete', { headers: as(coachToken) });
    expect(res.status).toBe(200);
    expect(coachRows(res.body)).toEqual(['anna/spring-block', 'ben/spring-block', 'dora/base-8w']);
    expect(res.body).toContain('Coach coach-bo: 3 missions of 3 athletes');
    expect(res.body).not.toContain('Cleo block');
    const list = await request('GET', '/missions', { headers: as(coachToken) });
    expect(list.body).toContain('Base 8 weeks');
    expect(list.body).not.toContain('Cleo block');
    expect((await request('GET', seed.anna.path, { headers: as(coachToken) })).status).toBe(200);
    for (const p of [seed.cleo.path, `${seed.cleo.path}/calendar`, `${seed.cleo.path}/days/${TODAY}`]) {
      const r = await request('GET', p, { headers: as(coachToken) });
      expect({ p, status: r.status }).toEqual({ p, status: 404 });
      expect(r.body).not.toContain('Cleo block');
    }
    const json = await request('GET', `${seed.cleo.path}/status.json`, { headers: as(coachToken) });
    expect(json.status).toBe(404);
    // The same answer as for a mission that does not exist at all (nonces and CSRF tokens aside).
    const same = (b: string) => b.replace(/(nonce|value)="[^"]+"/g, '$1=""');
    const absent = await request('GET', '/missions/nobody/nothing', { headers: as(coachToken) });
    const hidden = await request('GET', seed.cleo.path, { headers: as(coachToken) });
    expect([hidden.status, same(hidden.body)]).toEqual([absent.status, same(absent.body)]);
  });

  it('sees an athlete given to the coach later at once (the scope is looked up per request)', async () => {
    await memory.athletes.update('cleo', { coach: COACH_BO });
    try {
      expect(coachRows((await request('GET', '/coach?sort=athlete', { headers: as(coachToken) })).body)).toContain('cleo/cleo-block');
      expect((await request('GET', seed.cleo.path, { headers: as(coachToken) })).status).toBe(200);
    } finally {
      await memory.athletes.update('cleo', { coach: 'coach-cy' });
    }
    expect((await request('GET', seed.cleo.path, { headers: as(coachToken) })).status).toBe(404);
  });

  it('an athlete’s token sees its own missions only, and cannot post to another’s', async () => {
    const res = await request('GET', '/coach', { headers: as(benToken) });
    expect(coachRows(res.body)).toEqual(['ben/spring-block']);
    expect(res.body).toContain('Athlete ben: 1 mission of 1 athlete');
    expect((await request('GET', seed.ben.path, { headers: as(benToken) })).status).toBe(200);
    // anna runs the same mission file: her address is still hers.
    expect((await request('GET', seed.anna.path, { headers: as(benToken) })).status).toBe(404);
    const page = await request('GET', seed.ben.path, { headers: as(benToken) });
    const csrf = encodeURIComponent(/<form id="reflect"[^]*?name="csrf" value="([^"]+)"/.exec(page.body)![1]!);
    const post = (p: string) =>
      request('POST', `${p}/reflect`, {
        headers: { ...as(benToken), 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(page) },
        body: `date=${TODAY}&rpe=6&legs=2&mood=4&sleepQuality=4&completed=yes&csrf=${csrf}`,
      });
    expect((await post(seed.anna.path)).status).toBe(404);
    expect(temporal.reflections).toEqual([]);
    expect((await post(seed.ben.path)).status).toBe(303);
    expect(temporal.reflections).toEqual([{ workflowId: seed.ben.workflowId, input: expect.objectContaining({ date: TODAY, rpe: 6 }) }]);
  });

  it('signs in with a scoped token through the form; revoking the token ends its session at once', async () => {
    const t = await memory.tokens.create('athlete', 'dora', 'revocation test');
    const cookie = await signIn(t.token);
    const coach = await request('GET', '/coach', { headers: { cookie } });
    expect(coach.status).toBe(200);
    expect(coachRows(coach.body)).toEqual(['dora/base-8w']);
    expect(coach.body).toContain('<span class="who" id="signed-in-as">Athlete dora</span>');
    expect((await request('GET', seed.cleo.path, { headers: { cookie } })).status).toBe(404);
    await memory.tokens.revoke(t.record.id);
    const after = await request('GET', '/coach', { headers: { cookie } });
    expect(after.status).toBe(401);
    expect(after.body).toContain('Your session has ended');
    expect((await request('GET', '/coach', { headers: as(t.token) })).status).toBe(401);
  });

  it('refuses unknown, revoked and malformed tokens alike, and never treats a scoped session as the owner’s for the codec', async () => {
    for (const bad of ['lnt_notatoken', `${coachToken}x`, 'Bearer', OWNER.slice(1)]) {
      expect((await request('GET', '/coach', { headers: as(bad) })).status).toBe(401);
    }
    const owner = await signIn(OWNER);
    const coach = await signIn(coachToken);
    expect(dash.signedIn({ cookie: owner })).toBe(true);
    expect(dash.signedIn({ cookie: coach })).toBe(false);
    expect(dash.signedIn({ authorization: `Bearer ${coachToken}` })).toBe(false);
    expect(dash.signedIn({ authorization: `Bearer ${OWNER}` })).toBe(true);
    // The token list records use, never the token.
    const rows = await memory.tokens.list();
    expect(rows.find((r) => r.id === benTokenId)?.lastUsedAt).not.toBeNull();
    const stored = await db.pool.query(`SELECT * FROM access_tokens`);
    expect(JSON.stringify(stored.rows)).not.toContain(coachToken.slice(4));
  });
});

describe('the coach view', () => {
  it('shows each mission’s latest decision and readiness, its flags, next run and block progress', async () => {
    const body = (await request('GET', '/coach?sort=athlete', { headers: as(coachToken) })).body;
    expect(flagsOf(body, 'anna')).toEqual(['sick', 'no-reflection']);
    expect(flagsOf(body, 'ben')).toEqual(['paused']);
    expect(flagsOf(body, 'dora')).toEqual(['strained', 'degraded', 'not-running']);
    const row = (athlete: string) => new RegExp(`<tr data-athlete="${athlete}"[^]*?</tr>`).exec(body)![0];
    expect(row('anna')).toContain('<span class="badge state-sick">sick</span>');
    expect(row('anna')).toContain('decision-rest');
    expect(row('anna')).toContain('<progress max="100" value="42"');
    expect(row('anna')).toContain('5/12');
    expect(row('anna')).toMatch(/Fri,? 11 Jul 2025, 06:30 \(Europe\/Paris\)/);
    expect(row('anna')).toContain(`href="${seed.anna.path}"`);
    expect(row('ben')).toContain('<span class="badge flag flag-paused">paused</span>');
    // dora's latest decision is yesterday's: its date is shown.
    expect(row('dora')).toContain(`(${addDays(TODAY, -1)})`);
    expect(row('dora')).toContain('>—<'); // no next run: not running
    expect(row('dora')).toContain('1/56');
  });

  it('sorts on the server by any column, both ways, and says which in aria-sort', async () => {
    const order = async (sort: string) => coachRows((await request('GET', `/coach?sort=${sort}`, { headers: as(coachToken) })).body).map((r) => r.split('/')[0]);
    expect(await order('athlete')).toEqual(['anna', 'ben', 'dora']);
    expect(await order('-athlete')).toEqual(['dora', 'ben', 'anna']);
    expect(await order('-state')).toEqual(['anna', 'dora', 'ben']); // sick, strained, ready
    expect(await order('-flags')).toEqual(['anna', 'dora', 'ben']);
    expect(await order('-progress')).toEqual(['anna', 'ben', 'dora']); // 5/12, 3/12 live; 1/56 from the database
    expect(await order('bogus')).toEqual(await order('-flags'));
    const body = (await request('GET', '/coach?sort=-state', { headers: as(coachToken) })).body;
    expect(body).toContain('<th aria-sort="descending" data-sort="state"><a href="/coach?sort=state">');
    expect(body).toContain('<th aria-sort="none" data-sort="athlete"><a href="/coach?sort=athlete">');
  });
});
