/**
 * The notification outbox: the record that makes each notification go out once per
 * (scope = mission id, day, channel, message), across activity retries and worker crashes.
 *
 * An Outbox is bound to one sender — one attempt of the notify activity — and every claim it
 * makes carries that sender as the claim's owner. Protocol used by notify: `claim` before sending;
 * after the provider answers, `markSent` (with the provider's id), `markFailed` or `markSkipped`.
 *
 * Contract for implementations (PostgreSQL in production, in memory in unit tests):
 * - `claim` is atomic: of concurrent callers at most one gets `claimed: true`. It returns
 *   `{ claimed: true, status: 'sending' }` and records the claim, with this sender as owner and a
 *   lease, when there is no record yet, when the record is `pending` or `failed` (a retry of a
 *   failed send), or when the record is `sending` but its lease has ended (its owner died between
 *   claim and mark; the lease outlasts one send, e.g. 2 minutes).
 * - Otherwise it returns `{ claimed: false }` with the current status: `sent` (never send again;
 *   `providerId` tells which message), `skipped` (final for that message; `reason`), or `sending`
 *   (another sender holds the claim until `leaseExpiresAt`).
 * - Only the owner of the current claim can mark it: a sender whose lease ended and was taken
 *   over gets an error from `markSent`/`markFailed`/`markSkipped`, and the record stays the new
 *   owner's (a late failure never reopens another sender's claim).
 * - Delivery is therefore exactly once except across a lease after a crash that happened after
 *   the provider accepted the message and before `markSent`: then the message is sent again (with
 *   the same stable Message-ID for e-mail, which lets mail systems drop the duplicate).
 *
 * The PostgreSQL outbox is MemoryStore's `outbox` (src/memory/notification-outbox.ts);
 * `outboxFromStore` in outbox-store-adapter.ts binds it to a scope mapping and an owner.
 * Rows must not contain message bodies, addresses or secrets: only ids, statuses and reasons.
 */
import type { Channel, IsoDate } from '../domain/types';

/** `pending`: recorded, not claimed; `sending`: claimed, in flight; the rest are outcomes. */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/** The message key of the day's report (other messages of the day have their own, e.g. `ride:<id>`). */
export const DEFAULT_MESSAGE_KEY = 'day';

/** One notification. */
export interface OutboxKey {
  /** The mission id. */
  scope: string;
  day: IsoDate;
  channel: Channel;
  /** Which of the day's messages on the channel; default `day` (the daily report). */
  message?: string;
}

export interface ClaimResult {
  claimed: boolean;
  status: OutboxStatus;
  /** When status is `sent`: the provider's id of the message that went out. */
  providerId?: string | null;
  /** When status is `skipped` or `failed`: why. */
  reason?: string | null;
  /** When status is `sending` and another sender holds the claim: when its lease ends. */
  leaseExpiresAt?: string | null;
}

export interface Outbox {
  claim(key: OutboxKey): Promise<ClaimResult>;
  markSent(key: OutboxKey, providerId: string): Promise<void>;
  markFailed(key: OutboxKey, reason: string): Promise<void>;
  markSkipped(key: OutboxKey, reason: string): Promise<void>;
}
