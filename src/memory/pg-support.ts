/**
 * What the memory stores share: the scope check that keeps every statement inside one athlete's
 * mission, scoped writes, read snapshots, transactions, and the row mappers.
 */
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { IsoDate, Reflection } from '../domain/types';
import {
  MISSION_STATUSES,
  type DayRecord,
  type DayRunRecord,
  type MissionRecord,
  type MissionScope,
  type NotificationRecord,
  type OverrideRecord,
} from './records';

/** A pool, or one client inside a transaction: the stores run the same statements on either. */
export type Queryable = Pool | PoolClient;

/** Rows carry the day as `YYYY-MM-DD` text: pg would otherwise turn `date` into a local-time Date. */
export const DAY = `to_char(day, 'YYYY-MM-DD') AS day`;

/** The base of every store: scoped statements on a pool (or a transaction's client). */
export abstract class ScopedPg {
  constructor(protected readonly db: Queryable) {}

  /** Run a scoped statement; `$1`/`$2` are the athlete and mission id, `params` follow from `$3`. */
  protected async write(scope: MissionScope, sql: string, params: unknown[]): Promise<QueryResultRow[]> {
    checkScope(scope);
    try {
      return (await this.db.query(sql, [scope.athlete, scope.missionId, ...params])).rows;
    } catch (err) {
      if ((err as { code?: string }).code === '23503') throw missingMission(scope);
      throw err;
    }
  }
}

/** Runs `work` on one client inside BEGIN … COMMIT (ROLLBACK on any error). */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}


export function checkScope(scope: MissionScope): void {
  if (!scope || typeof scope.athlete !== 'string' || scope.athlete === '' ||
      typeof scope.missionId !== 'string' || scope.missionId === '') {
    throw new Error(
      `a mission scope needs a non-empty athlete and missionId, got ${JSON.stringify(scope)}`,
    );
  }
}

export function checkMissionStatus(status: string): void {
  if (!(MISSION_STATUSES as readonly string[]).includes(status)) {
    throw new Error(`mission status must be one of ${MISSION_STATUSES.join(', ')}, got ${JSON.stringify(status)}`);
  }
}

export function missingMission(scope: MissionScope): Error {
  return new Error(
    `mission "${scope.missionId}" of athlete "${scope.athlete}" is not stored: call upsertMission before recording its days`,
  );
}

export function emptyDay(date: IsoDate): DayRecord {
  return {
    date,
    run: null,
    observation: null,
    load: null,
    decision: null,
    plan: null,
    classSuggestions: null,
    reflection: null,
    overrides: [],
    notifications: [],
    report: null,
  };
}

export function iso(value: Date): string {
  return value.toISOString();
}

export function isoOrNull(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

type Row = QueryResultRow;

export function toMission(r: Row): MissionRecord {
  return {
    id: r.id,
    athlete: r.athlete,
    name: r.name,
    configHash: r.config_hash,
    status: r.status,
    workflowId: r.workflow_id ?? null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function toDayRun(r: Row): DayRunRecord {
  return {
    date: r.day,
    status: r.status,
    degradedReasons: r.degraded_reasons,
    workflowId: r.workflow_id,
    configHash: r.config_hash,
    startedAt: iso(r.started_at),
    finishedAt: isoOrNull(r.finished_at),
  };
}

export function toReflection(r: Row): Reflection {
  return {
    date: r.day,
    rpe: r.rpe,
    legs: r.legs,
    mood: r.mood,
    sleepQuality: r.sleep_quality,
    completed: r.completed,
    note: r.note,
  };
}

export function toOverride(r: Row): OverrideRecord {
  return { requestId: r.request_id, kind: r.kind, day: r.day, payload: r.payload, recordedAt: iso(r.recorded_at) };
}

export function toNotification(r: Row): NotificationRecord {
  return {
    date: r.day,
    channel: r.channel,
    status: r.status,
    attempts: r.attempts,
    claimedAt: isoOrNull(r.claimed_at),
    sentAt: isoOrNull(r.sent_at),
    detail: r.detail,
    providerMessageId: r.provider_message_id,
  };
}
