/**
 * Turns a notification store with the PostgreSQL outbox's method shapes (MemoryStore's `outbox`,
 * src/memory/notification-outbox.ts: claim, markSent/Failed/Skipped, each taking a scope object,
 * a key and an owner) into the Outbox that notify uses, bound to one owner. Structural: nothing
 * is imported from the store's module, so the compiler checks the fit where the integrator calls
 * this.
 */
import type { Channel, IsoDate } from '../domain/types';
import type { ClaimResult, Outbox, OutboxKey, OutboxStatus } from './outbox';

interface StoreKey {
  day: IsoDate;
  channel: Channel;
  message?: string;
}

export interface NotificationStoreLike<Scope> {
  claim(
    scope: Scope,
    key: StoreKey,
    owner: string,
  ): Promise<{ claimed: boolean; status: OutboxStatus; leaseExpiresAt: string | null; providerMessageId: string | null; detail: string | null }>;
  markSent(scope: Scope, key: StoreKey, owner: string, result: { providerMessageId?: string | null; detail?: string | null }): Promise<unknown>;
  markFailed(scope: Scope, key: StoreKey, owner: string, detail: string): Promise<unknown>;
  markSkipped(scope: Scope, key: StoreKey, owner: string, detail: string): Promise<unknown>;
}

/**
 * @param scopeOf maps the Outbox scope (the mission id that notify passes) to the store's scope,
 *   e.g. `(missionId) => ({ missionId, athlete })`.
 * @param owner who claims: one attempt of the notify activity (e.g. workflow id, run id, activity
 *   id and attempt), so a retry is a different owner from the attempt it replaces.
 */
export function outboxFromStore<Scope>(store: NotificationStoreLike<Scope>, scopeOf: (missionId: string) => Scope, owner: string): Outbox {
  const at = (key: OutboxKey): [Scope, StoreKey] => [scopeOf(key.scope), { day: key.day, channel: key.channel, message: key.message }];
  return {
    async claim(key): Promise<ClaimResult> {
      const claim = await store.claim(...at(key), owner);
      switch (claim.claimed ? 'claimed' : claim.status) {
        case 'sent':
          return { claimed: false, status: 'sent', providerId: claim.providerMessageId };
        case 'skipped':
        case 'failed':
          return { claimed: false, status: claim.status, reason: claim.detail };
        case 'sending':
          return { claimed: false, status: 'sending', leaseExpiresAt: claim.leaseExpiresAt };
        default:
          return { claimed: claim.claimed, status: claim.status };
      }
    },
    async markSent(key, providerId) {
      await store.markSent(...at(key), owner, { providerMessageId: providerId });
    },
    async markFailed(key, reason) {
      await store.markFailed(...at(key), owner, reason);
    },
    async markSkipped(key, reason) {
      await store.markSkipped(...at(key), owner, reason);
    },
  };
}
