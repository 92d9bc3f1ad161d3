/**
 * Classes that exist: Peloton's archive (a local server in its documented shape) synced into
 * PostgreSQL — a shared catalogue with no athlete data, replaced whole, the same after a second
 * sync, kept when a sync fails — and the plan activity matching against it: real classes with their
 * instructor and link in the recorded suggestions, the report and the dashboard; before any sync,
 * the demo catalogue, said to be one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MissionConfig } from '../../../src/domain/types';
import { PelotonArchiveClient, syncPelotonLibrary } from '../../../src/coaching/peloton-archive';
import { classesCard } from '../../../src/dashboard/day-view';
import { openWorkerResources, type WorkerResources } from '../../../src/worker/activity-deps';
import { MemoryStore } from '../../../src/memory';
import { loadMissionFile } from '../../../src/mission';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { registerMission, type RegisteredMission } from '../../support/day-activities';
import { type FakePelotonServer, archivedRide, startFakePelotonServer } from '../../support/fake-peloton-server';

const START = '2025-07-05';
const TOKEN = 'peloton-jwt-not-secret';
let db: TestDatabase;
let resources: WorkerResources;
let peloton: FakePelotonServer;
let dir: string;
let reg: RegisteredMission;

const client = (token = TOKEN) => new PelotonArchiveClient({ baseUrl: peloton.url, bearerToken: token, transport: { backoffMs: 1, random: () => 0 } });
const count = async (sql: string) => Number((await db.pool.query(sql)).rows[0].n);

beforeAll(async () => {
  db = await createTestDatabase('lanterne_peloton');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-peloton-'));
  peloton = await startFakePelotonServer();
  peloton.validTokens.add(TOKEN);
  for (let i = 0; i < 250; i++) peloton.rides.push(archivedRide(i));
  resources = await openWorkerResources({ databaseUrl: db.url, env: { LANTERNE_DATA_SOURCE: 'synthetic' }, outputDir: dir });
  const tdf: MissionConfig = await loadMissionFile('missions/tdf_sim_2025.toml');
  reg = await registerMission(resources.deps, { ...tdf, id: 'peloton_lib', athlete: { ...tdf.athlete, handle: 'pel-a' } }, START);
}, 60_000);

afterAll(async () => {
  await peloton?.close();
  await resources?.close();
  db?.pool.on('error', () => undefined);
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The day through observe → decide → plan → deliver; what was recorded, and the Markdown report. */
async function coach(index: number) {
  const key = reg.key(index);
  await reg.activities.observeDay(key);
  await reg.activities.decideDay(key);
  const planned = await reg.activities.planDay(key);
  const delivered = await reg.activities.deliverDay(key, { degraded: planned.degraded ? [planned.degraded] : [] });
  const day = await resources.deps.memory.reads.getDay({ missionId: reg.mission.id, athlete: 'pel-a' }, key.date);
  return { suggestions: day.classSuggestions ?? [], markdown: fs.readFileSync(delivered.reportPaths[0], 'utf8'), html: fs.readFileSync(delivered.reportPaths[1], 'utf8') };
}

describe('the Peloton library in PostgreSQL', () => {
  it('before any sync, days are matched against the demo catalogue, and every view says so', async () => {
    const { suggestions, markdown, html } = await coach(0);
    expect(suggestions.length).toBeGreaterThan(0);
    expect(suggestions.every((s) => s.catalogue === 'demo' && s.url === null)).toBe(true);
    expect(markdown).toContain('demo catalogue — not real classes');
    expect(html).toContain('demo catalogue — not real classes');
    expect(classesCard(suggestions).value).toContain('demo catalogue — not real classes');
  });

  it('syncs the whole archive: a shared catalogue without athlete data, the same after a second sync', async () => {
    const first = await syncPelotonLibrary({ client: client(), store: resources.deps.memory.peloton });
    expect(first).toEqual(expect.objectContaining({ status: 'synced', pages: 3, classes: 250, added: 250, removed: 0 }));
    expect(await count('SELECT count(*) AS n FROM peloton_classes')).toBe(250);
    const columns = (await db.pool.query(`SELECT column_name FROM information_schema.columns WHERE table_name IN ('peloton_classes', 'peloton_syncs')`)).rows.map((r) => r.column_name);
    expect(columns.filter((c) => /athlete|mission/.test(c))).toEqual([]);
    const row = (await db.pool.query('SELECT * FROM peloton_classes WHERE id = $1', [archivedRide(0).id])).rows[0];
    expect(row).toEqual(expect.objectContaining({ title: '20 min Climb Ride', instructor: 'Instructor One', duration_min: 20, class_type: 'Climb', difficulty: 7.9 }));
    expect(new Date(row.air_time).toISOString()).toBe('2025-07-01T12:00:00.000Z');
    expect(row.url).toBe(`https://members.onepeloton.com/classes/cycling?modal=classDetailsModal&classId=${archivedRide(0).id}`);

    const snapshot = async () => (await db.pool.query('SELECT id, title, instructor, url, duration_min FROM peloton_classes ORDER BY id')).rows;
    const before = await snapshot();
    const again = await syncPelotonLibrary({ client: client(), store: resources.deps.memory.peloton });
    expect(again).toEqual(expect.objectContaining({ classes: 250, added: 0, updated: 250, removed: 0 }));
    expect(await snapshot()).toEqual(before);
  });

  it('a refused token or an outage keeps the library and records the failed sync; a class gone from the archive goes', async () => {
    await expect(syncPelotonLibrary({ client: client('expired-token'), store: resources.deps.memory.peloton })).rejects.toThrow('Peloton refused the bearer token (HTTP 401)');
    peloton.script({ status: 503 }, { status: 503 }, { status: 503 });
    await expect(syncPelotonLibrary({ client: client(), store: resources.deps.memory.peloton })).rejects.toThrow(/answered HTTP 503 after 3 attempts/);
    expect(await count('SELECT count(*) AS n FROM peloton_classes')).toBe(250);
    expect(await resources.deps.memory.peloton.failureSinceLastSync()).toEqual(expect.objectContaining({ detail: expect.stringMatching(/HTTP 503/) }));
    expect(await count(`SELECT count(*) AS n FROM peloton_syncs WHERE status = 'failed'`)).toBe(2);

    const gone = peloton.rides.splice(7, 1)[0];
    const third = await syncPelotonLibrary({ client: client(), store: resources.deps.memory.peloton });
    expect(third).toEqual(expect.objectContaining({ classes: 249, removed: 1 }));
    expect(await count(`SELECT count(*) AS n FROM peloton_classes WHERE id = '${gone.id}'`)).toBe(0);
    expect(await resources.deps.memory.peloton.failureSinceLastSync()).toBeNull();
  });

  it('the plan activity then suggests real classes with instructor and link, in the report and on the dashboard', async () => {
    // a worker that started before the sync sees the new library (read once per sync)
    const { suggestions, markdown, html } = await coach(1);
    expect(suggestions.length).toBeGreaterThan(0);
    const ids = new Set((await db.pool.query('SELECT id FROM peloton_classes')).rows.map((r) => r.id));
    for (const s of suggestions) {
      expect(ids.has(s.id)).toBe(true);
      expect(s.catalogue).toBe('peloton');
      expect(s.instructor).toMatch(/^Instructor (One|Two|Three)$/);
      expect(s.url).toBe(`https://members.onepeloton.com/classes/cycling?modal=classDetailsModal&classId=${s.id}`);
      expect(markdown).toContain(`](${s.url})** with ${s.instructor}`);
      expect(html).toContain(`href="${s.url!.replace(/&/g, '&amp;')}"`);
    }
    for (const page of [markdown, html, classesCard(suggestions).value]) expect(page).not.toContain('demo catalogue');
    expect(classesCard(suggestions).value).toContain(`with ${suggestions[0].instructor}`);
    // another process reads the same library
    const other = await new MemoryStore(db.pool).peloton.library();
    expect(other?.classes).toHaveLength(249);
  });
});
