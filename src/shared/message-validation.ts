/**
 * Validation of what the athlete sends (reflections and overrides), shared by the workflow's update
 * validators, the CLI and the dashboard, so the same input gets the same message everywhere.
 * Pure and sandbox-safe.
 */
import { CHANNELS, COMPLETION } from '../domain/types';
import type { OverrideInput, ReflectInput } from './mission-api';
import { isClockTime, isIsoDate } from '../domain/iso-date';

export const NOTE_MAX_LENGTH = 1000;

/** Every override kind, in the order messages list them. */
export const OVERRIDE_KINDS = ['rest-day', 'swap-days', 'set-ftp', 'pause', 'resume', 'shift', 'set-run-time', 'set-channels'] as const satisfies readonly OverrideInput['kind'][];

function intIn(name: string, value: unknown, min: number, max: number, problems: string[]): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
}

/** Problems with a reflection; empty when it is valid. */
export function reflectionProblems(input: unknown): string[] {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null) return ['a reflection must be an object'];
  const r = input as Partial<ReflectInput>;
  if (!isIsoDate(r.date)) problems.push(`date must be a real YYYY-MM-DD date (got ${JSON.stringify(r.date)})`);
  intIn('rpe', r.rpe, 1, 10, problems);
  intIn('legs', r.legs, 1, 5, problems);
  intIn('mood', r.mood, 1, 5, problems);
  intIn('sleepQuality', r.sleepQuality, 1, 5, problems);
  if (!COMPLETION.includes(r.completed as never)) {
    problems.push(`completed must be one of ${COMPLETION.join(', ')} (got ${JSON.stringify(r.completed)})`);
  }
  if (r.note !== undefined && (typeof r.note !== 'string' || r.note.length > NOTE_MAX_LENGTH)) {
    problems.push(`note must be text of at most ${NOTE_MAX_LENGTH} characters`);
  }
  return problems;
}

/** A free-text reason is kept in the workflow's state and history: text, and not too long. */
function reasonProblems(kind: string, reason: unknown): string[] {
  if (reason === undefined) return [];
  return typeof reason === 'string' && reason.length <= NOTE_MAX_LENGTH
    ? []
    : [`${kind} reason must be text of at most ${NOTE_MAX_LENGTH} characters`];
}

/** Problems with an override's shape (mission-specific checks happen in the workflow). */
export function overrideProblems(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return ['an override must be an object'];
  const o = input as Record<string, unknown>;
  switch (o.kind) {
    case 'rest-day':
      return [
        ...(isIsoDate(o.date) ? [] : [`rest-day needs date as a real YYYY-MM-DD date (got ${JSON.stringify(o.date)})`]),
        ...reasonProblems('rest-day', o.reason),
      ];
    case 'swap-days': {
      const p: string[] = [];
      if (!isIsoDate(o.date)) p.push(`swap-days needs date as a real YYYY-MM-DD date (got ${JSON.stringify(o.date)})`);
      if (!isIsoDate(o.otherDate)) p.push(`swap-days needs otherDate as a real YYYY-MM-DD date (got ${JSON.stringify(o.otherDate)})`);
      if (p.length === 0 && o.date === o.otherDate) p.push('swap-days needs two different dates');
      return p;
    }
    case 'set-ftp':
      return typeof o.ftpW === 'number' && Number.isInteger(o.ftpW) && o.ftpW >= 50 && o.ftpW <= 600
        ? []
        : [`set-ftp needs ftpW as whole watts from 50 to 600 (got ${JSON.stringify(o.ftpW)})`];
    case 'pause':
      return reasonProblems('pause', o.reason);
    case 'resume':
      return [];
    case 'shift':
      return typeof o.days === 'number' && Number.isInteger(o.days) && o.days !== 0 && Math.abs(o.days) <= 60
        ? []
        : [`shift needs days as a whole number from -60 to 60, not 0 (got ${JSON.stringify(o.days)})`];
    case 'set-run-time':
      return isClockTime(o.runTime)
        ? []
        : [`set-run-time needs runTime as HH:MM, 24-hour (got ${JSON.stringify(o.runTime)})`];
    case 'set-channels': {
      const ch = o.channels;
      if (!Array.isArray(ch) || ch.length === 0) return [`set-channels needs a non-empty list of channels from ${CHANNELS.join(', ')}`];
      const bad = ch.filter((c) => !CHANNELS.includes(c as never));
      return bad.length ? [`unknown channel ${JSON.stringify(bad[0])}; accepted: ${CHANNELS.join(', ')}`] : [];
    }
    default:
      return [`unknown override kind ${JSON.stringify(o.kind)}; accepted: ${OVERRIDE_KINDS.join(', ')}`];
  }
}

export function assertValid(problems: string[]): void {
  if (problems.length > 0) throw new Error(problems.join('; '));
}
