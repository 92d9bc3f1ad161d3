import { randomBytes } from 'node:crypto';
import type { Pool, QueryResultRow } from 'pg';
import type { AthleteProfile, Discipline } from '../domain/types';
import { iso } from './pg-support';

/** What an athlete row holds besides the handle: no secrets, no contact details. */
export interface AthleteFields {
  timezone?: string | null;
  ftpW?: number | null;
  weightKg?: number | null;
  thresholdHr?: number | null;
  maxHr?: number | null;
  restingHr?: number | null;
  disciplines?: Discipline[];
  /** The coach whose dashboard token sees this athlete, if any. */
  coach?: string | null;
}

export interface AthleteRecord extends Required<Omit<AthleteFields, 'coach' | 'timezone'>> {
  handle: string;
  /** Opaque id (`ath_` + 12 characters): what Temporal sees instead of the handle. */
  id: string;
  timezone: string | null;
  coach: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The handle rule of mission files (`athlete.handle`). */
export const HANDLE_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh opaque athlete id: 12 random characters, about 62 bits. */
export function newAthleteId(): string {
  const bytes = randomBytes(12);
  return `ath_${Array.from(bytes, (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')}`;
}

export class AthleteExistsError extends Error {}

/** Fields of a mission file's athlete block, as an athlete row keeps them. */
export function fieldsFromProfile(profile: AthleteProfile, timezone: string | null): AthleteFields {
  return {
    timezone,
    ftpW: profile.ftpW,
    weightKg: profile.weightKg,
    thresholdHr: profile.thresholdHr,
    maxHr: profile.maxHr,
    restingHr: profile.restingHr,
    disciplines: profile.disciplines,
  };
}

/**
 * Athletes: one row per handle with its opaque id, profile and coach. Every other table keys on the
 * handle; workflow ids and search attributes use the id, so Temporal never holds the handle in clear.
 */
export class AthleteStore {
  constructor(private readonly pool: Pool) {}

  /** Adds a new athlete; throws AthleteExistsError when the handle is taken. */
  async add(handle: string, fields: AthleteFields = {}): Promise<AthleteRecord> {
    checkHandle(handle);
    const { rows } = await this.pool.query(
      `INSERT INTO athletes (handle, id, timezone, profile, coach) VALUES ($1, $2, $3, $4::jsonb, $5)
       ON CONFLICT (handle) DO NOTHING RETURNING *`,
      [handle, newAthleteId(), fields.timezone ?? null, JSON.stringify(profileOf(fields)), fields.coach ?? null],
    );
    if (rows.length === 0) throw new AthleteExistsError(`athlete ${handle} already exists`);
    return toAthlete(rows[0]);
  }

  /** The athlete with this handle, added (with `fields`) when new; an existing row is left as it is. */
  async ensure(handle: string, fields: AthleteFields = {}): Promise<AthleteRecord> {
    checkHandle(handle);
    await this.pool.query(
      `INSERT INTO athletes (handle, id, timezone, profile, coach) VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (handle) DO NOTHING`,
      [handle, newAthleteId(), fields.timezone ?? null, JSON.stringify(profileOf(fields)), fields.coach ?? null],
    );
    return (await this.get(handle))!;
  }

  /**
   * Changes the given fields of an existing athlete (a field left undefined keeps its value, null
   * clears it); null when there is no such athlete.
   */
  async update(handle: string, fields: AthleteFields): Promise<AthleteRecord | null> {
    const current = await this.get(handle);
    if (!current) return null;
    const pick = <K extends keyof AthleteFields>(k: K, now: AthleteFields[K]) => (fields[k] === undefined ? now : fields[k]);
    const merged: AthleteFields = {
      ftpW: pick('ftpW', current.ftpW),
      weightKg: pick('weightKg', current.weightKg),
      thresholdHr: pick('thresholdHr', current.thresholdHr),
      maxHr: pick('maxHr', current.maxHr),
      restingHr: pick('restingHr', current.restingHr),
      disciplines: pick('disciplines', current.disciplines),
    };
    const { rows } = await this.pool.query(
      `UPDATE athletes SET timezone = $2, profile = $3::jsonb, coach = $4, updated_at = now() WHERE handle = $1 RETURNING *`,
      [handle, pick('timezone', current.timezone) ?? null, JSON.stringify(profileOf(merged)), pick('coach', current.coach) ?? null],
    );
    return rows.length ? toAthlete(rows[0]) : null;
  }

  async get(handle: string): Promise<AthleteRecord | null> {
    const { rows } = await this.pool.query(`SELECT * FROM athletes WHERE handle = $1`, [handle]);
    return rows.length ? toAthlete(rows[0]) : null;
  }

  async getById(id: string): Promise<AthleteRecord | null> {
    const { rows } = await this.pool.query(`SELECT * FROM athletes WHERE id = $1`, [id]);
    return rows.length ? toAthlete(rows[0]) : null;
  }

  /** Every athlete by handle; only a coach's own when `coach` is given. */
  async list(coach?: string): Promise<AthleteRecord[]> {
    const { rows } =
      coach === undefined
        ? await this.pool.query(`SELECT * FROM athletes ORDER BY handle`)
        : await this.pool.query(`SELECT * FROM athletes WHERE coach = $1 ORDER BY handle`, [coach]);
    return rows.map(toAthlete);
  }
}

function checkHandle(handle: string): void {
  if (typeof handle !== 'string' || !HANDLE_RE.test(handle)) {
    throw new Error(`athlete handle ${JSON.stringify(handle)} is not a handle: a letter, then up to 31 letters, digits, '_', '.' or '-'`);
  }
}

function profileOf(f: AthleteFields): Record<string, unknown> {
  return {
    ftpW: f.ftpW ?? null,
    weightKg: f.weightKg ?? null,
    thresholdHr: f.thresholdHr ?? null,
    maxHr: f.maxHr ?? null,
    restingHr: f.restingHr ?? null,
    disciplines: f.disciplines ?? [],
  };
}

function toAthlete(r: QueryResultRow): AthleteRecord {
  const p = (r.profile ?? {}) as Record<string, unknown>;
  return {
    handle: r.handle,
    id: r.id,
    timezone: r.timezone,
    coach: r.coach,
    ftpW: (p.ftpW as number | null) ?? null,
    weightKg: (p.weightKg as number | null) ?? null,
    thresholdHr: (p.thresholdHr as number | null) ?? null,
    maxHr: (p.maxHr as number | null) ?? null,
    restingHr: (p.restingHr as number | null) ?? null,
    disciplines: (p.disciplines as Discipline[] | undefined) ?? [],
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  } as AthleteRecord;
}
