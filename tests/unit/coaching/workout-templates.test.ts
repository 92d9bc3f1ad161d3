/** The deterministic planner must produce a valid workout for every stage type × decision × time. */
import { DECISIONS, STAGE_TYPES, type DecisionKind, type StageType } from '../../../src/domain/types';
import { dayTargets } from '../../../src/coaching/day-targets';
import { planFromTemplate } from '../../../src/coaching/workout-templates';
import { checkPlan, INTENSITY_CAPS } from '../../../src/coaching/workout-validation';
import { computeTss } from '../../../src/coaching/training-zones';
import { ATHLETE } from './fixtures';

const durations = [20, 30, 45, 60, 75, 90, 120, 180];
const cases: Array<[StageType, DecisionKind, number, number]> = [];
for (const stage of STAGE_TYPES) for (const decision of DECISIONS) for (const d of durations) for (const scale of [0.8, 1, 1.1]) cases.push([stage, decision, d, scale]);

describe('workout templates', () => {
  it.each(cases)('%s / %s / %i min / scale %d passes every check', (stageType, kind, available, scale) => {
    const day = { type: stageType, training: { mode: stageType === 'rest' ? ('rest' as const) : ('indoor' as const), durationMin: available, focus: '' } };
    const targets = dayTargets(kind, day, available, scale);
    const decision = { decision: kind, tssBand: targets.tssBand, maxDurationMin: targets.maxDurationMin };
    const ctx = { decision, athlete: ATHLETE, weeklyRemainingMin: null };
    const workout = planFromTemplate({ stageType, decision, ctx }, 'test');
    expect(workout.source).toBe('fallback');
    expect(workout.fallbackReason).toBe('test');
    if (targets.maxDurationMin === 0) {
      expect(workout.durationMin).toBe(0);
      expect(workout.intervals).toEqual([]);
      return;
    }
    const plan = { ...workout, estimatedTss: null, intervals: workout.intervals.map((i) => ({ durationMin: i.durationMin, targetPctFtp: i.targetPctFtp, hrZone: i.hrZone, cadenceRpm: i.cadenceRpm, cue: i.cue })) };
    expect(checkPlan(plan, ctx)).toEqual([]);
    expect(workout.durationMin).toBe(targets.maxDurationMin);
    expect(workout.targetTss).toBe(Math.round(computeTss(plan.intervals)));
    const cap = INTENSITY_CAPS[kind].pctFtp;
    for (const i of workout.intervals) {
      expect(i.targetPctFtp).not.toBeNull();
      expect(i.targetPctFtp as number).toBeLessThanOrEqual(cap);
      expect(i.targetWatts).toBe(Math.round((i.targetPctFtp as number) * ATHLETE.ftpW));
      expect(i.targetHr).not.toBeNull();
    }
  });

  it('rehearses the stage: a mountain day as planned has sustained climbs, a recovery day has none', () => {
    const mountain = dayTargets('as_planned', { type: 'mountain', training: { mode: 'indoor', durationMin: 90, focus: '' } }, 90);
    const ctx = { decision: { decision: 'as_planned' as const, ...mountain }, athlete: ATHLETE, weeklyRemainingMin: null };
    const w = planFromTemplate({ stageType: 'mountain', decision: ctx.decision, ctx }, 'model off');
    expect(w.title).toContain('Mountain stage');
    expect(w.intervals.filter((i) => (i.targetPctFtp ?? 0) >= 0.85 && i.durationMin >= 10).length).toBeGreaterThanOrEqual(2);

    const rec = dayTargets('recovery', { type: 'mountain', training: { mode: 'indoor', durationMin: 90, focus: '' } }, 90);
    const rctx = { decision: { decision: 'recovery' as const, ...rec }, athlete: ATHLETE, weeklyRemainingMin: null };
    const r = planFromTemplate({ stageType: 'mountain', decision: rctx.decision, ctx: rctx }, 'model off');
    expect(r.durationMin).toBe(45);
    expect(Math.max(...r.intervals.map((i) => i.targetPctFtp ?? 0))).toBeLessThanOrEqual(0.6);
  });

  it('fits inside the weekly hours cap left', () => {
    const t = dayTargets('as_planned', { type: 'flat', training: { mode: 'indoor', durationMin: 120, focus: '' } }, 120);
    const ctx = { decision: { decision: 'as_planned' as const, tssBand: { min: 0, max: t.tssBand.max }, maxDurationMin: 120 }, athlete: ATHLETE, weeklyRemainingMin: 50 };
    const w = planFromTemplate({ stageType: 'flat', decision: ctx.decision, ctx }, 'cap');
    expect(w.durationMin).toBe(50);
  });
});
