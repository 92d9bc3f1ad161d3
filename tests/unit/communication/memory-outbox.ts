/** An in-memory Outbox that follows the contract in src/communication/outbox.ts (for unit tests). */
import type { Channel, IsoDate } from '../../../src/domain/types';
import type { ClaimResult, Outbox, OutboxStatus } from '../../../src/communication/outbox';

export interface OutboxRecord {
  status: OutboxStatus;
  claimedAt: number;
  providerId: string | null;
  reason: string | null;
  claims: number;
}

export class MemoryOutbox implements Outbox {
  readonly records = new Map<string, OutboxRecord>();
  constructor(
    private readonly opts: { leaseMs?: number; now?: () => number } = {},
  ) {}

  private key(scope: string, day: IsoDate, channel: Channel): string {
    return `${scope}|${day}|${channel}`;
  }

  get(scope: string, day: IsoDate, channel: Channel): OutboxRecord | undefined {
    return this.records.get(this.key(scope, day, channel));
  }

  async claim(scope: string, day: IsoDate, channel: Channel): Promise<ClaimResult> {
    const now = (this.opts.now ?? Date.now)();
    const lease = this.opts.leaseMs ?? 5 * 60_000;
    const k = this.key(scope, day, channel);
    const r = this.records.get(k);
    const stale = r?.status === 'sending' && now - r.claimedAt >= lease;
    if (!r || r.status === 'pending' || r.status === 'failed' || stale) {
      this.records.set(k, { status: 'sending', claimedAt: now, providerId: null, reason: null, claims: (r?.claims ?? 0) + 1 });
      return { claimed: true, status: 'sending' };
    }
    return { claimed: false, status: r.status, providerId: r.providerId, reason: r.reason };
  }

  private mark(scope: string, day: IsoDate, channel: Channel, patch: Partial<OutboxRecord>): void {
    const k = this.key(scope, day, channel);
    const r = this.records.get(k);
    if (!r || r.status !== 'sending') throw new Error(`no claim in progress for ${k}`);
    this.records.set(k, { ...r, ...patch });
  }

  async markSent(scope: string, day: IsoDate, channel: Channel, providerId: string): Promise<void> {
    this.mark(scope, day, channel, { status: 'sent', providerId });
  }
  async markFailed(scope: string, day: IsoDate, channel: Channel, reason: string): Promise<void> {
    this.mark(scope, day, channel, { status: 'failed', reason });
  }
  async markSkipped(scope: string, day: IsoDate, channel: Channel, reason: string): Promise<void> {
    this.mark(scope, day, channel, { status: 'skipped', reason });
  }
}
