/** The mission's say: key stages, taper, weekly cap, hard-day streaks — never against safety. */
import { negotiate, type NegotiationInput } from '../../../src/coaching/negotiation';
import { reason } from '../../../src/coaching/readiness';
import type { DayObservation, LoadFigures } from '../../../src/domain/types';
import { ATHLETE, DAYS, GOALS, hrvWeek, load, missionDay, observation, observationWithoutOura, recentDay, reflection } from './fixtures';

function negotiated(date: string, over: Partial<NegotiationInput> = {}, body: { obs?: DayObservation; load?: LoadFigures } = {}) {
  const day = missionDay(date);
  const r = reason({ day, observation: body.obs ?? observation(date), load: body.load ?? load(date), reflections: [reflection('2025-07-13')], athlete: ATHLETE });
  return negotiate({ reasoning: r.decision, day, goals: GOALS, days: DAYS, recentDays: [], weekMinutesSoFar: 60, dataCap: r.assessment.dataCap, ...over });
}

describe('negotiate', () => {
  it('taper before a key stage: the mission shortens a ready day', () => {
    const d = negotiated('2025-07-16');
    expect(d.decision).toBe('reduce_volume');
    expect(d.negotiation).toEqual({
      reasoningProposed: 'as_planned',
      missionProposed: 'reduce_volume',
      prevailed: 'mission',
      why: expect.stringContaining('taper: key stage 12 (Stage 12: Auch → Hautacam) is 1 day(s) away (taper of 1 days)'),
    });
    expect(d.maxDurationMin).toBe(36);
  });

  it('after the allowed number of hard days in a row the mission takes the intensity out', () => {
    const recentDays = ['2025-07-11', '2025-07-12', '2025-07-13'].map((date) => recentDay(date, { stageType: 'mountain' }));
    const d = negotiated('2025-07-14', { recentDays });
    expect(d.decision).toBe('modify_intensity');
    expect(d.negotiation?.prevailed).toBe('mission');
    expect(d.negotiation?.why).toContain('3 hard days in a row already; the mission allows at most 3');
    // A streak broken by an easy day does not count.
    const broken = negotiated('2025-07-14', { recentDays: [...recentDays.slice(0, 2), recentDay('2025-07-13', { stageType: 'mountain', decision: 'recovery' })] });
    expect(broken.decision).toBe('as_planned');
    expect(broken.negotiation).toBeNull();
  });

  it('a key stage keeps its plan even after a hard streak', () => {
    const recentDays = ['2025-07-14', '2025-07-15', '2025-07-16'].map((date) => recentDay(date, { stageType: 'mountain' }));
    const d = negotiated('2025-07-17', { recentDays });
    expect(d.decision).toBe('as_planned');
    expect(d.negotiation).toBeNull();
  });

  it('the weekly hours cap trims the day, and a used-up cap means rest', () => {
    const trimmed = negotiated('2025-07-14', { weekMinutesSoFar: 12 * 60 - 40 });
    expect(trimmed.maxDurationMin).toBe(40);
    expect(trimmed.rationale.join(' ')).toContain('The weekly cap of 12 h leaves 40 min this week (680 min done), so today is capped at 40 of the 90 min planned.');
    const used = negotiated('2025-07-14', { weekMinutesSoFar: 12 * 60 });
    expect(used.decision).toBe('rest');
    expect(used.negotiation?.why).toContain('the weekly cap of 12 h is used up (720 min this week)');
  });

  it('strained on a key stage: safety prevails over the calendar', () => {
    const d = negotiated('2025-07-17', {}, { load: load('2025-07-17', { tsb: -35 }) });
    expect(d.decision).toBe('recovery');
    expect(d.negotiation).toEqual(expect.objectContaining({ reasoningProposed: 'recovery', missionProposed: 'reduce_volume', prevailed: 'safety' }));
    expect(d.negotiation?.why).toContain('Readiness is strained, and safety comes before the calendar');
    expect(d.tssBand.max).toBeLessThanOrEqual(Math.ceil((45 / 60) * 0.36 * 100));
  });

  it('strained on a rest day: rest, the mission is the more careful side', () => {
    const d = negotiated('2025-07-15', {}, { load: load('2025-07-15', { tsb: -35 }) });
    expect(d.decision).toBe('rest');
    expect(d.negotiation).toEqual(expect.objectContaining({ reasoningProposed: 'recovery', missionProposed: 'rest', prevailed: 'mission' }));
  });

  it('no priority at stake: the reasoning stands and nothing is negotiated', () => {
    const d = negotiated('2025-07-14', {}, { obs: observation('2025-07-14', { hrv: 43 }), load: load('2025-07-14', hrvWeek(43)) });
    expect(d.decision).toBe('modify_intensity');
    expect(d.negotiation).toBeNull();
    expect(d.rationale[d.rationale.length - 1]).toMatch(/^Today: keep the time but lower the intensity, up to 90 min, \d+–\d+ TSS\.$/);
  });

  it('without readiness data a key stage keeps its intensity capped: the mission may not bring it back', () => {
    const date = '2025-07-17'; // stage 12, a key stage
    const d = negotiated(date, {}, { obs: observationWithoutOura(date), load: load(date, { hrvTrend: null, hrv7dMean: null }) });
    expect(d.state).toBe('caution');
    expect(d.decision).toBe('modify_intensity');
    expect(d.negotiation).toEqual({
      reasoningProposed: 'modify_intensity',
      missionProposed: 'reduce_volume',
      prevailed: 'safety',
      why: expect.stringContaining('Without readiness data the intensity stays capped'),
    });
    // with the data back, the same key stage is kept with its intensity
    const back = negotiated(date, {}, { obs: observation(date), load: load(date) });
    expect(back.decision).toBe('as_planned');
  });
});
