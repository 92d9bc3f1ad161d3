import type { Pool, QueryResultRow } from 'pg';
import type { IsoDate } from '../domain/types';
import { assertIsoDate } from '../domain/iso-date';
import { DAY } from './pg-support';

export interface RideRecord {
  provider: 'strava';
  externalId: string;
  date: IsoDate;
  name: string;
  sportType: string;
  movingTimeS: number;
  tss: number;
  tssMethod: string;
}

/** Rides reported by a provider's webhook, per athlete; the same ride again updates its row. */
export class RideStore {
  constructor(private readonly pool: Pool) {}

  /** Records the ride; `created` is false when it was known (an update event, or a redelivery). */
  async upsert(athlete: string, ride: RideRecord): Promise<{ created: boolean }> {
    assertIsoDate(ride.date, 'ride date');
    const { rows } = await this.pool.query(
      `INSERT INTO rides (athlete, provider, external_id, day, name, sport_type, moving_time_s, tss, tss_method)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (athlete, provider, external_id) DO UPDATE
         SET day = EXCLUDED.day, name = EXCLUDED.name, sport_type = EXCLUDED.sport_type,
             moving_time_s = EXCLUDED.moving_time_s, tss = EXCLUDED.tss, tss_method = EXCLUDED.tss_method, recorded_at = now()
       RETURNING (xmax = 0) AS created`,
      [athlete, ride.provider, ride.externalId, ride.date, ride.name, ride.sportType, Math.round(ride.movingTimeS), ride.tss, ride.tssMethod],
    );
    return { created: rows[0].created === true };
  }

  /** The athlete's reported rides from `from` to `to`, oldest first. */
  async range(athlete: string, from: IsoDate, to: IsoDate): Promise<RideRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT provider, external_id, ${DAY}, name, sport_type, moving_time_s, tss, tss_method FROM rides
       WHERE athlete = $1 AND day BETWEEN $2 AND $3 ORDER BY day, external_id`,
      [athlete, from, to],
    );
    return rows.map(toRide);
  }
}

function toRide(r: QueryResultRow): RideRecord {
  return { provider: r.provider, externalId: r.external_id, date: r.day, name: r.name, sportType: r.sport_type, movingTimeS: r.moving_time_s, tss: r.tss, tssMethod: r.tss_method };
}
