/** The evaluation's fast loop, metrics, targets and report files, on a small cohort. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadMissionFile } from '../../../src/mission';
import type { MissionConfig } from '../../../src/domain/types';
import { cohortMission, evaluateCohort } from '../../../src/evaluation/evaluate';
import { runAdaptive, runPlanOnly, type AthleteRun, type EvaluatedDay } from '../../../src/evaluation/coaching-loop';
import { band, centile, runMetrics, summarise, targets, type PolicySummary } from '../../../src/evaluation/metrics';
import { formatEvaluation, renderEvaluationHtml, writeEvaluation } from '../../../src/evaluation/evaluation-report';

let tdf: MissionConfig;
let short: MissionConfig;
beforeAll(async () => {
  tdf = await loadMissionFile('missions/tdf_sim_2025.toml');
  short = { ...tdf, days: tdf.days.slice(0, 8), goals: { ...tdf.goals, keyStages: [5] } };
});

describe('the fast loop', () => {
  it('gives the same runs for the same athlete, and different athletes different runs', async () => {
    const a = await runAdaptive(cohortMission(short, '7', 0));
    expect(await runAdaptive(cohortMission(short, '7', 0))).toEqual(a);
    const b = await runAdaptive(cohortMission(short, '7', 1));
    expect(b.days.map((d) => d.truth.tss)).not.toEqual(a.days.map((d) => d.truth.tss));
    expect(a.days).toHaveLength(8);
    expect(a.athlete).toBe('s7-a001');
  });

  it('runs the fixed plan as written whatever the readiness, the naive plan capped by the weekly hours', async () => {
    const week = { ...short, goals: { ...short.goals, weeklyHoursCap: 4 } };
    const fixed = await runPlanOnly(cohortMission(week, '7', 0), 'fixed');
    const naive = await runPlanOnly(cohortMission(week, '7', 0), 'naive');
    const stageDays = week.days.filter((d) => d.type !== 'rest').length;
    expect(fixed.days.filter((d) => d.decision === 'as_planned')).toHaveLength(stageDays);
    expect(fixed.days.every((d) => d.state === null)).toBe(true);
    for (const [i, d] of week.days.entries()) expect(fixed.days[i].prescribedMin).toBeLessThanOrEqual(d.training.durationMin);
    // a 4-hour cap: the naive plan's 7-day sums never pass it, the fixed plan's do
    const sums = (r: AthleteRun) => r.days.map((_, i) => r.days.slice(Math.max(0, i - 6), i + 1).reduce((s, d) => s + d.prescribedMin, 0));
    expect(Math.max(...sums(naive))).toBeLessThanOrEqual(4 * 60);
    expect(Math.max(...sums(fixed))).toBeGreaterThan(4 * 60);
  });

  it('lets the synthetic athlete reflect on the adaptive days and feeds it back', async () => {
    const run = await runAdaptive(cohortMission(short, '7', 2));
    const reflected = run.days.filter((d) => d.reflection !== null);
    expect(reflected.length).toBeGreaterThan(0);
    for (const d of reflected) expect(d.reflection!.date).toBe(d.date);
    const silent = await runAdaptive(cohortMission(short, '7', 2), { reflections: false });
    expect(silent.days.every((d) => d.reflection === null)).toBe(true);
  });
});

describe('metrics', () => {
  const day = (i: number, over: Omit<Partial<EvaluatedDay>, 'truth'> & { truth?: Partial<EvaluatedDay['truth']> } = {}): EvaluatedDay => ({
    date: short.days[i].date,
    index: i,
    stage: i + 1,
    decision: 'as_planned',
    state: 'ready',
    seen: null,
    prescribedTss: 60,
    prescribedMin: 60,
    hard: false,
    reflection: null,
    ...over,
    truth: { tss: 60, skipped: false, illness: 0, ill: false, tooIllToRide: false, ctl: 50, atl: 50, tsb: 0, performance: 100, ...over.truth },
  });

  it('measures one run from the truth (worked by hand)', () => {
    const mission = { ...short, days: short.days.slice(0, 3), goals: { ...short.goals, keyStages: [2] } };
    const run: AthleteRun = {
      policy: 'lanterne',
      missionId: 'm',
      athlete: 'a',
      before: { ctl: 48, atl: 40, tsb: 8, performance: 99.5 },
      days: [
        day(0, { truth: { tsb: -31, ill: true, illness: 0.4 }, hard: true, decision: 'as_planned' }),
        day(1, { truth: { tsb: -35, ill: true, illness: 0.4, tss: 0, skipped: true, performance: 100.5 }, hard: true, decision: 'recovery' }),
        day(2, { truth: { ctl: 51, performance: 101 }, prescribedMin: 90 }),
      ],
    };
    const m = runMetrics(run, mission);
    expect(m.ctlGain).toBe(3); // 51 − 48
    expect(m.keyStagePerformance).toBeCloseTo(1, 9); // stage 2: 100.5 − 99.5
    expect(m.lastDayPerformance).toBeCloseTo(1.5, 9);
    expect(m.daysTsbBelowRisk).toBe(2);
    expect(m.illnessDays).toBe(2);
    expect(m.hardWhileIll).toBe(1); // day 1 was hard but not ridden
    expect(m.restOrRecoveryWhenIll).toBe(1);
    expect(m.weeklyHours).toEqual([((60 + 60 + 90) / 60) * (7 / 3)]); // a partial week counts pro rata
  });

  it('compares Lanterne with the fixed plan against the targets of issue 12', () => {
    const s = (over: Partial<PolicySummary>): PolicySummary => ({
      policy: 'lanterne', athletes: 1, ctlGain: 10, keyStagePerformance: 1, lastDayPerformance: 1, daysTsbBelowRisk: 4,
      illnessDays: 5, hardWhileIll: 0, restOrRecoveryWhenIllPct: 100, meanWeeklyHours: 9, maxWeeklyHours: 10, weeklyHoursCap: 12, riddenTss: 1000, ...over,
    });
    const fixed = s({ policy: 'fixed', ctlGain: 10, daysTsbBelowRisk: 10, keyStagePerformance: 0.5, illnessDays: 6, restOrRecoveryWhenIllPct: 0 });
    expect(targets(s({ ctlGain: 9.5 }), fixed).map((t) => t.met)).toEqual([true, true, true, true, true]);
    expect(targets(s({ ctlGain: 9.4, daysTsbBelowRisk: 6, keyStagePerformance: 0.5, illnessDays: 6, restOrRecoveryWhenIllPct: 99 }), fixed).map((t) => t.met)).toEqual([false, false, false, false, false]);
    expect(targets(s({ ctlGain: 9.4 }), fixed)[0].measured).toBe('94 % (+9.4 vs +10.0)');
  });

  it('gives day-by-day centiles across the cohort', () => {
    expect(centile([1, 2, 3, 4, 5], 0.1)).toBeCloseTo(1.4, 9);
    expect(band([[0, 10], [10, 20], [20, 30]])).toEqual({ p10: [2, 12], p50: [10, 20], p90: [18, 28] });
  });

  it('summarises a policy: sick-day share pooled over the cohort', () => {
    const runs = [runMetrics({ policy: 'fixed', missionId: 'm', athlete: 'a', before: { ctl: 50, atl: 50, tsb: 0, performance: 100 }, days: [day(0, { truth: { ill: true } }), day(1)] }, short)];
    const sum = summarise('fixed', runs, short);
    expect(sum.illnessDays).toBe(1);
    expect(sum.restOrRecoveryWhenIllPct).toBe(0);
  });
});

describe('a small cohort end to end', () => {
  it('prints the three policies and the targets, and writes the JSON and an offline HTML page', async () => {
    const progress: number[] = [];
    const r = await evaluateCohort({ mission: short, missionFile: 'missions/tdf_sim_2025.toml', athletes: 3, seed: '3', onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([1, 2, 3]);
    expect(Object.keys(r.policies)).toEqual(['lanterne', 'fixed', 'naive']);
    expect(r.dates).toHaveLength(9);
    expect(r.policies.fixed.bands.ctl.p50).toHaveLength(9);
    const text = formatEvaluation(r);
    expect(text).toContain('3 synthetic athletes, seed 3, 8 days');
    expect(text).toMatch(/CTL gain ≥ 95 % of the fixed plan's\s+.+\s+(met|missed)/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-eval-'));
    try {
      const files = writeEvaluation(r, dir);
      expect(JSON.parse(fs.readFileSync(files.json, 'utf8')).targets).toHaveLength(5);
      const html = fs.readFileSync(files.html, 'utf8');
      expect(html).toContain('uPlot');
      expect(html).not.toMatch(/<script[^>]+src=/); // inlined, nothing loaded from elsewhere
      expect(html).not.toMatch(/<link[^>]+href=/);
      expect(html).toBe(renderEvaluationHtml(r));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
