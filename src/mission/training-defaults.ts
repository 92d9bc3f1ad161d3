/** What a day of each stage type becomes for an amateur when the mission file does not say. */
import type { Importance, StageType, TrainingMode } from '../domain/types';

export interface TrainingDefault {
  durationMin: number;
  focus: string;
}

export const TRAINING_DEFAULTS: Readonly<Record<StageType, TrainingDefault>> = {
  flat: { durationMin: 75, focus: 'endurance: steady zone 2 with a few high-cadence spin-ups' },
  hilly: { durationMin: 90, focus: 'tempo and sweet-spot blocks, like a string of short climbs' },
  mountain: { durationMin: 120, focus: 'long sweet-spot to threshold climbing efforts' },
  itt: { durationMin: 50, focus: 'threshold intervals at time-trial effort' },
  ttt: { durationMin: 60, focus: 'sustained tempo with hard turns just above threshold' },
  rest: { durationMin: 0, focus: 'rest and recovery' },
};

export const DEFAULT_TRAINING_MODE: TrainingMode = 'indoor';
export const DEFAULT_RUN_TIME = '06:00';
export const DEFAULT_MAX_CONSECUTIVE_HARD_DAYS = 2;
export const DEFAULT_CHANNELS = ['email'] as const;
export const DEFAULT_DISCIPLINES = ['cycling'] as const;
export const DEFAULT_LLM_MODEL = 'gpt-4o-mini';
export const DEFAULT_LANGUAGE = 'en';
/** Shortest workout a training day may plan. */
export const MIN_TRAINING_MINUTES = 10;
export const MAX_DAY_MINUTES = 480;

export function defaultImportance(type: StageType, isKey: boolean): Importance {
  if (isKey) return 'key';
  return type === 'rest' ? 'low' : 'normal';
}
