/**
 * The synthetic athlete's physiology: per-athlete parameters drawn (seeded) from ranges taken from
 * the literature, and the pure equations of one day. docs/physiology-model.md gives every
 * equation, range and source; the numbers here and there must agree.
 *
 * - Performance: Banister impulse-response, p(t) = p0 + k1·g(t) − k2·h(t), g and h the impulse
 *   sums of daily TSS decayed with their own time constants τ1 (fitness) > τ2 (fatigue).
 * - Nightly HRV (ln rMSSD) and resting HR respond to fatigue (acute over chronic load), to the
 *   previous day's session, to illness and to bad nights.
 * - Illness: a daily hazard that rises with load spikes (acute:chronic ratio, Foster's monotony),
 *   episodes of a few days, made longer by hard riding while ill.
 * Pure, deterministic, no Node builtins.
 */
import type { AthleteProfile } from '../domain/types';
import { SeededDraws } from './seeded-random';

export interface AthletePhysiology {
  /** Banister time constants, days: fitness (τ1) and fatigue (τ2). */
  fitnessDays: number;
  fatigueDays: number;
  /** Banister gains, performance points (p ≈ 100 before the block) per TSS of impulse. */
  k1: number;
  k2: number;
  /** k1 relative to the cohort median: < 0.6 a low responder, > 1.6 a high responder. */
  responder: number;
  /** Chronic daily load (TSS/day) the athlete trained at before the block. */
  habitualCtl: number;
  /** Nightly ln rMSSD: baseline, day-to-day SD, drop per unit of relative fatigue, drop per TSS of yesterday's session. */
  hrvLnBaseline: number;
  hrvLnSd: number;
  hrvFatigueSensitivity: number;
  hrvSessionEffect: number;
  /** Lowest nightly heart rate: baseline (bpm), day-to-day SD, rise per unit of relative fatigue. */
  restingHr: number;
  restingHrSd: number;
  restingHrFatigueSensitivity: number;
  /** Illness episodes per year at ordinary load (before load spikes raise the risk). */
  illnessPerYear: number;
  /** Share of nights that are bad (short, fragmented), of days the ring does not sync, of prescribed sessions skipped, of ridden days reflected upon. */
  badNightRate: number;
  missedSyncRate: number;
  skipRate: number;
  reflectionRate: number;
}

/** Cohort-wide constants of the model (same for every athlete). */
export const MODEL = {
  /** Riders do 80–110 % of the prescribed TSS (issue 12), uniformly. */
  compliance: { low: 0.8, high: 1.1 },
  /** Performance gained per TSS/day of chronic load held for good, for a median responder (calibration, see docs). */
  steadyGainPerTss: 0.1,
  illness: {
    minDays: 3,
    maxDays: 8,
    minSeverity: 0.2,
    /** At or above this severity the rider cannot ride at all. */
    tooIllToRide: 0.6,
    /**
     * The hazard doubles for each step above the threshold: ACWR above 1.3 (Gabbett's sweet spot),
     * monotony above 2.0 (Foster); at most ×4 from the ACWR, ×2 from monotony, ×4 in all.
     */
    acwrThreshold: 1.3,
    acwrDoublingStep: 0.2,
    acwrMaxDoublings: 2,
    monotonyThreshold: 2.0,
    monotonyDoublingStep: 0.5,
    monotonyMaxDoublings: 1,
    maxRelativeRisk: 4,
    /** A ride of at least this TSS while ill makes the episode one day longer, up to maxExtension days. */
    hardRideTss: 50,
    maxExtension: 4,
    hrvLnDrop: 0.35,
    restingHrRise: 6,
    temperatureBase: 0.3,
    temperaturePerSeverity: 0.8,
  },
  badNight: { hrvLnDrop: 0.15, restingHrRise: 3 },
  temperatureNoiseSd: 0.12,
} as const;

/** Per-day factor of an impulse sum: 1 / (1 − e^(−1/τ)) is a steady load's multiplier. */
export function steadyMultiplier(days: number): number {
  return 1 / (1 - Math.exp(-1 / days));
}

/**
 * One athlete's parameters, drawn from the cohort ranges by `key` (the same key, the same
 * athlete). `overrides` replace drawn values (tests, docs examples).
 */
export function drawPhysiology(key: string, profile: Pick<AthleteProfile, 'restingHr'>, overrides: Partial<AthletePhysiology> = {}): AthletePhysiology {
  const d = new SeededDraws(`physiology|${key}`);
  const fitnessDays = d.uniform(38, 50);
  const fatigueDays = d.uniform(7, 15);
  // k2/k1 between 1.4 and 2.4, but training must pay off at steady state: k1·τ1 ≥ 1.5·k2·τ2.
  const ratio = Math.min(d.uniform(1.4, 2.4), steadyMultiplier(fitnessDays) / (1.5 * steadyMultiplier(fatigueDays)));
  const responder = d.logNormal(1, 0.45);
  const base: AthletePhysiology = {
    fitnessDays,
    fatigueDays,
    k1: 0,
    k2: 0,
    responder,
    habitualCtl: d.uniform(40, 75),
    hrvLnBaseline: d.uniform(3.5, 4.4),
    hrvLnSd: d.uniform(0.06, 0.14),
    hrvFatigueSensitivity: d.uniform(0.15, 0.35),
    hrvSessionEffect: d.uniform(0.0004, 0.001),
    restingHr: (profile.restingHr ?? 52) + d.uniform(-4, 4),
    restingHrSd: d.uniform(1, 2),
    restingHrFatigueSensitivity: d.uniform(2, 6),
    illnessPerYear: d.logNormal(2.5, 0.4),
    badNightRate: d.uniform(0.04, 0.12),
    missedSyncRate: d.uniform(0.01, 0.04),
    skipRate: d.uniform(0.02, 0.08),
    reflectionRate: d.uniform(0.5, 0.95),
    ...overrides,
  };
  // k1 so that a steady extra TSS/day is worth `steadyGainPerTss × responder` points.
  const k1 = overrides.k1 ?? (MODEL.steadyGainPerTss * base.responder) / (steadyMultiplier(base.fitnessDays) - ratio * steadyMultiplier(base.fatigueDays));
  return { ...base, k1, k2: overrides.k2 ?? ratio * k1 };
}

/** Relative fatigue: (acute − chronic) / chronic mean load, from the athlete's own fitness and fatigue sums; ≥ 0 only matters. */
export function relativeFatigue(p: AthletePhysiology, fitnessSum: number, fatigueSum: number): number {
  const chronic = fitnessSum / steadyMultiplier(p.fitnessDays);
  const acute = fatigueSum / steadyMultiplier(p.fatigueDays);
  return (acute - chronic) / Math.max(chronic, 10);
}

/** Daily illness hazard: the athlete's base rate, doubled per step of ACWR and monotony above their thresholds (capped). */
export function illnessHazard(p: AthletePhysiology, acwr: number | null, monotony: number | null): number {
  const m = MODEL.illness;
  const acwrSteps = acwr === null ? 0 : Math.min(m.acwrMaxDoublings, Math.max(0, acwr - m.acwrThreshold) / m.acwrDoublingStep);
  const monotonySteps = monotony === null ? 0 : Math.min(m.monotonyMaxDoublings, Math.max(0, monotony - m.monotonyThreshold) / m.monotonyDoublingStep);
  return (p.illnessPerYear / 365) * Math.min(m.maxRelativeRisk, 2 ** (acwrSteps + monotonySteps));
}

/** Foster's monotony of a week of daily loads: mean / SD (null for an empty or flat-zero week). */
export function monotony(week: readonly number[]): number | null {
  if (week.length === 0) return null;
  const mean = week.reduce((a, b) => a + b, 0) / week.length;
  if (mean <= 0) return null;
  const sd = Math.sqrt(week.reduce((a, x) => a + (x - mean) ** 2, 0) / week.length);
  return sd > 0 ? mean / sd : 10;
}

/** Intensity factor a rider picks for a session of this much training stress (recovery 0.55 … long hard ride 0.85). */
export function sessionIntensity(tss: number): number {
  return Math.min(0.85, Math.max(0.5, 0.5 + 0.0025 * tss));
}
