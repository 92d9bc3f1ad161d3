import type { AthleteProfile } from '../../../src/domain/types';
import { type SyntheticAthleteConfig, syntheticSources, SyntheticAthlete } from '../../../src/observation/synthetic-athlete';
import { observeDay } from '../../../src/observation/observe-day';
import { computeLoad, rideTss } from '../../../src/observation/training-load';
import { rideFromStrava } from '../../../src/observation/normalisers';
import { addDays, utcMidnightEpochS } from '../../../src/domain/iso-date';

const profile: AthleteProfile = {
  handle: 'synth',
  ftpW: 260,
  weightKg: 68,
  thresholdHr: 168,
  maxHr: 188,
  restingHr: 48,
  disciplines: ['cycling'],
};

const base: SyntheticAthleteConfig = {
  seed: 42,
  profile,
  baselineHrvMs: 65,
  baselineRestingHr: 48,
  startDate: '2025-05-01',
};

const START = '2025-06-20';
const END = '2025-07-20';

async function payloads(config: SyntheticAthleteConfig | SyntheticAthlete) {
  const { oura, strava } = syntheticSources(config);
  return {
    readiness: await oura.dailyReadiness(START, END),
    dailySleep: await oura.dailySleep(START, END),
    sleep: await oura.sleepPeriods(START, END),
    activity: await oura.dailyActivity(START, END),
    rides: await strava.listActivities({ after: utcMidnightEpochS(START), before: utcMidnightEpochS(END) }),
  };
}

describe('synthetic athlete: reproducibility', () => {
  it('gives identical payloads for the same seed, whatever order the days are asked in', async () => {
    const a = await payloads(base);
    const other = new SyntheticAthlete(base);
    other.dailyReadiness('2025-07-15', '2025-07-20'); // ask a later range first
    const b = await payloads(other);
    expect(b).toEqual(a);
    expect(a.readiness).toHaveLength(31);
    expect(a.rides.length).toBeGreaterThan(10);
  });

  it('gives different payloads for a different seed', async () => {
    const a = await payloads(base);
    const b = await payloads({ ...base, seed: 43 });
    expect(b.readiness.map((r) => r.score)).not.toEqual(a.readiness.map((r) => r.score));
    expect(b.sleep.map((s) => s.average_hrv)).not.toEqual(a.sleep.map((s) => s.average_hrv));
  });
});

describe('synthetic athlete: API-shaped payloads through the real normalisers', () => {
  it('fills a complete observation labelled synthetic', async () => {
    const { observation, wellness, errors } = await observeDay({ synthetic: syntheticSources(base) }, profile, '2025-07-10', 60);
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
    expect(load.hrvNormalLow).not.toBeNull();
    expect(load.ctl).toBeGreaterThan(10);
  });

  it('turns the given training into power rides whose TSS comes back out of the load model', async () => {
    const { strava } = syntheticSources({ ...base, training: { '2025-07-01': 100, '2025-07-03': { tss: 60, durationMin: 75, name: 'Sweet spot' } } });
    const list = await strava.listActivities({ after: utcMidnightEpochS('2025-06-01'), before: utcMidnightEpochS('2025-08-01') });
    expect(list.map((a) => a.start_date_local.slice(0, 10))).toEqual(['2025-07-01', '2025-07-03']);
    const rides = list.map((a) => rideFromStrava(a, 'synthetic')!);
    const first = rideTss(rides[0], profile);
    expect(first.method).toBe('power');
    expect(first.tss).toBeGreaterThan(98);
    expect(first.tss).toBeLessThan(102); // watts are whole numbers in Strava's shape
    expect(rides[1].movingTimeS).toBe(75 * 60);
    expect(rideTss(rides[1], profile).tss).toBeCloseTo(60, 0);
    expect(rides[1].name).toBe('Sweet spot');
  });

  it('generates a plausible week of rides when no training is given (rest on Mondays)', () => {
    const athlete = new SyntheticAthlete(base);
    const rides = athlete.activities(utcMidnightEpochS('2025-06-02'), utcMidnightEpochS('2025-06-30'));
    const days = rides.map((r) => r.start_date_local.slice(0, 10));
    const mondays = days.filter((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 1);
    expect(mondays).toEqual([]);
    expect(days.length).toBeGreaterThanOrEqual(16);
  });
});

describe('synthetic athlete: responses to load and events', () => {
  const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  it('lowers readiness and HRV after a heavy block compared with an easy one (same seed)', () => {
    const training = (tss: number) =>
      Object.fromEntries(Array.from({ length: 70 }, (_, i) => [addDays('2025-05-01', i), i < 60 ? 50 : tss]));
    const easy = new SyntheticAthlete({ ...base, training: training(30) });
    const hard = new SyntheticAthlete({ ...base, training: training(180) });
    const window = ['2025-07-06', '2025-07-07', '2025-07-08', '2025-07-09', '2025-07-10'];
    const hardState = window.map((d) => hard.stateOf(d)!);
    const easyState = window.map((d) => easy.stateOf(d)!);
    expect(hardState[4].tsb).toBeLessThan(-40);
    expect(meanOf(hardState.map((s) => s.readiness))).toBeLessThan(meanOf(easyState.map((s) => s.readiness)) - 8);
    expect(meanOf(hardState.map((s) => s.hrvMs))).toBeLessThan(meanOf(easyState.map((s) => s.hrvMs)) * 0.9);
  });

  it('shows an illness as lower readiness and HRV, higher temperature and resting HR', async () => {
    const ill = { ...base, events: [{ kind: 'illness' as const, start: '2025-07-08', days: 3 }] };
    const day = '2025-07-09';
    const [healthy, sick] = await Promise.all(
      [base, ill].map((cfg) => observeDay({ synthetic: syntheticSources(cfg) }, profile, day, 0)),
    );
    const h = healthy.observation;
    const s = sick.observation;
    expect(s.readiness!.score!).toBeLessThanOrEqual(h.readiness!.score! - 15);
    expect(s.hrv!.averageHrvMs!).toBeLessThan(h.hrv!.averageHrvMs! * 0.8);
    expect(s.readiness!.temperatureDeviation!).toBeGreaterThan(h.readiness!.temperatureDeviation! + 0.5);
    expect(s.hrv!.lowestHeartRate!).toBeGreaterThan(h.hrv!.lowestHeartRate! + 3);
    // the day after the illness ends, temperature is back within noise
    const after = new SyntheticAthlete(ill).stateOf('2025-07-11')!;
    expect(Math.abs(after.temperatureDeviation)).toBeLessThan(0.5);
  });

  it('shows a bad night as short sleep and a lower sleep score', async () => {
    const day = '2025-07-09';
    const [normal, bad] = await Promise.all(
      [base, { ...base, events: [{ kind: 'bad-night' as const, date: day }] }].map((cfg) =>
        observeDay({ synthetic: syntheticSources(cfg) }, profile, day, 0),
      ),
    );
    expect(bad.observation.sleep!.totalSleepS!).toBeLessThan(normal.observation.sleep!.totalSleepS! - 2 * 3600);
    expect(bad.observation.sleep!.score!).toBeLessThan(normal.observation.sleep!.score! - 15);
    expect(bad.observation.readiness!.score!).toBeLessThan(normal.observation.readiness!.score!);
  });

  it('files no Oura data on a missed sync, so the day is observed as missing', async () => {
    const day = '2025-07-09';
    const { observation } = await observeDay(
      { synthetic: syntheticSources({ ...base, events: [{ kind: 'missed-sync', date: day }] }) },
      profile,
      day,
      3,
    );
    expect(observation.readiness).toBeNull();
    expect(observation.hrv).toBeNull();
    expect(observation.missing).toEqual([
      expect.objectContaining({ part: 'readiness', source: 'synthetic', reason: expect.stringContaining('no daily_readiness record') }),
      expect.objectContaining({ part: 'sleep', source: 'synthetic' }),
      expect.objectContaining({ part: 'hrv', source: 'synthetic' }),
    ]);
    expect(observation.rides.length).toBeGreaterThan(0); // Strava still has the rides
  });

  it('has no data before its start date', () => {
    const a = new SyntheticAthlete(base);
    expect(a.dailyReadiness('2025-04-01', '2025-04-30')).toEqual([]);
    expect(a.stateOf('2025-04-30')).toBeNull();
  });

  it('rejects a bad configuration with the field named', () => {
    expect(() => new SyntheticAthlete({ ...base, startDate: '2025-13-01' })).toThrow(/startDate.*YYYY-MM-DD/);
    expect(() => new SyntheticAthlete({ ...base, training: { '2025-07-01': -5 } })).toThrow(/2025-07-01: TSS must be ≥ 0/);
  });
});
