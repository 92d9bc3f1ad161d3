/**
 * Training zones and training-stress maths used by the planner and its validator.
 * Coggan power levels (% FTP) and his heart-rate guide (% of threshold HR), see
 * research/domain.md §5.1 and §5.7. Pure functions, no I/O.
 */

/** Coggan power levels as fractions of FTP: [low, high]. Level 7 has no upper bound in practice. */
export const POWER_LEVELS: Record<number, { name: string; low: number; high: number }> = {
  1: { name: 'active recovery', low: 0.4, high: 0.55 },
  2: { name: 'endurance', low: 0.56, high: 0.75 },
  3: { name: 'tempo', low: 0.76, high: 0.9 },
  4: { name: 'threshold', low: 0.91, high: 1.05 },
  5: { name: 'VO2max', low: 1.06, high: 1.2 },
  6: { name: 'anaerobic capacity', low: 1.21, high: 1.5 },
  7: { name: 'neuromuscular', low: 1.51, high: 2.0 },
};

/** Coggan heart-rate zones as fractions of threshold (lactate-threshold) HR: [low, high]. */
export const HR_ZONES: Record<number, { name: string; low: number; high: number }> = {
  1: { name: 'active recovery', low: 0.5, high: 0.68 },
  2: { name: 'endurance', low: 0.69, high: 0.83 },
  3: { name: 'tempo', low: 0.84, high: 0.94 },
  4: { name: 'threshold', low: 0.95, high: 1.05 },
  5: { name: 'VO2max', low: 1.06, high: 1.15 },
};

/**
 * Intensity factor assumed for a block ridden in a heart-rate zone (no power target), so that
 * HR-zone intervals can be scored on the TSS scale. Mid-zone power equivalents of Coggan's guide.
 */
export const HR_ZONE_IF: Record<number, number> = { 1: 0.5, 2: 0.65, 3: 0.83, 4: 0.98, 5: 1.1 };

/** Intensity above this fraction of FTP (or an HR zone above 2) is "intensity" (domain.md §5.7, level 3+). */
export const EASY_MAX_PCT_FTP = 0.75;
export const EASY_MAX_HR_ZONE = 2;

export interface IntervalIntensity {
  durationMin: number;
  targetPctFtp: number | null;
  hrZone: number | null;
}

/** Intensity factor of one block: its %FTP target, or the power equivalent of its HR zone. */
export function intervalIntensityFactor(interval: IntervalIntensity): number {
  if (interval.targetPctFtp !== null) return interval.targetPctFtp;
  if (interval.hrZone !== null) return HR_ZONE_IF[interval.hrZone] ?? HR_ZONE_IF[5];
  return 0;
}

/**
 * TSS of a structured workout: sum over blocks of hours × IF² × 100 (one hour at FTP = 100).
 * Treating each block as steady is the usual approximation for structured workouts.
 */
export function computeTss(intervals: IntervalIntensity[]): number {
  let tss = 0;
  for (const interval of intervals) {
    const intensity = intervalIntensityFactor(interval);
    tss += (interval.durationMin / 60) * intensity * intensity * 100;
  }
  return Math.round(tss * 10) / 10;
}

/** TSS of a steady effort: hours × IF² × 100. */
export function steadyTss(durationMin: number, intensityFactor: number): number {
  return (durationMin / 60) * intensityFactor * intensityFactor * 100;
}

/** Watts for a %FTP target, rounded to the watt. */
export function wattsFor(pctFtp: number, ftpW: number): number {
  return Math.round(pctFtp * ftpW);
}

/** The bpm range of an HR zone from the athlete's threshold HR, capped at max HR. */
export function hrRangeFor(zone: number, thresholdHr: number, maxHr: number): { low: number; high: number } {
  const z = HR_ZONES[zone] ?? HR_ZONES[5];
  return {
    low: Math.min(Math.round(z.low * thresholdHr), maxHr),
    high: Math.min(Math.round(z.high * thresholdHr), maxHr),
  };
}

/** The HR zone that matches a %FTP target (used to give power targets a heart-rate guide too). */
export function hrZoneForPct(pctFtp: number): number {
  if (pctFtp <= 0.55) return 1;
  if (pctFtp <= 0.75) return 2;
  if (pctFtp <= 0.9) return 3;
  if (pctFtp <= 1.05) return 4;
  return 5;
}

/** Is this block "intensity" (above endurance)? */
export function isIntense(interval: IntervalIntensity): boolean {
  if (interval.targetPctFtp !== null && interval.targetPctFtp > EASY_MAX_PCT_FTP + 1e-9) return true;
  if (interval.hrZone !== null && interval.hrZone > EASY_MAX_HR_ZONE) return true;
  return false;
}
