/**
 * Validation of what the athlete sends (reflections and overrides), shared by the workflow's update
 * validators, the CLI and the dashboard, so the same input gets the same message everywhere.
 * Every problem names the field it is about; values are shown shortened. Pure and sandbox-safe.
 */
import { CHANNELS, COMPLETION } from '../domain/types';
import type { OverrideInput, ReflectInput } from './mission-api';
import { isClockTime, isIsoDate } from '../domain/iso-date';

export const NOTE_MAX_LENGTH = 1000;

const SHOWN_MAX_LENGTH = 60;

/** A value as a message shows it: JSON, at most 60 characters (a message never echoes a whole payload). */
function shown(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > SHOWN_MAX_LENGTH ? `${text.slice(0, SHOWN_MAX_LENGTH - 1)}…` : text;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);


function intIn(name: string, value: unknown, min: number, max: number, problems: string[]): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got ${shown(value)})`);
  }
}

/**
 * Problems with a reflection; empty when it is valid. (The reflect signal handler runs this on
 * replay too: what it accepts may only change behind a workflow patch.)
 */
export function reflectionProblems(input: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(input)) return ['a reflection must be an object'];
  const r = input as Partial<ReflectInput>;
  if (!isIsoDate(r.date)) problems.push(`date must be a real YYYY-MM-DD date (got ${shown(r.date)})`);
  intIn('rpe', r.rpe, 1, 10, problems);
  intIn('legs', r.legs, 1, 5, problems);
  intIn('mood', r.mood, 1, 5, problems);
  intIn('sleepQuality', r.sleepQuality, 1, 5, problems);
  if (!COMPLETION.includes(r.completed as never)) {
    problems.push(`completed must be one of ${COMPLETION.join(', ')} (got ${shown(r.completed)})`);
  }
  if (r.note !== undefined && (typeof r.note !== 'string' || r.note.length > NOTE_MAX_LENGTH)) {
    problems.push(`note must be text of at most ${NOTE_MAX_LENGTH} characters`);
  }
  return problems;
}

/** The fields each override kind takes besides `kind`. */
export const OVERRIDE_FIELDS: Readonly<Record<OverrideInput['kind'], readonly string[]>> = {
  'rest-day': ['date', 'reason'],
  'swap-days': ['date', 'otherDate'],
  'set-ftp': ['ftpW'],
  pause: ['reason'],
  resume: [],
  shift: ['days'],
  'set-run-time': ['runTime'],
  'set-channels': ['channels'],
};

/** Every override kind, in the order messages list them. */
export const OVERRIDE_KINDS = Object.keys(OVERRIDE_FIELDS) as OverrideInput['kind'][];

/** A free-text reason is kept in the workflow's state and history: text, and not too long. */
function reasonProblems(kind: string, reason: unknown): string[] {
  if (reason === undefined) return [];
  return typeof reason === 'string' && reason.length <= NOTE_MAX_LENGTH
    ? []
    : [`${kind} reason must be text of at most ${NOTE_MAX_LENGTH} characters`];
}

const dateProblem = (kind: string, field: string, value: unknown): string[] =>
  isIsoDate(value) ? [] : [`${kind} needs ${field} as a real YYYY-MM-DD date (got ${shown(value)})`];

/** Problems with the fields of an override of a known kind. */
function fieldProblems(o: Record<string, unknown>, kind: OverrideInput['kind']): string[] {
  switch (kind) {
    case 'rest-day':
      return [...dateProblem(kind, 'date', o.date), ...reasonProblems(kind, o.reason)];
    case 'swap-days': {
      const p = [...dateProblem(kind, 'date', o.date), ...dateProblem(kind, 'otherDate', o.otherDate)];
      if (p.length === 0 && o.date === o.otherDate) p.push(`swap-days needs date and otherDate to be two different dates (both are ${shown(o.date)})`);
      return p;
    }
    case 'set-ftp':
      return typeof o.ftpW === 'number' && Number.isInteger(o.ftpW) && o.ftpW >= 50 && o.ftpW <= 600
        ? []
        : [`set-ftp needs ftpW as whole watts from 50 to 600 (got ${shown(o.ftpW)})`];
    case 'pause':
      return reasonProblems(kind, o.reason);
    case 'resume':
      return [];
    case 'shift':
      return typeof o.days === 'number' && Number.isInteger(o.days) && o.days !== 0 && Math.abs(o.days) <= 60
        ? []
        : [`shift needs days as a whole number from -60 to 60, not 0 (got ${shown(o.days)})`];
    case 'set-run-time':
      return isClockTime(o.runTime) ? [] : [`set-run-time needs runTime as HH:MM, 24-hour (got ${shown(o.runTime)})`];
    case 'set-channels': {
      const ch = o.channels;
      if (!Array.isArray(ch) || ch.length === 0) return [`set-channels needs channels as a non-empty list from ${CHANNELS.join(', ')} (got ${shown(ch)})`];
      const bad = ch.filter((c) => !CHANNELS.includes(c as never));
      return bad.length ? [`set-channels needs channels from ${CHANNELS.join(', ')} (got ${shown(bad[0])})`] : [];
    }
  }
}

/**
 * Problems with an override's shape (mission-specific checks happen in the workflow). A field the
 * kind does not take is refused by name, so an option given to the wrong kind is never ignored.
 */
export function overrideProblems(input: unknown): string[] {
  if (!isObject(input)) return ['an override must be an object'];
  const kind = OVERRIDE_KINDS.find((k) => k === input.kind);
  if (kind === undefined) return [`unknown override kind ${shown(input.kind)}; accepted: ${OVERRIDE_KINDS.join(', ')}`];
  const takes = OVERRIDE_FIELDS[kind];
  const extra = Object.keys(input)
    .filter((field) => field !== 'kind' && !takes.includes(field) && input[field] !== undefined)
    .map((field) => `${kind} does not take ${shown(field)}; it takes ${takes.length > 0 ? takes.join(' and ') : 'nothing but kind'}`);
  return [...fieldProblems(input, kind), ...extra];
}

/**
 * Problems with a run-now request: nothing, or `{ force: true | false }`. (Before this check a
 * `force` of "no" was truthy and re-ran the day; found by `npm run reliability`, R4.)
 */
export function runNowProblems(input: unknown): string[] {
  if (input === undefined || input === null) return [];
  if (!isObject(input)) return [`a run-now request must be an object such as { "force": true } (got ${shown(input)})`];
  const problems: string[] = [];
  if (input.force !== undefined && typeof input.force !== 'boolean') problems.push(`runNow needs force as true or false (got ${shown(input.force)})`);
  for (const field of Object.keys(input)) {
    if (field !== 'force' && input[field] !== undefined) problems.push(`runNow does not take ${shown(field)}; it takes force`);
  }
  return problems;
}

export function assertValid(problems: string[]): void {
  if (problems.length > 0) throw new Error(problems.join('; '));
}
