import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestDatabase } from '../../support/db';
import { freshDatabase } from './test-database';
import { migrate } from '../../../src/memory/migrations';
import { MemoryStore } from '../../../src/memory/memory-store';
import type { MissionScope } from '../../../src/memory/records';
import { classes, decision, load, observation, reflection, workout } from './domain-fixtures';

/** Two athletes who both named their mission "tdf-2025": neither may ever see the other's rows. */
let db: TestDatabase;
let store: MemoryStore;
const ana: MissionScope = { missionId: 'tdf-2025', athlete: 'ana' };
const ben: MissionScope = { missionId: 'tdf-2025', athlete: 'ben' };
const D = '2025-07-05';

beforeAll(async () => {
  db = await freshDatabase('lanterne_iso');
  await migrate(db.pool);
  store = new MemoryStore(db.pool);
  for (const [s, who, score, hrv] of [
    [ana, 'Ana', 80, 60],
    [ben, 'Ben', 40, 30],
  ] as const) {
    await store.missions.upsertMission(s, { name: `${who}'s Tour`, configHash: `${who}-hash` });
    await store.missions.storeConfigVersion(s, JSON.stringify({ owner: who }), 'same-hash');
    await store.days.recordDayRun(s, D, { workflowId: `wf-${who}`, configHash: `${who}-hash` });
    for (const day of ['2025-07-03', '2025-07-04', D]) {
      const base = observation(day);
      await store.days.recordObservation(s, {
        ...base,
        readiness: { ...base.readiness!, score },
        hrv: { ...base.hrv!, averageHrvMs: hrv },
      });
      await store.days.recordLoad(s, load(day, { yesterdayTss: score }));
      await store.days.recordDecision(s, decision(day, { decision: who === 'Ana' ? 'as_planned' : 'rest' }), `${who}-hash`);
      await store.days.recordPlan(s, day, workout({ title: `${who} plan`, targetTss: score }));
      await store.input.recordReflection(s, reflection(day, { note: `${who} note` }));
    }
    await store.days.recordClassSuggestions(s, D, classes().map((c) => ({ ...c, why: who })));
    await store.input.recordOverride(s, { requestId: 'req-1', kind: 'rest-today', day: D, payload: { who } });
    await store.days.recordReport(s, D, { paths: [`${who}.md`], formats: ['md'] });
  }
});
afterAll(async () => {
  await db.drop();
});

test('each athlete sees only their own day', async () => {
  const a = await store.reads.getDay(ana, D);
  const b = await store.reads.getDay(ben, D);
  expect(a.observation?.readiness?.score).toBe(80);
  expect(b.observation?.readiness?.score).toBe(40);
  expect(a.plan?.title).toBe('Ana plan');
  expect(b.plan?.title).toBe('Ben plan');
  expect(a.decision).toEqual({ decision: expect.objectContaining({ decision: 'as_planned' }), configHash: 'Ana-hash' });
  expect(b.decision).toEqual({ decision: expect.objectContaining({ decision: 'rest' }), configHash: 'Ben-hash' });
  expect(a.reflection?.note).toBe('Ana note');
  expect(b.reflection?.note).toBe('Ben note');
  expect(a.classSuggestions?.every((c) => c.why === 'Ana')).toBe(true);
  expect(b.classSuggestions?.every((c) => c.why === 'Ben')).toBe(true);
  expect(a.overrides.map((o) => o.payload)).toEqual([{ who: 'Ana' }]);
  expect(b.overrides.map((o) => o.payload)).toEqual([{ who: 'Ben' }]);
  expect(a.report?.paths).toEqual(['Ana.md']);
  expect(b.report?.paths).toEqual(['Ben.md']);
  expect(a.run?.workflowId).toBe('wf-Ana');
  expect(b.run?.workflowId).toBe('wf-Ben');
});

test('history, recent context, overrides, config versions and missions stay per athlete', async () => {
  const ha = await store.reads.history(ana, '2025-07-01', '2025-07-31');
  const hb = await store.reads.history(ben, '2025-07-01', '2025-07-31');
  expect(ha.map((d) => d.plan?.title)).toEqual(['Ana plan', 'Ana plan', 'Ana plan']);
  expect(hb.map((d) => d.plan?.title)).toEqual(['Ben plan', 'Ben plan', 'Ben plan']);

  expect((await store.reads.recentContext(ana, D, 2)).map((d) => d.readinessScore)).toEqual([80, 80]);
  expect((await store.reads.recentContext(ben, D, 2)).map((d) => d.readinessScore)).toEqual([40, 40]);

  expect((await store.input.listOverrides(ana)).map((o) => o.payload)).toEqual([{ who: 'Ana' }]);
  expect((await store.missions.getConfigVersion(ana, 'same-hash'))?.canonicalJson).toBe('{"owner":"Ana"}');
  expect((await store.missions.getConfigVersion(ben, 'same-hash'))?.canonicalJson).toBe('{"owner":"Ben"}');

  expect((await store.missions.getMission(ana))?.name).toBe("Ana's Tour");
  expect((await store.missions.getMission(ben))?.name).toBe("Ben's Tour");
  expect((await store.missions.listMissions('ben')).map((m) => m.name)).toEqual(["Ben's Tour"]);
});

test("one athlete's writes and outbox never touch the other's rows", async () => {
  await store.missions.setMissionStatus(ana, 'paused');
  expect((await store.missions.getMission(ben))?.status).toBe('active');

  const email = { day: D, channel: 'email' } as const;
  expect((await store.outbox.claim(ana, email, 'ana-attempt')).claimed).toBe(true);
  await store.outbox.markSent(ana, email, 'ana-attempt');
  // Ben's message for the same mission id, day and channel is still his to send
  expect(await store.outbox.claim(ben, email, 'ben-attempt')).toMatchObject({ claimed: true, status: 'sending' });
  expect((await store.outbox.get(ana, email))?.status).toBe('sent');
  // and Ben's sender cannot mark Ana's row
  await expect(store.outbox.markFailed(ana, email, 'ben-attempt', 'x')).rejects.toThrow(/cannot mark it failed: it is already sent/);
});

test('an athlete cannot write into a mission id that only another athlete has', async () => {
  await store.missions.upsertMission({ missionId: 'ben-only', athlete: 'ben' }, { name: 'x', configHash: 'x' });
  await expect(store.input.recordReflection({ missionId: 'ben-only', athlete: 'ana' }, reflection(D))).rejects.toThrow(
    /mission "ben-only" of athlete "ana" is not stored/,
  );
  expect((await store.reads.getDay({ missionId: 'ben-only', athlete: 'ana' }, D)).reflection).toBeNull();
});

test("forgetAthlete deletes everything of one athlete and nothing of the other's", async () => {
  const count = async (athlete: string) =>
    Number(
      (
        await db.pool.query(
          `SELECT (SELECT count(*) FROM observations WHERE athlete = $1) + (SELECT count(*) FROM plans WHERE athlete = $1)
                + (SELECT count(*) FROM notifications WHERE athlete = $1) + (SELECT count(*) FROM config_versions WHERE athlete = $1) AS n`,
          [athlete],
        )
      ).rows[0].n,
    );
  const anaBefore = await count('ana');
  expect(await count('ben')).toBeGreaterThan(0);
  expect(await store.missions.forgetAthlete('ben')).toEqual({ missions: 2 });
  expect(await count('ben')).toBe(0);
  expect(await store.missions.listMissions('ben')).toEqual([]);
  expect(await count('ana')).toBe(anaBefore);
  expect((await store.reads.getDay(ana, D)).plan?.title).toBe('Ana plan');
});

test('every SQL statement of the stores that touches a mission table names the athlete', () => {
  const dir = join(__dirname, '../../../src/memory');
  const stores = readdirSync(dir).filter((f) => f.endsWith('-store.ts') || f === 'notification-outbox.ts' || f === 'day-history.ts');
  expect(stores.length).toBeGreaterThanOrEqual(5);
  const source = stores.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  const statements = [...source.matchAll(/`([^`]*\b(?:SELECT|INSERT|UPDATE|DELETE)\b[^`]*)`/g)].map((m) => m[1]);
  expect(statements.length).toBeGreaterThan(20);
  // The tables that hold one athlete's missions and days (athletes, webhook subscriptions and events are not).
  const missionTables = /\b(missions|config_versions|day_runs|observations|load_metrics|decisions|plans|class_suggestions|reflections|overrides|reports|notifications|adaptations|rides)\b/;
  const touching = statements.filter((sql) => missionTables.test(sql));
  expect(touching.length).toBeGreaterThan(20);
  // listMissions() without an athlete is the one deliberate cross-athlete read (mission names only)
  const unscoped = touching.filter((sql) => !/\bathlete\b/.test(sql) && !/FROM missions ORDER BY athlete, id/.test(sql));
  expect(unscoped).toEqual([]);
});
