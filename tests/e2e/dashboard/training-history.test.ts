/** The pure parts behind the charts and the calendar, against hand-computed values. */
import type { DayRecord } from '../../../src/memory/records';
import type { LoadFigures, RideSummary } from '../../../src/domain/types';
import { dailyLoadFromRecords, fitnessSeries, plannedTss, wellnessFromRecords } from '../../../src/dashboard/fitness';
import { calendarTiles, calendarWeeks, dayNames, overrideLabel } from '../../../src/dashboard/calendar';
import { powerLevel } from '../../../src/dashboard/chart-data';
import { decayFactor } from '../../../src/observation/training-load';
import { aliceMission, historyRide } from './seed';

const PROFILE = aliceMission('2025-07-05').athlete;

function day(date: string, over: Partial<DayRecord> = {}): DayRecord {
  return { date, run: null, observation: null, load: null, decision: null, plan: null, classSuggestions: null, reflection: null, overrides: [], notifications: [], report: null, ...over };
}
function observed(date: string, rides: RideSummary[], hrv: number | null = null): Partial<DayRecord> {
  return { observation: { date, readiness: null, sleep: null, hrv: hrv === null ? null : { source: 'synthetic', averageHrvMs: hrv, lowestHeartRate: 45, averageHeartRate: 50 }, rides, missing: [] } };
}
function load(date: string, yesterdayTss: number): LoadFigures {
  return { date, yesterdayTss, yesterdayTssMethod: 'power', ctl: 0, atl: 0, tsb: 0, acwr: null, acwrSpike: false, hrv7dMean: null, hrvNormalLow: 40, hrvNormalHigh: 60, restingHrDeviation: null };
}

describe('daily load over the whole history', () => {
  it('scores every stored ride once (observations overlap), fills days without rides with 0, and lets the coach’s own figure win', () => {
    const r1 = historyRide('2025-06-01'); // 1 h at 200 W weighted, FTP 250: (200/250)² × 100 = 64 TSS
    const r2 = historyRide('2025-06-03');
    const missions = [
      { profile: PROFILE, days: [day('2025-06-04', observed('2025-06-04', [r1, r2])), day('2025-06-05', { ...observed('2025-06-05', [r1, r2]), load: load('2025-06-05', 70) })] },
      // Another mission of the same athlete seeing the same ride.
      { profile: PROFILE, days: [day('2025-06-02', observed('2025-06-02', [r1]))] },
    ];
    expect(dailyLoadFromRecords(missions)).toEqual([
      { date: '2025-06-01', tss: 64 },
      { date: '2025-06-02', tss: 0 },
      { date: '2025-06-03', tss: 64 },
      { date: '2025-06-04', tss: 70 },
    ]);
  });

  it('is empty without any ride or load figure', () => {
    expect(dailyLoadFromRecords([{ profile: PROFILE, days: [day('2025-06-04')] }])).toEqual([]);
  });

  it('keeps one wellness entry per night, with the coach’s HRV band', () => {
    const w = wellnessFromRecords([{ profile: PROFILE, days: [day('2025-06-04', { ...observed('2025-06-04', [], 52), load: load('2025-06-04', 0) })] }]);
    expect(w).toEqual([{ date: '2025-06-04', readiness: null, hrvMs: 52, restingHr: 45, hrvLow: 40, hrvHigh: 60 }]);
  });
});

describe('fitness series', () => {
  it('runs CTL/ATL over the history, then projects the planned days from today', () => {
    const s = fitnessSeries(
      [{ date: '2025-07-01', tss: 100 }, { date: '2025-07-02', tss: 0 }, { date: '2025-07-03', tss: 999 }],
      [{ date: '2025-07-03', tss: 50 }, { date: '2025-07-05', tss: 80 }],
      '2025-07-03',
    );
    expect(s.dates).toEqual(['2025-07-01', '2025-07-02', '2025-07-03', '2025-07-04', '2025-07-05']);
    // Today's load is not known yet: the stored 999 is ignored, the plan's 50 is used.
    expect(s.tss).toEqual([100, 0, null, null, null]);
    expect(s.planned).toEqual([null, null, 50, 0, 80]);
    expect(s.projectedFrom).toBe(2);
    const k = decayFactor(42);
    expect(s.ctl[0]).toBeCloseTo(100 * k, 1);
    expect(s.ctl[1]).toBeCloseTo(100 * k * (1 - k), 1);
    // Form on day 2 is day 1's CTL − ATL.
    expect(s.tsb[1]).toBeCloseTo(100 * k - 100 * decayFactor(7), 1);
  });

  it('estimates an unplanned day from its type and length, and uses the plan once there is one', () => {
    const flat = { type: 'flat' as const, training: { mode: 'indoor' as const, durationMin: 60, focus: 'endurance' } };
    expect(plannedTss(flat, null)).toBe(49); // 1 h at IF 0.7
    expect(plannedTss(flat, { targetTss: 61 })).toBe(61);
    expect(plannedTss({ type: 'rest', training: { mode: 'rest', durationMin: 0, focus: 'rest' } }, null)).toBe(0);
  });
});

describe('calendar', () => {
  const tdf = aliceMission('2025-07-07');
  const config = { ...tdf, days: tdf.days.slice(0, 5) }; // Monday 7 July to Friday 11 July

  it('lays the days out in Monday-first weeks with the week of today marked', () => {
    const tiles = calendarTiles({ config, records: [], upcoming: null, today: '2025-07-13' });
    expect(tiles.map((t) => [t.date, t.when, t.thisWeek])).toEqual([
      ['2025-07-07', 'past', true],
      ['2025-07-08', 'past', true],
      ['2025-07-09', 'past', true],
      ['2025-07-10', 'past', true],
      ['2025-07-11', 'past', true],
    ]);
    const weeks = calendarWeeks(tiles, '2025-07-14');
    expect(weeks).toHaveLength(1);
    expect(weeks[0]!.thisWeek).toBe(false);
    expect(weeks[0]!.cells.map((c) => c?.date ?? null)).toEqual(['2025-07-07', '2025-07-08', '2025-07-09', '2025-07-10', '2025-07-11', null, null]);
  });

  it('names a stage once ("Stage 1: Lille → Lille" is not repeated three times)', () => {
    expect(dayNames({ stage: 1, name: 'Stage 1: Lille Métropole → Lille Métropole', route: 'Lille Métropole → Lille Métropole' })).toEqual({
      short: 'Lille Métropole → Lille Métropole',
      title: 'Stage 1 · Lille Métropole → Lille Métropole',
      route: null,
    });
    expect(dayNames({ stage: 4, name: 'Stage 4', route: 'A → B' })).toEqual({ short: 'Stage 4', title: 'Stage 4', route: 'A → B' });
    expect(dayNames({ stage: null, name: 'Rest day in Pau', route: null })).toEqual({ short: 'Rest day in Pau', title: 'Rest day in Pau', route: null });
  });

  it('says what an override did in a few words', () => {
    expect(overrideLabel('rest-day', { input: { kind: 'rest-day', date: '2025-07-08', reason: 'travel' } })).toBe('rest day (travel)');
    expect(overrideLabel('swap-days', { input: { kind: 'swap-days', date: '2025-07-08', otherDate: '2025-07-09' } })).toBe('swapped with 2025-07-09');
    expect(overrideLabel('shift', { input: { kind: 'shift', days: 2 } })).toBe('moved +2 days');
  });
});

describe('workout zones', () => {
  it.each([
    [0.3, 1],
    [0.55, 1],
    [0.6, 2],
    [0.82, 3],
    [1.0, 4],
    [1.1, 5],
    [1.3, 6],
    [1.7, 7],
    [2.5, 7],
  ])('%p of FTP is Coggan level %p', (pct, level) => expect(powerLevel(pct)).toBe(level));
});
