/**
 * Parsing of the dashboard's forms (application/x-www-form-urlencoded) into the messages the
 * workflow accepts, checked with the same validators the workflow uses. Pure.
 *
 * Numbers typed as text that is not a number are passed on as the text, so the validator's message
 * shows what the athlete typed ("got \"abc\"").
 */
import type { OverrideInput, ReflectInput } from '../shared/mission-api';
import { overrideProblems, reflectionProblems } from '../shared/message-validation';

export const OVERRIDE_KINDS = ['rest-day', 'swap-days', 'set-ftp', 'pause', 'resume', 'shift', 'set-run-time', 'set-channels'] as const;
export type OverrideKind = (typeof OVERRIDE_KINDS)[number];

/** What the athlete typed, kept to re-render the form. */
export interface ReflectionFormValues {
  date: string;
  rpe: string;
  legs: string;
  mood: string;
  sleepQuality: string;
  completed: string;
  note: string;
}

export interface OverrideFormValues {
  kind: string;
  date: string;
  otherDate: string;
  ftpW: string;
  days: string;
  runTime: string;
  reason: string;
  channels: string[];
}

export type Parsed<T, V> = { ok: true; input: T; values: V } | { ok: false; problems: string[]; values: V };

/** Largest form body the dashboard reads (bytes). */
export const MAX_FORM_BYTES = 16 * 1024;

function field(form: URLSearchParams, name: string): string {
  return (form.get(name) ?? '').trim();
}

/** '' → undefined, a decimal number → number, anything else → the text itself. */
export function numberOrText(raw: string): number | string | undefined {
  if (raw === '') return undefined;
  return /^[+-]?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
}

export function parseReflectionForm(form: URLSearchParams): Parsed<ReflectInput, ReflectionFormValues> {
  const values: ReflectionFormValues = {
    date: field(form, 'date'),
    rpe: field(form, 'rpe'),
    legs: field(form, 'legs'),
    mood: field(form, 'mood'),
    sleepQuality: field(form, 'sleepQuality'),
    completed: field(form, 'completed'),
    note: (form.get('note') ?? '').replace(/\r\n/g, '\n').trim(),
  };
  const candidate: Record<string, unknown> = {
    date: values.date,
    rpe: numberOrText(values.rpe),
    legs: numberOrText(values.legs),
    mood: numberOrText(values.mood),
    sleepQuality: numberOrText(values.sleepQuality),
    completed: values.completed,
  };
  if (values.note !== '') candidate.note = values.note;
  const problems = reflectionProblems(candidate);
  return problems.length ? { ok: false, problems, values } : { ok: true, input: candidate as unknown as ReflectInput, values };
}

export function parseOverrideForm(form: URLSearchParams): Parsed<OverrideInput, OverrideFormValues> {
  const values: OverrideFormValues = {
    kind: field(form, 'kind'),
    date: field(form, 'date'),
    otherDate: field(form, 'otherDate'),
    ftpW: field(form, 'ftpW'),
    days: field(form, 'days'),
    runTime: field(form, 'runTime'),
    reason: field(form, 'reason'),
    channels: form.getAll('channels').map((c) => c.trim()).filter((c) => c !== ''),
  };
  const reason = values.reason === '' ? {} : { reason: values.reason };
  let candidate: Record<string, unknown>;
  switch (values.kind) {
    case 'rest-day':
      candidate = { kind: 'rest-day', date: values.date, ...reason };
      break;
    case 'swap-days':
      candidate = { kind: 'swap-days', date: values.date, otherDate: values.otherDate };
      break;
    case 'set-ftp':
      candidate = { kind: 'set-ftp', ftpW: numberOrText(values.ftpW) };
      break;
    case 'pause':
      candidate = { kind: 'pause', ...reason };
      break;
    case 'resume':
      candidate = { kind: 'resume' };
      break;
    case 'shift':
      candidate = { kind: 'shift', days: numberOrText(values.days) };
      break;
    case 'set-run-time':
      candidate = { kind: 'set-run-time', runTime: values.runTime };
      break;
    case 'set-channels':
      candidate = { kind: 'set-channels', channels: values.channels };
      break;
    default:
      candidate = { kind: values.kind };
  }
  const problems = overrideProblems(candidate);
  return problems.length ? { ok: false, problems, values } : { ok: true, input: candidate as unknown as OverrideInput, values };
}

export function emptyReflectionValues(date: string): ReflectionFormValues {
  return { date, rpe: '', legs: '', mood: '', sleepQuality: '', completed: 'yes', note: '' };
}

export function emptyOverrideValues(date: string): OverrideFormValues {
  return { kind: 'rest-day', date, otherDate: '', ftpW: '', days: '', runTime: '', reason: '', channels: [] };
}
