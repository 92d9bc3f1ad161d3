import type { TestDatabase } from '../../support/db';
import { freshDatabase } from './test-database';
import { migrate } from '../../../src/memory/migrations';
import { MemoryStore } from '../../../src/memory/memory-store';
import type { MissionScope } from '../../../src/memory/records';
import { classes, decision, load, observation, reflection, workout } from './domain-fixtures';

let db: TestDatabase;
let store: MemoryStore;
const scope: MissionScope = { missionId: 'tdf-2025', athlete: 'ana' };
const D = '2025-07-05';

beforeAll(async () => {
  db = await freshDatabase('lanterne_mem');
  await migrate(db.pool);
  store = new MemoryStore(db.pool);
  await store.missions.upsertMission(scope, { name: 'Tour de France 2025', configHash: 'h1' });
});
afterAll(async () => {
  await db.drop();
});

const count = async (table: string, s: MissionScope = scope) =>
  Number(
    (await db.pool.query(`SELECT count(*) AS n FROM ${table} WHERE athlete = $1 AND mission_id = $2`, [s.athlete, s.missionId]))
      .rows[0].n,
  );

describe('missions and config versions', () => {
  test('upsertMission creates, updates and keeps the status unless given', async () => {
    const s = { missionId: 'm-upsert', athlete: 'ana' };
    const created = await store.missions.upsertMission(s, { name: 'Block A', configHash: 'a1' });
    expect(created).toMatchObject({ id: 'm-upsert', athlete: 'ana', name: 'Block A', configHash: 'a1', status: 'active' });
    await store.missions.setMissionStatus(s, 'paused');
    const updated = await store.missions.upsertMission(s, { name: 'Block A+', configHash: 'a2' });
    expect(updated).toMatchObject({ name: 'Block A+', configHash: 'a2', status: 'paused' });
    expect(updated.createdAt).toBe(created.createdAt);
    expect((await store.missions.listMissions('ana')).filter((m) => m.id === 'm-upsert')).toHaveLength(1);
  });

  test('setMissionStatus rejects an unknown status and an unknown mission', async () => {
    await expect(store.missions.setMissionStatus(scope, 'done' as never)).rejects.toThrow(/active, paused, completed, cancelled.*"done"/);
    await expect(store.missions.setMissionStatus({ missionId: 'nope', athlete: 'ana' }, 'paused')).rejects.toThrow(
      /mission "nope" of athlete "ana" is not stored/,
    );
  });

  test('loading the same config twice stores one version', async () => {
    const json = '{"id":"tdf-2025","name":"Tour de France 2025"}';
    expect(await store.missions.storeConfigVersion(scope, json, 'h1')).toEqual({ hash: 'h1', created: true });
    expect(await store.missions.storeConfigVersion(scope, json, 'h1')).toEqual({ hash: 'h1', created: false });
    expect(await store.missions.storeConfigVersion(scope, '{"id":"tdf-2025","name":"TdF"}', 'h2')).toEqual({ hash: 'h2', created: true });
    expect(await count('config_versions')).toBe(2);
    expect((await store.missions.getConfigVersion(scope, 'h1'))?.canonicalJson).toBe(json);
    const stored = await db.pool.query(`SELECT config FROM config_versions WHERE hash = 'h1'`);
    expect(stored.rows[0].config).toEqual({ id: 'tdf-2025', name: 'Tour de France 2025' });
  });

  test('a hash reused for a different config is refused, invalid JSON too', async () => {
    await store.missions.storeConfigVersion(scope, '{"a":1}', 'h-x');
    await expect(store.missions.storeConfigVersion(scope, '{"a":2}', 'h-x')).rejects.toThrow(/already stored for a different config/);
    await expect(store.missions.storeConfigVersion(scope, '{oops', 'h-y')).rejects.toThrow(/canonicalJson for hash h-y is not valid JSON/);
  });

  test('recording a day of a mission that was never stored says what to do', async () => {
    await expect(store.days.recordObservation({ missionId: 'ghost', athlete: 'ana' }, observation(D))).rejects.toThrow(
      'mission "ghost" of athlete "ana" is not stored: call upsertMission before recording its days',
    );
  });
});

describe('round trips', () => {
  test('every record type of a day comes back from getDay as written', async () => {
    const obs = observation(D);
    const figures = load(D);
    const dec = decision(D);
    const plan = workout();
    await store.days.recordDayRun(scope, D, { workflowId: 'mission-tdf-2025-day-2025-07-05', configHash: 'h1' });
    await store.days.recordObservation(scope, obs);
    await store.days.recordLoad(scope, figures);
    await store.days.recordDecision(scope, dec, 'h1');
    await store.days.recordPlan(scope, D, plan);
    await store.days.recordClassSuggestions(scope, D, classes());
    await store.input.recordReflection(scope, reflection(D));
    await store.input.recordOverride(scope, { requestId: 'req-1', kind: 'rest-today', day: D, payload: { reason: 'travel' } });
    await store.days.recordReport(scope, D, { paths: ['output/tdf-2025/2025-07-05.md', 'output/tdf-2025/2025-07-05.html'], formats: ['md', 'html'] });
    await store.outbox.claim(scope, { day: D, channel: 'email' }, 'attempt-1');
    await store.outbox.markSent(scope, { day: D, channel: 'email' }, 'attempt-1', { providerMessageId: '<abc@lanterne>' });
    await store.days.finishDayRun(scope, D, { status: 'degraded', degradedReasons: ['oura activity missing'] });

    const day = await store.reads.getDay(scope, D);
    expect(day.date).toBe(D);
    expect(day.observation).toEqual(obs);
    expect(day.load).toEqual(figures);
    expect(day.decision).toEqual({ decision: dec, configHash: 'h1' });
    expect(day.plan).toEqual(plan);
    expect(day.classSuggestions).toEqual(classes());
    expect(day.reflection).toEqual(reflection(D));
    expect(day.overrides).toEqual([
      { requestId: 'req-1', kind: 'rest-today', day: D, payload: { reason: 'travel' }, recordedAt: expect.any(String) },
    ]);
    expect(day.report).toMatchObject({ paths: ['output/tdf-2025/2025-07-05.md', 'output/tdf-2025/2025-07-05.html'], formats: ['md', 'html'] });
    expect(day.notifications).toEqual([
      expect.objectContaining({ date: D, channel: 'email', status: 'sent', attempts: 1, providerMessageId: '<abc@lanterne>' }),
    ]);
    expect(day.run).toMatchObject({
      date: D,
      status: 'degraded',
      degradedReasons: ['oura activity missing'],
      workflowId: 'mission-tdf-2025-day-2025-07-05',
      configHash: 'h1',
    });
    expect(Date.parse(day.run!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(day.run!.startedAt));
    // JSON-safe: survives a Temporal payload round trip unchanged
    expect(JSON.parse(JSON.stringify(day))).toEqual(day);
  });

  test('queryable columns hold the figures, health payloads are jsonb', async () => {
    const row = (await db.pool.query(`SELECT ctl, atl, tsb, yesterday_tss, jsonb_typeof(figures) AS t FROM load_metrics WHERE day = $1`, [D])).rows[0];
    expect(row).toEqual({ ctl: 52.1, atl: 60.3, tsb: -8.2, yesterday_tss: 64.5, t: 'object' });
    const obs = (await db.pool.query(`SELECT observation->'readiness'->>'score' AS score FROM observations WHERE day = $1`, [D])).rows[0];
    expect(obs.score).toBe('78');
    const plan = (await db.pool.query(`SELECT source, prompt_tokens, completion_tokens, total_tokens, target_tss FROM plans WHERE day = $1`, [D])).rows[0];
    expect(plan).toEqual({ source: 'llm', prompt_tokens: 812, completion_tokens: 240, total_tokens: 1052, target_tss: 55 });
    const dec = (await db.pool.query(`SELECT decision, state, config_hash, negotiation->>'prevailed' AS prevailed FROM decisions WHERE day = $1`, [D])).rows[0];
    expect(dec).toEqual({ decision: 'modify_intensity', state: 'caution', config_hash: 'h1', prevailed: 'mission' });
  });

  test('a fallback plan without token usage and a decision without negotiation round-trip', async () => {
    const day = '2025-07-06';
    const plan = workout({ source: 'fallback', fallbackReason: 'LLM timed out', tokenUsage: null });
    const dec = decision(day, { negotiation: null, decision: 'rest', state: 'sick' });
    await store.days.recordPlan(scope, day, plan);
    await store.days.recordDecision(scope, dec, 'h2');
    const got = await store.reads.getDay(scope, day);
    expect(got.plan).toEqual(plan);
    expect(got.decision).toEqual({ decision: dec, configHash: 'h2' });
  });

  test('getDay of a day with nothing recorded is empty, not an error', async () => {
    expect(await store.reads.getDay(scope, '2024-01-01')).toEqual({
      date: '2024-01-01',
      run: null,
      observation: null,
      load: null,
      decision: null,
      plan: null,
      classSuggestions: null,
      reflection: null,
      overrides: [],
      notifications: [],
      report: null,
    });
  });

  test('dates are checked and named', async () => {
    await expect(store.reads.getDay(scope, '2025-7-5')).rejects.toThrow('getDay date must be a real date written YYYY-MM-DD, got "2025-7-5"');
    await expect(store.days.recordPlan(scope, '2025-02-30', workout())).rejects.toThrow(/recordPlan day must be a real date/);
    await expect(store.reads.getDay({ missionId: '', athlete: 'ana' }, D)).rejects.toThrow(/non-empty athlete and missionId/);
  });
});

describe('idempotent writes', () => {
  const day = '2025-07-10';
  test('writing each step five times leaves one row, holding the last write', async () => {
    for (let i = 1; i <= 5; i++) {
      await store.days.recordDayRun(scope, day, { workflowId: `wf-${i}`, configHash: 'h1' });
      await store.days.recordObservation(scope, observation(day, { rides: [], missing: [] }));
      await store.days.recordLoad(scope, load(day, { ctl: 50 + i }));
      await store.days.recordDecision(scope, decision(day, { confidence: i / 10 }), 'h1');
      await store.days.recordPlan(scope, day, workout({ targetTss: 40 + i }));
      await store.days.recordClassSuggestions(scope, day, classes().slice(0, 1 + (i % 2)));
      await store.input.recordReflection(scope, reflection(day, { rpe: i }));
      await store.days.recordReport(scope, day, { paths: [`r${i}.md`], formats: ['md'] });
      await store.input.recordOverride(scope, { requestId: 'same-request', kind: 'pause', day, payload: { i } });
      await store.outbox.enqueue(scope, { day, channel: 'sms' });
      await store.days.finishDayRun(scope, day, { status: 'ok', degradedReasons: [] });
    }
    const where = `WHERE athlete = 'ana' AND mission_id = 'tdf-2025' AND day = '${day}'`;
    for (const table of ['day_runs', 'observations', 'load_metrics', 'decisions', 'plans', 'class_suggestions', 'reflections', 'reports', 'overrides', 'notifications']) {
      const n = Number((await db.pool.query(`SELECT count(*) AS n FROM ${table} ${where}`)).rows[0].n);
      expect([table, n]).toEqual([table, 1]);
    }
    const got = await store.reads.getDay(scope, day);
    expect(got.load?.ctl).toBe(55);
    expect(got.decision?.decision.confidence).toBe(0.5);
    expect(got.plan?.targetTss).toBe(45);
    expect(got.classSuggestions).toHaveLength(2);
    expect(got.reflection?.rpe).toBe(5);
    expect(got.report?.paths).toEqual(['r5.md']);
    expect(got.run).toMatchObject({ status: 'ok', workflowId: 'wf-5' });
    // overrides are append-only: the first write of a request id is the one kept
    expect(got.overrides.map((o) => o.payload)).toEqual([{ i: 1 }]);
  });

  test('recordOverride tells whether the request was new', async () => {
    const o = { requestId: 'ftp-1', kind: 'ftp', day: null, payload: { ftpW: 265 } };
    expect(await store.input.recordOverride(scope, o)).toEqual({ created: true });
    expect(await store.input.recordOverride(scope, { ...o, payload: { ftpW: 300 } })).toEqual({ created: false });
    expect(await store.input.recordOverride(scope, { ...o, requestId: 'ftp-2', payload: { ftpW: 270 } })).toEqual({ created: true });
    const all = await store.input.listOverrides(scope);
    expect(all.filter((x) => x.kind === 'ftp').map((x) => [x.requestId, x.payload])).toEqual([
      ['ftp-1', { ftpW: 265 }],
      ['ftp-2', { ftpW: 270 }],
    ]);
  });

  test('a later reflection for the same date replaces the earlier one', async () => {
    const day = '2025-07-11';
    await store.input.recordReflection(scope, reflection(day, { rpe: 8, completed: 'partly', note: 'legs heavy' }));
    await store.input.recordReflection(scope, reflection(day, { rpe: 5, completed: 'yes', note: 'actually fine' }));
    expect((await store.reads.getDay(scope, day)).reflection).toEqual(reflection(day, { rpe: 5, completed: 'yes', note: 'actually fine' }));
  });

  test('recordDayRun after a finished run restarts it', async () => {
    const day = '2025-07-12';
    await store.days.recordDayRun(scope, day, { workflowId: 'wf', configHash: 'h1' });
    await store.days.finishDayRun(scope, day, { status: 'failed', degradedReasons: ['db down'] });
    const again = await store.days.recordDayRun(scope, day, { workflowId: 'wf', configHash: 'h2' });
    expect(again).toMatchObject({ status: 'running', degradedReasons: [], finishedAt: null, configHash: 'h2' });
    await expect(store.days.finishDayRun(scope, day, { status: 'running' as never, degradedReasons: [] })).rejects.toThrow(
      /ok, degraded or failed/,
    );
  });
});

describe('history and missions', () => {
  test('history returns only days with records, in order, within the range', async () => {
    const s = { missionId: 'hist', athlete: 'ana' };
    await store.missions.upsertMission(s, { name: 'History', configHash: 'x' });
    await store.days.recordObservation(s, observation('2025-06-03'));
    await store.days.recordDecision(s, decision('2025-06-01'), 'x');
    await store.input.recordReflection(s, reflection('2025-06-02'));
    await store.days.recordLoad(s, load('2025-06-09'));
    const days = await store.reads.history(s, '2025-06-01', '2025-06-05');
    expect(days.map((d) => d.date)).toEqual(['2025-06-01', '2025-06-02', '2025-06-03']);
    expect(days[0].decision).not.toBeNull();
    expect(days[1].reflection).not.toBeNull();
    expect(days[2].observation).not.toBeNull();
  });

  test('history reads only the parts asked for, and past observations without their rides when asked', async () => {
    const s = { missionId: 'hist-parts', athlete: 'ana' };
    await store.missions.upsertMission(s, { name: 'Parts', configHash: 'x' });
    const ride = observation('2025-06-01').rides[0];
    expect(ride).toBeDefined();
    for (const d of ['2025-06-01', '2025-06-02', '2025-06-03']) {
      await store.days.recordObservation(s, observation(d));
      await store.days.recordLoad(s, load(d));
    }
    await store.days.recordDecision(s, decision('2025-06-02'), 'x');
    await store.input.recordReflection(s, reflection('2025-06-03'));

    const whole = await store.reads.history(s, '2025-06-01', '2025-06-03');
    const some = await store.reads.history(s, '2025-06-01', '2025-06-03', { parts: ['observation', 'decision'], observationRidesFrom: '2025-06-03' });
    expect(some.map((d) => d.date)).toEqual(['2025-06-01', '2025-06-02', '2025-06-03']);
    // Parts not asked for stay empty; the others are as a whole read gives them.
    expect(some.every((d) => d.load === null && d.reflection === null)).toBe(true);
    expect(some[1].decision).toEqual(whole[1].decision);
    // Days before observationRidesFrom come without rides, that day and later whole.
    expect(some[0].observation).toEqual({ ...whole[0].observation, rides: [] });
    expect(some[1].observation?.rides).toEqual([]);
    expect(some[2].observation).toEqual(whole[2].observation);
    expect(whole[0].observation?.rides).toEqual(observation('2025-06-01').rides);
    // A day with nothing in the parts read is left out.
    expect((await store.reads.history(s, '2025-06-01', '2025-06-03', { parts: ['reflection'] })).map((d) => d.date)).toEqual(['2025-06-03']);
    expect((await store.reads.getDay(s, '2025-06-02', ['decision'])).decision).toEqual(whole[1].decision);
    await expect(store.reads.history(s, '2025-06-01', '2025-06-03', { parts: ['weather' as never] })).rejects.toThrow(/history part "weather" is not one of run, observation/);
  });

  test('listMissions lists all missions or one athlete only', async () => {
    await store.missions.upsertMission({ missionId: 'z-block', athlete: 'zoe' }, { name: 'Zoe block', configHash: 'z' });
    const all = await store.missions.listMissions();
    expect(all.map((m) => `${m.athlete}/${m.id}`)).toEqual(expect.arrayContaining(['ana/tdf-2025', 'zoe/z-block']));
    const zoe = await store.missions.listMissions('zoe');
    expect(zoe.map((m) => m.id)).toEqual(['z-block']);
    expect(await store.missions.listMissions('nobody')).toEqual([]);
  });
});
