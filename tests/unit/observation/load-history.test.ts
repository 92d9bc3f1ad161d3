/**
 * The daily load history: what a first observation pulls (a year, through Strava's paging), what
 * later mornings rewrite (their window only), what an outage leaves alone, and CTL against a
 * reference computed over the whole history.
 */
import type { AthleteProfile, RideSummary } from '../../../src/domain/types';
import { addDays, utcMidnightEpochS } from '../../../src/domain/iso-date';
import { LOAD_HISTORY_DAYS, backfillRange, dailyLoadRows, loadWithHistory, mergeDailyLoad, type DailyLoadRow } from '../../../src/observation/load-history';
import { observeDay } from '../../../src/observation/observe-day';
import { SyntheticAthlete, syntheticSources } from '../../../src/observation/synthetic-athlete';
import { rideFromStrava } from '../../../src/observation/normalisers';
import { LOAD_WARMUP_DAYS, computeLoad, dailyTssSeries, performanceManager } from '../../../src/observation/training-load';
import { StravaClient } from '../../../src/observation/strava-client';
import type { StravaSource } from '../../../src/observation/api-payloads';
import { type FakeStravaServer, startFakeStravaServer, summaryActivity } from '../../support/fake-strava-server';

const athlete: AthleteProfile = { handle: 'ana', ftpW: 280, weightKg: 70, thresholdHr: 170, maxHr: 190, restingHr: 50, disciplines: ['cycling'] };
const WINDOW = 90;

function ride(date: string, over: Partial<RideSummary> = {}): RideSummary {
  return {
    source: 'strava',
    date,
    name: 'ride',
    sportType: 'Ride',
    movingTimeS: 3600,
    distanceM: 30000,
    elevationGainM: 100,
    averageWatts: null,
    weightedAverageWatts: 280,
    devicePower: true,
    averageHeartrate: null,
    maxHeartrate: null,
    ...over,
  };
}

describe('backfillRange', () => {
  const D = '2025-07-10';
  it('pulls a year before the window when nothing is stored', () => {
    expect(backfillRange(null, D, WINDOW)).toEqual({ from: addDays(D, -LOAD_HISTORY_DAYS), to: addDays(D, -WINDOW - 1) });
  });
  it('pulls a year when the stored history starts later than six CTL time constants before the day', () => {
    expect(backfillRange({ first: addDays(D, -LOAD_WARMUP_DAYS + 1), last: addDays(D, -1) }, D, WINDOW)).toEqual({ from: addDays(D, -365), to: addDays(D, -91) });
  });
  it('pulls nothing when the stored history is warm and reaches the window', () => {
    expect(backfillRange({ first: addDays(D, -LOAD_WARMUP_DAYS), last: addDays(D, -2) }, D, WINDOW)).toBeNull();
    expect(backfillRange({ first: addDays(D, -400), last: addDays(D, -WINDOW - 1) }, D, WINDOW)).toBeNull();
  });
  it('pulls the gap when the stored history stops before the window (a mission paused for months)', () => {
    expect(backfillRange({ first: addDays(D, -500), last: addDays(D, -200) }, D, WINDOW)).toEqual({ from: addDays(D, -199), to: addDays(D, -91) });
  });
});

describe('dailyLoadRows and mergeDailyLoad', () => {
  it('gives every day of the range, the rides of a day summed with their sources and the least reliable method', () => {
    const rows = dailyLoadRows(
      [ride('2025-07-02'), ride('2025-07-02', { name: 'commute', devicePower: false, weightedAverageWatts: null, averageHeartrate: 170 }), ride('2025-06-30')],
      athlete,
      '2025-07-01',
      '2025-07-03',
      50,
    );
    // 1 h at FTP = 100; 1 h at threshold HR = 100 (hrTSS)
    expect(rows.map((r) => [r.date, Math.round(r.tss * 10) / 10, r.method, r.sources.length])).toEqual([
      ['2025-07-01', 0, null, 0],
      ['2025-07-02', 200, 'heart-rate', 2],
      ['2025-07-03', 0, null, 0],
    ]);
    expect(rows[1].sources[1]).toEqual({ source: 'strava', name: 'commute', sportType: 'Ride', movingTimeS: 3600, tss: 100, method: 'heart-rate' });
  });
  it('writes changed days over the stored ones, oldest first', () => {
    const a = { date: '2025-07-02', tss: 1, method: null, sources: [] };
    const b = { date: '2025-07-01', tss: 2, method: null, sources: [] };
    const c = { date: '2025-07-02', tss: 3, method: null, sources: [] };
    expect(mergeDailyLoad([a, b], [c]).map((r) => [r.date, r.tss])).toEqual([['2025-07-01', 2], ['2025-07-02', 3]]);
  });
});

describe('a synthetic athlete observed day after day', () => {
  const START = '2024-06-01';
  const D = '2025-07-10';
  const fresh = () => new SyntheticAthlete({ seed: 'load-history', profile: athlete, startDate: START, endDate: addDays(D, 5) });
  // The reference: the PMC over every day the athlete has ever ridden, from 0 on its first day.
  const reference = (date: string) => {
    const synth = fresh();
    const rides = synth.activities(utcMidnightEpochS(START) - 86400, utcMidnightEpochS(date)).map((a) => rideFromStrava(a, 'synthetic')!);
    return performanceManager(dailyTssSeries(rides, athlete, START, addDays(date, -1))).at(-1)!;
  };

  async function observe(synth: SyntheticAthlete, date: string, stored: DailyLoadRow[], strava?: StravaSource) {
    const sources = strava ? { strava } : { synthetic: syntheticSources(synth) };
    const observed = await observeDay(sources, athlete, date, WINDOW);
    return loadWithHistory({ date, athlete, observed, windowDays: WINDOW, stored, sources });
  }

  it('pulls a year the first time and gives the whole-history CTL within 0.5; the 90-day window alone is far off', async () => {
    const synth = fresh();
    const first = await observe(synth, D, []);
    expect(first.history.pulled).toEqual({ from: addDays(D, -365), to: addDays(D, -91) });
    expect(first.changed).toHaveLength(365); // every day, zero where nothing was ridden
    expect(first.changed[0].date).toBe(addDays(D, -365));
    expect(first.changed.at(-1)!.date).toBe(addDays(D, -1));
    const ref = reference(D);
    expect(ref.ctl).toBeGreaterThan(30);
    expect(Math.abs(first.load.ctl - ref.ctl)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(first.load.atl - ref.atl)).toBeLessThanOrEqual(0.5);
    const windowOnly = await observeDay({ synthetic: syntheticSources(synth) }, athlete, D, WINDOW);
    const cold = computeLoad({ date: D, athlete, rides: windowOnly.observation.rides, wellness: windowOnly.wellness, historyStart: addDays(D, -WINDOW) });
    expect(ref.ctl - cold.ctl).toBeGreaterThan(2);
  });

  it('extends the stored history the next mornings (only the window rewritten) and stays on the reference', async () => {
    const synth = fresh();
    let stored: DailyLoadRow[] = [];
    for (let k = 0; k < 4; k++) {
      const date = addDays(D, k);
      const r = await observe(synth, date, stored);
      if (k > 0) {
        expect(r.history.pulled).toBeNull();
        expect(r.changed.map((c) => c.date)).toEqual(Array.from({ length: WINDOW }, (_, i) => addDays(date, -WINDOW + i)));
      }
      stored = mergeDailyLoad(stored, r.changed);
      expect(stored).toHaveLength(365 + k);
      expect(Math.abs(r.load.ctl - reference(date).ctl)).toBeLessThanOrEqual(0.5);
    }
  });

  it('pulls a year of rides through Strava’s paging the first time, then only the window', async () => {
    const server: FakeStravaServer = await startFakeStravaServer();
    try {
      server.validAccessTokens.add('sa');
      // a ride a day for 420 days: the 275 days before the window need two pages of 200
      for (let i = 0; i < 420; i++) server.activities.push(summaryActivity(1000 + i, `${addDays(D, -420 + i)}T07:30:00`, { weighted_average_watts: i % 2 ? 205 : 150 }));
      const strava = new StravaClient({ baseUrl: server.url, tokens: { getAccessToken: async () => 'sa', refresh: async () => 'sa' } });
      const first = await observe(fresh(), D, [], strava);
      const pages = server.activityRequests().map((r) => r.query.page);
      expect(pages.filter((p) => p === '2').length).toBeGreaterThanOrEqual(1); // the year needed a second page
      expect(first.changed.filter((r) => r.tss > 0)).toHaveLength(365);
      const everyDay = dailyTssSeries(server.activities.map((a) => rideFromStrava(a as never, 'strava')!), athlete, addDays(D, -420), addDays(D, -1));
      const ref = performanceManager(everyDay).at(-1)!;
      expect(Math.abs(first.load.ctl - ref.ctl)).toBeLessThanOrEqual(0.5);

      server.requests.length = 0;
      const stored = mergeDailyLoad([], first.changed);
      const next = await observe(fresh(), addDays(D, 1), stored, strava);
      expect(next.history.pulled).toBeNull();
      expect(server.activityRequests()).toHaveLength(1); // the observation window only
    } finally {
      await server.close();
    }
  });

  it('keeps the stored days when the rides cannot be read, and says so', async () => {
    const synth = fresh();
    const first = await observe(synth, D, []);
    const stored = mergeDailyLoad([], first.changed);
    const failing: StravaSource = { listActivities: async () => Promise.reject(new Error('Strava is down')) };
    const observed = await observeDay({ strava: failing }, athlete, addDays(D, 1), WINDOW);
    const r = await loadWithHistory({ date: addDays(D, 1), athlete, observed, windowDays: WINDOW, stored, sources: { strava: failing } });
    expect(r.changed).toEqual([]);
    expect(r.degraded[0]).toMatch(/^load history: the rides could not be read today; CTL from the 365 days stored/);
    // the day after the last stored day counts 0: CTL decays one day from the stored one
    const same = computeLoad({ date: addDays(D, 1), athlete, rides: [], historyStart: addDays(D, 1), history: [...stored, { date: D, tss: 0 }] });
    expect(r.load.ctl).toBe(same.ctl);
    expect(r.load.ctl).toBeGreaterThan(30);
  });

  it('says the history is short when the year cannot be pulled, and pulls it the next morning', async () => {
    let calls = 0;
    const synth = fresh();
    const real = syntheticSources(synth).strava;
    // the window answers, the older pull fails once
    const flaky: StravaSource = {
      listActivities: async (range) => {
        calls += 1;
        if (calls === 2) throw new Error('HTTP 503 from Strava');
        return real.listActivities(range);
      },
    };
    const first = await observe(synth, D, [], flaky);
    expect(first.errors).toEqual([expect.objectContaining({ source: 'strava', retryable: true, message: 'HTTP 503 from Strava' })]);
    expect(first.degraded[0]).toMatch(new RegExp(`^load history from strava: reading the rides from ${addDays(D, -365)} to ${addDays(D, -91)} failed \\(HTTP 503 from Strava\\); CTL from the 0 days stored`));
    expect(first.changed).toHaveLength(WINDOW);
    const next = await observe(synth, addDays(D, 1), mergeDailyLoad([], first.changed), flaky);
    expect(next.history.pulled).toEqual({ from: addDays(D, 1 - 365), to: addDays(D, 1 - 91) });
    expect(Math.abs(next.load.ctl - reference(addDays(D, 1)).ctl)).toBeLessThanOrEqual(0.5);
  });
});
