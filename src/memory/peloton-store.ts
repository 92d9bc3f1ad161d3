import type { Pool, QueryResultRow } from 'pg';
import type { ClassLibrary, LibraryClass } from '../coaching/peloton';
import type { PelotonLibraryStore } from '../coaching/peloton-archive';
import { inTransaction } from './pg-support';

/** Serialises syncs from several processes: the second waits, then replaces the first one's library. */
const SYNC_LOCK_KEY = 0x50454c4f; // 'PELO'

/**
 * Peloton's class library in PostgreSQL (migration 0009): a catalogue shared by every athlete —
 * classes only, no athlete data. A sync replaces it whole in one transaction; `library()` reads it
 * once per sync and keeps it in the process until the next one.
 */
export class PelotonStore implements PelotonLibraryStore {
  private cached: { syncId: number; library: ClassLibrary } | null = null;

  constructor(private readonly pool: Pool) {}

  async replace(classes: readonly LibraryClass[], read: { pages: number; total: number | null; skipped: number }): Promise<{ syncId: number; added: number; updated: number; removed: number }> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SYNC_LOCK_KEY]);
      const { rows: known } = await client.query<{ id: string }>('SELECT id FROM peloton_classes');
      const before = new Set(known.map((r) => r.id));
      const { rows } = await client.query<{ id: string }>(`INSERT INTO peloton_syncs (status, pages, classes) VALUES ('ok', $1, $2) RETURNING id`, [read.pages, classes.length]);
      const syncId = Number(rows[0].id);
      await client.query(
        `INSERT INTO peloton_classes (id, title, duration_min, class_type, class_type_id, subtype, difficulty, instructor_id, instructor, air_time, url, primary_zones, est_if, est_tss, is_ftp_test, sync_id)
         SELECT u.id, u.title, u.duration_min, u.class_type, u.class_type_id, u.subtype, u.difficulty, u.instructor_id, u.instructor, u.air_time, u.url,
                ARRAY[u.zone_low, u.zone_high], u.est_if, u.est_tss, u.is_ftp_test, $16
           FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::text[], $9::text[], $10::timestamptz[], $11::text[],
                       $12::int[], $13::int[], $14::float8[], $15::float8[], $17::bool[])
             AS u(id, title, duration_min, class_type, class_type_id, subtype, difficulty, instructor_id, instructor, air_time, url, zone_low, zone_high, est_if, est_tss, is_ftp_test)
         ON CONFLICT (id) DO UPDATE SET
           title = EXCLUDED.title, duration_min = EXCLUDED.duration_min, class_type = EXCLUDED.class_type, class_type_id = EXCLUDED.class_type_id,
           subtype = EXCLUDED.subtype, difficulty = EXCLUDED.difficulty, instructor_id = EXCLUDED.instructor_id, instructor = EXCLUDED.instructor,
           air_time = EXCLUDED.air_time, url = EXCLUDED.url, primary_zones = EXCLUDED.primary_zones, est_if = EXCLUDED.est_if, est_tss = EXCLUDED.est_tss,
           is_ftp_test = EXCLUDED.is_ftp_test, sync_id = EXCLUDED.sync_id, updated_at = now()`,
        [
          classes.map((c) => c.id),
          classes.map((c) => c.title),
          classes.map((c) => c.durationMin),
          classes.map((c) => c.classType),
          classes.map((c) => c.classTypeId),
          classes.map((c) => c.subtype),
          classes.map((c) => c.difficulty),
          classes.map((c) => c.instructorId),
          classes.map((c) => c.instructor),
          classes.map((c) => c.airTime),
          classes.map((c) => c.url),
          classes.map((c) => c.primaryZones[0]),
          classes.map((c) => c.primaryZones[1]),
          classes.map((c) => c.estIf),
          classes.map((c) => c.estTss),
          syncId,
          classes.map((c) => c.isFtpTest),
        ],
      );
      // Classes no longer in the archive are gone from Peloton: a rider could not open them.
      const removed = (await client.query('DELETE FROM peloton_classes WHERE sync_id <> $1', [syncId])).rowCount ?? 0;
      const added = classes.filter((c) => !before.has(c.id)).length;
      const updated = classes.length - added;
      await client.query('UPDATE peloton_syncs SET added = $2, updated = $3, removed = $4 WHERE id = $1', [syncId, added, updated, removed]);
      return { syncId, added, updated, removed };
    });
  }

  async recordFailure(detail: string): Promise<void> {
    await this.pool.query(`INSERT INTO peloton_syncs (status, detail) VALUES ('failed', $1)`, [detail.slice(0, 500)]);
  }

  /** The last successful sync: when it finished and how many classes it left. */
  async lastSync(): Promise<{ syncId: number; finishedAt: string; classes: number } | null> {
    const { rows } = await this.pool.query(`SELECT id, finished_at, classes FROM peloton_syncs WHERE status = 'ok' ORDER BY id DESC LIMIT 1`);
    return rows.length ? { syncId: Number(rows[0].id), finishedAt: new Date(rows[0].finished_at).toISOString(), classes: rows[0].classes } : null;
  }

  /** The last sync that failed after the last successful one, if any (why the library may be old). */
  async failureSinceLastSync(): Promise<{ at: string; detail: string } | null> {
    const { rows } = await this.pool.query(
      `SELECT finished_at, detail FROM peloton_syncs WHERE status = 'failed' AND id > coalesce((SELECT max(id) FROM peloton_syncs WHERE status = 'ok'), 0) ORDER BY id DESC LIMIT 1`,
    );
    return rows.length ? { at: new Date(rows[0].finished_at).toISOString(), detail: rows[0].detail } : null;
  }

  /** The synced library (null when never synced), read once per sync and kept in the process. */
  async library(): Promise<ClassLibrary | null> {
    const last = await this.lastSync();
    if (!last) return null;
    if (this.cached?.syncId === last.syncId) return this.cached.library;
    const { rows } = await this.pool.query('SELECT * FROM peloton_classes ORDER BY air_time DESC NULLS LAST, id');
    const library: ClassLibrary = { classes: rows.map(toClass), syncedAt: last.finishedAt };
    this.cached = { syncId: last.syncId, library };
    return library;
  }
}

function toClass(r: QueryResultRow): LibraryClass {
  return {
    id: r.id,
    title: r.title,
    durationMin: r.duration_min,
    discipline: 'cycling',
    classType: r.class_type,
    classTypeId: r.class_type_id,
    subtype: r.subtype,
    difficulty: r.difficulty,
    primaryZones: [r.primary_zones[0], r.primary_zones[1]],
    estIf: r.est_if,
    estTss: r.est_tss,
    isFtpTest: r.is_ftp_test,
    instructorId: r.instructor_id,
    instructor: r.instructor,
    airTime: r.air_time ? new Date(r.air_time).toISOString() : null,
    url: r.url,
  };
}
