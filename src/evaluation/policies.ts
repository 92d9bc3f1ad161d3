/**
 * The policies the evaluation compares. `lanterne` is the adaptive coaching (coaching-loop.ts);
 * the two baselines prescribe the mission's stage targets whatever the readiness: `fixed` every
 * stage as planned (the athlete only misses the days it is too ill to ride), `naive` the same but
 * trimmed to the weekly hours cap. Both use the coach's own targets (dayTargets) and planner, so
 * the policies differ only in how they decide.
 */
import type { Decision, MissionDay } from '../domain/types';
import { dayTargets } from '../coaching';

export const POLICIES = ['lanterne', 'fixed', 'naive'] as const;
export type Policy = (typeof POLICIES)[number];

export const POLICY_LABELS: Record<Policy, string> = {
  lanterne: 'Lanterne (adaptive)',
  fixed: 'fixed plan',
  naive: 'readiness-naive (weekly cap)',
};

/** The stage's own targets, as planned: `remainingMin` caps the time (null = no cap). */
export function planOnlyDecision(day: MissionDay, remainingMin: number | null): Decision {
  const available = remainingMin === null ? day.training.durationMin : Math.min(day.training.durationMin, remainingMin);
  const rest = day.type === 'rest' || day.training.mode === 'rest' || available <= 0;
  const targets = dayTargets(rest ? 'rest' : 'as_planned', day, available);
  return {
    date: day.date,
    state: 'ready',
    decision: rest ? 'rest' : 'as_planned',
    rationale: [rest ? 'Rest day in the plan.' : 'The plan: the stage as written, whatever the readiness.'],
    confidence: 1,
    negotiation: null,
    tssBand: targets.tssBand,
    maxDurationMin: targets.maxDurationMin,
    degraded: [],
  };
}
