import { createNotifier } from '../../../src/communication/notify';
import { loadNotifyConfig } from '../../../src/communication/notify-config';
import { outboxFromStore, type NotificationStoreLike } from '../../../src/communication/outbox-store-adapter';
import type { OutboxStatus } from '../../../src/communication/outbox';
import type { Channel, IsoDate } from '../../../src/domain/types';
import { startSmtpSink } from '../../support/smtp-sink';
import { sampleReport } from './fixtures';

interface Scope {
  missionId: string;
  athlete: string;
}

/** A store with MemoryStore's method shapes, keeping rows per athlete/mission/day/channel. */
class FakeStore implements NotificationStoreLike<Scope> {
  rows = new Map<string, { status: OutboxStatus; providerMessageId: string | null; detail: string | null }>();
  scopes: Scope[] = [];
  private k(s: Scope, day: IsoDate, ch: Channel): string {
    this.scopes.push(s);
    return `${s.athlete}/${s.missionId}/${day}/${ch}`;
  }
  async claimNotification(s: Scope, day: IsoDate, ch: Channel) {
    const k = this.k(s, day, ch);
    const r = this.rows.get(k);
    if (!r || r.status === 'pending' || r.status === 'failed') {
      this.rows.set(k, { status: 'sending', providerMessageId: null, detail: null });
      return { claimed: true, status: 'sending' as const };
    }
    return { claimed: false, status: r.status };
  }
  async markNotificationSent(s: Scope, day: IsoDate, ch: Channel, result: { providerMessageId?: string | null }) {
    this.rows.set(this.k(s, day, ch), { status: 'sent', providerMessageId: result.providerMessageId ?? null, detail: null });
  }
  async markNotificationFailed(s: Scope, day: IsoDate, ch: Channel, detail: string) {
    this.rows.set(this.k(s, day, ch), { status: 'failed', providerMessageId: null, detail });
  }
  async markNotificationSkipped(s: Scope, day: IsoDate, ch: Channel, detail: string) {
    this.rows.set(this.k(s, day, ch), { status: 'skipped', providerMessageId: null, detail });
  }
  async getNotification(s: Scope, day: IsoDate, ch: Channel) {
    return this.rows.get(this.k(s, day, ch)) ?? null;
  }
}

describe('outboxFromStore', () => {
  it('drives a MemoryStore-shaped store: scoped calls, once per day/channel, provider id on repeat', async () => {
    const sink = await startSmtpSink();
    try {
      const store = new FakeStore();
      const outbox = outboxFromStore(store, (missionId) => ({ missionId, athlete: 'lea' }));
      const config = loadNotifyConfig({ SMTP_HOST: sink.host, SMTP_PORT: String(sink.port), SMTP_FROM: 'coach@example.com', NOTIFY_EMAIL_TO: 'lea@example.com' });
      const n = createNotifier({ config, outbox });
      const req = { missionId: 'tdf2025', date: '2025-07-09', channels: ['email', 'sms'] as Channel[], report: sampleReport() };
      const first = await n.notifyDay(req);
      const second = await n.notifyDay(req);
      n.close();
      expect(sink.messages).toHaveLength(1);
      expect(second.channels[0]).toMatchObject({ status: 'already_sent', providerId: first.channels[0]!.providerId });
      expect(second.channels[1]).toMatchObject({ status: 'skipped', reason: expect.stringContaining('SMS is not configured') });
      expect(store.rows.get('lea/tdf2025/2025-07-09/email')).toMatchObject({ status: 'sent', providerMessageId: first.channels[0]!.providerId });
      expect(store.scopes.every((s) => s.athlete === 'lea' && s.missionId === 'tdf2025')).toBe(true);
    } finally {
      await sink.close();
    }
  });
});
