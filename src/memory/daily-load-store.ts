import type { QueryResultRow } from 'pg';
import type { IsoDate } from '../domain/types';
import type { DailyLoadRow } from '../observation/load-history';
import { assertIsoDate } from '../domain/iso-date';
import { DAY, type Queryable } from './pg-support';

/**
 * The athlete's daily load history (`daily_load`, migration 0008): one row per athlete and day,
 * whichever mission observed it. Every statement names one athlete. `put` replaces the days it is
 * given (an upsert: repeating it leaves the same rows).
 */
export class DailyLoadStore {
  constructor(private readonly db: Queryable) {}

  /** Every stored day of the athlete, oldest first. */
  async all(athlete: string): Promise<DailyLoadRow[]> {
    checkAthlete(athlete);
    const { rows } = await this.db.query(`SELECT ${DAY}, tss, method, sources FROM daily_load WHERE athlete = $1 ORDER BY day`, [athlete]);
    return rows.map(toRow);
  }

  /** The stored days from `from` to `to` (both included), oldest first. */
  async range(athlete: string, from: IsoDate, to: IsoDate): Promise<DailyLoadRow[]> {
    checkAthlete(athlete);
    assertIsoDate(from, 'daily load from');
    assertIsoDate(to, 'daily load to');
    const { rows } = await this.db.query(`SELECT ${DAY}, tss, method, sources FROM daily_load WHERE athlete = $1 AND day BETWEEN $2 AND $3 ORDER BY day`, [athlete, from, to]);
    return rows.map(toRow);
  }

  /** Writes these days (replacing what was stored for them), in one statement. */
  async put(athlete: string, rows: readonly DailyLoadRow[]): Promise<void> {
    checkAthlete(athlete);
    if (rows.length === 0) return;
    for (const r of rows) {
      assertIsoDate(r.date, 'daily load day');
      if (!(Number.isFinite(r.tss) && r.tss >= 0)) throw new RangeError(`daily load ${r.date}: TSS must be a number ≥ 0, got ${r.tss}`);
    }
    try {
      await this.db.query(
        `INSERT INTO daily_load (athlete, day, tss, method, sources)
         SELECT $1, d, t, m, s::jsonb FROM unnest($2::date[], $3::float8[], $4::text[], $5::text[]) AS u(d, t, m, s)
         ON CONFLICT (athlete, day) DO UPDATE
           SET tss = EXCLUDED.tss, method = EXCLUDED.method, sources = EXCLUDED.sources, recorded_at = now()`,
        [athlete, rows.map((r) => r.date), rows.map((r) => r.tss), rows.map((r) => r.method), rows.map((r) => JSON.stringify(r.sources))],
      );
    } catch (err) {
      if ((err as { code?: string }).code === '23503') throw new Error(`athlete "${athlete}" is not stored: add the athlete (a mission start does) before recording their load`);
      throw err;
    }
  }
}

function checkAthlete(athlete: string): void {
  if (typeof athlete !== 'string' || athlete === '') throw new Error(`the daily load needs an athlete handle, got ${JSON.stringify(athlete)}`);
}

function toRow(r: QueryResultRow): DailyLoadRow {
  return { date: r.day, tss: r.tss, method: r.method, sources: r.sources };
}
