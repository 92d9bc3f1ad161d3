/**
 * zod schema of the normalised `MissionConfig` (camelCase, every day resolved to a date).
 * The loader's output always satisfies it; other modules can use it to check a mission that was
 * read back from the database or received in a workflow payload.
 */
import * as z from 'zod';
import {
  CHANNELS,
  DISCIPLINES,
  IMPORTANCE_LEVELS,
  STAGE_TYPES,
  TRAINING_MODES,
  type MissionConfig,
} from '../domain/types';
import { isClockTime, isIsoDate } from '../domain/iso-date';

const isoDate = z.string().refine(isIsoDate, { error: 'expected a calendar date YYYY-MM-DD' });
const clockTime = z.string().refine(isClockTime, { error: 'expected a time HH:MM' });

export const missionDaySchema = z.strictObject({
  index: z.number().int().min(0),
  date: isoDate,
  stage: z.number().int().min(1).nullable(),
  name: z.string().min(1),
  start: z.string().nullable(),
  finish: z.string().nullable(),
  distanceKm: z.number().min(0),
  elevationM: z.number().min(0),
  type: z.enum(STAGE_TYPES),
  importance: z.enum(IMPORTANCE_LEVELS),
  training: z.strictObject({
    mode: z.enum(TRAINING_MODES),
    durationMin: z.number().int().min(0),
    focus: z.string(),
  }),
  notes: z.string().nullable(),
});

export const missionConfigSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
    name: z.string().min(1),
    athlete: z.strictObject({
      handle: z.string().min(1),
      ftpW: z.number().positive(),
      weightKg: z.number().positive(),
      thresholdHr: z.number().int().positive(),
      maxHr: z.number().int().positive(),
      restingHr: z.number().int().positive().nullable(),
      disciplines: z.array(z.enum(DISCIPLINES)).min(1),
    }),
    timezone: z.string().min(1),
    runTime: clockTime,
    earliestTime: clockTime.optional(),
    startDate: isoDate,
    days: z.array(missionDaySchema).min(1),
    goals: z.strictObject({
      summary: z.string(),
      weeklyHoursCap: z.number().positive(),
      maxConsecutiveHardDays: z.number().int().positive(),
      keyStages: z.array(z.number().int().min(0)),
      taperDays: z.number().int().min(0),
    }),
    notifications: z.strictObject({
      channels: z.array(z.enum(CHANNELS)),
      quietHours: z.strictObject({ start: clockTime, end: clockTime }).nullable(),
    }),
    planner: z.strictObject({
      useLlm: z.boolean(),
      model: z.string().min(1),
      language: z.string().min(1),
    }),
  })
  .superRefine((config, ctx) => {
    config.days.forEach((day, i) => {
      if (day.index !== i) ctx.addIssue({ code: 'custom', path: ['days', i, 'index'], message: `expected index ${i}` });
      const expected = new Date(Date.parse(`${config.startDate}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10);
      if (day.date !== expected) ctx.addIssue({ code: 'custom', path: ['days', i, 'date'], message: `expected ${expected} (consecutive from startDate)` });
    });
  });

// The schema and the shared type must describe the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<z.infer<typeof missionConfigSchema>, MissionConfig> = true;
void sameShape;
