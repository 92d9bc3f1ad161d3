/**
 * Load from the whole history through the real observe activity and PostgreSQL: the first
 * observation of an athlete pulls a year of the synthetic athlete's rides into `daily_load`, CTL is
 * within 0.5 of a reference computed over the athlete's whole history (the 90-day window alone is
 * far off), later days extend the rows instead of starting again, a repeated step writes nothing
 * new, and `lanterne observe` (its module) and the dashboard's chart show the cycle's CTL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MissionConfig } from '../../../src/domain/types';
import { addDays, utcMidnightEpochS } from '../../../src/domain/iso-date';
import { HISTORY_DAYS } from '../../../src/activities';
import { prescriptionsFromHistory, syntheticAthleteConfig } from '../../../src/activities/data-sources';
import { openWorkerResources, type WorkerResources } from '../../../src/worker/activity-deps';
import { loadMissionFile } from '../../../src/mission';
import { SyntheticAthlete } from '../../../src/observation/synthetic-athlete';
import { rideFromStrava } from '../../../src/observation/normalisers';
import { computeLoad, dailyTssSeries, performanceManager } from '../../../src/observation/training-load';
import { observeDay } from '../../../src/observation/observe-day';
import { syntheticSources } from '../../../src/observation/synthetic-athlete';
import { observePreview } from '../../../src/cli/commands/day-preview';
import { dashboardData } from '../../../src/dashboard/dashboard-data';
import { fitnessSeries } from '../../../src/dashboard/fitness';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { registerMission, type RegisteredMission } from '../../support/day-activities';

const START = '2025-07-05';
let db: TestDatabase;
let resources: WorkerResources;
let dir: string;
let tdf: MissionConfig;

beforeAll(async () => {
  db = await createTestDatabase('lanterne_load');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-load-'));
  resources = await openWorkerResources({ databaseUrl: db.url, env: { LANTERNE_DATA_SOURCE: 'synthetic' }, outputDir: dir });
  tdf = await loadMissionFile('missions/tdf_sim_2025.toml');
}, 60_000);

afterAll(async () => {
  await resources?.close();
  db?.pool.on('error', () => undefined);
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function missionFor(handle: string): MissionConfig {
  return { ...tdf, id: `load_${handle}`, athlete: { ...tdf.athlete, handle } };
}

/** CTL/ATL over every day the synthetic athlete has ridden, from 0 on its first day, through the day before `date`. */
async function reference(reg: RegisteredMission, date: string) {
  const scope = { missionId: reg.mission.id, athlete: reg.mission.athlete.handle };
  const plans = await resources.deps.memory.reads.history(scope, START, addDays(date, -1));
  const cfg = syntheticAthleteConfig({
    missionId: reg.mission.id,
    profile: reg.mission.athlete,
    timezone: reg.mission.timezone,
    missionStart: START,
    date,
    prescriptions: prescriptionsFromHistory(plans.map((r) => ({ date: r.date, plannedTss: r.plan?.targetTss ?? null }))),
  });
  const synth = new SyntheticAthlete(cfg);
  const rides = synth.activities(utcMidnightEpochS(cfg.startDate) - 86400, utcMidnightEpochS(date)).map((a) => rideFromStrava(a, 'synthetic')!);
  return { pmc: performanceManager(dailyTssSeries(rides, reg.mission.athlete, cfg.startDate, addDays(date, -1))).at(-1)!, synth };
}

const storedRows = async (handle: string) => resources.deps.memory.loads.all(handle);

describe('the observe activity keeps the athlete’s daily load in PostgreSQL', () => {
  it('pulls a year on the first observation: CTL within 0.5 of the whole-history reference, the 90-day window alone far off', async () => {
    const reg = await registerMission(resources.deps, missionFor('load-first'), START);
    const observed = await reg.activities.observeDay(reg.key(0));
    const rows = await storedRows('load-first');
    expect(rows).toHaveLength(365);
    expect(rows[0].date).toBe(addDays(START, -365));
    expect(rows.at(-1)!.date).toBe(addDays(START, -1));
    expect(rows.filter((r) => r.tss > 0).length).toBeGreaterThan(200);
    expect(rows.find((r) => r.tss > 0)!.sources[0]).toEqual(expect.objectContaining({ source: 'synthetic', method: 'power' }));

    const { pmc, synth } = await reference(reg, START);
    expect(pmc.ctl).toBeGreaterThan(30);
    expect(Math.abs(observed.load.ctl - pmc.ctl)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(observed.load.atl - pmc.atl)).toBeLessThanOrEqual(0.5);
    // what the day recorded is what it returned
    const day = await resources.deps.memory.reads.getDay({ missionId: reg.mission.id, athlete: 'load-first' }, START);
    expect(day.load?.ctl).toBe(observed.load.ctl);
    // before the whole history: CTL from the 90-day window, starting at 0
    const window = await observeDay({ synthetic: syntheticSources(synth) }, reg.mission.athlete, START, HISTORY_DAYS);
    const cold = computeLoad({ date: START, athlete: reg.mission.athlete, rides: window.observation.rides, wellness: window.wellness, historyStart: addDays(START, -HISTORY_DAYS) });
    expect(pmc.ctl - cold.ctl).toBeGreaterThan(2);
  });

  it('extends the rows day after day without pulling again; a repeated step changes nothing; observe and the dashboard show the cycle’s CTL', async () => {
    const handle = 'load-days';
    const reg = await registerMission(resources.deps, missionFor(handle), START);
    const ctls: number[] = [];
    for (let k = 0; k < 4; k++) {
      const key = reg.key(k);
      if (k === 3) {
        // `lanterne observe` for the coming morning, reading the same database, writing nothing
        const before = await storedRows(handle);
        const preview = await observePreview(reg.mission, key.date, { LANTERNE_DATA_SOURCE: 'synthetic', DATABASE_URL: db.url });
        expect(preview.loadHistory).toEqual(expect.objectContaining({ stored: before.length, pulled: null }));
        expect(await storedRows(handle)).toEqual(before);
        const observed = await reg.activities.observeDay(key);
        expect(preview.load).toEqual(observed.load);
      }
      const observed = await reg.activities.observeDay(key);
      ctls.push(observed.load.ctl);
      expect(await storedRows(handle)).toHaveLength(365 + k);
      const { pmc } = await reference(reg, key.date);
      expect(Math.abs(observed.load.ctl - pmc.ctl)).toBeLessThanOrEqual(0.5);
      await reg.activities.decideDay(key);
      await reg.activities.planDay(key);
    }
    // the rides of the coached days are the prescribed ones: yesterday's TSS is the last row's
    const rows = await storedRows(handle);
    const last = await resources.deps.memory.reads.getDay({ missionId: reg.mission.id, athlete: handle }, reg.key(3).date);
    expect(last.load?.yesterdayTss).toBe(Math.round(rows.at(-1)!.tss * 10) / 10);

    // a retried observe step writes the same rows again
    const again = await reg.activities.observeDay(reg.key(3));
    expect(again.load.ctl).toBe(ctls[3]);
    expect(await storedRows(handle)).toEqual(rows);

    // the dashboard's fitness chart, from the same rows: CTL after the day before the last morning
    const history = await dashboardData(resources.deps.memory).loadHistory(handle);
    expect(history).toEqual(rows.map((r) => ({ date: r.date, tss: r.tss })));
    const series = fitnessSeries(history, [], reg.key(3).date);
    expect(series.dates.at(-1)).toBe(addDays(reg.key(3).date, -1));
    expect(series.ctl.at(-1)).toBe(ctls[3]);
  });

  it('keeps athletes apart: another athlete’s first observation pulls its own year', async () => {
    const a = await registerMission(resources.deps, missionFor('load-iso-a'), START);
    const b = await registerMission(resources.deps, missionFor('load-iso-b'), START);
    await a.activities.observeDay(a.key(0));
    expect(await storedRows('load-iso-b')).toEqual([]);
    await b.activities.observeDay(b.key(0));
    const [ra, rb] = [await storedRows('load-iso-a'), await storedRows('load-iso-b')];
    expect(rb).toHaveLength(365);
    expect(rb.map((r) => r.tss)).not.toEqual(ra.map((r) => r.tss)); // another seed, another history
  });
});
