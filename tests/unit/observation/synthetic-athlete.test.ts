import type { AthleteProfile } from '../../../src/domain/types';
import { type Prescription, type SyntheticAthleteConfig, syntheticSources, SyntheticAthlete } from '../../../src/observation/synthetic-athlete';
import { drawPhysiology, illnessHazard, monotony, MODEL } from '../../../src/observation/athlete-physiology';
import { observeDay } from '../../../src/observation/observe-day';
import { computeLoad, rideTss } from '../../../src/observation/training-load';
import { rideFromStrava } from '../../../src/observation/normalisers';
import { addDays, dateRange, utcMidnightEpochS } from '../../../src/domain/iso-date';

const profile: AthleteProfile = {
  handle: 'synth',
  ftpW: 260,
  weightKg: 68,
  thresholdHr: 168,
  maxHr: 188,
  restingHr: 48,
  disciplines: ['cycling'],
};

const base: SyntheticAthleteConfig = { seed: 42, profile, startDate: '2025-05-01' };
const BLOCK = '2025-07-01';

const START = '2025-06-20';
const END = '2025-07-20';

async function payloads(config: SyntheticAthleteConfig | SyntheticAthlete, end = END) {
  const { oura, strava } = syntheticSources(config);
  return {
    readiness: await oura.dailyReadiness(START, end),
    dailySleep: await oura.dailySleep(START, end),
    sleep: await oura.sleepPeriods(START, end),
    activity: await oura.dailyActivity(START, end),
    rides: await strava.listActivities({ after: utcMidnightEpochS(START), before: utcMidnightEpochS(end) }),
  };
}

/** Every day of the block prescribed `tss(i)` for day i. */
function block(days: number, tss: (i: number) => number, from = BLOCK): Prescription[] {
  return Array.from({ length: days }, (_, i) => ({ date: addDays(from, i), tss: tss(i) }));
}

const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('synthetic athlete: reproducibility', () => {
  it('gives identical payloads for the same seed, whatever order the days are asked in', async () => {
    const a = await payloads(base);
    const other = new SyntheticAthlete(base);
    other.dailyReadiness('2025-07-15', '2025-07-20'); // ask a later range first
    const b = await payloads(other);
    expect(b).toEqual(a);
    expect(a.readiness.length).toBeGreaterThan(25); // a few days may miss their sync
    expect(a.rides.length).toBeGreaterThan(10);
  });

  it('gives different payloads for a different seed', async () => {
    const a = await payloads(base);
    const b = await payloads({ ...base, seed: 43 });
    expect(b.readiness.map((r) => r.score)).not.toEqual(a.readiness.map((r) => r.score));
    expect(b.sleep.map((s) => s.average_hrv)).not.toEqual(a.sleep.map((s) => s.average_hrv));
  });
});

describe('synthetic athlete: per-athlete physiology', () => {
  const draws = Array.from({ length: 300 }, (_, i) => drawPhysiology(`cohort-${i}`, profile));

  it('draws the same athlete for the same key', () => {
    expect(drawPhysiology('cohort-7', profile)).toEqual(draws[7]);
    expect(draws[8]).not.toEqual(draws[7]);
  });

  it('keeps every parameter inside the documented ranges (docs/physiology-model.md)', () => {
    for (const p of draws) {
      expect(p.fitnessDays).toBeGreaterThanOrEqual(38);
      expect(p.fitnessDays).toBeLessThanOrEqual(50);
      expect(p.fatigueDays).toBeGreaterThanOrEqual(7);
      expect(p.fatigueDays).toBeLessThanOrEqual(15);
      expect(p.k2 / p.k1).toBeGreaterThan(1);
      expect(p.k2 / p.k1).toBeLessThanOrEqual(2.4 + 1e-9);
      // training pays off at steady state: k1·τ1 > k2·τ2
      expect(p.k1 * p.fitnessDays).toBeGreaterThan(p.k2 * p.fatigueDays);
      expect(p.habitualCtl).toBeGreaterThanOrEqual(40);
      expect(p.habitualCtl).toBeLessThanOrEqual(75);
      expect(Math.exp(p.hrvLnBaseline)).toBeGreaterThan(30);
      expect(Math.exp(p.hrvLnBaseline)).toBeLessThan(82);
    }
  });

  it('has responders and non-responders: k1 spreads about threefold between the 10th and 90th centiles', () => {
    const responders = draws.map((p) => p.responder).sort((a, b) => a - b);
    const p10 = responders[Math.floor(0.1 * responders.length)];
    const p90 = responders[Math.floor(0.9 * responders.length)];
    expect(p90 / p10).toBeGreaterThan(2.5);
    expect(responders.filter((r) => r < 0.6).length).toBeGreaterThan(20);
    expect(responders.filter((r) => r > 1.6).length).toBeGreaterThan(20);
  });

  it('raises the illness risk with load spikes: doubling per 0.2 of ACWR above 1.3 and per 0.5 of monotony above 2, at most ×4', () => {
    const p = drawPhysiology('hazard', profile, { illnessPerYear: 3.65 });
    expect(illnessHazard(p, null, null)).toBeCloseTo(0.01, 12);
    expect(illnessHazard(p, 1.2, 1.5)).toBeCloseTo(0.01, 12);
    expect(illnessHazard(p, 1.5, null)).toBeCloseTo(0.02, 12);
    expect(illnessHazard(p, 1.4, 2.5)).toBeCloseTo(0.01 * 2 ** 1.5, 12);
    expect(illnessHazard(p, 1.7, null)).toBeCloseTo(0.04, 12);
    expect(illnessHazard(p, 2.5, 6)).toBeCloseTo(0.04, 12);
    // Foster's monotony: mean / SD of the week's daily loads
    expect(monotony([50, 50, 50, 50, 50, 50, 0])).toBeCloseTo(42.857 / 17.496, 3);
    expect(monotony([0, 0, 0])).toBeNull();
  });
});

describe('synthetic athlete: API-shaped payloads through the real normalisers', () => {
  it('fills a complete observation labelled synthetic', async () => {
    const quiet = { ...base, quiet: true };
    const { observation, wellness, errors } = await observeDay({ synthetic: syntheticSources(quiet) }, profile, '2025-07-10', 60);
    expect(errors).toEqual([]);
    expect(observation.missing).toEqual([]);
    expect(observation.readiness!.source).toBe('synthetic');
    expect(observation.readiness!.score).toEqual(expect.any(Number));
    expect(Object.values(observation.readiness!.contributors).every((v) => typeof v === 'number')).toBe(true);
    expect(observation.hrv!.averageHrvMs).toBeGreaterThan(20);
    expect(observation.sleep!.totalSleepS).toBeGreaterThan(3 * 3600);
    expect(observation.rides.every((r) => r.source === 'synthetic' && r.date < '2025-07-10')).toBe(true);
    expect(wellness).toHaveLength(61);

    const load = computeLoad({ date: '2025-07-10', athlete: profile, rides: observation.rides, wellness, historyStart: '2025-05-11' });
    expect(load.hrvTrend).not.toBeNull();
    expect(load.ctl).toBeGreaterThan(10);
  });

  it('rides its habit before the block: rest on Mondays, long weekend rides', () => {
    const athlete = new SyntheticAthlete({ ...base, quiet: true });
    const rides = athlete.activities(utcMidnightEpochS('2025-06-02'), utcMidnightEpochS('2025-06-30'));
    const days = rides.map((r) => r.start_date_local.slice(0, 10));
    expect(days.filter((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 1)).toEqual([]);
    expect(days.length).toBeGreaterThanOrEqual(18);
    // the habit holds the chronic load near the athlete's habitual CTL
    expect(Math.abs(athlete.stateOf('2025-06-30')!.ctl - athlete.physiology.habitualCtl)).toBeLessThan(8);
  });

  it('rides only what is prescribed from the block start, 80–110 % of it, as power rides the load model reads back', async () => {
    const prescriptions = block(20, (i) => (i % 7 === 0 ? 0 : 60 + 5 * i));
    const athlete = new SyntheticAthlete({ ...base, blockStart: BLOCK, prescriptions, physiology: { skipRate: 0 }, quiet: true });
    const list = athlete.activities(utcMidnightEpochS(BLOCK), utcMidnightEpochS(addDays(BLOCK, 20)));
    const rides = list.map((a) => rideFromStrava(a, 'synthetic')!);
    expect(rides.map((r) => r.date)).toEqual(prescriptions.filter((p) => p.tss > 0).map((p) => p.date));
    for (const r of rides) {
      const s = athlete.stateOf(r.date)!;
      expect(s.tss / s.prescribed!).toBeGreaterThanOrEqual(0.8);
      expect(s.tss / s.prescribed!).toBeLessThanOrEqual(1.1);
      const back = rideTss(r, profile);
      expect(back.method).toBe('power');
      expect(Math.abs(back.tss - s.tss) / s.tss).toBeLessThan(0.02); // watts are whole numbers in Strava's shape
    }
    // a day of the block without a prescription is a day off
    expect(athlete.stateOf(addDays(BLOCK, 25))).toMatchObject({ prescribed: null, tss: 0 });
  });

  it('skips some prescribed days, as often as its skip rate says', () => {
    const prescriptions = block(200, () => 60, '2025-05-02');
    const athlete = new SyntheticAthlete({ ...base, blockStart: '2025-05-02', prescriptions, physiology: { skipRate: 0.1 }, quiet: true });
    const skipped = prescriptions.filter((p) => athlete.stateOf(p.date)!.skipped).length;
    expect(skipped).toBeGreaterThan(8);
    expect(skipped).toBeLessThan(35);
    for (const p of prescriptions) if (athlete.stateOf(p.date)!.skipped) expect(athlete.stateOf(p.date)!.tss).toBe(0);
  });
});

describe('synthetic athlete: a closed loop that responds to what it is told to ride', () => {
  it('lowers HRV and readiness and raises resting HR after a heavy block compared with an easy one (same seed)', () => {
    const easy = new SyntheticAthlete({ ...base, blockStart: BLOCK, prescriptions: block(10, () => 30), quiet: true });
    const hard = new SyntheticAthlete({ ...base, blockStart: BLOCK, prescriptions: block(10, () => 180), quiet: true });
    const window = dateRange(addDays(BLOCK, 5), addDays(BLOCK, 10));
    const h = window.map((d) => hard.stateOf(d)!);
    const e = window.map((d) => easy.stateOf(d)!);
    expect(h[5].tsb).toBeLessThan(-40);
    expect(meanOf(h.map((s) => s.readiness))).toBeLessThan(meanOf(e.map((s) => s.readiness)) - 8);
    expect(meanOf(h.map((s) => s.hrvMs))).toBeLessThan(meanOf(e.map((s) => s.hrvMs)) * 0.85);
    expect(meanOf(h.map((s) => s.lowestHr))).toBeGreaterThan(meanOf(e.map((s) => s.lowestHr)));
  });

  it('follows Banister: a hard block lowers performance at first, a taper after it brings it above the start', () => {
    const prescriptions = [...block(21, () => 150), ...block(14, () => 30, addDays(BLOCK, 21))];
    const a = new SyntheticAthlete({ ...base, blockStart: BLOCK, prescriptions, physiology: { skipRate: 0 }, quiet: true });
    const before = a.stateOf(BLOCK)!.performance;
    expect(a.stateOf(addDays(BLOCK, 10))!.performance).toBeLessThan(before);
    expect(a.stateOf(addDays(BLOCK, 34))!.performance).toBeGreaterThan(before);
  });

  it('gets ill more often after a load spike than when training goes on as before (a cohort of 60 riders)', () => {
    const week = [0, 45, 40, 50, 0, 80, 65]; // Monday first, rest days keep monotony ordinary
    const weekday = (d: string) => (new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7;
    const from = '2025-03-01';
    const usual = block(120, (i) => week[weekday(addDays(from, i))], from);
    const spike = usual.map((p, i) => (i >= 90 && i < 100 ? { ...p, tss: p.tss * 2.5 } : p)); // ten days at 2.5 × the load
    const illDays = (list: Prescription[], seed: string) => {
      const a = new SyntheticAthlete({ seed, profile, startDate: '2025-01-01', blockStart: from, prescriptions: list });
      return dateRange(addDays(from, 90), addDays(from, 111)).filter((d) => a.stateOf(d)!.ill).length;
    };
    let usualDays = 0;
    let spikeDays = 0;
    for (let i = 0; i < 60; i++) {
      usualDays += illDays(usual, `spike-${i}`);
      spikeDays += illDays(spike, `spike-${i}`);
    }
    expect(spikeDays).toBeGreaterThan(usualDays * 1.5);
  });

  it('shows an illness as lower readiness and HRV, higher temperature and resting HR, and cannot ride it', async () => {
    const prescriptions = block(20, () => 80);
    const healthyCfg = { ...base, blockStart: BLOCK, prescriptions, physiology: { skipRate: 0 }, quiet: true };
    const illCfg = { ...healthyCfg, events: [{ kind: 'illness' as const, start: '2025-07-08', days: 3 }] };
    const day = '2025-07-09';
    const [healthy, sick] = await Promise.all([healthyCfg, illCfg].map((cfg) => observeDay({ synthetic: syntheticSources(cfg) }, profile, day, 0)));
    const h = healthy.observation;
    const s = sick.observation;
    expect(s.readiness!.score!).toBeLessThanOrEqual(h.readiness!.score! - 15);
    expect(s.hrv!.averageHrvMs!).toBeLessThan(h.hrv!.averageHrvMs! * 0.8);
    expect(s.readiness!.temperatureDeviation!).toBeGreaterThan(h.readiness!.temperatureDeviation! + 0.5);
    expect(s.hrv!.lowestHeartRate!).toBeGreaterThan(h.hrv!.lowestHeartRate! + 3);
    const athlete = new SyntheticAthlete(illCfg);
    expect(athlete.stateOf(day)).toMatchObject({ ill: true, tooIllToRide: true, skipped: true, tss: 0, prescribed: 80 });
    // the day after the illness ends, temperature is back within noise
    expect(Math.abs(athlete.stateOf('2025-07-11')!.temperatureDeviation)).toBeLessThan(0.5);
    // a mild illness can still be ridden
    const mild = new SyntheticAthlete({ ...healthyCfg, events: [{ kind: 'illness', start: '2025-07-08', days: 3, severity: MODEL.illness.tooIllToRide / 2 }] });
    expect(mild.stateOf(day)).toMatchObject({ ill: true, tooIllToRide: false });
    expect(mild.stateOf(day)!.tss).toBeGreaterThan(0);
  });

  it('shows a bad night as short sleep and a lower sleep score', async () => {
    const day = '2025-07-09';
    const quiet = { ...base, quiet: true };
    const [normalDay, bad] = await Promise.all(
      [quiet, { ...quiet, events: [{ kind: 'bad-night' as const, date: day }] }].map((cfg) => observeDay({ synthetic: syntheticSources(cfg) }, profile, day, 0)),
    );
    expect(bad.observation.sleep!.totalSleepS!).toBeLessThan(normalDay.observation.sleep!.totalSleepS! - 2 * 3600);
    expect(bad.observation.sleep!.score!).toBeLessThan(normalDay.observation.sleep!.score! - 15);
    expect(bad.observation.readiness!.score!).toBeLessThan(normalDay.observation.readiness!.score!);
  });

  it('files no Oura data on a missed sync, so the day is observed as missing', async () => {
    const day = '2025-07-09';
    const { observation } = await observeDay({ synthetic: syntheticSources({ ...base, quiet: true, events: [{ kind: 'missed-sync', date: day }] }) }, profile, day, 3);
    expect(observation.readiness).toBeNull();
    expect(observation.hrv).toBeNull();
    expect(observation.missing).toEqual([
      expect.objectContaining({ part: 'readiness', source: 'synthetic', reason: expect.stringContaining('no daily_readiness record') }),
      expect.objectContaining({ part: 'sleep', source: 'synthetic' }),
      expect.objectContaining({ part: 'hrv', source: 'synthetic' }),
    ]);
    expect(observation.rides.length).toBeGreaterThan(0); // Strava still has the rides
  });

  it('reflects on coached days: harder and sorer when fatigued, "no" when it could not ride', () => {
    const cfg = { ...base, blockStart: BLOCK, physiology: { reflectionRate: 1, skipRate: 0 }, quiet: true };
    const easy = new SyntheticAthlete({ ...cfg, prescriptions: block(10, () => 60) });
    const hard = new SyntheticAthlete({ ...cfg, prescriptions: [...block(9, () => 190), { date: addDays(BLOCK, 9), tss: 60 }] });
    const last = addDays(BLOCK, 9);
    expect(hard.reflectionOf(last)!.rpe).toBeGreaterThan(easy.reflectionOf(last)!.rpe);
    expect(hard.reflectionOf(last)!.legs).toBeLessThan(easy.reflectionOf(last)!.legs);
    expect(easy.reflectionOf(last)).toMatchObject({ date: last, completed: 'yes', note: '' });
    const ill = new SyntheticAthlete({ ...cfg, prescriptions: block(10, () => 60), events: [{ kind: 'illness', start: last, days: 2 }] });
    expect(ill.reflectionOf(last)).toMatchObject({ completed: 'no' });
    // no reflection before the block or on a day with nothing prescribed
    expect(easy.reflectionOf(addDays(BLOCK, -1))).toBeNull();
    expect(easy.reflectionOf(addDays(BLOCK, 12))).toBeNull();
  });
});

describe('synthetic athlete: extended day by day', () => {
  const days = 30;
  const prescriptions = block(days, (i) => 40 + ((i * 37) % 90));

  it('re-simulates only the new day when a prescription is added, and ends identical to a fresh simulation', async () => {
    const growing = new SyntheticAthlete({ ...base, blockStart: BLOCK, endDate: BLOCK });
    await payloads(growing, BLOCK);
    const counts: number[] = [];
    for (let k = 1; k <= days; k++) {
      const date = addDays(BLOCK, k);
      const before = growing.simulatedDays;
      growing.observeThrough(date);
      growing.setPrescriptions(prescriptions.slice(0, k)); // what the coach prescribed before this morning
      await observeDay({ synthetic: syntheticSources(growing) }, profile, date, 60);
      counts.push(growing.simulatedDays - before);
    }
    // each morning: yesterday again (its prescription arrived) and the new day
    expect(Math.max(...counts)).toBeLessThanOrEqual(2);
    const end = addDays(BLOCK, days);
    const fresh = new SyntheticAthlete({ ...base, blockStart: BLOCK, endDate: end, prescriptions });
    expect(await payloads(growing, end)).toEqual(await payloads(fresh, end));
    for (const d of dateRange('2025-05-01', end)) expect(growing.stateOf(d)).toEqual(fresh.stateOf(d));
    expect(fresh.simulatedDays).toBe(dateRange('2025-05-01', end).length);
  });

  it('re-simulates from a changed prescription on, keeping the days before it', () => {
    const a = new SyntheticAthlete({ ...base, blockStart: BLOCK, prescriptions });
    a.stateOf(addDays(BLOCK, days));
    const before = a.simulatedDays;
    const changed = prescriptions.map((p, i) => (i === 20 ? { ...p, tss: 200 } : p));
    a.setPrescriptions(changed);
    a.stateOf(addDays(BLOCK, days));
    expect(a.simulatedDays - before).toBe(days - 20 + 1);
    expect(a.stateOf(addDays(BLOCK, 20))).toEqual(new SyntheticAthlete({ ...base, blockStart: BLOCK, prescriptions: changed }).stateOf(addDays(BLOCK, 20)));
  });

  it('answers nothing after the day it is observed through', () => {
    const a = new SyntheticAthlete({ ...base, endDate: '2025-06-10' });
    expect(a.dailyReadiness('2025-06-01', '2025-06-30').map((r) => r.day).at(-1)! <= '2025-06-10').toBe(true);
    expect(a.stateOf('2025-06-11')).toBeNull();
    a.observeThrough('2025-06-12');
    expect(a.stateOf('2025-06-11')).not.toBeNull();
  });
});

describe('synthetic athlete: bad input', () => {
  it('has no data before its start date', () => {
    const a = new SyntheticAthlete(base);
    expect(a.dailyReadiness('2025-04-01', '2025-04-30')).toEqual([]);
    expect(a.stateOf('2025-04-30')).toBeNull();
  });

  it('rejects a bad configuration with the field named', () => {
    expect(() => new SyntheticAthlete({ ...base, startDate: '2025-13-01' })).toThrow(/startDate.*YYYY-MM-DD/);
    expect(() => new SyntheticAthlete({ ...base, prescriptions: [{ date: '2025-07-01', tss: -5 }] })).toThrow('prescription for 2025-07-01: TSS must be a number ≥ 0, got -5');
    expect(() => new SyntheticAthlete({ ...base, prescriptions: [{ date: '2025-7-1', tss: 5 }] })).toThrow(/prescription date/);
  });
});
