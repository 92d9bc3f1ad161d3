/** Argument checks shared by the extra commands: each error names the option, the value and what is accepted. */
import { InvalidArgumentError } from 'commander';
import { UserError } from '../../infra/user-error';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date written YYYY-MM-DD. */
export function checkDate(value: string | undefined, option: string): string {
  if (value === undefined || value === '') throw new UserError(`${option} is required`, 'give a date as YYYY-MM-DD');
  if (!ISO_DATE.test(value)) throw new UserError(`${option} ${JSON.stringify(value)} is not a date`, 'use YYYY-MM-DD, e.g. 2025-07-05');
  const d = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw new UserError(`${option} ${value} is not a calendar date`, 'use YYYY-MM-DD with a real month and day');
  }
  return value;
}

/** A whole number ≥ min, for commander option parsers (commander prints the error and exits 1). */
export function positiveInt(option: string, min = 1): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`${option} must be a whole number ≥ ${min}`);
    }
    return n;
  };
}

export const MISSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function checkMissionId(value: string): string {
  if (!MISSION_ID.test(value)) {
    throw new UserError(`mission id ${JSON.stringify(value)} is not valid`, 'letters, digits, ".", "_" and "-", starting with a letter or digit (the `id` of the mission file)');
  }
  return value;
}

export function checkAthlete(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value)) {
    throw new UserError(`--athlete ${JSON.stringify(value)} is not a handle`, 'use the `handle` of the mission’s [athlete] table (letters, digits, ".", "_", "-")');
  }
  return value;
}

/** `owner/repo` for --publish. */
export function checkRepo(value: string): { owner: string; repo: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100})$/.exec(value);
  if (!m) throw new UserError(`--publish ${JSON.stringify(value)} is not a GitHub repository`, 'use owner/repo, e.g. --publish alice/training-log');
  return { owner: m[1]!, repo: m[2]! };
}

export const PROVIDERS = ['oura', 'strava'] as const;
export type ConnectProvider = (typeof PROVIDERS)[number];

export function checkProvider(value: string | undefined): ConnectProvider {
  if (value === undefined) throw new UserError('name the provider to connect', 'use `lanterne connect oura`, `lanterne connect strava`, or `lanterne connect --status`');
  if (!(PROVIDERS as readonly string[]).includes(value)) {
    throw new UserError(`unknown provider ${JSON.stringify(value)}`, `use one of: ${PROVIDERS.join(', ')}`);
  }
  return value as ConnectProvider;
}
