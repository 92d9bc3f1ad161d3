/**
 * The words the mission schema is written in: zod types for one key's value, a table and a list.
 * zod walks the document, keeps key paths and collects every issue at once; each of these types
 * reports a failure as one Lanterne problem (how the found value is shown, what is wrong, what is
 * accepted) in a custom issue's `params`, which mission-problems.ts turns into a `MissionProblem`.
 */
import * as z from 'zod';
import { TomlDate } from 'smol-toml';
import { closestMatch } from './closest-match';
import type { ProblemCode } from './mission-errors';
import { LONE_SURROGATE } from './text-encoding';

export type Table = Record<string, unknown>;

/** A TOML table / JSON object (not an array, not a TOML date). */
export function isTable(value: unknown): value is Table {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

/** What a failed check says; carried in a custom zod issue's params. */
export interface ProblemParams {
  code: ProblemCode;
  /** The words after the found value, e.g. `is out of range`; the whole sentence when `found` is null. */
  what: string;
  /** What would be accepted. */
  accepted: string;
  /** How the found value is shown: as written (else as JSON), as this text, or not at all. */
  found: { value: unknown } | { text: string } | null;
  /** A child key (or index) of the issue's path whose line to report instead. */
  lineKey?: string | number;
  /** A sibling key that an unknown key was taken for a typo of: its absence is not reported again. */
  suggests?: string;
}

type RawIssue = z.core.$ZodRawIssue;

/** A custom zod issue carrying a problem (its path is relative to the schema that raises it). */
export function problemIssue(params: ProblemParams, path: readonly (string | number)[] = []): RawIssue {
  const input = params.found !== null && 'value' in params.found ? params.found.value : undefined;
  return { code: 'custom', message: `${params.what}; accepted: ${params.accepted}`, input, path: [...path], params: { ...params } };
}

/** Reports a problem at a path relative to the table a rule checks. */
export type Report = (params: ProblemParams, path?: readonly (string | number)[]) => void;

/**
 * A rule across keys of one table, run even when some of its values failed their own checks
 * (it reads them with `valid()`, so a value that failed is simply not compared).
 */
export function tableRule(check: (t: Table, report: Report) => void): z.core.$ZodCheck<Table> {
  return z.superRefine<Table>((t, ctx) => check(t, (params, path) => ctx.addIssue(problemIssue(params, path))), {
    when: (payload) => isTable(payload.value),
  });
}

/** The problem a custom zod issue carries, or null for an issue raised by zod itself. */
export function problemOf(issue: z.core.$ZodIssue): ProblemParams | null {
  const params = issue.code === 'custom' ? (issue.params as Partial<ProblemParams> | undefined) : undefined;
  return params?.code !== undefined && typeof params.what === 'string' ? (params as ProblemParams) : null;
}

/** The value when `schema` accepts it, else undefined (for rules that read several keys). */
export function valid<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

// ------------------------------------------------------------------ one value

/** How a value reads in a message: `a string`, `an array`, `a date`, ... */
export function describeType(value: unknown): string {
  if (value === undefined || value === null) return 'missing';
  if (value instanceof TomlDate) return value.isDate() ? 'a date' : value.isTime() ? 'a time' : 'a date-time';
  if (typeof value === 'number') return Number.isFinite(value) ? 'a number' : 'not a finite number';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'bigint') return 'a number';
  if (Array.isArray(value)) return 'an array';
  return 'a table';
}

/** zod error text for a value of the wrong type: `is a string`. */
export const typeError = (iss: { input?: unknown }): string => `is ${describeType(iss.input)}`;

export interface ValueInfo {
  /** What is accepted, e.g. `a whole number of watts from 50 to 600`. */
  accepted: string;
  /** Listed values, for "did you mean" suggestions. */
  choices?: readonly string[];
  /** Problem code of the value's custom (refine) checks. */
  customCode?: ProblemCode;
}

function codeOf(issue: z.core.$ZodIssue, input: unknown, info: ValueInfo): ProblemCode {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' || (typeof input === 'number' && !Number.isFinite(input)) ? 'out_of_range' : 'wrong_type';
    case 'too_small':
    case 'too_big':
      return 'out_of_range';
    case 'invalid_value':
      return 'not_accepted';
    case 'custom':
      return info.customCode ?? 'bad_format';
    default:
      return 'bad_format';
  }
}

/**
 * A key's value checked by `schema` (whose error texts are the words after the found value). A
 * failure is one problem: the first issue, the value as found, and what is accepted; an absent
 * value is `is required` (wrap in `.optional()` for keys that may be left out).
 */
export function value<T>(schema: z.ZodType<T>, info: ValueInfo): z.ZodType<T> {
  return z.unknown().transform((input, ctx): T => {
    const result = schema.safeParse(input);
    if (result.success) return result.data;
    if (input === undefined) {
      ctx.issues.push(problemIssue({ code: 'missing', what: 'is required', accepted: info.accepted, found: null }));
      return z.NEVER;
    }
    const issue = result.error.issues[0];
    const guess = info.choices && typeof input === 'string' ? closestMatch(input, info.choices) : null;
    const accepted = `${info.accepted}${guess ? ` (did you mean "${guess}"?)` : ''}`;
    ctx.issues.push(problemIssue({ code: codeOf(issue, input, info), what: issue.message, accepted, found: { value: input } }));
    return z.NEVER;
  });
}

/** A whole number from `min` to `max`. */
export const integer = (min: number, max: number): z.ZodNumber =>
  z
    .number({ error: typeError })
    .int({ error: 'is not a whole number' })
    .min(min, { error: 'is out of range' })
    .max(max, { error: 'is out of range' });

/** A number from `min` to `max`. */
export const decimal = (min: number, max: number): z.ZodNumber =>
  z.number({ error: typeError }).min(min, { error: 'is out of range' }).max(max, { error: 'is out of range' });

/** Text that is not blank, up to `max` characters. */
export const text = (max: number): z.ZodString =>
  z
    .string({ error: typeError })
    .refine((s) => s.trim() !== '', { error: 'is empty', abort: true })
    .refine((s) => s.length <= max, { error: `is longer than ${max} characters`, abort: true })
    .refine((s) => !/[\uD800-\uDFFF]/.test(s) || !LONE_SURROGATE.test(s), { error: 'is not valid Unicode text (a lone surrogate)' });

/** A string matching `pattern`; `what` follows the found value (`is not a handle`). */
export const pattern = (re: RegExp, what: string): z.ZodString => z.string({ error: typeError }).regex(re, { error: what });

/** One of `values`; `noun` names them (`a stage type`). */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, noun: string): z.ZodType<T[number]> {
  return value(z.enum(values, { error: (iss) => (typeof iss.input === 'string' ? `is not ${noun}` : typeError(iss)) }), {
    accepted: values.join(', '),
    choices: values,
  });
}

// ------------------------------------------------------------------ tables and lists

export interface TableInfo {
  /** How messages name the table: `[athlete]`, `the top level`, `[[days]]`, `quiet_hours`. */
  where: string;
  /** What is accepted in place of a value that is not a table. */
  accepted: string;
  /** For `[athlete]` written as `[[athlete]]`: the key, so the message can say so. */
  single?: string;
}

function notATable(input: unknown, info: TableInfo): ProblemParams | null {
  if (isTable(input)) return null;
  if (input === undefined) return { code: 'missing', what: 'is required', accepted: info.accepted, found: null };
  if (info.single !== undefined && Array.isArray(input) && input.every(isTable)) {
    return {
      code: 'wrong_type',
      what: 'is a list of tables',
      accepted: `a single table [${info.single}] (one pair of brackets)`,
      found: { text: `[[${info.single}]]` },
    };
  }
  return { code: 'wrong_type', what: Array.isArray(input) ? 'is a list' : 'is not a table', accepted: info.accepted, found: { value: input } };
}

/**
 * A table with the keys of `shape`. A key not in it is a problem that names the closest known
 * key; the table's other keys are still checked.
 */
export function table<S extends z.core.$ZodLooseShape>(shape: S, info: TableInfo) {
  const known = Object.keys(shape);
  const unknownKeys = tableRule((t, report) => {
    for (const key of Object.keys(t)) {
        if (known.includes(key)) continue;
      const guess = closestMatch(key, known);
      const params: ProblemParams = {
        code: 'unknown_key',
        what: `is not a key of ${info.where}`,
        accepted: `${known.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}`,
        found: { text: JSON.stringify(key) },
      };
      if (guess !== null && t[guess] === undefined) params.suggests = guess;
      report(params, [key]);
    }
  });
  return z
    .unknown()
    .check(
      z.superRefine((input, ctx) => {
        const problem = notATable(input, info);
        if (problem) ctx.addIssue(problemIssue(problem));
      }),
    )
    .pipe(z.looseObject(shape).check(unknownKeys));
}

export interface ListInfo {
  /** What the whole list accepts, e.g. `a list of: email, sms, twilio (may be empty)`. */
  accepted: string;
  /** Each value at most once; `noun` names one (`channel`). */
  unique?: string;
  /** At least one value. */
  nonEmpty?: boolean;
}

function notAList(input: unknown): string {
  if (typeof input === 'string') return 'is a string, not a list';
  if (typeof input === 'number') return 'is a number, not a list';
  if (typeof input === 'boolean') return 'is a boolean, not a list';
  if (isTable(input)) return 'is a table, not a list';
  return 'is not a list';
}

/** A list of values, each checked by `element` (its problems name their index). */
export function list<T>(element: z.ZodType<T>, info: ListInfo): z.ZodType<T[]> {
  const rules = z.superRefine<unknown[]>(
    (items, ctx) => {
      if (info.nonEmpty && items.length === 0) {
        ctx.addIssue(problemIssue({ code: 'out_of_range', what: 'is empty', accepted: info.accepted, found: { value: items } }));
      }
      if (info.unique === undefined) return;
      const seen = new Set<unknown>();
      items.forEach((item, i) => {
        const v = valid(element, item);
        if (v === undefined) return;
        if (seen.has(v)) {
          ctx.addIssue(problemIssue({ code: 'inconsistent', what: 'is listed twice', accepted: `each ${info.unique} once`, found: { value: item } }, [i]));
        }
        seen.add(v);
      });
    },
    { when: () => true },
  );
  return z
    .unknown()
    .check(
      z.superRefine((input, ctx) => {
        if (Array.isArray(input)) return;
        const params: ProblemParams =
          input === undefined
            ? { code: 'missing', what: 'is required', accepted: info.accepted, found: null }
            : { code: 'wrong_type', what: notAList(input), accepted: info.accepted, found: { value: input } };
        ctx.addIssue(problemIssue(params));
      }),
    )
    .pipe(z.array(element).check(rules));
}
