/** The Reasoning agent's rules: state, decision, cited evidence and confidence. */
import { DEFAULT_PARAMETERS } from '../../../src/coaching/athlete-parameters';
import { reason, type ReasoningInput } from '../../../src/coaching/readiness';
import { ATHLETE, load, missionDay, observation, reflection, recentDay } from './fixtures';

const DATE = '2025-07-14';
function input(over: Partial<ReasoningInput> = {}): ReasoningInput {
  return { day: missionDay(DATE), observation: observation(DATE), load: load(DATE), reflections: [reflection('2025-07-13')], recentDays: [recentDay('2025-07-13')], athlete: ATHLETE, ...over };
}
const text = (i: ReasoningInput): string => reason(i).decision.rationale.join(' ');

describe('reason', () => {
  const table: Array<{ name: string; input: ReasoningInput; state: string; decision: string; cites: string[] }> = [
    {
      name: 'all well → as planned, citing the figures',
      input: input(),
      state: 'ready',
      decision: 'as_planned',
      cites: ['HRV 50 ms is 2% above your 7-day baseline of 49 ms, within your tolerance of 10%', 'Readiness score 82', 'Form (TSB) is −5 (CTL 60, ATL 65)'],
    },
    {
      name: 'slight temperature rise with resting HR up → sick',
      input: input({ observation: observation(DATE, { temp: 0.6 }), load: load(DATE, { restingHrDeviation: 6 }) }),
      state: 'sick',
      decision: 'rest',
      cites: ['Body temperature is +0.6 °C above your baseline together with resting HR +6 bpm: likely illness'],
    },
    {
      name: 'slight temperature rise alone → caution',
      input: input({ observation: observation(DATE, { temp: 0.6 }) }),
      state: 'caution',
      decision: 'modify_intensity',
      cites: ['Body temperature is +0.6 °C above your baseline; watch for illness'],
    },
    {
      name: "resting HR from the night's lowest HR when the load model has none",
      input: input({ observation: observation(DATE, { lowestHr: 57 }), load: load(DATE, { restingHrDeviation: null }) }),
      state: 'strained',
      decision: 'recovery',
      cites: ['Resting heart rate is 9 bpm above your normal (8 bpm or more means strain)'],
    },
    {
      name: 'two strain signals → rest',
      input: input({ observation: observation(DATE, { hrv: 36 }), load: load(DATE, { tsb: -36 }) }),
      state: 'strained',
      decision: 'rest',
      cites: ['HRV 36 ms is 27% below your 7-day baseline of 49 ms, more than twice your tolerance of 10%', 'Form (TSB) is −36, more than 10 below your floor of −20'],
    },
    {
      name: 'three warning signs add up to strain',
      input: input({ observation: observation(DATE, { hrv: 43, sleepH: 5.2, sleepScore: 58 }), load: load(DATE, { acwr: 1.62, acwrSpike: true }) }),
      state: 'strained',
      decision: 'recovery',
      cites: ['Short or poor sleep: sleep score 58 with 5.2 h asleep', 'Acute:chronic load ratio 1.62 is a load spike', '3 warning signs at once add up to strain'],
    },
    {
      name: 'only accumulated load → keep intensity, shorten',
      input: input({ load: load(DATE, { tsb: -24 }) }),
      state: 'caution',
      decision: 'reduce_volume',
      cites: ['Form (TSB) is −24, below your floor of −20'],
    },
    {
      name: 'low readiness with weak contributors → less intensity',
      input: input({ observation: { ...observation(DATE, { score: 61 }), readiness: { ...observation(DATE).readiness!, score: 61, contributors: { ...observation(DATE).readiness!.contributors, hrvBalance: 31, previousNight: 44 } } } }),
      state: 'caution',
      decision: 'modify_intensity',
      cites: ['Readiness score 61 is below 70; weakest contributors: HRV balance 31, previous night 44'],
    },
    {
      name: 'sore legs and a bad mood in the last reflection',
      input: input({ reflections: [reflection('2025-07-13', { legs: 2, mood: 2, completed: 'partly' })] }),
      state: 'caution',
      decision: 'modify_intensity',
      cites: ['Your reflection for 2025-07-13: legs 2/5, mood 2/5'],
    },
  ];

  it.each(table)('$name', ({ input: i, state, decision, cites }) => {
    const r = reason(i);
    expect(r.decision.state).toBe(state);
    expect(r.decision.decision).toBe(decision);
    const t = r.decision.rationale.join(' ');
    for (const c of cites) expect(t).toContain(c);
  });

  it('the per-athlete HRV tolerance moves the line', () => {
    const dip = input({ observation: observation(DATE, { hrv: 43 }) });
    expect(reason(dip).decision.state).toBe('caution');
    const tolerant = reason({ ...dip, params: { ...DEFAULT_PARAMETERS, hrvDropTolerance: 0.15 } });
    expect(tolerant.decision.state).toBe('ready');
    expect(tolerant.decision.rationale.join(' ')).toContain('HRV 43 ms is 12% below your 7-day baseline of 49 ms, within your tolerance of 15%');
  });

  it('confidence drops with each missing part and names it', () => {
    expect(reason(input()).decision.confidence).toBe(1);
    const noBaseline = reason(input({ load: load(DATE, { hrv7dMean: null }) }));
    expect(noBaseline.decision.confidence).toBe(0.9);
    expect(noBaseline.decision.rationale.join(' ')).toContain('HRV 50 ms, with no 7-day baseline yet to compare it to');
    const noReflection = reason(input({ reflections: [], load: load(DATE, { yesterdayTssMethod: 'duration-estimate' }) }));
    expect(noReflection.decision.confidence).toBe(0.9);
    expect(noReflection.decision.rationale.join(' ')).toContain(
      "missing: power or heart rate for yesterday's ride (TSS estimated from duration), a reflection from the last 2 days",
    );
  });

  it('the TSS band and duration follow the decision and the available time', () => {
    const planned = reason(input()).decision;
    expect(planned.maxDurationMin).toBe(90);
    // 1.5 h at IF 0.80 = 96 TSS → band 76–106
    expect(planned.tssBand).toEqual({ min: 76, max: 106 });
    const shorter = reason(input({ load: load(DATE, { tsb: -24 }) })).decision;
    expect(shorter.maxDurationMin).toBe(54);
    const easier = reason(input({ observation: observation(DATE, { hrv: 43 }) })).decision;
    expect(easier.maxDurationMin).toBe(90);
    expect(easier.tssBand.max).toBeLessThan(planned.tssBand.max);
    const scaled = reason(input({ params: { ...DEFAULT_PARAMETERS, intensityScale: 0.9 } })).decision;
    expect(scaled.tssBand).toEqual({ min: 69, max: 96 });
  });

  it('reflections older than the look-back do not count, unless recovery is slow', () => {
    const old = input({ reflections: [reflection('2025-07-11', { legs: 1 })] });
    expect(reason(old).decision.state).toBe('ready');
    expect(reason({ ...old, params: { ...DEFAULT_PARAMETERS, recoverySpeed: 0.6 } }).decision.state).toBe('strained');
  });

  it('is deterministic', () => {
    expect(reason(input())).toEqual(reason(input()));
    expect(text(input())).toBe(text(input()));
  });
});
