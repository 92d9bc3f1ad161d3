/**
 * The rules for each key of a mission file: a zod v4 schema for the value as written in TOML,
 * a description of what is accepted, and the choices used for "did you mean" suggestions.
 * Each zod check carries the words that follow the found value in the error message
 * (`"hily" is not a stage type; accepted: ...`).
 */
import * as z from 'zod';
import { TomlDate } from 'smol-toml';
import { CHANNELS, DISCIPLINES, IMPORTANCE_LEVELS, STAGE_TYPES, TRAINING_MODES } from '../domain/types';
import type { ProblemCode } from './mission-errors';
import { MAX_DAY_MINUTES } from './training-defaults';
import { isClockTime, isIsoDate } from '../domain/iso-date';

export interface ValueRule<T> {
  schema: z.ZodType<T>;
  /** What is accepted, e.g. `a whole number of watts from 50 to 600`. */
  accepted: string;
  /** Listed values, for "did you mean" suggestions. */
  choices?: readonly string[];
  /** Problem code for the rule's custom (refine) checks. */
  customCode?: ProblemCode;
}

/** How a TOML value reads in an error message: `a string`, `an array`, `a date`, ... */
export function describeType(value: unknown): string {
  if (value === undefined || value === null) return 'missing';
  if (value instanceof TomlDate) return value.isDate() ? 'a date' : value.isTime() ? 'a time' : 'a date-time';
  if (typeof value === 'number') return Number.isFinite(value) ? 'a number' : 'not a finite number';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (Array.isArray(value)) return 'an array';
  return 'a table';
}

const typeError = (iss: { input?: unknown }): string => `is ${describeType(iss.input)}`;

const integer = (min: number, max: number): z.ZodNumber =>
  z
    .number({ error: typeError })
    .int({ error: 'is not a whole number' })
    .min(min, { error: 'is out of range' })
    .max(max, { error: 'is out of range' });

const decimal = (min: number, max: number): z.ZodNumber =>
  z.number({ error: typeError }).min(min, { error: 'is out of range' }).max(max, { error: 'is out of range' });

const text = (max: number): z.ZodString =>
  z
    .string({ error: typeError })
    .refine((s) => s.trim() !== '', { error: 'is empty', abort: true })
    .refine((s) => s.length <= max, { error: `is longer than ${max} characters` });

function oneOf<const T extends readonly [string, ...string[]]>(values: T, noun: string): ValueRule<T[number]> {
  return {
    schema: z.enum(values, { error: (iss) => (typeof iss.input === 'string' ? `is not ${noun}` : typeError(iss)) }),
    accepted: values.join(', '),
    choices: values,
  };
}

const isoDate: ValueRule<string> = {
  schema: z
    .string({ error: typeError })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'is not a date YYYY-MM-DD', abort: true })
    .refine(isIsoDate, { error: 'is not a date that exists' }),
  accepted: 'a calendar date YYYY-MM-DD, e.g. 2025-07-05',
  customCode: 'nonexistent_date',
};

const clockTime: ValueRule<string> = {
  schema: z.string({ error: typeError }).refine(isClockTime, { error: 'is not a time HH:MM' }),
  accepted: 'a 24-hour time "HH:MM" from "00:00" to "23:59", e.g. "06:30"',
  customCode: 'bad_format',
};

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
function isLanguageTag(value: string): boolean {
  if (!LANGUAGE_TAG.test(value)) return false;
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

export const rules = {
  id: {
    schema: z.string({ error: typeError }).regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'is not a mission id' }),
    accepted: 'lowercase letters, digits, "_" and "-", up to 64 characters, starting with a letter or digit, e.g. "tdf_sim_2025"',
  },
  name: { schema: text(120), accepted: 'a name of 1 to 120 characters' },
  timezone: { schema: text(64), accepted: 'an IANA timezone name such as "Europe/Paris" or "America/Denver"' },
  clockTime,
  isoDate,

  handle: {
    schema: z.string({ error: typeError }).regex(/^[A-Za-z][A-Za-z0-9_.-]{0,31}$/, { error: 'is not a handle' }),
    accepted: 'a short name (a letter, then letters, digits, "_", "." or "-"; up to 32 characters), never an account number',
  },
  ftpW: { schema: integer(50, 600), accepted: 'a whole number of watts from 50 to 600' },
  weightKg: { schema: decimal(30, 200), accepted: 'kilograms from 30 to 200' },
  thresholdHr: { schema: integer(100, 220), accepted: 'a whole number of beats per minute from 100 to 220' },
  maxHr: { schema: integer(120, 230), accepted: 'a whole number of beats per minute from 120 to 230' },
  restingHr: { schema: integer(30, 100), accepted: 'a whole number of beats per minute from 30 to 100' },
  discipline: oneOf(DISCIPLINES, 'a discipline'),

  summary: { schema: text(500), accepted: 'a sentence of 1 to 500 characters' },
  weeklyHoursCap: { schema: decimal(1, 40), accepted: 'hours per 7 days, from 1 to 40' },
  maxConsecutiveHardDays: { schema: integer(1, 7), accepted: 'a whole number from 1 to 7' },
  keyStage: { schema: integer(0, 999), accepted: 'a stage number (or, in missions without stages, a day index)' },
  taperDays: { schema: integer(0, 28), accepted: 'a whole number of days from 0 to 28' },

  channel: oneOf(CHANNELS, 'a channel'),
  useLlm: { schema: z.boolean({ error: typeError }), accepted: 'true or false' },
  model: {
    schema: z.string({ error: typeError }).regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, { error: 'is not a model name' }),
    accepted: 'an OpenAI model name such as "gpt-4o-mini"',
  },
  language: {
    schema: z.string({ error: typeError }).refine(isLanguageTag, { error: 'is not a language tag' }),
    accepted: 'a BCP 47 language tag such as "en", "fr" or "en-GB"',
    customCode: 'bad_format' as ProblemCode,
  },

  stage: { schema: integer(1, 99), accepted: 'a whole stage number from 1 to 99' },
  dayOffset: { schema: integer(0, 730), accepted: 'a whole number of days after start_date, 0 (start_date itself) to 730' },
  dayName: { schema: text(120), accepted: 'a name of 1 to 120 characters' },
  place: { schema: text(120), accepted: 'a place name of 1 to 120 characters' },
  distanceKm: { schema: decimal(0, 400), accepted: 'kilometres from 0 to 400' },
  elevationM: { schema: decimal(0, 10_000), accepted: 'metres of climbing from 0 to 10000' },
  stageType: oneOf(STAGE_TYPES, 'a stage type'),
  importance: oneOf(IMPORTANCE_LEVELS, 'an importance level'),
  mode: oneOf(TRAINING_MODES, 'a training mode'),
  durationMin: { schema: integer(0, MAX_DAY_MINUTES), accepted: `whole minutes from 0 to ${MAX_DAY_MINUTES}` },
  focus: { schema: text(200), accepted: 'a short description of 1 to 200 characters' },
  notes: { schema: text(1000), accepted: 'text of 1 to 1000 characters' },
} satisfies Record<string, ValueRule<unknown>>;

/** The keys each table accepts, in the order the documentation lists them. */
export const KNOWN_KEYS = {
  top: ['id', 'name', 'timezone', 'run_time', 'start_date', 'athlete', 'goals', 'notifications', 'planner', 'days'],
  athlete: ['handle', 'ftp_w', 'weight_kg', 'threshold_hr', 'max_hr', 'resting_hr', 'disciplines'],
  goals: ['summary', 'weekly_hours_cap', 'max_consecutive_hard_days', 'key_stages', 'taper_days'],
  notifications: ['channels', 'quiet_hours'],
  quietHours: ['start', 'end'],
  planner: ['use_llm', 'model', 'language'],
  days: [
    'stage', 'date', 'day', 'name', 'start', 'finish', 'distance_km', 'elevation_m',
    'type', 'importance', 'mode', 'duration_min', 'focus', 'notes',
  ],
} as const;
