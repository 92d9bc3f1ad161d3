/**
 * Turns a notification store with MemoryStore's method shapes (src/memory: claimNotification,
 * markNotificationSent/Failed/Skipped, getNotification, each taking a scope object) into the
 * Outbox that notify uses. Structural: nothing is imported from the store's module, so the
 * compiler checks the fit where the integrator calls this.
 */
import type { Channel, IsoDate } from '../domain/types';
import type { ClaimResult, Outbox, OutboxStatus } from './outbox';

export interface NotificationStoreLike<Scope> {
  claimNotification(scope: Scope, day: IsoDate, channel: Channel): Promise<{ claimed: boolean; status: OutboxStatus }>;
  markNotificationSent(
    scope: Scope,
    day: IsoDate,
    channel: Channel,
    result: { providerMessageId?: string | null; detail?: string | null },
  ): Promise<unknown>;
  markNotificationFailed(scope: Scope, day: IsoDate, channel: Channel, detail: string): Promise<unknown>;
  markNotificationSkipped(scope: Scope, day: IsoDate, channel: Channel, detail: string): Promise<unknown>;
  getNotification(
    scope: Scope,
    day: IsoDate,
    channel: Channel,
  ): Promise<{ providerMessageId: string | null; detail: string | null } | null>;
}

/**
 * @param scopeOf maps the Outbox scope (the mission id that notify passes) to the store's scope,
 *   e.g. `(missionId) => ({ missionId, athlete })`.
 */
export function outboxFromStore<Scope>(store: NotificationStoreLike<Scope>, scopeOf: (missionId: string) => Scope): Outbox {
  return {
    async claim(missionId, day, channel): Promise<ClaimResult> {
      const scope = scopeOf(missionId);
      const claim = await store.claimNotification(scope, day, channel);
      if (claim.claimed || (claim.status !== 'sent' && claim.status !== 'skipped' && claim.status !== 'failed')) {
        return { claimed: claim.claimed, status: claim.status };
      }
      const row = await store.getNotification(scope, day, channel);
      return {
        claimed: false,
        status: claim.status,
        providerId: row?.providerMessageId ?? null,
        reason: row?.detail ?? null,
      };
    },
    async markSent(missionId, day, channel, providerId) {
      await store.markNotificationSent(scopeOf(missionId), day, channel, { providerMessageId: providerId });
    },
    async markFailed(missionId, day, channel, reason) {
      await store.markNotificationFailed(scopeOf(missionId), day, channel, reason);
    },
    async markSkipped(missionId, day, channel, reason) {
      await store.markNotificationSkipped(scopeOf(missionId), day, channel, reason);
    },
  };
}
