/**
 * What a decision means in minutes and training stress for a mission day: the maximum duration
 * and the TSS band the day's workout must fall in. Shared by the reasoning, the negotiation, the
 * planner's validator and the deterministic templates, so all of them agree on the numbers.
 */
import type { DecisionKind, MissionDay, StageType } from '../domain/types';
import { steadyTss } from './training-zones';

/** Typical intensity factor of a session that rehearses each stage type (domain.md §5.1/§5.7). */
export const STAGE_INTENSITY: Record<StageType, number> = {
  flat: 0.7,
  hilly: 0.76,
  mountain: 0.8,
  itt: 0.82,
  ttt: 0.8,
  rest: 0,
};

/** Share of the available time kept when the decision is to reduce volume. */
export const REDUCED_VOLUME_SHARE = 0.6;
/** Intensity factor of an endurance ride (modify_intensity) and of a recovery spin. */
export const ENDURANCE_IF = 0.65;
export const RECOVERY_IF = 0.52;
/** Longest recovery spin, minutes. */
export const RECOVERY_MAX_MIN = 45;

export interface DayTargets {
  maxDurationMin: number;
  tssBand: { min: number; max: number };
  /** Intensity factor the day is built around. */
  targetIf: number;
  /** Planned TSS the band is centred on. */
  targetTss: number;
}

/**
 * @param availableMin minutes the mission day offers (after any weekly-cap trim)
 * @param intensityScale per-athlete scale of training stress (adaptation), 0.8..1.1
 */
export function dayTargets(
  decision: DecisionKind,
  day: Pick<MissionDay, 'type' | 'training'>,
  availableMin: number,
  intensityScale = 1,
): DayTargets {
  const available = Math.max(0, Math.floor(availableMin));
  const stageIf = STAGE_INTENSITY[day.type] || ENDURANCE_IF;
  if (decision === 'rest' || available === 0 || day.type === 'rest' || day.training.mode === 'rest') {
    return { maxDurationMin: 0, tssBand: { min: 0, max: 0 }, targetIf: 0, targetTss: 0 };
  }
  if (decision === 'recovery') {
    const minutes = Math.min(available, RECOVERY_MAX_MIN);
    const ceiling = Math.round(steadyTss(minutes, 0.6));
    return { maxDurationMin: minutes, tssBand: { min: 0, max: ceiling }, targetIf: RECOVERY_IF, targetTss: Math.round(steadyTss(minutes, RECOVERY_IF)) };
  }
  let minutes = available;
  let intensity = stageIf;
  if (decision === 'reduce_volume') minutes = Math.max(Math.min(30, available), Math.round(available * REDUCED_VOLUME_SHARE));
  if (decision === 'modify_intensity') intensity = Math.min(stageIf, ENDURANCE_IF);
  // The scale acts on training stress, so on the intensity factor by its square root.
  intensity = intensity * Math.sqrt(intensityScale);
  const target = steadyTss(minutes, intensity);
  return {
    maxDurationMin: minutes,
    tssBand: { min: Math.floor(target * 0.8), max: Math.ceil(target * 1.1) },
    targetIf: Math.round(intensity * 1000) / 1000,
    targetTss: Math.round(target),
  };
}
