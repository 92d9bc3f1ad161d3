import type { Pool } from 'pg';
import { AthleteInputStore } from './athlete-input-store';
import { AthleteStore } from './athlete-store';
import { AccessTokenStore } from './access-token-store';
import { DailyLoadStore } from './daily-load-store';
import { DayHistory } from './day-history';
import { DayStore } from './day-store';
import { MissionStore } from './mission-store';
import { NotificationOutbox, type OutboxOptions } from './notification-outbox';
import { RideStore } from './ride-store';
import { PelotonStore } from './peloton-store';
import { inTransaction } from './pg-support';

export type MemoryStoreOptions = OutboxOptions;

/** The stores whose writes can share one transaction (see MemoryStore.atomically). */
export interface TransactionStores {
  missions: MissionStore;
  days: DayStore;
  input: AthleteInputStore;
  loads: DailyLoadStore;
}

/**
 * The mission memory in PostgreSQL, one store per concern. Every method takes a `MissionScope` and
 * filters on both the athlete and the mission id, so no call can read or write another athlete's
 * rows. Writes are idempotent upserts keyed by (athlete, mission, day[, step]).
 * Call `migrate(pool)` once before use; day-keyed writes need the mission stored first
 * (`missions.upsertMission`). The pool is the caller's: give it a `pool.on('error', ...)` handler,
 * since an idle client whose connection the server closes emits an error on the pool.
 */
export class MemoryStore {
  /** Athletes: handle, opaque id, profile, coach. */
  readonly athletes: AthleteStore;
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
  /** Rides reported by webhook, per athlete. */
  readonly rides: RideStore;
  /** Scoped dashboard tokens (coach, athlete), kept as digests. */
  readonly tokens: AccessTokenStore;
  /** The athlete's daily load history, across missions. */
  readonly loads: DailyLoadStore;
  /** Peloton's class library: a catalogue shared by every athlete. */
  readonly peloton: PelotonStore;

  constructor(
    readonly pool: Pool,
    options: MemoryStoreOptions = {},
  ) {
    this.athletes = new AthleteStore(pool);
    this.missions = new MissionStore(pool);
    this.days = new DayStore(pool);
    this.input = new AthleteInputStore(pool);
    this.outbox = new NotificationOutbox(pool, options);
    this.reads = new DayHistory(pool);
    this.rides = new RideStore(pool);
    this.tokens = new AccessTokenStore(pool);
    this.loads = new DailyLoadStore(pool);
    this.peloton = new PelotonStore(pool);
  }

  /** Runs `work` with stores bound to one transaction: all its writes land, or none. */
  atomically<T>(work: (tx: TransactionStores) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, (client) => work({ missions: new MissionStore(client), days: new DayStore(client), input: new AthleteInputStore(client), loads: new DailyLoadStore(client) }));
  }
}
