/**
 * The planner's answer is untrusted input. This module holds the answer's schema (as zod for
 * validation and as the strict JSON schema sent to the model) and the checks a model cannot talk
 * its way past: intervals add up, TSS computed from the intervals sits inside the decision's band,
 * no intensity on recovery/rest days, the time fits the day and the week, and targets are turned
 * into the athlete's own watts and heart rates.
 */
import { z } from 'zod';
import { DISCIPLINES, type AthleteProfile, type Decision, type DecisionKind, type Workout, type WorkoutInterval } from '../domain/types';
import { computeTss, hrRangeFor, hrZoneForPct, wattsFor } from './training-zones';

export const plannedIntervalSchema = z
  .object({
    durationMin: z.number().positive().max(300),
    targetPctFtp: z.number().min(0.3).max(2).nullable(),
    hrZone: z.number().int().min(1).max(5).nullable(),
    cadenceRpm: z.number().int().min(40).max(140).nullable(),
    cue: z.string().max(300),
  })
  .strict()
  .refine((i) => (i.targetPctFtp === null) !== (i.hrZone === null), {
    message: 'each interval needs exactly one target: targetPctFtp or hrZone',
  });

export const plannedWorkoutSchema = z
  .object({
    title: z.string().min(1).max(120),
    sport: z.enum(DISCIPLINES),
    durationMin: z.number().positive().max(600),
    intervals: z.array(plannedIntervalSchema).min(1).max(60),
    notes: z.string().max(2000),
    /** The model's own TSS estimate: kept for comparison, never used. */
    estimatedTss: z.number().nullable(),
  })
  .strict();

export type PlannedWorkout = z.infer<typeof plannedWorkoutSchema>;

/** The same shape as a strict JSON schema for `response_format: { type: 'json_schema' }`. */
export const PLANNED_WORKOUT_JSON_SCHEMA = {
  name: 'lanterne_workout',
  strict: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['title', 'sport', 'durationMin', 'intervals', 'notes', 'estimatedTss'],
    properties: {
      title: { type: 'string', description: 'Short workout title' },
      sport: { type: 'string', enum: [...DISCIPLINES] },
      durationMin: { type: 'number', description: 'Total duration in minutes; equals the sum of the intervals' },
      intervals: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['durationMin', 'targetPctFtp', 'hrZone', 'cadenceRpm', 'cue'],
          properties: {
            durationMin: { type: 'number' },
            targetPctFtp: { type: ['number', 'null'], description: 'Target as a fraction of FTP (0.65 = 65 %), or null when hrZone is set' },
            hrZone: { type: ['integer', 'null'], description: 'Heart-rate zone 1-5, or null when targetPctFtp is set' },
            cadenceRpm: { type: ['integer', 'null'] },
            cue: { type: 'string', description: 'One short coaching cue' },
          },
        },
      },
      notes: { type: 'string' },
      estimatedTss: { type: ['number', 'null'] },
    },
  },
} as const;

/** Highest %FTP and HR zone allowed per decision: no intensity on recovery or rest days. */
export const INTENSITY_CAPS: Record<DecisionKind, { pctFtp: number; hrZone: number }> = {
  as_planned: { pctFtp: 2, hrZone: 5 },
  reduce_volume: { pctFtp: 2, hrZone: 5 },
  modify_intensity: { pctFtp: 0.9, hrZone: 3 },
  recovery: { pctFtp: 0.75, hrZone: 2 },
  rest: { pctFtp: 0.75, hrZone: 2 },
};

/** Minutes the intervals may differ from the stated duration (rounding). */
export const DURATION_TOLERANCE_MIN = 1;

export interface ValidationContext {
  decision: Pick<Decision, 'decision' | 'tssBand' | 'maxDurationMin'>;
  athlete: Pick<AthleteProfile, 'ftpW' | 'thresholdHr' | 'maxHr' | 'disciplines'>;
  /** Minutes left under the weekly hours cap; null = no cap known. */
  weeklyRemainingMin: number | null;
}

export type ValidationResult = { ok: true; workout: Workout } | { ok: false; problems: string[] };

/** Parse raw model text: JSON, then the schema. Problems name the field and what was expected. */
export function parsePlannedWorkout(text: string): { ok: true; plan: PlannedWorkout } | { ok: false; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`answer is not valid JSON (${(err as Error).message})`] };
  }
  const parsed = plannedWorkoutSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
    };
  }
  return { ok: true, plan: parsed.data };
}

/** Turn a %FTP / HR-zone block into the athlete's own watts and heart rates. */
export function personaliseInterval(
  i: { durationMin: number; targetPctFtp: number | null; hrZone: number | null; cadenceRpm: number | null; cue: string },
  athlete: ValidationContext['athlete'],
): WorkoutInterval {
  const zone = i.hrZone ?? (i.targetPctFtp !== null ? hrZoneForPct(i.targetPctFtp) : null);
  return {
    durationMin: i.durationMin,
    targetPctFtp: i.targetPctFtp,
    hrZone: i.hrZone,
    targetWatts: i.targetPctFtp !== null ? wattsFor(i.targetPctFtp, athlete.ftpW) : null,
    targetHr: zone !== null ? hrRangeFor(zone, athlete.thresholdHr, athlete.maxHr) : null,
    cadenceRpm: i.cadenceRpm,
    cue: i.cue,
  };
}

/** The checks a plan must pass for the day, whoever wrote it. */
export function checkPlan(plan: PlannedWorkout, ctx: ValidationContext): string[] {
  const problems: string[] = [];
  const sum = Math.round(plan.intervals.reduce((s, i) => s + i.durationMin, 0) * 10) / 10;
  if (Math.abs(sum - plan.durationMin) > DURATION_TOLERANCE_MIN) {
    problems.push(`intervals add up to ${sum} min but the workout states ${plan.durationMin} min`);
  }
  if (plan.durationMin > ctx.decision.maxDurationMin + DURATION_TOLERANCE_MIN) {
    problems.push(`duration ${plan.durationMin} min is longer than the ${ctx.decision.maxDurationMin} min available today`);
  }
  if (ctx.weeklyRemainingMin !== null && plan.durationMin > ctx.weeklyRemainingMin + DURATION_TOLERANCE_MIN) {
    problems.push(`duration ${plan.durationMin} min is more than the ${ctx.weeklyRemainingMin} min left under the weekly hours cap`);
  }
  const tss = computeTss(plan.intervals);
  const band = ctx.decision.tssBand;
  if (tss < band.min || tss > band.max) {
    problems.push(`TSS computed from the intervals is ${tss}, outside today's band ${band.min}–${band.max}` + (plan.estimatedTss !== null ? ` (the answer claimed ${plan.estimatedTss})` : ''));
  }
  const cap = INTENSITY_CAPS[ctx.decision.decision];
  plan.intervals.forEach((i, n) => {
    if (i.targetPctFtp !== null && i.targetPctFtp > cap.pctFtp + 1e-9) {
      problems.push(`intervals.${n}: ${Math.round(i.targetPctFtp * 100)}% FTP is above the ${Math.round(cap.pctFtp * 100)}% allowed on a ${ctx.decision.decision} day`);
    }
    if (i.hrZone !== null && i.hrZone > cap.hrZone) {
      problems.push(`intervals.${n}: HR zone ${i.hrZone} is above zone ${cap.hrZone} allowed on a ${ctx.decision.decision} day`);
    }
  });
  if (!ctx.athlete.disciplines.includes(plan.sport)) {
    problems.push(`sport "${plan.sport}" is not one of the athlete's disciplines (${ctx.athlete.disciplines.join(', ')})`);
  }
  return problems;
}

/** Validate a plan and, when it passes, build the Workout with TSS computed from the intervals. */
export function validatePlan(
  plan: PlannedWorkout,
  ctx: ValidationContext,
  meta: Pick<Workout, 'source' | 'fallbackReason' | 'tokenUsage'>,
): ValidationResult {
  const problems = checkPlan(plan, ctx);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    workout: {
      title: plan.title,
      sport: plan.sport,
      durationMin: plan.durationMin,
      targetTss: Math.round(computeTss(plan.intervals)),
      intervals: plan.intervals.map((i) => personaliseInterval(i, ctx.athlete)),
      notes: plan.notes,
      ...meta,
    },
  };
}
