/**
 * Every key of a mission file: its value's type and bounds, and what a message says is accepted.
 * mission-schema.ts puts them into tables; cross-field rules read them back with `valid()`.
 */
import * as z from 'zod';
import { CHANNELS, DISCIPLINES, IMPORTANCE_LEVELS, STAGE_TYPES, TRAINING_MODES } from '../domain/types';
import { isClockTime, isIsoDate } from '../domain/iso-date';
import { canonicalTimezone, knownTimezones } from './timezones';
import { MAX_DAY_MINUTES } from './training-defaults';
import { decimal, integer, oneOf, pattern, text, typeError, value } from './schema-vocabulary';

const isoDate = value(
  z
    .string({ error: typeError })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'is not a date YYYY-MM-DD', abort: true })
    .refine(isIsoDate, { error: 'is not a date that exists' }),
  { accepted: 'a calendar date YYYY-MM-DD, e.g. 2025-07-05', customCode: 'nonexistent_date' },
);

const clockTime = value(z.string({ error: typeError }).refine(isClockTime, { error: 'is not a time HH:MM' }), {
  accepted: 'a 24-hour time "HH:MM" from "00:00" to "23:59", e.g. "06:30"',
});

/** An IANA zone name, stored in its canonical spelling (`europe/paris` → `Europe/Paris`). */
const timezone = value(
  text(64).transform((name, ctx) => {
    const canonical = canonicalTimezone(name);
    if (canonical !== null) return canonical;
    ctx.issues.push({ code: 'custom', message: 'is not an IANA timezone', input: name });
    return z.NEVER;
  }),
  { accepted: 'an IANA timezone name such as "Europe/Paris" or "America/Denver"', choices: [...knownTimezones(), 'UTC'], customCode: 'bad_timezone' },
);

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
function isLanguageTag(tag: string): boolean {
  if (!LANGUAGE_TAG.test(tag)) return false;
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** A BCP 47 tag, stored canonical (`en-gb` → `en-GB`). */
const language = value(
  z
    .string({ error: typeError })
    .refine(isLanguageTag, { error: 'is not a language tag' })
    .transform((tag) => Intl.getCanonicalLocales(tag)[0]),
  { accepted: 'a BCP 47 language tag such as "en", "fr" or "en-GB"' },
);

const named = (max: number, accepted: string) => value(text(max), { accepted });

export const KEYS = {
  // top level
  id: value(pattern(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'is not a mission id'), {
    accepted: 'lowercase letters, digits, "_" and "-", up to 64 characters, starting with a letter or digit, e.g. "tdf_sim_2025"',
  }),
  name: named(120, 'a name of 1 to 120 characters'),
  timezone,
  runTime: clockTime,
  startDate: isoDate,

  // [athlete]
  handle: value(pattern(/^[A-Za-z][A-Za-z0-9_.-]{0,31}$/, 'is not a handle'), {
    accepted: 'a short name (a letter, then letters, digits, "_", "." or "-"; up to 32 characters), never an account number',
  }),
  ftpW: value(integer(50, 600), { accepted: 'a whole number of watts from 50 to 600' }),
  weightKg: value(decimal(30, 200), { accepted: 'kilograms from 30 to 200' }),
  thresholdHr: value(integer(100, 220), { accepted: 'a whole number of beats per minute from 100 to 220' }),
  maxHr: value(integer(120, 230), { accepted: 'a whole number of beats per minute from 120 to 230' }),
  restingHr: value(integer(30, 100), { accepted: 'a whole number of beats per minute from 30 to 100' }),
  discipline: oneOf(DISCIPLINES, 'a discipline'),

  // [goals]
  summary: named(500, 'a sentence of 1 to 500 characters'),
  weeklyHoursCap: value(decimal(1, 40), { accepted: 'hours per 7 days, from 1 to 40' }),
  maxConsecutiveHardDays: value(integer(1, 7), { accepted: 'a whole number from 1 to 7' }),
  keyStage: value(integer(0, 999), { accepted: 'a stage number (or, in missions without stages, a day index)' }),
  taperDays: value(integer(0, 28), { accepted: 'a whole number of days from 0 to 28' }),

  // [notifications]
  channel: oneOf(CHANNELS, 'a channel'),
  clockTime,

  // [planner]
  useLlm: value(z.boolean({ error: typeError }), { accepted: 'true or false' }),
  model: value(pattern(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, 'is not a model name'), {
    accepted: 'an OpenAI model name such as "gpt-4o-mini"',
  }),
  language,

  // [[days]]
  date: isoDate,
  dayOffset: value(integer(0, 730), { accepted: 'a whole number of days after start_date, 0 (start_date itself) to 730' }),
  stage: value(integer(1, 99), { accepted: 'a whole stage number from 1 to 99' }),
  dayName: named(120, 'a name of 1 to 120 characters'),
  place: named(120, 'a place name of 1 to 120 characters'),
  distanceKm: value(decimal(0, 400), { accepted: 'kilometres from 0 to 400' }),
  elevationM: value(decimal(0, 10_000), { accepted: 'metres of climbing from 0 to 10000' }),
  stageType: oneOf(STAGE_TYPES, 'a stage type'),
  importance: oneOf(IMPORTANCE_LEVELS, 'an importance level'),
  mode: oneOf(TRAINING_MODES, 'a training mode'),
  durationMin: value(integer(0, MAX_DAY_MINUTES), { accepted: `whole minutes from 0 to ${MAX_DAY_MINUTES}` }),
  focus: named(200, 'a short description of 1 to 200 characters'),
  notes: named(1000, 'text of 1 to 1000 characters'),
};
