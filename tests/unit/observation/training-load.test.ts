/**
 * The expected numbers below were worked out by hand (the arithmetic is in the comments), not by
 * running the code under test.
 */
import type { AthleteProfile, RideSummary } from '../../../src/domain/types';
import type { WellnessPoint } from '../../../src/observation/normalisers';
import {
  acuteChronicRatio,
  banisterTrimp,
  computeLoad,
  dailyTssSeries,
  decayFactor,
  durationEstimateTss,
  hrTss,
  hrvFigures,
  hrvTrend,
  intensityFactor,
  LOAD_WARMUP_DAYS,
  normalizedPower,
  performanceManager,
  restingHrDeviation,
  rideTss,
  tssFromPower,
} from '../../../src/observation/training-load';
import { addDays, utcMidnightEpochS } from '../../../src/domain/iso-date';
import { SyntheticAthlete } from '../../../src/observation/synthetic-athlete';
import { rideFromStrava } from '../../../src/observation/normalisers';

const athlete: AthleteProfile = {
  handle: 'ana',
  ftpW: 280,
  weightKg: 70,
  thresholdHr: 170,
  maxHr: 190,
  restingHr: 50,
  disciplines: ['cycling'],
};

function ride(over: Partial<RideSummary>): RideSummary {
  return {
    source: 'strava',
    date: '2025-07-09',
    name: 'ride',
    sportType: 'Ride',
    movingTimeS: 3600,
    distanceM: 30000,
    elevationGainM: 100,
    averageWatts: null,
    weightedAverageWatts: null,
    devicePower: false,
    averageHeartrate: null,
    maxHeartrate: null,
    ...over,
  };
}

describe('normalized power', () => {
  it('equals the power of a steady effort', () => {
    expect(normalizedPower(new Array(3600).fill(250))).toBeCloseTo(250, 9);
  });

  it('weights surges: 30 s at 0 W then 30 s at 200 W gives NP ≈ 135.4 W while the average is 100 W', () => {
    // 1-s samples, 30-s window: full windows end at samples 29..59, holding k = 0..30 samples of 200 W,
    // so the rolling means are 200k/30. Mean of 4th powers = (200/30)^4 × Σk^4 / 31
    //   Σ_{k=0..30} k^4 = 30·31·61·(3·900+90−1)/30 = 31·61·2789 = 5 273 999; /31 = 170 129
    //   (200/30)^4 = 1975.3086; product = 336 057 276; 4th root = √18 331.8 = 135.40
    const watts = [...new Array(30).fill(0), ...new Array(30).fill(200)];
    expect(normalizedPower(watts)).toBeCloseTo(135.4, 1);
  });

  it('uses the sample interval to size the 30-s window', () => {
    // 15-s samples → window of 2: means [200, 300, 200]; 4th powers 1.6e9, 8.1e9, 1.6e9;
    // mean 3.7667e9; 4th root 247.74
    expect(normalizedPower([100, 300, 300, 100], 15)).toBeCloseTo(247.74, 1);
  });

  it('is null for less than 30 s of data', () => {
    expect(normalizedPower(new Array(29).fill(300))).toBeNull();
  });
});

describe('TSS from power', () => {
  it('scores one hour at FTP as 100', () => {
    expect(tssFromPower(3600, 280, 280)).toBeCloseTo(100, 9);
  });
  it('scores 2 h at NP 210 W with FTP 280 W as 112.5 (IF 0.75: 2 × 0.5625 × 100)', () => {
    expect(intensityFactor(210, 280)).toBeCloseTo(0.75, 9);
    expect(tssFromPower(7200, 210, 280)).toBeCloseTo(112.5, 9);
  });
  it('scores 90 min at IF 0.9 as 121.5 (1.5 × 0.81 × 100)', () => {
    expect(tssFromPower(5400, 252, 280)).toBeCloseTo(121.5, 9);
  });
  it('refuses an FTP of 0', () => {
    expect(() => intensityFactor(200, 0)).toThrow(/FTP must be > 0/);
  });
});

describe('heart-rate load', () => {
  const hr = { thresholdHr: 170, maxHr: 190, restingHr: 50 };

  it('computes Banister TRIMP: 60 min at HRr 0.5 = 60 × 0.5 × 0.64 × e^0.96 = 50.14', () => {
    expect(banisterTrimp(60, 120, hr)).toBeCloseTo(50.14, 1);
    // women: 60 × 0.5 × 0.86 × e^(1.67 × 0.5) = 25.8 × 2.30493 = 59.47
    expect(banisterTrimp(60, 120, hr, 'female')).toBeCloseTo(59.47, 1);
  });

  it('scores one hour at threshold HR as 100 and half an hour as 50', () => {
    expect(hrTss(3600, 170, hr)).toBeCloseTo(100, 9);
    expect(hrTss(1800, 170, hr)).toBeCloseTo(50, 9);
  });

  it('scores one hour at 120 bpm as ≈ 29.4', () => {
    // HRr = 70/140 = 0.5; HRr_thr = 120/140 = 0.857143
    // 0.5·e^0.96 / (0.857143·e^1.645714) = 1.305848 / (0.857143 × 5.184713) = 1.305848 / 4.444040 = 0.29384
    expect(hrTss(3600, 120, hr)).toBeCloseTo(29.38, 1);
  });
});

describe('TSS of one activity', () => {
  it('uses weighted average watts from a power meter as NP', () => {
    const r = rideTss(ride({ movingTimeS: 7200, devicePower: true, weightedAverageWatts: 210, averageWatts: 190, averageHeartrate: 150 }), athlete);
    expect(r).toEqual({ tss: expect.closeTo(112.5, 9), method: 'power' });
  });

  it('falls back to heart rate without a power meter', () => {
    const r = rideTss(ride({ movingTimeS: 1800, averageWatts: 180, devicePower: false, averageHeartrate: 170 }), athlete);
    expect(r).toEqual({ tss: expect.closeTo(50, 9), method: 'heart-rate' });
  });

  it('estimates from duration when there is neither power nor heart rate, and says so', () => {
    // 2 h × 0.65² × 100 = 84.5
    expect(rideTss(ride({ movingTimeS: 7200 }), athlete)).toEqual({ tss: expect.closeTo(84.5, 9), method: 'duration-estimate' });
    // 1 h walk × 0.5² × 100 = 25
    expect(durationEstimateTss(3600, 'Walk')).toBeCloseTo(25, 9);
  });

  it('does not use heart rate without a resting HR', () => {
    const r = rideTss(ride({ averageHeartrate: 150 }), { ...athlete, restingHr: null });
    expect(r.method).toBe('duration-estimate');
  });
});

describe('performance manager (exponential 1 − e^(−1/N))', () => {
  it('uses per-day factors 0.023528 (42 d) and 0.133122 (7 d)', () => {
    expect(decayFactor(42)).toBeCloseTo(0.023528, 6);
    expect(decayFactor(7)).toBeCloseTo(0.133122, 6);
  });

  it('follows a 100-TSS day then a rest day, with TSB from the previous day', () => {
    const pmc = performanceManager([
      { date: '2025-07-01', tss: 100 },
      { date: '2025-07-02', tss: 0 },
    ]);
    // day 1: CTL = 100 × 0.023528 = 2.3528; ATL = 100 × 0.133122 = 13.3122 (1/7 would give 14.29); TSB = 0 − 0
    expect(pmc[0].ctl).toBeCloseTo(2.3528, 3);
    expect(pmc[0].atl).toBeCloseTo(13.3122, 3);
    expect(pmc[0].tsb).toBe(0);
    // day 2: CTL = 2.3528 × 0.976472 = 2.29744; ATL = 13.3122 × 0.866878 = 11.54005
    // TSB(day 2) = CTL(day 1) − ATL(day 1) = 2.3528 − 13.3122 = −10.9594
    expect(pmc[1].ctl).toBeCloseTo(2.29744, 3);
    expect(pmc[1].atl).toBeCloseTo(11.54005, 3);
    expect(pmc[1].tsb).toBeCloseTo(-10.9594, 3);
  });

  it('starts from a seed and converges to a steady daily load', () => {
    const series = Array.from({ length: 1000 }, (_, i) => ({ date: addDays('2020-01-01', i), tss: 50 }));
    const pmc = performanceManager(series, { seed: { ctl: 50, atl: 50 } });
    // seeded at the steady state: every day stays at 50 and TSB at 0
    expect(pmc[0].ctl).toBeCloseTo(50, 9);
    expect(pmc[999].tsb).toBeCloseTo(0, 9);
    const fromZero = performanceManager(series);
    expect(fromZero[999].ctl).toBeCloseTo(50, 3);
  });
});

describe('daily TSS series', () => {
  it('fills rest days with 0 and reports the weakest method of a day', () => {
    const series = dailyTssSeries(
      [
        ride({ date: '2025-07-01', movingTimeS: 3600, devicePower: true, weightedAverageWatts: 280 }),
        ride({ date: '2025-07-01', movingTimeS: 3600, sportType: 'Walk' }),
        ride({ date: '2025-07-05', movingTimeS: 3600 }), // outside the range
      ],
      athlete,
      '2025-07-01',
      '2025-07-03',
    );
    expect(series).toEqual([
      { date: '2025-07-01', tss: expect.closeTo(125, 9), method: 'duration-estimate', rides: 2 }, // 100 + 25
      { date: '2025-07-02', tss: 0, method: null, rides: 0 },
      { date: '2025-07-03', tss: 0, method: null, rides: 0 },
    ]);
  });
});

describe('ACWR', () => {
  const days = (n: number, tssOf: (i: number) => number) =>
    Array.from({ length: n }, (_, i) => ({ date: addDays('2025-06-01', i), tss: tssOf(i) }));

  it('is 7-day mean over 28-day mean: 21 days at 50 then 7 at 100 → 1.6', () => {
    // acute = 100; chronic = (21 × 50 + 7 × 100) / 28 = 1750 / 28 = 62.5; 100 / 62.5 = 1.6
    const s = days(28, (i) => (i < 21 ? 50 : 100));
    expect(acuteChronicRatio(s, addDays('2025-06-01', 28))).toBeCloseTo(1.6, 9);
  });

  it('is null without 28 days of history, or without chronic load', () => {
    expect(acuteChronicRatio(days(27, () => 50), addDays('2025-06-01', 27))).toBeNull();
    expect(acuteChronicRatio(days(28, () => 0), addDays('2025-06-01', 28))).toBeNull();
  });
});

describe('HRV trend (ln rMSSD) and resting HR', () => {
  const D = '2025-07-10';
  // baseline nights D−7..D−66 (the 60 before the week of D): odd offsets 50 ms / 48 bpm, even 60 ms / 50 bpm
  const base: WellnessPoint[] = Array.from({ length: 60 }, (_, k) => {
    const i = k + 7;
    return { date: addDays(D, -i), averageHrvMs: i % 2 ? 50 : 60, lowestHeartRate: i % 2 ? 48 : 50 };
  });
  const week = (ms: number[]): WellnessPoint[] => ms.map((v, k) => ({ date: addDays(D, -(ms.length - 1 - k)), averageHrvMs: v, lowestHeartRate: 49 }));

  it('gives the 7-day mean of ln rMSSD and the baseline mean and SD of the 60 nights before that week', () => {
    const f = hrvFigures([...base, ...week([50, 60, 50, 60, 50, 60, 40])], D);
    // week: (3 × ln 50 + 3 × ln 60 + ln 40) / 7 = (3 × 3.912023 + 3 × 4.094345 + 3.688879) / 7 = 3.958283
    expect(f.lnMean7d).toBeCloseTo(3.958283, 5);
    expect(f.nights7d).toBe(7);
    // baseline: 30 × ln 50 and 30 × ln 60 → mean 4.003184, deviations ±0.091161, sample SD × √(60/59) = 0.091930
    expect(f.lnBaseline).toBeCloseTo(4.003184, 5);
    expect(f.lnSd).toBeCloseTo(0.09193, 5);
    expect(f.nightsBaseline).toBe(60);
    const t = hrvTrend(f)!;
    expect(t.swc).toBeCloseTo(0.046, 4); // 0.5 × SD
  });

  it('puts the 7-day mean and the normal range e^(baseline ± SWC) in ms in the load figures', () => {
    const l = computeLoad({ date: D, athlete, rides: [], wellness: [...base, ...week([45, 45, 45, 45, 45, 45, 45])] });
    expect(l.hrv7dMean).toBe(45);
    // e^(4.003184 − 0.045965) = 52.31, e^(4.003184 + 0.045965) = 57.35
    expect(l.hrvNormalLow).toBe(52.3);
    expect(l.hrvNormalHigh).toBe(57.3);
    expect(l.hrvTrend).toEqual({ lnMean7d: 3.8067, lnBaseline: 4.0032, lnSd: 0.0919, swc: 0.046, nights7d: 7, nightsBaseline: 60 });
  });

  it('needs 3 nights in the week and 14 in the baseline; a missing or zero night is skipped', () => {
    const f = hrvFigures([...base.slice(0, 13), ...week([50, 0, 55])], D);
    expect(f.lnBaseline).toBeNull();
    expect(f.lnMean7d).toBeNull(); // only 2 valid nights: 50 and 55
    expect(hrvTrend(f)).toBeNull();
    expect(hrvFigures([...base, ...week([50, 55, 52])], D).lnMean7d).toBeCloseTo((Math.log(50) + Math.log(55) + Math.log(52)) / 3, 9);
  });

  it('gives the resting HR deviation against the 60 nights before', () => {
    const nights = Array.from({ length: 60 }, (_, k) => ({ date: addDays(D, -(k + 1)), averageHrvMs: 55, lowestHeartRate: (k + 1) % 2 ? 48 : 50 }));
    // lowest HR 55 against a mean of 49 → +6 bpm
    expect(restingHrDeviation([...nights, { date: D, averageHrvMs: 40, lowestHeartRate: 55 }], D)).toBeCloseTo(6, 9);
    expect(restingHrDeviation(nights, D)).toBeNull(); // no night for D itself
    expect(restingHrDeviation([...nights.slice(0, 6), { date: D, averageHrvMs: 40, lowestHeartRate: 55 }], D)).toBeNull();
  });
});

describe('computeLoad', () => {
  it('reports yesterday-based CTL, ATL and TSB for a two-day history', () => {
    const figures = computeLoad({
      date: '2025-07-10',
      athlete,
      historyStart: '2025-07-08',
      rides: [
        ride({ date: '2025-07-08', movingTimeS: 7200, devicePower: true, weightedAverageWatts: 210 }), // 112.5
        ride({ date: '2025-07-09', movingTimeS: 3600, averageHeartrate: 170 }), // 100, heart rate
        ride({ date: '2025-07-10', movingTimeS: 3600, devicePower: true, weightedAverageWatts: 280 }), // today: ignored
      ],
    });
    // day 1: CTL = 112.5 × 0.023528 = 2.64690; ATL = 112.5 × 0.133122 = 14.97623
    // day 2: CTL = 2.64690 + 97.35310 × 0.023528 = 4.93743; ATL = 14.97623 + 85.02377 × 0.133122 = 26.29477
    expect(figures).toEqual({
      date: '2025-07-10',
      yesterdayTss: 100,
      yesterdayTssMethod: 'heart-rate',
      ctl: 4.9,
      atl: 26.3,
      tsb: -21.4,
      acwr: null,
      acwrSpike: false,
      hrv7dMean: null,
      hrvNormalLow: null,
      hrvNormalHigh: null,
      hrvTrend: null,
      restingHrDeviation: null,
    });
  });

  it('flags an ACWR spike above 1.5', () => {
    const rides = Array.from({ length: 28 }, (_, i) =>
      ride({ date: addDays('2025-06-01', i), movingTimeS: 3600, devicePower: true, weightedAverageWatts: i < 21 ? 198 : 280 }),
    );
    // 198 W at FTP 280 for 1 h: (198/280)² × 100 = 50.005; 280 W: 100
    // acute 100, chronic (21 × 50.005 + 700) / 28 = 62.504 → 1.5999
    const f = computeLoad({ date: '2025-06-29', athlete, rides, historyStart: '2025-06-01' });
    expect(f.acwr).toBe(1.6);
    expect(f.acwrSpike).toBe(true);
    expect(f.yesterdayTssMethod).toBe('power');
  });

  it('uses the observed nightly lowest HR for hrTSS when the profile has no resting HR', () => {
    const wellness: WellnessPoint[] = [
      { date: '2025-07-07', averageHrvMs: 60, lowestHeartRate: 50 },
      { date: '2025-07-08', averageHrvMs: 60, lowestHeartRate: 50 },
    ];
    const f = computeLoad({
      date: '2025-07-10',
      athlete: { ...athlete, restingHr: null },
      historyStart: '2025-07-09',
      rides: [ride({ date: '2025-07-09', movingTimeS: 3600, averageHeartrate: 170 })],
      wellness,
    });
    expect(f.yesterdayTss).toBe(100);
    expect(f.yesterdayTssMethod).toBe('heart-rate');
  });
});

describe('load from the whole history', () => {
  it('takes the daily TSS before the rides window from the history given, days missing in it counting 0', () => {
    // history: 100 TSS on 07-01, nothing stored on 07-02, rides window from 07-03 (empty)
    const f = computeLoad({ date: '2025-07-04', athlete, rides: [], historyStart: '2025-07-03', history: [{ date: '2025-07-01', tss: 100 }] });
    // CTL: 100 × 0.023528 = 2.3528, then × (1 − 0.023528)² = 2.2434; ATL: 13.3122 × (1 − 0.133122)² = 10.0039
    expect(f.ctl).toBe(2.2);
    expect(f.atl).toBe(10);
    expect(f.yesterdayTss).toBe(0);
  });

  it('refuses a history day with a TSS that is not a number ≥ 0', () => {
    expect(() => computeLoad({ date: '2025-07-04', athlete, rides: [], historyStart: '2025-07-03', history: [{ date: '2025-07-01', tss: -3 }] })).toThrow(
      'load history 2025-07-01: TSS must be a number ≥ 0, got -3',
    );
  });

  describe('a synthetic rider with a year and a half of riding', () => {
    const D = '2025-07-10';
    const start = '2024-01-01';
    const synth = new SyntheticAthlete({ seed: 'whole-history', profile: athlete, startDate: start, endDate: D });
    const all = synth.activities(utcMidnightEpochS(start), utcMidnightEpochS(D)).map((a) => rideFromStrava(a, 'synthetic')!);
    // The reference: the PMC over every day of the history, from 0 on the first day.
    const everyDay = dailyTssSeries(all, athlete, start, addDays(D, -1));
    const reference = performanceManager(everyDay).at(-1)!;
    const windowStart = addDays(D, -90);
    const rows = everyDay.filter((d) => d.date < windowStart); // what a daily_load table holds
    const windowRides = all.filter((r) => r.date >= windowStart);

    it('gives the reference CTL and ATL from the whole history', () => {
      expect(reference.ctl).toBeGreaterThan(30);
      const f = computeLoad({ date: D, athlete, rides: windowRides, historyStart: windowStart, history: rows });
      expect(Math.abs(f.ctl - reference.ctl)).toBeLessThanOrEqual(0.05);
      expect(Math.abs(f.atl - reference.atl)).toBeLessThanOrEqual(0.05);
    });

    it('is within 0.5 of it after six CTL time constants of history', () => {
      const warm = rows.slice(-(LOAD_WARMUP_DAYS - 90));
      expect(warm[0].date).toBe(addDays(D, -LOAD_WARMUP_DAYS));
      const f = computeLoad({ date: D, athlete, rides: windowRides, historyStart: windowStart, history: warm });
      expect(Math.abs(f.ctl - reference.ctl)).toBeLessThanOrEqual(0.5);
    });

    it('is well below it from the 90-day window alone (CTL starting at 0)', () => {
      const f = computeLoad({ date: D, athlete, rides: windowRides, historyStart: windowStart });
      expect(reference.ctl - f.ctl).toBeGreaterThan(2);
    });
  });
});
