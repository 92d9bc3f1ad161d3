/**
 * The typed values of the command line, declared once: each kind of value (a date, a whole number,
 * one of a list…) knows how to read a word, what it accepts, and a sample good and bad value.
 * Options and arguments built with `typedOption` / `typedArgument` (or a parser from `typed`)
 * refuse a bad value while commander parses — before any server call — with one line naming the
 * option, the value and what is accepted. tests/integration/cli/every-command.test.ts finds every
 * typed option through `valueTypeOf` and gives it its bad sample.
 */
import { Argument, Option } from 'commander';
import { UserError } from '../../infra/user-error';
import { isClockTime, isIsoDate } from '../../domain/iso-date';
import { canonicalTimezone } from '../../mission/timezones';
import type { ClockTime, IsoDate } from '../../domain/types';

export interface ValueType<T> {
  /** What is accepted, in words ("a real date written YYYY-MM-DD, e.g. 2025-07-05"). */
  accepts: string;
  /** The value for a word, or why the word is refused (a phrase after the value: "is not a calendar date"). */
  read(raw: string): { ok: true; value: T } | { ok: false; why: string };
  /** A word this type accepts, and one it refuses (the CLI tests use both). */
  sample: string;
  badSample: string;
}

/** A commander parser that carries its value type. */
export type TypedParser<T> = ((raw: string) => T) & { valueType: ValueType<T> };

const ok = <T>(value: T) => ({ ok: true as const, value });
const refuse = (why: string) => ({ ok: false as const, why });

/** How a refused word is shown: bare when it is a plain token, else quoted. */
function shown(raw: string): string {
  return /^[A-Za-z0-9._:+@/-]+$/.test(raw) ? raw : JSON.stringify(raw);
}

/**
 * A commander parser for `type`; `label` names the option or argument in messages, `usage` (the
 * option's flags, e.g. `--legs <1-5>`) in the hint.
 */
export function typed<T>(type: ValueType<T>, label: string, usage = label): TypedParser<T> {
  const parse = (raw: string): T => {
    const r = type.read(raw);
    if (r.ok) return r.value;
    throw new UserError(`${label} ${shown(raw)} ${r.why}`, `${usage} takes ${type.accepts}`);
  };
  return Object.assign(parse, { valueType: type });
}

/** An option whose value is read as `type` (named by its long flag in messages). */
export function typedOption<T>(flags: string, description: string, type: ValueType<T>): Option {
  const option = new Option(flags, description);
  return option.argParser(typed(type, option.long ?? option.name(), flags));
}

/** An argument whose value is read as `type`; `<date>` is refused as `date 2025-02-30 …`. */
export function typedArgument<T>(name: string, description: string, type: ValueType<T>): Argument {
  const argument = new Argument(name, description);
  return argument.argParser(typed(type, argument.name(), name));
}

/** The value type of an option or argument declared with a typed parser, else undefined. */
export function valueTypeOf(target: Option | Argument): ValueType<unknown> | undefined {
  const parser = target.parseArg as Partial<TypedParser<unknown>> | undefined;
  return parser?.valueType;
}

// ------------------------------------------------------------------ the value types

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

export const isoDate: ValueType<IsoDate> = {
  accepts: 'a real date written YYYY-MM-DD, e.g. 2025-07-05',
  read: (raw) => (isIsoDate(raw) ? ok(raw) : refuse(DATE_SHAPE.test(raw) ? 'is not a calendar date' : 'is not a date')),
  sample: '2025-07-05',
  badSample: '2025-02-30',
};

/** A date, or one word standing for a date (`today`, `summary`). */
export function isoDateOr<W extends string>(word: W): ValueType<IsoDate | W> {
  return {
    accepts: `a real date written YYYY-MM-DD, or "${word}"`,
    read: (raw) => (raw === word ? ok(word) : isoDate.read(raw)),
    sample: word,
    badSample: isoDate.badSample,
  };
}

/** A whole number, optionally bounded (the message validators check the domain's own ranges). */
export function wholeNumber(range: { min?: number; max?: number } = {}): ValueType<number> {
  const { min, max } = range;
  const bounds = min !== undefined && max !== undefined ? ` from ${min} to ${max}` : min !== undefined ? ` ≥ ${min}` : max !== undefined ? ` ≤ ${max}` : '';
  return {
    accepts: `a whole number${bounds}`,
    read: (raw) => {
      const n = Number(raw);
      if (!/^[+-]?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) return refuse(`is not a whole number${bounds}`);
      if ((min !== undefined && n < min) || (max !== undefined && n > max)) return refuse(`is not a whole number${bounds}`);
      return ok(n);
    },
    sample: String(min ?? 1),
    badSample: '2.5',
  };
}

export const clockTime: ValueType<ClockTime> = {
  accepts: 'a 24-hour time written HH:MM, e.g. 06:30',
  read: (raw) => (isClockTime(raw) ? ok(raw) : refuse('is not a time of day')),
  sample: '06:30',
  badSample: '25:00',
};

/** One word of a fixed list. */
export function oneOf<T extends string>(values: readonly T[]): ValueType<T> {
  return {
    accepts: `one of: ${values.join(', ')}`,
    read: (raw) => ((values as readonly string[]).includes(raw) ? ok(raw as T) : refuse('is not accepted')),
    sample: values[0]!,
    badSample: 'bogus',
  };
}

export const MISSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const missionId: ValueType<string> = {
  accepts: 'a mission id: letters, digits, ".", "_" and "-", starting with a letter or digit (the `id` of the mission file)',
  read: (raw) => (MISSION_ID.test(raw) ? ok(raw) : refuse('is not valid')),
  sample: 'tdf_sim_2025',
  badSample: '../etc',
};

export const athleteHandle: ValueType<string> = {
  accepts: 'the `handle` of the mission’s [athlete] table (letters, digits, ".", "_", "-")',
  read: (raw) => (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(raw) ? ok(raw) : refuse('is not a handle')),
  sample: 'rider',
  badSample: '../rider',
};

/** A new athlete's handle: the rule of mission files' `athlete.handle` (kept in every table). */
export const newAthleteHandle: ValueType<string> = {
  accepts: 'a handle: a letter, then up to 31 letters, digits, "_", "." or "-" (as `handle` in a mission file)',
  read: (raw) => (/^[A-Za-z][A-Za-z0-9_.-]{0,31}$/.test(raw) ? ok(raw) : refuse('is not a handle')),
  sample: 'rider',
  badSample: '1-rider',
};

/** A coach's name, as `athlete add --coach` records it and `token add --coach` names it. */
export const coachName: ValueType<string> = {
  accepts: 'a coach name: a letter, then up to 63 letters, digits, "_", "." or "-"',
  read: (raw) => (/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(raw) ? ok(raw) : refuse('is not a coach name')),
  sample: 'coach-anna',
  badSample: '9anna',
};

/** An IANA timezone name, canonicalised (`europe/paris` → `Europe/Paris`). */
export const timezoneName: ValueType<string> = {
  accepts: 'an IANA timezone name, e.g. Europe/Paris or America/Denver (not an offset such as +01:00)',
  read: (raw) => {
    const zone = canonicalTimezone(raw);
    return zone ? ok(zone) : refuse('is not a timezone');
  },
  sample: 'Europe/Paris',
  badSample: 'Mars/Olympus',
};

/** A number, decimals allowed, within [min, max]. */
export function decimalNumber(range: { min: number; max: number }, unit = ''): ValueType<number> {
  const bounds = ` from ${range.min} to ${range.max}${unit}`;
  return {
    accepts: `a number${bounds}`,
    read: (raw) => {
      const n = Number(raw);
      if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !Number.isFinite(n) || n < range.min || n > range.max) return refuse(`is not a number${bounds}`);
      return ok(n);
    },
    sample: String(range.min),
    badSample: 'heavy',
  };
}

/** The id of a scoped dashboard token, as `token list` shows it. */
export const tokenId: ValueType<string> = {
  accepts: 'a token id as `lanterne token list` shows it: tok_ and 12 letters or digits',
  read: (raw) => (/^tok_[a-z0-9]{12}$/.test(raw) ? ok(raw) : refuse('is not a token id')),
  sample: 'tok_abcdefghijkl',
  badSample: 'lnt_secret',
};

export const githubRepository: ValueType<{ owner: string; repo: string }> = {
  accepts: 'owner/repo, e.g. alice/training-log',
  read: (raw) => {
    const m = /^([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100})$/.exec(raw);
    return m ? ok({ owner: m[1]!, repo: m[2]! }) : refuse('is not a GitHub repository');
  },
  sample: 'alice/training-log',
  badSample: 'alice',
};

// ------------------------------------------------------------------ checks for values given in code

/** A real calendar date written YYYY-MM-DD (for values that do not come through a typed option). */
export function checkDate(value: string | undefined, option: string): IsoDate {
  if (value === undefined || value === '') throw new UserError(`${option} is required`, 'give a date as YYYY-MM-DD');
  return typed(isoDate, option)(value);
}

/** A whole number ≥ min, as a commander option parser. */
export function positiveInt(option: string, min = 1): TypedParser<number> {
  return typed(wholeNumber({ min }), option);
}

export function checkMissionId(value: string): string {
  return typed(missionId, 'mission id')(value);
}

export function checkAthlete(value: string): string {
  return typed(athleteHandle, '--athlete')(value);
}

/** `owner/repo` for --publish. */
export function checkRepo(value: string): { owner: string; repo: string } {
  return typed(githubRepository, '--publish')(value);
}

export const PROVIDERS = ['oura', 'strava'] as const;
export type ConnectProvider = (typeof PROVIDERS)[number];

export function checkProvider(value: string | undefined): ConnectProvider {
  if (value === undefined) throw new UserError('name the provider to connect', 'use `lanterne connect oura`, `lanterne connect strava`, or `lanterne connect --status`');
  return typed(oneOf(PROVIDERS), 'provider')(value);
}
