/** The Reasoning agent's rules: state, decision, cited evidence and confidence. */
import { DEFAULT_PARAMETERS } from '../../../src/coaching/athlete-parameters';
import { reason, type ReasoningInput } from '../../../src/coaching/readiness';
import { ATHLETE, hrvWeek, load, missionDay, observation, observationWithoutOura, reflection, recentDay } from './fixtures';

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
      cites: [
        'Your 7-day HRV of 49 ms is 0% below your baseline of 49 ms (last night 50 ms), within the 10% that counts for you (the larger of your tolerance of 10% and the smallest worthwhile change of 5%)',
        'Readiness score 82',
        'Form (TSB) is −5 (CTL 60, ATL 65)',
      ],
    },
    {
      name: 'slight temperature rise with resting HR up → sick',
      input: input({ observation: observation(DATE, { temp: 0.6 }), load: load(DATE, { restingHrDeviation: 6 }) }),
      state: 'sick',
      decision: 'rest',
      cites: ['Body temperature is +0.6 °C above your baseline together with resting HR +6 bpm: likely illness'],
    },
    {
      name: 'a raised temperature alone → no intensity: an easy spin at most',
      input: input({ observation: observation(DATE, { temp: 0.6 }) }),
      state: 'strained',
      decision: 'recovery',
      cites: ['Body temperature is +0.6 °C above your baseline: often the first sign of an illness, so no intensity today'],
    },
    {
      name: 'a fever → sick',
      input: input({ observation: observation(DATE, { temp: 1.1 }) }),
      state: 'sick',
      decision: 'rest',
      cites: ['Body temperature is +1.1 °C above your baseline: a fever signal'],
    },
    {
      name: 'a temperature raised two days ago that has not come down → still an easy spin at most',
      input: input({ observation: observation(DATE, { temp: 0.4 }), recentDays: [recentDay('2025-07-12', { state: 'strained', decision: 'recovery', temperatureDeviation: 0.7 }), recentDay('2025-07-13', { state: 'strained', decision: 'recovery', temperatureDeviation: 0.45 })] }),
      state: 'strained',
      decision: 'recovery',
      cites: ['Your temperature was +0.7 °C on 2025-07-12 and is still +0.4 °C: the illness may not be over, so an easy spin at most until it is back under +0.3 °C'],
    },
    {
      name: 'no temperature this morning after a fever yesterday → an easy spin at most',
      input: input({ observation: observationWithoutOura(DATE), recentDays: [recentDay('2025-07-13', { state: 'sick', decision: 'rest', temperatureDeviation: 1.2 })] }),
      state: 'strained',
      decision: 'recovery',
      cites: ['Your temperature was +1.2 °C on 2025-07-13 and is not known this morning'],
    },
    {
      name: 'the first morning back to normal after a raised temperature → one more easy day',
      input: input({ observation: observation(DATE, { temp: 0.1 }), recentDays: [recentDay('2025-07-13', { state: 'strained', decision: 'recovery', temperatureDeviation: 0.6 })] }),
      state: 'strained',
      decision: 'recovery',
      cites: ['Your temperature is back to normal (+0.1 °C) after +0.6 °C on 2025-07-13: one more easy day (an easy spin at most) before training again'],
    },
    {
      name: 'a ride not completed, with no other sign, leaves the day as planned and says so',
      input: input({ reflections: [reflection('2025-07-13', { completed: 'no', rpe: 1, legs: 4, mood: 4 })] }),
      state: 'ready',
      decision: 'as_planned',
      cites: ['Your reflection for 2025-07-13: ride not completed, with no sign of strain (RPE 1, legs 4/5, mood 4/5)'],
    },
    {
      name: 'a ride not completed with heavy legs is a warning',
      input: input({ reflections: [reflection('2025-07-13', { completed: 'no', rpe: 2, legs: 2, mood: 4 })] }),
      state: 'caution',
      decision: 'modify_intensity',
      cites: ['Your reflection for 2025-07-13: legs 2/5, ride not completed'],
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
      input: input({ observation: observation(DATE, { hrv: 36 }), load: load(DATE, { tsb: -36, ...hrvWeek(36) }) }),
      state: 'strained',
      decision: 'rest',
      cites: ['Your 7-day HRV of 36 ms is 27% below your baseline of 49 ms, more than twice the 10% that counts for you', 'Form (TSB) is −36, more than 10 below your floor of −20'],
    },
    {
      name: 'three warning signs add up to strain',
      input: input({ observation: observation(DATE, { hrv: 43, sleepH: 5.2, sleepScore: 58 }), load: load(DATE, { acwr: 1.62, acwrSpike: true, ...hrvWeek(43) }) }),
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

  it('an illness under way counts only recent raised temperatures, and back to normal once', () => {
    const raised = (date: string, t: number) => recentDay(date, { state: 'strained', decision: 'recovery', temperatureDeviation: t });
    // a raised temperature four days ago is not recent
    expect(reason(input({ observation: observation(DATE, { temp: 0.4 }), recentDays: [raised('2025-07-10', 0.8)] })).decision.state).toBe('ready');
    // the second morning back to normal is an ordinary day
    const twice = reason(input({ observation: observation(DATE, { temp: 0.1 }), recentDays: [raised('2025-07-12', 0.6), recentDay('2025-07-13', { temperatureDeviation: 0.15 })] }));
    expect(twice.decision.decision).toBe('as_planned');
    // today's own raised temperature speaks for today, once
    const today = reason(input({ observation: observation(DATE, { temp: 0.7 }), recentDays: [raised('2025-07-13', 0.8)] }));
    expect(today.assessment.signals.filter((x) => x.key === 'temperature')).toHaveLength(1);
    expect(today.decision.decision).toBe('recovery');
  });

  it('the per-athlete HRV tolerance moves the line', () => {
    const dip = input({ observation: observation(DATE, { hrv: 43 }), load: load(DATE, hrvWeek(43)) });
    expect(reason(dip).decision.state).toBe('caution');
    expect(reason(dip).decision.rationale.join(' ')).toContain('Your 7-day HRV of 43 ms is 12% below your baseline of 49 ms, more than the 10% that counts for you');
    const tolerant = reason({ ...dip, params: { ...DEFAULT_PARAMETERS, hrvDropTolerance: 0.15 } });
    expect(tolerant.decision.state).toBe('ready');
    expect(tolerant.decision.rationale.join(' ')).toContain('Your 7-day HRV of 43 ms is 12% below your baseline of 49 ms (last night 43 ms), within the 15% that counts for you');
  });

  describe('the HRV rule: 7-day ln rMSSD against the baseline, one threshold max(SWC, tolerance)', () => {
    // baseline 49 ms (ln 3.891820), SWC 0.05; tolerance 10 % → −ln 0.9 = 0.105361 = the threshold T
    const at = (night: number, week: number, swc = 0.05) =>
      reason(input({ observation: observation(DATE, { hrv: night }), load: load(DATE, { ...hrvWeek(week), hrvTrend: { ...hrvWeek(week).hrvTrend!, swc } }) })).decision;

    it('a night 3 % below the baseline inside a 10 % tolerance leaves a ready day ready', () => {
      expect(at(47.5, 48.5).state).toBe('ready'); // ln(49/47.5) = 0.0311 night, 0.0103 week
    });

    it('a 7-day mean 10 % below is inside, 11 % below is caution, 20 % below is strained (T = 0.1054, 2T = 0.2107)', () => {
      expect(at(44.2, 44.2).state).toBe('ready'); // ln(49/44.2) = 0.1031 < T
      expect(at(43.6, 43.6).state).toBe('caution'); // ln(49/43.6) = 0.1168 > T
      expect(at(39.8, 39.8).state).toBe('caution'); // ln(49/39.8) = 0.2080 < 2T
      expect(at(39.5, 39.5).state).toBe('strained'); // ln(49/39.5) = 0.2155 > 2T
    });

    it('a single night more than 2T below with the week steady is caution; less is nothing', () => {
      expect(at(40, 48).state).toBe('ready'); // ln(49/40) = 0.2029 < 2T
      expect(at(39, 48).state).toBe('caution'); // ln(49/39) = 0.2283 > 2T
    });

    it('a noisy athlete: the smallest worthwhile change is the line when it is larger than the tolerance', () => {
      // SWC 0.15 > T: a 7-day mean 12 % below (ln 0.1306) is inside the noise
      expect(at(43, 43, 0.15).state).toBe('ready');
      expect(at(42, 42, 0.15).state).toBe('caution'); // ln(49/42) = 0.1542 > 0.15
    });
  });

  describe('days without readiness data', () => {
    it('are never ready: coached from load and reflections, intensity capped, and the athlete told how to fix it', () => {
      const r = reason(input({ observation: observationWithoutOura(DATE), load: load(DATE, { hrvTrend: null, hrv7dMean: null }) }));
      expect(r.decision.state).toBe('caution');
      expect(r.decision.decision).toBe('modify_intensity');
      expect(r.assessment.dataCap).toContain('No readiness data this morning (HTTP 401 from Oura)');
      expect(r.decision.rationale.join(' ')).toContain('today is coached from your training load and reflections, with intensity capped until the data returns');
      expect(r.decision.confidence).toBeLessThanOrEqual(0.5);
    });

    it('name the fix from the reason: reconnect, connect, sync the ring, or wait', () => {
      const why = (reason: string) =>
        reason
          ? reasonFor({ ...observationWithoutOura(DATE), missing: [{ part: 'readiness', source: 'oura', reason }] })
          : '';
      const reasonFor = (obs: ReturnType<typeof observationWithoutOura>) => reason(input({ observation: obs, load: load(DATE, { hrvTrend: null }) })).assessment.dataCap ?? '';
      expect(why('reading Oura daily_readiness failed: reconnect Oura: run `lanterne connect oura` (token revoked)')).toContain('To fix it: run `lanterne connect oura` to reconnect Oura.');
      expect(why('no Oura source is configured')).toContain('To fix it: set OURA_CLIENT_ID and OURA_CLIENT_SECRET, then run `lanterne connect oura`.');
      expect(why('no daily_readiness record for 2025-07-14 (the ring may not have synced yet)')).toContain('open the Oura app so it syncs');
      expect(why('reading Oura daily_readiness failed: Oura is unavailable: HTTP 503')).toContain('Nothing to do on your side if Oura is down');
    });

    it('still let load and reflections make it strained', () => {
      const r = reason(input({ observation: observationWithoutOura(DATE), load: load(DATE, { tsb: -36, hrvTrend: null }), reflections: [reflection('2025-07-13', { legs: 1 })] }));
      expect(r.decision.state).toBe('strained');
      expect(['recovery', 'rest']).toContain(r.decision.decision);
    });

    it('a readiness score alone is data: the day can be ready', () => {
      const obs = observation(DATE, { hrv: null });
      expect(reason(input({ observation: obs })).assessment.dataCap).toBeNull();
    });
  });

  it('confidence drops with each missing part and names it', () => {
    expect(reason(input()).decision.confidence).toBe(1);
    const noBaseline = reason(input({ load: load(DATE, { hrv7dMean: null, hrvTrend: null }) }));
    expect(noBaseline.decision.confidence).toBe(0.9);
    expect(noBaseline.decision.rationale.join(' ')).toContain('HRV 50 ms, with no baseline yet to compare it to');
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
    const easier = reason(input({ observation: observation(DATE, { hrv: 43 }), load: load(DATE, hrvWeek(43)) })).decision;
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
