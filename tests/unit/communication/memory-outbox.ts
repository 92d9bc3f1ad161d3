/** An in-memory outbox that follows the contract in src/communication/outbox.ts (for unit tests). */
import type { Channel, IsoDate } from '../../../src/domain/types';
import type { ClaimResult, Outbox, OutboxKey, OutboxStatus } from '../../../src/communication/outbox';

export interface OutboxRecord {
  status: OutboxStatus;
  owner: string;
  leaseUntil: number;
  providerId: string | null;
  reason: string | null;
  claims: number;
}

/** The records; `as(owner)` gives the Outbox one sender (one activity attempt) uses. */
export class MemoryOutbox {
  readonly records = new Map<string, OutboxRecord>();
  constructor(
    private readonly opts: { leaseMs?: number; now?: () => number } = {},
  ) {}

  get(scope: string, day: IsoDate, channel: Channel, message = 'day'): OutboxRecord | undefined {
    return this.records.get(recordKey({ scope, day, channel, message }));
  }

  as(owner: string): Outbox {
    const now = () => (this.opts.now ?? Date.now)();
    const mark = (key: OutboxKey, patch: Partial<OutboxRecord>): void => {
      const k = recordKey(key);
      const r = this.records.get(k);
      if (!r || r.status !== 'sending' || r.owner !== owner) throw new Error(`${owner} holds no claim on ${k}`);
      this.records.set(k, { ...r, ...patch });
    };
    return {
      claim: async (key): Promise<ClaimResult> => {
        const k = recordKey(key);
        const r = this.records.get(k);
        const t = now();
        if (!r || r.status === 'pending' || r.status === 'failed' || (r.status === 'sending' && r.leaseUntil <= t)) {
          const leaseUntil = t + (this.opts.leaseMs ?? 2 * 60_000);
          this.records.set(k, { status: 'sending', owner, leaseUntil, providerId: null, reason: null, claims: (r?.claims ?? 0) + 1 });
          return { claimed: true, status: 'sending' };
        }
        return { claimed: false, status: r.status, providerId: r.providerId, reason: r.reason, leaseExpiresAt: new Date(r.leaseUntil).toISOString() };
      },
      markSent: async (key, providerId) => mark(key, { status: 'sent', providerId }),
      markFailed: async (key, reason) => mark(key, { status: 'failed', reason }),
      markSkipped: async (key, reason) => mark(key, { status: 'skipped', reason }),
    };
  }
}

function recordKey(key: OutboxKey): string {
  return `${key.scope}|${key.day}|${key.channel}|${key.message ?? 'day'}`;
}
