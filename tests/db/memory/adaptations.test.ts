import type { TestDatabase } from '../../support/db';
import { freshDatabase } from './test-database';
import { migrate } from '../../../src/memory/migrations';
import { MemoryStore } from '../../../src/memory/memory-store';

let db: TestDatabase;
let store: MemoryStore;
const ana = { missionId: 'tdf', athlete: 'ana' };
const bob = { missionId: 'tdf', athlete: 'bob' };

beforeAll(async () => {
  db = await freshDatabase('lanterne_adapt');
  await migrate(db.pool);
  store = new MemoryStore(db.pool);
  await store.missions.upsertMission(ana, { name: 'TdF', configHash: 'h' });
  await store.missions.upsertMission(bob, { name: 'TdF', configHash: 'h' });
});
afterAll(async () => {
  await db.drop();
});

describe("the coach's adaptive parameters", () => {
  test('the newest adaptation before a day is read back; a repeat for a day replaces it', async () => {
    await store.days.recordAdaptation(ana, '2025-07-05', { parameters: { hrvDropTolerance: 0.1 }, changes: [], replan: null });
    await store.days.recordAdaptation(ana, '2025-07-06', { parameters: { hrvDropTolerance: 0.08 }, changes: [{ why: 'RPE high' }], replan: null });
    await store.days.recordAdaptation(ana, '2025-07-06', { parameters: { hrvDropTolerance: 0.07 }, changes: [{ why: 'RPE high twice' }], replan: { why: 'eased' } });
    expect(await store.days.latestAdaptationBefore(ana, '2025-07-06')).toEqual({ parameters: { hrvDropTolerance: 0.1 }, changes: [], replan: null });
    expect(await store.days.latestAdaptationBefore(ana, '2025-07-07')).toEqual({
      parameters: { hrvDropTolerance: 0.07 },
      changes: [{ why: 'RPE high twice' }],
      replan: { why: 'eased' },
    });
    const rows = await db.pool.query(`SELECT count(*)::int AS n FROM adaptations WHERE athlete = 'ana'`);
    expect(rows.rows[0].n).toBe(2);
  });

  test("one athlete never reads another's parameters", async () => {
    expect(await store.days.latestAdaptationBefore(bob, '2025-07-10')).toBeNull();
  });
});
