/**
 * The notification outbox: the record that makes each notification go out once per
 * (scope = mission id, day, channel), across activity retries and worker crashes.
 *
 * Protocol used by notify: `claim` before sending; after the provider answers, `markSent`
 * (with the provider's id), `markFailed` or `markSkipped`.
 *
 * Contract for implementations (PostgreSQL in production, in memory in unit tests):
 * - `claim` is atomic: of concurrent callers at most one gets `claimed: true`. It returns
 *   `{ claimed: true, status: 'sending' }` and records the claim when there is no record yet, when
 *   the record is `pending` or `failed` (a retry of a failed send), or when the record is `sending`
 *   but its claim is older than the implementation's lease (the claimer died between claim and
 *   mark; choose a lease longer than one send, e.g. 10 minutes).
 * - Otherwise it returns `{ claimed: false }` with the current status: `sent` (never send again;
 *   `providerId` tells which message), `skipped` (final for that day; `reason`), or `sending`
 *   (another attempt holds a fresh claim).
 * - Delivery is therefore exactly once except across the lease after a crash that happened after
 *   the provider accepted the message and before `markSent`: then the message is sent again (with
 *   the same stable Message-ID for e-mail, which lets mail systems drop the duplicate).
 *
 * This matches MemoryStore's claimNotification/markNotification* (src/memory); `outboxFromStore`
 * in outbox-store-adapter.ts turns such a store into an Outbox.
 * - `markSent`/`markFailed`/`markSkipped` set the final status of the record.
 * Rows must not contain message bodies, addresses or secrets: only ids, statuses and reasons.
 */
import type { Channel, IsoDate } from '../domain/types';

/** `pending`: recorded, not claimed; `sending`: claimed, in flight; the rest are outcomes. */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface ClaimResult {
  claimed: boolean;
  status: OutboxStatus;
  /** When status is `sent`: the provider's id of the message that went out. */
  providerId?: string | null;
  /** When status is `skipped` or `failed`: why. */
  reason?: string | null;
}

export interface Outbox {
  claim(scope: string, day: IsoDate, channel: Channel): Promise<ClaimResult>;
  markSent(scope: string, day: IsoDate, channel: Channel, providerId: string): Promise<void>;
  markFailed(scope: string, day: IsoDate, channel: Channel, reason: string): Promise<void>;
  markSkipped(scope: string, day: IsoDate, channel: Channel, reason: string): Promise<void>;
}
