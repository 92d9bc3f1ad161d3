/**
 * The dashboard's HTTP behaviour without a browser: a real PostgreSQL memory and a recording fake
 * of the Temporal side (the browser test covers the real workflow).
 */
import http from 'node:http';
import { MemoryStore, migrate } from '../../../src/memory';
import { startDashboard, OverrideRejectedError, MissionNotRunningError, type DashboardTemporal, type RunningDashboard } from '../../../src/dashboard';
import { csrfToken, sessionValue } from '../../../src/dashboard/auth';
import type { MissionStatus, OverrideInput, ReflectInput } from '../../../src/shared/mission-api';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { ALICE, BOB, seedMissions } from './seed';

const TOKEN = 'server-test-token-7d2e91c0aa';
const CSRF = csrfToken(TOKEN, sessionValue(TOKEN));
const ALICE_PATH = `/missions/${ALICE.athlete}/${ALICE.missionId}`;

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
  statusFor: (id: string) => MissionStatus = () => status();
  reflections: ReflectInput[] = [];
  overrides: OverrideInput[] = [];
  rejectOverrideWith: string | null = null;
  async status(id: string) {
    if (id !== ALICE.missionId) throw new MissionNotRunningError(`no mission workflow mission-${id} was found`);
    return this.statusFor(id);
  }
  async upcoming() {
    return [];
  }
  async reflect(_id: string, input: ReflectInput) {
    this.reflections.push(input);
  }
  async override(_id: string, input: OverrideInput) {
    if (this.rejectOverrideWith) throw new OverrideRejectedError(this.rejectOverrideWith);
    this.overrides.push(input);
    return { accepted: true as const, kind: input.kind, changed: `applied ${input.kind}` };
  }
}

let db: TestDatabase;
let memory: MemoryStore;
let temporal: FakeTemporal;
let dash: RunningDashboard;

beforeAll(async () => {
  db = await createTestDatabase('dashboard_http');
  db.pool.on('error', () => undefined);
  await migrate(db.pool);
  memory = new MemoryStore(db.pool);
  await seedMissions(memory);
  await memory.missions.upsertMission({ athlete: 'mallory', missionId: 'xss' }, { name: '<script>alert(1)</script>', configHash: 'h' });
}, 60_000);

beforeEach(async () => {
  temporal = new FakeTemporal();
  dash = await startDashboard({ memory, temporal, token: TOKEN, log: () => undefined });
});

afterEach(async () => {
  await dash.close();
});

afterAll(async () => {
  await db?.drop();
});

function request(
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
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

const bearer = { authorization: `Bearer ${TOKEN}` };
const form = { ...bearer, 'content-type': 'application/x-www-form-urlencoded' };
const reflection = `date=2025-07-07&rpe=6&legs=2&mood=4&sleepQuality=4&completed=yes&csrf=${encodeURIComponent(CSRF)}`;

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
  });

  it('sets a restrictive CSP and no-sniff on pages', async () => {
    const res = await request('GET', '/missions', { headers: bearer });
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'nonce-[A-Za-z0-9+/=]+'; /);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('escapes stored text', async () => {
    const res = await request('GET', '/missions', { headers: bearer });
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).not.toContain('<script>');
  });

  it('accepts a Bearer client’s form without Origin (browsers cannot send Authorization by themselves)', async () => {
    const res = await request('POST', `${ALICE_PATH}/reflect`, { headers: form, body: reflection });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^${ALICE_PATH}\\?flash=`));
    expect(temporal.reflections).toEqual([{ date: '2025-07-07', rpe: 6, legs: 2, mood: 4, sleepQuality: 4, completed: 'yes' }]);
    // The flash message is shown once.
    const first = await request('GET', res.headers.location!, { headers: bearer });
    expect(first.body).toContain('Reflection for 2025-07-07 sent.');
    const second = await request('GET', res.headers.location!, { headers: bearer });
    expect(second.body).not.toContain('Reflection for 2025-07-07 sent.');
  });

  it('still wants the CSRF field from a Bearer client', async () => {
    const res = await request('POST', `${ALICE_PATH}/reflect`, { headers: form, body: reflection.replace(/&csrf=.*/, '') });
    expect(res.status).toBe(403);
    expect(temporal.reflections).toEqual([]);
  });

  it('refuses forms that are not urlencoded, and oversized ones', async () => {
    const json = await request('POST', `${ALICE_PATH}/reflect`, { headers: { ...bearer, 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    const big = await request('POST', `${ALICE_PATH}/reflect`, { headers: form, body: `${reflection}&note=${'x'.repeat(20_000)}` });
    expect(big.status).toBe(413);
    expect(temporal.reflections).toEqual([]);
  });

  it('shows the workflow validator’s refusal in place with status 422', async () => {
    temporal.rejectOverrideWith = 'rest-day: 2025-07-06 has already run';
    const res = await request('POST', `${ALICE_PATH}/override`, { headers: form, body: `kind=rest-day&date=2025-07-06&csrf=${encodeURIComponent(CSRF)}` });
    expect(res.status).toBe(422);
    expect(res.body).toMatch(/<div class="errors wide" id="override-errors" role="alert">.*rest-day: 2025-07-06 has already run/s);
    expect(res.body).toContain('name="date" value="2025-07-06"');
  });

  it('sends nothing and says why when the workflow is not running', async () => {
    const res = await request('POST', `/missions/${BOB.athlete}/${BOB.missionId}/reflect`, { headers: form, body: reflection });
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
    const post = await request('POST', `${ALICE_PATH}/reflect`, { headers: form, body: reflection });
    expect(post.status).toBe(409);
    expect(temporal.reflections).toEqual([]);
  });

  it('has no Temporal UI links when no Temporal UI URL is configured', async () => {
    const page = await request('GET', ALICE_PATH, { headers: bearer });
    expect(page.body).not.toContain('/namespaces/');
    expect(page.body).toContain('<code>mission-tdf-dash-day-2025-07-07</code>');
  });

  it('answers 404 to unknown paths and 405 to other methods', async () => {
    expect((await request('GET', '/nope', { headers: bearer })).status).toBe(404);
    expect((await request('GET', '/missions/alice', { headers: bearer })).status).toBe(404);
    expect((await request('DELETE', ALICE_PATH, { headers: bearer })).status).toBe(405);
    const head = await request('HEAD', ALICE_PATH, { headers: bearer });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });
});
