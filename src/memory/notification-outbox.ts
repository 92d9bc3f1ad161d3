import type { Pool } from 'pg';
import type { Channel, IsoDate } from '../domain/types';
import { assertIsoDate } from '../domain/iso-date';
import { DAY, ScopedPg, checkScope, toNotification } from './pg-support';
import type { ClaimResult, MissionScope, NotificationRecord, NotificationStatus } from './records';

const NOTIFICATION_COLUMNS = 'channel, status, attempts, claimed_at, sent_at, detail, provider_message_id';

export interface OutboxOptions {
  /**
   * How long a notification may stay `sending` before a retry may claim it again (ms). A sender
   * that crashed after claiming (or after the provider accepted the message but before
   * markNotificationSent) blocks the channel for that long; after it, the next claim re-sends.
   * Default 10 minutes.
   */
  notificationStaleAfterMs?: number;
  /** Clock for notification timestamps and the stale test; default: the database's `now()`. */
  clock?: () => Date;
}

export const DEFAULT_NOTIFICATION_STALE_AFTER_MS = 10 * 60_000;

/**
 * The notification outbox: one row per mission/day/channel, claimed before sending and marked
 * after, so a retry never sends twice.
 *
 * ```ts
 * const claim = await outbox.claimNotification(scope, day, 'email');
 * if (!claim.claimed) return claim.status;              // sent, skipped, or another sender owns it
 * try {
 *   const id = await mailer.send(message);
 *   await outbox.markNotificationSent(scope, day, 'email', { providerMessageId: id });
 * } catch (err) {
 *   await outbox.markNotificationFailed(scope, day, 'email', String(err)); // claimable by the retry
 *   throw err;
 * }
 * ```
 */
export class NotificationOutbox extends ScopedPg {
  private readonly staleAfterMs: number;
  private readonly clock: (() => Date) | null;

  constructor(db: Pool, options: OutboxOptions = {}) {
    super(db);
    this.staleAfterMs = options.notificationStaleAfterMs ?? DEFAULT_NOTIFICATION_STALE_AFTER_MS;
    if (!Number.isFinite(this.staleAfterMs) || this.staleAfterMs < 0) {
      throw new Error(`notificationStaleAfterMs must be a number of milliseconds >= 0, got ${options.notificationStaleAfterMs}`);
    }
    this.clock = options.clock ?? null;
  }

  /** Create the day's outbox row for `channel` as `pending` unless it exists; returns the row. */
  async enqueueNotification(scope: MissionScope, day: IsoDate, channel: Channel): Promise<NotificationRecord> {
    assertIsoDate(day, 'enqueueNotification day');
    await this.write(
      scope,
      `INSERT INTO notifications (athlete, mission_id, day, channel, status) VALUES ($1, $2, $3, $4, 'pending')
       ON CONFLICT (athlete, mission_id, day, channel) DO NOTHING`,
      [day, channel],
    );
    return (await this.getNotification(scope, day, channel))!;
  }

  /**
   * Claim the right to send the day's message on `channel`. Atomic: of any number of concurrent
   * callers at most one gets `claimed: true`. A row is claimable when absent, `pending`, `failed`,
   * or `sending` for longer than the stale timeout (its sender is presumed dead). `sent` and
   * `skipped` rows are never claimed again. Delivery is at-least-once only across that stale window:
   * a sender that crashes after the provider accepted the message but before markNotificationSent
   * leads to a second send once the timeout has passed.
   */
  async claimNotification(scope: MissionScope, day: IsoDate, channel: Channel): Promise<ClaimResult> {
    assertIsoDate(day, 'claimNotification day');
    const claimed = await this.write(
      scope,
      `INSERT INTO notifications AS n (athlete, mission_id, day, channel, status, attempts, claimed_at, updated_at)
       SELECT $1, $2, $3, $4, 'sending', 1, t, t FROM (SELECT coalesce($5::timestamptz, now()) AS t) AS clock
       ON CONFLICT (athlete, mission_id, day, channel) DO UPDATE
         SET status = 'sending', attempts = n.attempts + 1,
             claimed_at = EXCLUDED.claimed_at, updated_at = EXCLUDED.updated_at
         WHERE n.status IN ('pending', 'failed')
            OR (n.status = 'sending' AND n.claimed_at <= EXCLUDED.claimed_at - make_interval(secs => $6::double precision / 1000))
       RETURNING n.status, n.attempts`,
      [day, channel, this.now(), this.staleAfterMs],
    );
    if (claimed.length === 1) return { claimed: true, status: claimed[0].status, attempts: claimed[0].attempts };
    const current = await this.getNotification(scope, day, channel);
    if (!current) throw new Error(`claimNotification: outbox row ${scope.missionId}/${day}/${channel} vanished`);
    return { claimed: false, status: current.status, attempts: current.attempts };
  }

  /** Mark the message sent (terminal: it is never claimed again), with the provider's message id. */
  async markNotificationSent(
    scope: MissionScope,
    day: IsoDate,
    channel: Channel,
    result: { providerMessageId?: string | null; detail?: string | null } = {},
  ): Promise<NotificationRecord> {
    assertIsoDate(day, 'markNotificationSent day');
    const rows = await this.write(
      scope,
      `INSERT INTO notifications AS n (athlete, mission_id, day, channel, status, sent_at, updated_at, provider_message_id, detail)
       SELECT $1, $2, $3, $4, 'sent', t, t, $6, $7 FROM (SELECT coalesce($5::timestamptz, now()) AS t) AS clock
       ON CONFLICT (athlete, mission_id, day, channel) DO UPDATE
         SET status = 'sent', sent_at = EXCLUDED.sent_at, updated_at = EXCLUDED.updated_at,
             provider_message_id = EXCLUDED.provider_message_id, detail = EXCLUDED.detail
       RETURNING ${NOTIFICATION_COLUMNS}, ${DAY}`,
      [day, channel, this.now(), result.providerMessageId ?? null, result.detail ?? null],
    );
    return toNotification(rows[0]);
  }

  /** Mark the send failed with why; the row becomes claimable again. A `sent`/`skipped` row is left as is. */
  async markNotificationFailed(
    scope: MissionScope,
    day: IsoDate,
    channel: Channel,
    detail: string,
  ): Promise<NotificationRecord> {
    return this.markEnd(scope, day, channel, 'failed', detail, ['pending', 'sending', 'failed']);
  }

  /** Mark the message skipped (channel off, nothing to say) with why; terminal unless already sent. */
  async markNotificationSkipped(
    scope: MissionScope,
    day: IsoDate,
    channel: Channel,
    detail: string,
  ): Promise<NotificationRecord> {
    return this.markEnd(scope, day, channel, 'skipped', detail, ['pending', 'sending', 'failed', 'skipped']);
  }

  /** The outbox row for (day, channel), or null. */
  async getNotification(scope: MissionScope, day: IsoDate, channel: Channel): Promise<NotificationRecord | null> {
    checkScope(scope);
    const { rows } = await this.db.query(
      `SELECT ${NOTIFICATION_COLUMNS}, ${DAY} FROM notifications WHERE athlete = $1 AND mission_id = $2 AND day = $3 AND channel = $4`,
      [scope.athlete, scope.missionId, day, channel],
    );
    return rows.length ? toNotification(rows[0]) : null;
  }

  private async markEnd(
    scope: MissionScope,
    day: IsoDate,
    channel: Channel,
    status: 'failed' | 'skipped',
    detail: string,
    from: NotificationStatus[],
  ): Promise<NotificationRecord> {
    assertIsoDate(day, `markNotification ${status} day`);
    await this.write(
      scope,
      `INSERT INTO notifications AS n (athlete, mission_id, day, channel, status, detail, updated_at)
       SELECT $1, $2, $3, $4, $5, $6, t FROM (SELECT coalesce($7::timestamptz, now()) AS t) AS clock
       ON CONFLICT (athlete, mission_id, day, channel) DO UPDATE
         SET status = EXCLUDED.status, detail = EXCLUDED.detail, updated_at = EXCLUDED.updated_at
         WHERE n.status = ANY($8::text[])`,
      [day, channel, status, detail, this.now(), from],
    );
    return (await this.getNotification(scope, day, channel))!;
  }

  private now(): string | null {
    return this.clock ? this.clock().toISOString() : null;
  }
}
