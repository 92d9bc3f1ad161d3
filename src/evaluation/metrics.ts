/**
 * What the evaluation measures, from the synthetic athletes' truth: per run (one athlete under
 * one policy), per policy across the cohort, and the targets of issue 12 against the fixed plan.
 */
import type { MissionConfig } from '../domain/types';
import { isKeyDay } from '../coaching';
import type { AthleteRun } from './coaching-loop';
import type { Policy } from './policies';

/** Form below this is "high risk" (intervals.icu's band; research/domain.md §5.3). */
export const TSB_RISK = -30;

export interface RunMetrics {
  athlete: string;
  ctlStart: number;
  ctlEnd: number;
  ctlGain: number;
  /** Mean morning performance on the key stages minus the performance before the block (points ≈ %). */
  keyStagePerformance: number | null;
  /** Morning performance on the last day minus the performance before the block. */
  lastDayPerformance: number;
  daysTsbBelowRisk: number;
  illnessDays: number;
  /** Ill, a workout with intensity prescribed, and ridden. */
  hardWhileIll: number;
  /** Ill days on which the coach prescribed rest or a recovery spin. */
  restOrRecoveryWhenIll: number;
  /** Prescribed hours per 7-day block from the first day (a last partial block counts pro rata). */
  weeklyHours: number[];
  prescribedTss: number;
  riddenTss: number;
}

export interface PolicySummary {
  policy: Policy;
  athletes: number;
  ctlGain: number;
  keyStagePerformance: number | null;
  lastDayPerformance: number;
  daysTsbBelowRisk: number;
  illnessDays: number;
  hardWhileIll: number;
  restOrRecoveryWhenIllPct: number | null;
  meanWeeklyHours: number;
  maxWeeklyHours: number;
  weeklyHoursCap: number;
  riddenTss: number;
}

export function runMetrics(run: AthleteRun, mission: MissionConfig): RunMetrics {
  const keys = new Set(mission.days.filter((d) => isKeyDay(d, mission.goals)).map((d) => d.date));
  const base = run.before.performance;
  const key = run.days.filter((d) => keys.has(d.date)).map((d) => d.truth.performance - base);
  const last = run.days[run.days.length - 1];
  const weeklyHours: number[] = [];
  for (let i = 0; i < run.days.length; i += 7) {
    const week = run.days.slice(i, i + 7);
    weeklyHours.push((week.reduce((s, d) => s + d.prescribedMin, 0) / 60) * (7 / week.length));
  }
  const ill = run.days.filter((d) => d.truth.ill);
  return {
    athlete: run.athlete,
    ctlStart: run.before.ctl,
    ctlEnd: last.truth.ctl,
    ctlGain: last.truth.ctl - run.before.ctl,
    keyStagePerformance: key.length ? mean(key) : null,
    lastDayPerformance: last.truth.performance - base,
    daysTsbBelowRisk: run.days.filter((d) => d.truth.tsb < TSB_RISK).length,
    illnessDays: ill.length,
    hardWhileIll: ill.filter((d) => d.hard && d.truth.tss > 0).length,
    restOrRecoveryWhenIll: ill.filter((d) => d.decision === 'rest' || d.decision === 'recovery').length,
    weeklyHours,
    prescribedTss: run.days.reduce((s, d) => s + d.prescribedTss, 0),
    riddenTss: run.days.reduce((s, d) => s + d.truth.tss, 0),
  };
}

export function summarise(policy: Policy, metrics: RunMetrics[], mission: MissionConfig): PolicySummary {
  const illness = sum(metrics.map((m) => m.illnessDays));
  const weeks = metrics.flatMap((m) => m.weeklyHours);
  const key = metrics.map((m) => m.keyStagePerformance).filter((v): v is number => v !== null);
  return {
    policy,
    athletes: metrics.length,
    ctlGain: mean(metrics.map((m) => m.ctlGain)),
    keyStagePerformance: key.length ? mean(key) : null,
    lastDayPerformance: mean(metrics.map((m) => m.lastDayPerformance)),
    daysTsbBelowRisk: sum(metrics.map((m) => m.daysTsbBelowRisk)),
    illnessDays: illness,
    hardWhileIll: sum(metrics.map((m) => m.hardWhileIll)),
    restOrRecoveryWhenIllPct: illness > 0 ? (100 * sum(metrics.map((m) => m.restOrRecoveryWhenIll))) / illness : null,
    meanWeeklyHours: weeks.length ? mean(weeks) : 0,
    maxWeeklyHours: weeks.length ? Math.max(...weeks) : 0,
    weeklyHoursCap: mission.goals.weeklyHoursCap,
    riddenTss: mean(metrics.map((m) => m.riddenTss)),
  };
}

export interface TargetResult {
  target: string;
  measured: string;
  met: boolean;
}

/** The targets of issue 12: Lanterne against the fixed plan. */
export function targets(lanterne: PolicySummary, fixed: PolicySummary): TargetResult[] {
  const ratio = fixed.ctlGain > 0 ? lanterne.ctlGain / fixed.ctlGain : null;
  const fewer = fixed.daysTsbBelowRisk > 0 ? 1 - lanterne.daysTsbBelowRisk / fixed.daysTsbBelowRisk : null;
  const lk = lanterne.keyStagePerformance;
  const fk = fixed.keyStagePerformance;
  return [
    {
      target: "CTL gain ≥ 95 % of the fixed plan's",
      measured: ratio === null ? `${fmt(lanterne.ctlGain)} vs ${fmt(fixed.ctlGain)}` : `${Math.round(ratio * 100)} % (${fmt(lanterne.ctlGain)} vs ${fmt(fixed.ctlGain)})`,
      met: ratio === null ? lanterne.ctlGain >= fixed.ctlGain : ratio >= 0.95,
    },
    {
      target: `≥ 50 % fewer days below TSB ${TSB_RISK}`,
      measured: fewer === null ? `${lanterne.daysTsbBelowRisk} vs ${fixed.daysTsbBelowRisk}` : `${Math.round(fewer * 100)} % fewer (${lanterne.daysTsbBelowRisk} vs ${fixed.daysTsbBelowRisk})`,
      met: fewer === null ? lanterne.daysTsbBelowRisk === 0 : fewer >= 0.5,
    },
    {
      target: 'higher mean key-stage performance',
      measured: `${lk === null ? '-' : fmt(lk, 2)} vs ${fk === null ? '-' : fmt(fk, 2)}`,
      met: lk !== null && fk !== null && lk > fk,
    },
    {
      target: 'fewer illness days',
      measured: `${lanterne.illnessDays} vs ${fixed.illnessDays}`,
      met: lanterne.illnessDays < fixed.illnessDays,
    },
    {
      target: 'rest or recovery on 100 % of sick days',
      measured: lanterne.restOrRecoveryWhenIllPct === null ? 'no sick day' : `${Math.round(lanterne.restOrRecoveryWhenIllPct)} %`,
      met: lanterne.restOrRecoveryWhenIllPct === null || lanterne.restOrRecoveryWhenIllPct >= 100 - 1e-9,
    },
  ];
}

/** Day-by-day centiles of a figure across the cohort (10th, 50th, 90th). */
export interface Band {
  p10: number[];
  p50: number[];
  p90: number[];
}

export function band(rows: number[][]): Band {
  const days = rows[0]?.length ?? 0;
  const out: Band = { p10: [], p50: [], p90: [] };
  for (let i = 0; i < days; i++) {
    const col = rows.map((r) => r[i]).sort((a, b) => a - b);
    out.p10.push(round(centile(col, 0.1), 2));
    out.p50.push(round(centile(col, 0.5), 2));
    out.p90.push(round(centile(col, 0.9), 2));
  }
  return out;
}

/** Linear-interpolated centile of sorted values. */
export function centile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function fmt(x: number, digits = 1): string {
  const r = x.toFixed(digits);
  return x > 0 ? `+${r}` : r;
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}
function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
