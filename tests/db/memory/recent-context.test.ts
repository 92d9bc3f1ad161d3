import type { TestDatabase } from '../../support/db';
import { freshDatabase } from './test-database';
import { migrate } from '../../../src/memory/migrations';
import { MemoryStore } from '../../../src/memory/memory-store';
import { compactRecentDays } from '../../../src/memory/recent-context';
import type { MissionScope } from '../../../src/memory/records';
import { decision, load, observation, reflection, workout } from './domain-fixtures';

describe('compactRecentDays (pure)', () => {
  test('an empty history gives N empty days, oldest first, ending the day before', () => {
    const days = compactRecentDays('2025-07-10', 3, []);
    expect(days.map((d) => d.date)).toEqual(['2025-07-07', '2025-07-08', '2025-07-09']);
    expect(days[0]).toEqual({
      date: '2025-07-07',
      readinessScore: null,
      hrvMs: null,
      state: null,
      decision: null,
      plannedTss: null,
      doneTss: null,
      reflection: null,
      compliance: null,
    });
  });
});

describe('recentContext from the database', () => {
  let db: TestDatabase;
  let store: MemoryStore;
  const scope: MissionScope = { missionId: 'ctx', athlete: 'ana' };

  beforeAll(async () => {
    db = await freshDatabase('lanterne_ctx');
    await migrate(db.pool);
    store = new MemoryStore(db.pool);
    await store.missions.upsertMission(scope, { name: 'Context', configHash: 'h' });
    // 07-01: full day, planned 60, done 45 (known from 07-02's load)
    const o1 = observation('2025-07-01');
    await store.days.recordObservation(scope, { ...o1, readiness: { ...o1.readiness!, score: 81 }, hrv: { ...o1.hrv!, averageHrvMs: 57 } });
    await store.days.recordDecision(scope, decision('2025-07-01', { decision: 'as_planned', state: 'ready' }), 'h');
    await store.days.recordPlan(scope, '2025-07-01', workout({ targetTss: 60 }));
    await store.input.recordReflection(scope, reflection('2025-07-01', { rpe: 7, legs: 2, completed: 'partly' }));
    await store.days.recordLoad(scope, load('2025-07-02', { yesterdayTss: 45 }));
    // 07-02: observation missing readiness (Oura gap), rest decided, plan with 0 TSS, done 0
    await store.days.recordObservation(scope, observation('2025-07-02', { readiness: null, hrv: null }));
    await store.days.recordDecision(scope, decision('2025-07-02', { decision: 'rest', state: 'strained' }), 'h');
    await store.days.recordPlan(scope, '2025-07-02', workout({ targetTss: 0, durationMin: 0, intervals: [] }));
    await store.days.recordLoad(scope, load('2025-07-03', { yesterdayTss: 0 }));
    // 07-03: nothing at all; 07-04: planned, outcome not yet known (no 07-05 load)
    await store.days.recordPlan(scope, '2025-07-04', workout({ targetTss: 50 }));
    // the day asked about must not appear, even with data
    await store.days.recordDecision(scope, decision('2025-07-05'), 'h');
  });
  afterAll(async () => {
    await db.drop();
  });

  test('the last N days before the date, in compact form', async () => {
    const days = await store.reads.recentContext(scope, '2025-07-05', 4);
    expect(days).toEqual([
      {
        date: '2025-07-01',
        readinessScore: 81,
        hrvMs: 57,
        state: 'ready',
        decision: 'as_planned',
        plannedTss: 60,
        doneTss: 45,
        reflection: { rpe: 7, legs: 2, completed: 'partly' },
        compliance: { plannedTss: 60, doneTss: 45, ratio: 0.75 },
      },
      {
        date: '2025-07-02',
        readinessScore: null,
        hrvMs: null,
        state: 'strained',
        decision: 'rest',
        plannedTss: 0,
        doneTss: 0,
        reflection: null,
        compliance: null,
      },
      {
        date: '2025-07-03',
        readinessScore: null,
        hrvMs: null,
        state: null,
        decision: null,
        plannedTss: null,
        doneTss: null,
        reflection: null,
        compliance: null,
      },
      {
        date: '2025-07-04',
        readinessScore: null,
        hrvMs: null,
        state: null,
        decision: null,
        plannedTss: 50,
        doneTss: null,
        reflection: null,
        compliance: null,
      },
    ]);
  });

  test("today's load figures tell yesterday's done TSS", async () => {
    await store.days.recordLoad(scope, load('2025-07-05', { yesterdayTss: 55 }));
    const [yesterday] = await store.reads.recentContext(scope, '2025-07-05', 1);
    expect(yesterday).toMatchObject({ date: '2025-07-04', plannedTss: 50, doneTss: 55, compliance: { ratio: 1.1 } });
  });

  test('n = 0 is empty and a bad n is refused', async () => {
    expect(await store.reads.recentContext(scope, '2025-07-05', 0)).toEqual([]);
    await expect(store.reads.recentContext(scope, '2025-07-05', -1)).rejects.toThrow(/whole number of days from 0 to 366, got -1/);
    await expect(store.reads.recentContext(scope, '2025-07-05', 2.5)).rejects.toThrow(/got 2.5/);
  });
});
