import type { Reflection } from '../domain/types';
import { assertIsoDate } from '../domain/iso-date';
import { ScopedPg, checkScope, toOverride, type Queryable } from './pg-support';
import type { MissionScope, NewOverride, OverrideRecord } from './records';

/** What the athlete sends: reflections (one per day, the newest wins) and overrides (once per request id). */
export class AthleteInputStore extends ScopedPg {
  constructor(db: Queryable) {
    super(db);
  }

  /** Store the athlete's reflection for `reflection.date`; a later one for the same date replaces it. */
  async recordReflection(scope: MissionScope, reflection: Reflection): Promise<void> {
    assertIsoDate(reflection.date, 'reflection.date');
    await this.write(
      scope,
      `INSERT INTO reflections (athlete, mission_id, day, rpe, legs, mood, sleep_quality, completed, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (athlete, mission_id, day) DO UPDATE
         SET rpe = EXCLUDED.rpe, legs = EXCLUDED.legs, mood = EXCLUDED.mood,
             sleep_quality = EXCLUDED.sleep_quality, completed = EXCLUDED.completed,
             note = EXCLUDED.note, recorded_at = now()`,
      [
        reflection.date,
        reflection.rpe,
        reflection.legs,
        reflection.mood,
        reflection.sleepQuality,
        reflection.completed,
        reflection.note,
      ],
    );
  }

  /** Append an override; the same `requestId` again stores nothing (`created: false`). */
  async recordOverride(scope: MissionScope, override: NewOverride): Promise<{ created: boolean }> {
    if (!override.requestId) throw new Error('recordOverride: requestId must be a non-empty string');
    if (override.day !== null) assertIsoDate(override.day, 'override.day');
    const rows = await this.write(
      scope,
      `INSERT INTO overrides (athlete, mission_id, request_id, day, kind, payload)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)
       ON CONFLICT (athlete, mission_id, request_id) DO NOTHING
       RETURNING request_id`,
      [override.requestId, override.day, override.kind, JSON.stringify(override.payload ?? null)],
    );
    return { created: rows.length === 1 };
  }

  /** All overrides of the mission in the order they were recorded. */
  async listOverrides(scope: MissionScope): Promise<OverrideRecord[]> {
    checkScope(scope);
    const { rows } = await this.db.query(
      `SELECT request_id, to_char(day, 'YYYY-MM-DD') AS day, kind, payload, recorded_at FROM overrides
       WHERE athlete = $1 AND mission_id = $2 ORDER BY seq`,
      [scope.athlete, scope.missionId],
    );
    return rows.map(toOverride);
  }
}
