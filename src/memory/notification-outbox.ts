import type { Pool } from 'pg';
import type { Channel, IsoDate } from '../domain/types';
import { assertIsoDate } from '../domain/iso-date';
import { DAY, ScopedPg, checkScope, isoOrNull, toNotification } from './pg-support';
import type { ClaimResult, MissionScope, NotificationRecord } from './records';
import { DEFAULT_MESSAGE_KEY } from '../communication/outbox';

const OUTBOX_COLUMNS =
  'channel, message_key, status, attempts, claimed_by, claimed_at, lease_expires_at, sent_at, detail, provider_message_id';

/** The message of a day when it has one per channel: the daily report (the notifier's own constant). */
export { DEFAULT_MESSAGE_KEY };

/**
 * How long a claim lasts unless its owner marks it first (ms). It must outlast one send (SMTP and
 * Twilio give up after 20 s per step) and be shorter than the notify activity's retries, so a
 * retry after a crash finds the lease over and sends. Default 2 minutes.
 */
export const DEFAULT_CLAIM_LEASE_MS = 2 * 60_000;

export interface OutboxOptions {
  /** Lease of a claim, ms (default DEFAULT_CLAIM_LEASE_MS). */
  claimLeaseMs?: number;
  /** Clock for outbox timestamps and lease expiry; default: the database's `now()`. */
  clock?: () => Date;
}

/** One message: the day, the channel, and which of that day's messages on the channel. */
export interface OutboxKey {
  day: IsoDate;
  channel: Channel;
  /** Default `day` (the daily report); another message of the day names itself, e.g. `ride:14250984`. */
  message?: string;
}

/** An outbox row: the notification record plus its message key and current (or last) claim. */
export interface OutboxRow extends NotificationRecord {
  message: string;
  /** Owner of the current claim while `sending`; afterwards the owner that marked the row. */
  claimedBy: string | null;
  /** When the current claim's lease ends (null once the row is marked). */
  leaseExpiresAt: string | null;
}

export interface OutboxClaim extends ClaimResult {
  /** When claimed: the end of your lease. When another owner is `sending`: when its lease ends. */
  leaseExpiresAt: string | null;
  /** The provider's id of the message that went out (status `sent`). */
  providerMessageId: string | null;
  /** Why, for `failed` and `skipped` rows. */
  detail: string | null;
}

/** A mark by an owner that does not hold the row's claim (its lease ran out and another took over). */
export class ClaimLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClaimLostError';
  }
}

/**
 * The notification outbox: one row per mission/day/channel/message, claimed before sending and
 * marked after, so a retry never sends twice.
 *
 * A claim carries its owner (one send attempt, e.g. `<workflow id>/<activity id>#<attempt>`) and a
 * lease. Only the owner of the current claim can mark the row sent, failed or skipped; a claim
 * whose lease has run out can be taken over by another owner, after which the first owner's marks
 * are refused (ClaimLostError) rather than reopening or overwriting the new owner's row.
 *
 * ```ts
 * const key = { day, channel: 'email' };
 * const claim = await outbox.claim(scope, key, owner);
 * if (!claim.claimed) return claim.status;          // sent, skipped, or another owner is sending
 * try {
 *   const id = await mailer.send(message);
 *   await outbox.markSent(scope, key, owner, { providerMessageId: id });
 * } catch (err) {
 *   await outbox.markFailed(scope, key, owner, String(err)); // claimable again by the next attempt
 *   throw err;
 * }
 * ```
 */
export class NotificationOutbox extends ScopedPg {
  private readonly leaseMs: number;
  private readonly clock: (() => Date) | null;

  constructor(db: Pool, options: OutboxOptions = {}) {
    super(db);
    this.leaseMs = options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
    if (!Number.isFinite(this.leaseMs) || this.leaseMs <= 0) {
      throw new Error(`claimLeaseMs must be a number of milliseconds > 0, got ${options.claimLeaseMs}`);
    }
    this.clock = options.clock ?? null;
  }

  /** Create the message's row as `pending` unless it exists; returns the row. */
  async enqueue(scope: MissionScope, key: OutboxKey): Promise<OutboxRow> {
    const k = checkKey(key, 'enqueue');
    await this.write(
      scope,
      `INSERT INTO notifications (athlete, mission_id, day, channel, message_key, status) VALUES ($1, $2, $3, $4, $5, 'pending')
       ON CONFLICT (athlete, mission_id, day, channel, message_key) DO NOTHING`,
      [k.day, k.channel, k.message],
    );
    return (await this.get(scope, k))!;
  }

  /**
   * Claim the right to send the message, for `owner`. Atomic: of any number of concurrent callers
   * (in any number of processes) at most one gets `claimed: true`. A row is claimable when absent,
   * `pending`, `failed`, or `sending` with its lease over (its owner is presumed dead). `sent` and
   * `skipped` rows are never claimed again. Delivery is at-least-once only across a lease: an owner
   * that dies after the provider accepted the message but before markSent leads to a second send
   * by whoever takes the claim over once the lease has ended.
   */
  async claim(scope: MissionScope, key: OutboxKey, owner: string): Promise<OutboxClaim> {
    const k = checkKey(key, 'claim');
    checkOwner(owner, 'claim');
    const claimed = await this.write(
      scope,
      `INSERT INTO notifications AS n (athlete, mission_id, day, channel, message_key, status, attempts, claimed_by, claimed_at, lease_expires_at, updated_at)
       SELECT $1, $2, $3, $4, $5, 'sending', 1, $6, t, t + make_interval(secs => $8::double precision / 1000), t
         FROM (SELECT coalesce($7::timestamptz, now()) AS t) AS clock
       ON CONFLICT (athlete, mission_id, day, channel, message_key) DO UPDATE
         SET status = 'sending', attempts = n.attempts + 1, claimed_by = EXCLUDED.claimed_by,
             claimed_at = EXCLUDED.claimed_at, lease_expires_at = EXCLUDED.lease_expires_at, updated_at = EXCLUDED.updated_at
         WHERE n.status IN ('pending', 'failed')
            OR (n.status = 'sending' AND n.lease_expires_at <= EXCLUDED.claimed_at)
       RETURNING n.status, n.attempts, n.lease_expires_at`,
      [k.day, k.channel, k.message, owner, this.now(), this.leaseMs],
    );
    if (claimed.length === 1) {
      const r = claimed[0];
      return { claimed: true, status: r.status, attempts: r.attempts, leaseExpiresAt: isoOrNull(r.lease_expires_at), providerMessageId: null, detail: null };
    }
    const current = await this.get(scope, k);
    if (!current) throw new Error(`outbox claim: row ${rowName(scope, k)} vanished`);
    return {
      claimed: false,
      status: current.status,
      attempts: current.attempts,
      leaseExpiresAt: current.leaseExpiresAt,
      providerMessageId: current.providerMessageId,
      detail: current.detail,
    };
  }

  /** Mark the message sent (terminal), with the provider's id. Only the claim's owner may; a repeat by it is a no-op. */
  async markSent(
    scope: MissionScope,
    key: OutboxKey,
    owner: string,
    result: { providerMessageId?: string | null; detail?: string | null } = {},
  ): Promise<OutboxRow> {
    return this.mark(scope, key, owner, 'sent', result.detail ?? null, result.providerMessageId ?? null);
  }

  /** Mark the send failed with why; the row becomes claimable again. Only the claim's owner may. */
  async markFailed(scope: MissionScope, key: OutboxKey, owner: string, detail: string): Promise<OutboxRow> {
    return this.mark(scope, key, owner, 'failed', detail, null);
  }

  /** Mark the message skipped (channel off, nothing to say) with why; terminal. Only the claim's owner may. */
  async markSkipped(scope: MissionScope, key: OutboxKey, owner: string, detail: string): Promise<OutboxRow> {
    return this.mark(scope, key, owner, 'skipped', detail, null);
  }

  /** The message's row, or null. */
  async get(scope: MissionScope, key: OutboxKey): Promise<OutboxRow | null> {
    checkScope(scope);
    const k = checkKey(key, 'get');
    const { rows } = await this.db.query(
      `SELECT ${OUTBOX_COLUMNS}, ${DAY} FROM notifications
        WHERE athlete = $1 AND mission_id = $2 AND day = $3 AND channel = $4 AND message_key = $5`,
      [scope.athlete, scope.missionId, k.day, k.channel, k.message],
    );
    return rows.length ? toOutboxRow(rows[0]) : null;
  }

  private async mark(
    scope: MissionScope,
    key: OutboxKey,
    owner: string,
    status: 'sent' | 'failed' | 'skipped',
    detail: string | null,
    providerMessageId: string | null,
  ): Promise<OutboxRow> {
    const k = checkKey(key, `mark ${status}`);
    checkOwner(owner, `mark ${status}`);
    const rows = await this.write(
      scope,
      `UPDATE notifications AS n
          SET status = $7::text, detail = $8,
              provider_message_id = CASE WHEN $7::text = 'sent' THEN $9 ELSE n.provider_message_id END,
              sent_at = CASE WHEN $7::text = 'sent' THEN clock.t ELSE n.sent_at END,
              lease_expires_at = NULL, updated_at = clock.t
         FROM (SELECT coalesce($6::timestamptz, now()) AS t) AS clock
        WHERE n.athlete = $1 AND n.mission_id = $2 AND n.day = $3 AND n.channel = $4 AND n.message_key = $5
          AND n.status = 'sending' AND n.claimed_by = $10
        RETURNING ${OUTBOX_COLUMNS.split(', ').map((c) => `n.${c}`).join(', ')}, to_char(n.day, 'YYYY-MM-DD') AS day`,
      [k.day, k.channel, k.message, this.now(), status, detail, providerMessageId, owner],
    );
    if (rows.length === 1) return toOutboxRow(rows[0]);
    const current = await this.get(scope, k);
    if (current && current.status === status && current.claimedBy === owner) return current; // a repeat
    throw new ClaimLostError(`outbox ${rowName(scope, k)}: "${owner}" cannot mark it ${status}: ${whyNot(current, owner)}`);
  }

  private now(): string | null {
    return this.clock ? this.clock().toISOString() : null;
  }
}

function whyNot(row: OutboxRow | null, owner: string): string {
  if (!row) return 'it was never claimed';
  if (row.status === 'sending') {
    return `the claim is held by "${row.claimedBy}" (lease until ${row.leaseExpiresAt}), not by "${owner}"`;
  }
  if (row.status === 'pending') return 'it is pending, not claimed';
  return `it is already ${row.status}${row.claimedBy ? ` (marked by "${row.claimedBy}")` : ''}`;
}

function rowName(scope: MissionScope, k: Required<OutboxKey>): string {
  return `${scope.missionId}/${k.day}/${k.channel}/${k.message}`;
}

const MESSAGE_KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

function checkKey(key: OutboxKey, what: string): Required<OutboxKey> {
  assertIsoDate(key?.day, `outbox ${what} day`);
  if (typeof key.channel !== 'string' || !key.channel) {
    throw new Error(`outbox ${what}: channel must be a non-empty string, got ${JSON.stringify(key.channel)}`);
  }
  const message = key.message ?? DEFAULT_MESSAGE_KEY;
  if (typeof message !== 'string' || !MESSAGE_KEY.test(message)) {
    throw new Error(
      `outbox ${what}: message key must be 1–100 letters, digits or . _ : - (e.g. "day", "ride:14250984"), got ${JSON.stringify(message)}`,
    );
  }
  return { day: key.day, channel: key.channel, message };
}

function checkOwner(owner: string, what: string): void {
  if (typeof owner !== 'string' || owner === '' || owner.length > 500) {
    throw new Error(`outbox ${what}: owner must be a non-empty string of at most 500 characters, got ${JSON.stringify(owner)}`);
  }
}

function toOutboxRow(r: Record<string, unknown>): OutboxRow {
  return {
    ...toNotification(r),
    message: r.message_key as string,
    claimedBy: (r.claimed_by as string | null) ?? null,
    leaseExpiresAt: isoOrNull((r.lease_expires_at as Date | null) ?? null),
  };
}
