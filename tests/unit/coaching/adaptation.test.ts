/** Reflection-driven adaptation: bounded, explained, counted once. */
import { adaptFromReflections, strainTrend } from '../../../src/coaching/adaptation';
import { DEFAULT_PARAMETERS, PARAMETER_BOUNDS } from '../../../src/coaching/athlete-parameters';
import { DAYS, GOALS, recentDay, reflection } from './fixtures';
import { addDays } from '../../../src/domain/iso-date';

const TODAY = '2025-07-14';
const days3 = ['2025-07-11', '2025-07-12', '2025-07-13'];

describe('adaptFromReflections', () => {
  it('sessions that feel harder than intended lower the intensity scale, with a sentence', () => {
    const r = adaptFromReflections(DEFAULT_PARAMETERS, days3.map((d) => reflection(d, { rpe: 8 })), days3.map((d) => recentDay(d, { intendedIf: 0.7 })), TODAY);
    expect(r.parameters.intensityScale).toBe(0.95);
    expect(r.parameters.adaptedThrough).toBe('2025-07-13');
    expect(r.changes).toEqual([
      { parameter: 'intensityScale', from: 1, to: 0.95, why: 'Your last 3 sessions felt harder than intended (RPE 8, 8, 8 where about 4, 4, 4 was expected), so the intensity scale goes from 1 to 0.95.' },
    ]);
  });

  it('counts each reflection once', () => {
    const refl = days3.map((d) => reflection(d, { rpe: 8 }));
    const recent = days3.map((d) => recentDay(d, { intendedIf: 0.7 }));
    const first = adaptFromReflections(DEFAULT_PARAMETERS, refl, recent, TODAY);
    const again = adaptFromReflections(first.parameters, refl, recent, addDays(TODAY, 1));
    expect(again.changes).toEqual([]);
    expect(again.parameters.intensityScale).toBe(0.95);
  });

  it('stays inside its bounds however long the bad streak', () => {
    let params = DEFAULT_PARAMETERS;
    const refl = [];
    const recent = [];
    for (let n = 0; n < 30; n += 1) {
      const date = addDays('2025-06-01', n);
      refl.push(reflection(date, { rpe: 10, legs: 1, completed: 'no' }));
      recent.push(recentDay(date, { intendedIf: 0.6, hrvDropPct: params.hrvDropTolerance * 0.75 }));
      params = adaptFromReflections(params, refl, recent, addDays(date, 1)).parameters;
    }
    expect(params.intensityScale).toBe(PARAMETER_BOUNDS.intensityScale.min);
    expect(params.recoverySpeed).toBe(PARAMETER_BOUNDS.recoverySpeed.min);
    expect(params.tsbFloor).toBe(PARAMETER_BOUNDS.tsbFloor.max);
    expect(params.hrvDropTolerance).toBe(PARAMETER_BOUNDS.hrvDropTolerance.min);
  });

  it('sore legs slow the recovery speed and raise the TSB floor', () => {
    const r = adaptFromReflections(DEFAULT_PARAMETERS, days3.map((d, i) => reflection(d, { legs: i === 0 ? 4 : 2, rpe: 4 })), days3.map((d) => recentDay(d)), TODAY);
    expect(r.parameters.recoverySpeed).toBe(0.9);
    expect(r.parameters.tsbFloor).toBe(-17);
    expect(r.changes.map((c) => c.why)).toEqual([
      'Your legs were sore on 2 of your last 3 reflections (legs 2/5, 2/5), so your recovery speed goes from 1 to 0.90.',
      'Your legs were sore on 2 of your last 3 reflections (legs 2/5, 2/5), so the lowest form (TSB) tolerated goes from -20 to -17.',
    ]);
  });

  it('easy-feeling, completed sessions with fresh legs nudge intensity and recovery up', () => {
    const r = adaptFromReflections(DEFAULT_PARAMETERS, days3.map((d) => reflection(d, { rpe: 2, legs: 5 })), days3.map((d) => recentDay(d, { intendedIf: 0.75 })), TODAY);
    expect(r.parameters.intensityScale).toBe(1.03);
    expect(r.parameters.recoverySpeed).toBe(1.05);
  });

  it('riding well through HRV dips raises the HRV tolerance', () => {
    const recent = days3.map((d, i) => recentDay(d, { intendedIf: 0.75, hrvDropPct: i === 0 ? 0 : 0.13 }));
    const r = adaptFromReflections(DEFAULT_PARAMETERS, days3.map((d) => reflection(d, { rpe: 4, legs: 4 })), recent, TODAY);
    expect(r.parameters.hrvDropTolerance).toBe(0.12);
    expect(r.changes.find((c) => c.parameter === 'hrvDropTolerance')?.why).toContain('You rode well despite an HRV dip on 2025-07-12 (HRV 13% down, RPE 4) and 2025-07-13');
  });

  it('bad rides after tolerated HRV dips lower the HRV tolerance', () => {
    const recent = days3.map((d, i) => recentDay(d, { intendedIf: 0.7, hrvDropPct: i === 0 ? 0 : 0.08 }));
    const r = adaptFromReflections(DEFAULT_PARAMETERS, days3.map((d) => reflection(d, { rpe: 4, legs: 2 })), recent, TODAY);
    expect(r.parameters.hrvDropTolerance).toBe(0.08);
    expect(r.changes.find((c) => c.parameter === 'hrvDropTolerance')?.why).toBe(
      'Rides went badly after HRV dips you were allowed to ride through on 2025-07-12 (HRV 8% down, RPE 4) and 2025-07-13 (HRV 8% down, RPE 4), so the HRV drop you tolerate goes from 0.10 to 0.08.',
    );
  });

  it('unfinished sessions lower the intensity scale', () => {
    const r = adaptFromReflections(DEFAULT_PARAMETERS, days3.map((d, i) => reflection(d, { rpe: 4, completed: i === 0 ? 'yes' : 'partly' })), days3.map((d) => recentDay(d)), TODAY);
    expect(r.parameters.intensityScale).toBe(0.97);
    expect(r.changes[0].why).toContain('You did not fully complete 2 of your last 3 sessions (2025-07-12: partly, 2025-07-13: partly)');
  });
});

describe('strainTrend', () => {
  it('does nothing with fewer than 3 strained days in 5', () => {
    const r = strainTrend(DEFAULT_PARAMETERS, [recentDay('2025-07-12', { state: 'strained' })], { date: TODAY, state: 'strained' }, DAYS, GOALS);
    expect(r.replan).toBeNull();
    expect(r.parameters).toBe(DEFAULT_PARAMETERS);
  });

  it('strained days outside the last five do not count', () => {
    const recent = [recentDay('2025-07-08', { state: 'strained' }), recentDay('2025-07-09', { state: 'sick' })];
    expect(strainTrend(DEFAULT_PARAMETERS, recent, { date: TODAY, state: 'strained' }, DAYS, GOALS).replan).toBeNull();
  });

  it('late in the week the re-plan reaches into the next days, and is not repeated', () => {
    const recent = [recentDay('2025-07-17', { state: 'sick' }), recentDay('2025-07-18', { state: 'strained' })];
    const r = strainTrend(DEFAULT_PARAMETERS, recent, { date: '2025-07-19', state: 'strained' }, DAYS, GOALS);
    expect(r.replan?.until).toBe('2025-07-21');
    expect(r.parameters.easeUntil).toBe('2025-07-21');
    const again = strainTrend(r.parameters, recent, { date: '2025-07-19', state: 'strained' }, DAYS, GOALS);
    expect(again.replan).toBeNull();
  });
});
