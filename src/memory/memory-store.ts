import type { Pool } from 'pg';
import { AthleteInputStore } from './athlete-input-store';
import { DayHistory } from './day-history';
import { DayStore } from './day-store';
import { MissionStore } from './mission-store';
import { NotificationOutbox, type OutboxOptions } from './notification-outbox';

export type MemoryStoreOptions = OutboxOptions;

/**
 * The mission memory in PostgreSQL, one store per concern. Every method takes a `MissionScope` and
 * filters on both the athlete and the mission id, so no call can read or write another athlete's
 * rows. Writes are idempotent upserts keyed by (athlete, mission, day[, step]).
 * Call `migrate(pool)` once before use; day-keyed writes need the mission stored first
 * (`missions.upsertMission`). The pool is the caller's: give it a `pool.on('error', ...)` handler,
 * since an idle client whose connection the server closes emits an error on the pool.
 */
export class MemoryStore {
  /** Missions and their config versions. */
  readonly missions: MissionStore;
  /** What each day's steps write. */
  readonly days: DayStore;
  /** Reflections and overrides the athlete sends. */
  readonly input: AthleteInputStore;
  /** The notification outbox (exactly-once sends). */
  readonly outbox: NotificationOutbox;
  /** Reads across the day tables. */
  readonly reads: DayHistory;

  constructor(
    readonly pool: Pool,
    options: MemoryStoreOptions = {},
  ) {
    this.missions = new MissionStore(pool);
    this.days = new DayStore(pool);
    this.input = new AthleteInputStore(pool);
    this.outbox = new NotificationOutbox(pool, options);
    this.reads = new DayHistory(pool);
  }
}
