/**
 * `lanterne evaluate`: a seeded cohort of synthetic athletes through a whole mission, each athlete
 * three times (Lanterne's adaptive coaching, the fixed plan, the readiness-naive plan), measured
 * on the athletes' truth and compared with the targets of issue 12.
 */
import type { MissionConfig } from '../domain/types';
import { PHYSIOLOGY_MODEL } from '../observation';
import { addDays } from '../domain/iso-date';
import { type AthleteRun, runAdaptive, runPlanOnly } from './coaching-loop';
import { type Band, type PolicySummary, type RunMetrics, type TargetResult, band, runMetrics, summarise, targets } from './metrics';
import { POLICIES, type Policy } from './policies';

export const DEFAULT_ATHLETES = 50;
export const DEFAULT_SEED = '1';
export const DEFAULT_MISSION = 'missions/tdf_sim_2025.toml';

export interface EvaluateOptions {
  mission: MissionConfig;
  /** Where the mission came from, for the report. */
  missionFile: string;
  athletes: number;
  seed: string;
  /** Called after each athlete (all three policies). */
  onProgress?: (done: number, total: number) => void;
}

export interface PolicyResult {
  summary: PolicySummary;
  athletes: RunMetrics[];
  /** Day by day across the cohort, the day before the mission first. */
  bands: { ctl: Band; atl: Band; tsb: Band; performance: Band };
}

export interface EvaluationResult {
  mission: { id: string; name: string; file: string; days: number; first: string; last: string; keyStages: number[]; weeklyHoursCap: number };
  athletes: number;
  seed: string;
  /** Day labels of the bands: the day before the mission, then each mission day. */
  dates: string[];
  policies: Record<Policy, PolicyResult>;
  targets: TargetResult[];
  model: typeof PHYSIOLOGY_MODEL;
  seconds: number;
}

/** Athlete `i` of the cohort: the mission with its own handle, which seeds the synthetic athlete. */
export function cohortMission(mission: MissionConfig, seed: string, i: number): MissionConfig {
  const handle = `s${seed}-a${String(i + 1).padStart(3, '0')}`;
  return { ...mission, athlete: { ...mission.athlete, handle } };
}

export async function evaluateCohort(o: EvaluateOptions): Promise<EvaluationResult> {
  const started = Date.now();
  const runs: Record<Policy, AthleteRun[]> = { lanterne: [], fixed: [], naive: [] };
  for (let i = 0; i < o.athletes; i++) {
    const mission = cohortMission(o.mission, o.seed, i);
    runs.lanterne.push(await runAdaptive(mission));
    runs.fixed.push(await runPlanOnly(mission, 'fixed'));
    runs.naive.push(await runPlanOnly(mission, 'naive'));
    o.onProgress?.(i + 1, o.athletes);
  }
  const policies = {} as Record<Policy, PolicyResult>;
  for (const policy of POLICIES) {
    const metrics = runs[policy].map((r) => runMetrics(r, o.mission));
    const series = (pick: (d: { ctl: number; atl: number; tsb: number; performance: number }) => number, fromStart: boolean) =>
      band(runs[policy].map((r) => [fromStart ? 0 : pick(r.before), ...r.days.map((d) => (fromStart ? pick(d.truth) - pick(r.before) : pick(d.truth)))]));
    policies[policy] = {
      summary: summarise(policy, metrics, o.mission),
      athletes: metrics,
      bands: {
        ctl: series((d) => d.ctl, false),
        atl: series((d) => d.atl, false),
        tsb: series((d) => d.tsb, false),
        performance: series((d) => d.performance, true),
      },
    };
  }
  const days = o.mission.days;
  const first = days[0].date;
  return {
    mission: {
      id: o.mission.id,
      name: o.mission.name,
      file: o.missionFile,
      days: days.length,
      first,
      last: days[days.length - 1].date,
      keyStages: o.mission.goals.keyStages,
      weeklyHoursCap: o.mission.goals.weeklyHoursCap,
    },
    athletes: o.athletes,
    seed: o.seed,
    dates: [addDays(first, -1), ...days.map((d) => d.date)],
    policies,
    targets: targets(policies.lanterne.summary, policies.fixed.summary),
    model: PHYSIOLOGY_MODEL,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}
