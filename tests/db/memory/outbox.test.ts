import { Pool } from 'pg';
import type { TestDatabase } from '../../support/db';
import { freshDatabase } from './test-database';
import { startSmtpSink } from '../../support/smtp-sink';
import { migrate, MIGRATIONS } from '../../../src/memory/migrations';
import { MemoryStore } from '../../../src/memory/memory-store';
import { ClaimLostError, DEFAULT_CLAIM_LEASE_MS, NotificationOutbox, type OutboxKey } from '../../../src/memory/notification-outbox';
import type { MissionScope } from '../../../src/memory/records';
import { createNotifier } from '../../../src/communication/notify';
import { loadNotifyConfig } from '../../../src/communication/notify-config';
import { outboxFromStore } from '../../../src/communication/outbox-store-adapter';
import { sampleReport } from '../../unit/communication/fixtures';

let db: TestDatabase;
let store: MemoryStore;
/** Other "workers": their own pools and outboxes on the same database, sharing the test clock. */
let pools: Pool[];
let workers: NotificationOutbox[];
let clocked: NotificationOutbox;
let now = Date.parse('2025-08-01T06:00:00Z');
const clock = () => new Date(now);
const scope: MissionScope = { missionId: 'outbox', athlete: 'ana' };
let day = 0;
/** A fresh day per test: each test owns its outbox rows. */
const nextDay = () => `2025-08-${String(++day).padStart(2, '0')}`;
const email = (d: string, message?: string): OutboxKey => ({ day: d, channel: 'email', message });

beforeAll(async () => {
  db = await freshDatabase('lanterne_outbox');
  await migrate(db.pool);
  store = new MemoryStore(db.pool);
  await store.missions.upsertMission(scope, { name: 'Outbox', configHash: 'h' });
  clocked = new NotificationOutbox(db.pool, { clock });
  pools = [0, 1, 2, 3].map(() => new Pool({ connectionString: db.url, max: 5 }));
  for (const p of pools) p.on('error', () => undefined);
  workers = pools.map((p) => new NotificationOutbox(p, { clock }));
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db.drop();
});

test('a claim belongs to its owner for the lease: a second owner gets "sending" and when the lease ends', async () => {
  const d = nextDay();
  expect(await clocked.claim(scope, email(d), 'attempt-1')).toEqual({
    claimed: true,
    status: 'sending',
    attempts: 1,
    leaseExpiresAt: new Date(now + DEFAULT_CLAIM_LEASE_MS).toISOString(),
    providerMessageId: null,
    detail: null,
  });
  expect(DEFAULT_CLAIM_LEASE_MS).toBe(2 * 60_000);
  expect(await clocked.claim(scope, email(d), 'attempt-2')).toMatchObject({ claimed: false, status: 'sending', attempts: 1, leaseExpiresAt: new Date(now + DEFAULT_CLAIM_LEASE_MS).toISOString() });
  // the owner itself does not get a second claim either
  expect((await clocked.claim(scope, email(d), 'attempt-1')).claimed).toBe(false);
  expect(await clocked.get(scope, email(d))).toMatchObject({ message: 'day', claimedBy: 'attempt-1', status: 'sending' });
});

test('after sent, never claimed again; the owner may repeat its mark, nobody may undo it', async () => {
  const d = nextDay();
  const sms = { day: d, channel: 'sms' } as const;
  await store.outbox.claim(scope, sms, 'a1');
  const sent = await store.outbox.markSent(scope, sms, 'a1', { providerMessageId: 'SM123', detail: '1 segment' });
  expect(sent).toMatchObject({ status: 'sent', providerMessageId: 'SM123', detail: '1 segment', attempts: 1, claimedBy: 'a1', leaseExpiresAt: null });
  expect(sent.sentAt).not.toBeNull();
  for (const owner of ['a1', 'a2', 'a3']) {
    expect(await store.outbox.claim(scope, sms, owner)).toMatchObject({ claimed: false, status: 'sent', attempts: 1, providerMessageId: 'SM123' });
  }
  expect(await store.outbox.markSent(scope, sms, 'a1', { providerMessageId: 'SM123' })).toMatchObject({ status: 'sent' });
  // a late failure report, from the owner or anyone else, does not undo the send
  await expect(store.outbox.markFailed(scope, sms, 'a1', 'timeout')).rejects.toThrow(
    new ClaimLostError(`outbox outbox/${d}/sms/day: "a1" cannot mark it failed: it is already sent (marked by "a1")`),
  );
  await expect(store.outbox.markSkipped(scope, sms, 'a2', 'quiet hours')).rejects.toThrow(ClaimLostError);
  expect((await store.outbox.get(scope, sms))?.status).toBe('sent');
});

test('failed → claimable again by the next attempt, counting attempts and keeping the last error', async () => {
  const d = nextDay();
  await store.outbox.claim(scope, email(d), 'a1');
  expect(await store.outbox.markFailed(scope, email(d), 'a1', 'SMTP 451 try later')).toMatchObject({ status: 'failed', detail: 'SMTP 451 try later' });
  expect(await store.outbox.claim(scope, email(d), 'a2')).toMatchObject({ claimed: true, status: 'sending', attempts: 2 });
  expect(await store.outbox.claim(scope, email(d), 'a3')).toMatchObject({ claimed: false, detail: 'SMTP 451 try later' });
  // a1's failure is history: it cannot mark a2's claim
  await expect(store.outbox.markFailed(scope, email(d), 'a1', 'again')).rejects.toThrow(/"a1" cannot mark it failed: the claim is held by "a2"/);
});

test('skipped is terminal, and marks need a claim', async () => {
  const d = nextDay();
  const twilio = { day: d, channel: 'twilio' } as const;
  await expect(store.outbox.markSkipped(scope, twilio, 'a1', 'off')).rejects.toThrow(`outbox outbox/${d}/twilio/day: "a1" cannot mark it skipped: it was never claimed`);
  await store.outbox.claim(scope, twilio, 'a1');
  expect(await store.outbox.markSkipped(scope, twilio, 'a1', 'channel not configured')).toMatchObject({ status: 'skipped', detail: 'channel not configured', attempts: 1 });
  expect(await store.outbox.claim(scope, twilio, 'a2')).toMatchObject({ claimed: false, status: 'skipped', detail: 'channel not configured' });
});

test('a pending row created by enqueue is claimable once', async () => {
  const d = nextDay();
  expect(await store.outbox.enqueue(scope, email(d))).toMatchObject({ status: 'pending', attempts: 0, claimedBy: null });
  await expect(store.outbox.markSent(scope, email(d), 'a1')).rejects.toThrow(/it is pending, not claimed/);
  expect((await store.outbox.claim(scope, email(d), 'a1')).claimed).toBe(true);
  expect(await store.outbox.enqueue(scope, email(d))).toMatchObject({ status: 'sending' }); // enqueue does not reset a claim
  expect((await store.outbox.claim(scope, email(d), 'a2')).claimed).toBe(false);
});

test('channels and messages of the same day are independent', async () => {
  const d = nextDay();
  expect((await store.outbox.claim(scope, email(d), 'a1')).claimed).toBe(true);
  expect((await store.outbox.claim(scope, { day: d, channel: 'sms' }, 'a1')).claimed).toBe(true);
  expect((await store.outbox.claim(scope, email(d, 'ride:14250984'), 'a1')).claimed).toBe(true);
  await store.outbox.markSent(scope, email(d, 'ride:14250984'), 'a1', { providerMessageId: '<ride@x>' });
  expect(await store.outbox.get(scope, email(d))).toMatchObject({ message: 'day', status: 'sending' });
  expect(await store.outbox.get(scope, email(d, 'ride:14250984'))).toMatchObject({ message: 'ride:14250984', status: 'sent' });
  await expect(store.outbox.claim(scope, email(d, 'a ride'), 'a1')).rejects.toThrow(
    'outbox claim: message key must be 1–100 letters, digits or . _ : - (e.g. "day", "ride:14250984"), got "a ride"',
  );
  await expect(store.outbox.claim(scope, email(d), '')).rejects.toThrow('outbox claim: owner must be a non-empty string of at most 500 characters, got ""');
});

test('20 concurrent claimers in 4 pools: exactly one wins a fresh row, a failed row and an expired lease', async () => {
  const d = nextDay();
  let round = 0;
  const race = () => {
    round += 1; // every claimer is a new owner (a new activity attempt)
    return Promise.all(workers.flatMap((w, i) => Array.from({ length: 5 }, (_, j) => w.claim(scope, email(d), `round${round}-worker${i}-${j}`))));
  };
  const winners = async () => (await race()).filter((r) => r.claimed);

  expect(await winners()).toHaveLength(1);
  const first = (await clocked.get(scope, email(d)))!.claimedBy!;
  await clocked.markFailed(scope, email(d), first, 'boom');

  expect(await winners()).toHaveLength(1);
  const second = (await clocked.get(scope, email(d)))!.claimedBy!;
  expect(second).not.toBe(first);

  now += DEFAULT_CLAIM_LEASE_MS; // the second owner died: its lease ends
  expect(await winners()).toHaveLength(1);
  const row = (await clocked.get(scope, email(d)))!;
  expect(row.attempts).toBe(3);
  expect(row.claimedBy).not.toBe(second);
});

test('a crashed owner: its lease ends, the retry takes over, and the crashed owner cannot mark the row afterwards', async () => {
  const d = nextDay();
  expect((await clocked.claim(scope, email(d), 'attempt-1')).claimed).toBe(true);
  // attempt 1 dies here, before marking; the activity retries
  now += DEFAULT_CLAIM_LEASE_MS - 1000;
  expect(await clocked.claim(scope, email(d), 'attempt-2')).toMatchObject({ claimed: false, status: 'sending' });
  now += 1000;
  expect(await clocked.claim(scope, email(d), 'attempt-3')).toMatchObject({ claimed: true, status: 'sending', attempts: 2 });
  expect(await clocked.get(scope, email(d))).toMatchObject({ claimedBy: 'attempt-3', claimedAt: new Date(now).toISOString() });
  // attempt 1 was only slow, and comes back: neither "sent" nor "failed" from it is accepted
  await expect(clocked.markSent(scope, email(d), 'attempt-1', { providerMessageId: 'x' })).rejects.toThrow(
    `outbox outbox/${d}/email/day: "attempt-1" cannot mark it sent: the claim is held by "attempt-3" (lease until ${new Date(now + DEFAULT_CLAIM_LEASE_MS).toISOString()}), not by "attempt-1"`,
  );
  await expect(clocked.markFailed(scope, email(d), 'attempt-1', 'late')).rejects.toThrow(ClaimLostError);
  expect(await clocked.markSent(scope, email(d), 'attempt-3', { providerMessageId: '<m@x>' })).toMatchObject({ status: 'sent', claimedBy: 'attempt-3' });
});

test('a late owner cannot reopen another owner\'s claim (no second sender)', async () => {
  const d = nextDay();
  await clocked.claim(scope, email(d), 'slow');
  now += DEFAULT_CLAIM_LEASE_MS;
  expect((await clocked.claim(scope, email(d), 'retry')).claimed).toBe(true); // 'retry' is sending now
  await expect(clocked.markFailed(scope, email(d), 'slow', 'SMTP timeout')).rejects.toThrow(ClaimLostError);
  // the row is still retry's: a third attempt does not get to send too
  expect(await clocked.claim(scope, email(d), 'third')).toMatchObject({ claimed: false, status: 'sending' });
  expect(await clocked.get(scope, email(d))).toMatchObject({ status: 'sending', claimedBy: 'retry', detail: null });
});

test('notify through the PostgreSQL outbox and a real SMTP server: a crashed attempt, then exactly one e-mail', async () => {
  const sink = await startSmtpSink();
  try {
    const d = nextDay();
    const config = loadNotifyConfig({ SMTP_HOST: sink.host, SMTP_PORT: String(sink.port), SMTP_FROM: 'coach@example.com', NOTIFY_EMAIL_TO: 'lea@example.com' });
    const attempt = (owner: string) => outboxFromStore(workers[Number(owner.at(-1)) % workers.length], () => scope, owner);
    const req = { missionId: scope.missionId, date: d, channels: ['email' as const], report: sampleReport({ date: d }) };
    const notifyAs = async (owner: string) => {
      const n = createNotifier({ config, outbox: attempt(owner) });
      try {
        return await n.notifyDay(req);
      } finally {
        n.close();
      }
    };

    // attempt 1 claims and its worker dies before sending
    expect((await attempt('attempt-1').claim({ scope: scope.missionId, day: d, channel: 'email' })).claimed).toBe(true);
    const second = await notifyAs('attempt-2');
    expect(second.channels[0]).toMatchObject({ status: 'in_progress', claimExpiresAt: new Date(now + DEFAULT_CLAIM_LEASE_MS).toISOString() });
    expect(second.retryable).toBe(true);

    now += DEFAULT_CLAIM_LEASE_MS; // the notify activity's retries outlive the lease
    const third = await notifyAs('attempt-3');
    const fourth = await notifyAs('attempt-4');
    expect(third.channels[0]!.status).toBe('sent');
    expect(fourth.channels[0]).toMatchObject({ status: 'already_sent', providerId: third.channels[0]!.providerId });
    expect(sink.messages).toHaveLength(1);
    await expect(attempt('attempt-1').markSent({ scope: scope.missionId, day: d, channel: 'email' }, 'late')).rejects.toThrow(ClaimLostError);
    expect(await store.outbox.get(scope, email(d))).toMatchObject({ status: 'sent', claimedBy: 'attempt-3', attempts: 2, providerMessageId: third.channels[0]!.providerId });
  } finally {
    await sink.close();
  }
});

test('migration 0004 keeps existing rows as the day\'s message; a claim left sending keeps its old 10-minute window', async () => {
  const old = await freshDatabase('lanterne_outbox_mig');
  try {
    const before = MIGRATIONS.findIndex((m) => m.id === '0004_outbox_claims');
    await migrate(old.pool, MIGRATIONS.slice(0, before));
    await old.pool.query(`INSERT INTO missions (athlete, id, name, config_hash) VALUES ('ana', 'm', 'M', 'h')`);
    await old.pool.query(
      `INSERT INTO notifications (athlete, mission_id, day, channel, status, attempts, claimed_at, sent_at, provider_message_id) VALUES
         ('ana', 'm', '2025-07-01', 'email', 'sent', 1, '2025-07-01T06:00:00Z', '2025-07-01T06:00:05Z', '<a@x>'),
         ('ana', 'm', '2025-07-02', 'email', 'sending', 1, '2025-07-02T06:00:00Z', NULL, NULL)`,
    );
    expect((await migrate(old.pool)).applied).toEqual(MIGRATIONS.slice(before).map((m) => m.id));
    const t = Date.parse('2025-07-02T06:09:00Z');
    const outbox = new NotificationOutbox(old.pool, { clock: () => new Date(t) });
    const m = { athlete: 'ana', missionId: 'm' };
    expect(await outbox.get(m, { day: '2025-07-01', channel: 'email' })).toMatchObject({ message: 'day', status: 'sent', providerMessageId: '<a@x>' });
    expect(await outbox.get(m, { day: '2025-07-02', channel: 'email' })).toMatchObject({
      message: 'day',
      status: 'sending',
      claimedBy: 'before-0004_outbox_claims',
      leaseExpiresAt: '2025-07-02T06:10:00.000Z',
    });
    expect((await outbox.claim(m, { day: '2025-07-02', channel: 'email' }, 'new')).claimed).toBe(false);
    const later = new NotificationOutbox(old.pool, { clock: () => new Date(t + 60_000) });
    expect((await later.claim(m, { day: '2025-07-02', channel: 'email' }, 'new')).claimed).toBe(true);
    expect((await later.claim(m, { day: '2025-07-01', channel: 'email', message: 'ride:1' }, 'new')).claimed).toBe(true);
    // a sending row without owner or lease cannot exist any more
    await expect(old.pool.query(`UPDATE notifications SET claimed_by = NULL WHERE status = 'sending'`)).rejects.toThrow(/notifications_claim_has_owner_and_lease/);
  } finally {
    await old.drop();
  }
});

test('rejects a lease that is not a positive number of milliseconds', () => {
  expect(() => new MemoryStore(db.pool, { claimLeaseMs: 0 })).toThrow('claimLeaseMs must be a number of milliseconds > 0, got 0');
});
