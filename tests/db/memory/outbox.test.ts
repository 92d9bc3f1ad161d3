import type { TestDatabase } from '../../support/db';
import { freshDatabase } from './test-database';
import { migrate } from '../../../src/memory/migrations';
import { MemoryStore } from '../../../src/memory/memory-store';
import type { MissionScope } from '../../../src/memory/records';

let db: TestDatabase;
let store: MemoryStore;
const scope: MissionScope = { missionId: 'outbox', athlete: 'ana' };
let day = 0;
/** A fresh day per test: each test owns its outbox rows. */
const nextDay = () => `2025-08-${String(++day).padStart(2, '0')}`;

beforeAll(async () => {
  db = await freshDatabase('lanterne_outbox');
  await migrate(db.pool);
  store = new MemoryStore(db.pool);
  await store.missions.upsertMission(scope, { name: 'Outbox', configHash: 'h' });
});
afterAll(async () => {
  await db.drop();
});

test('claim once → true, second claim → false while sending', async () => {
  const d = nextDay();
  expect(await store.outbox.claimNotification(scope, d, 'email')).toEqual({ claimed: true, status: 'sending', attempts: 1 });
  expect(await store.outbox.claimNotification(scope, d, 'email')).toEqual({ claimed: false, status: 'sending', attempts: 1 });
});

test('after sent, never claimed again, and the send is recorded', async () => {
  const d = nextDay();
  await store.outbox.claimNotification(scope, d, 'sms');
  const sent = await store.outbox.markNotificationSent(scope, d, 'sms', { providerMessageId: 'SM123', detail: '1 segment' });
  expect(sent).toMatchObject({ status: 'sent', providerMessageId: 'SM123', detail: '1 segment', attempts: 1 });
  expect(sent.sentAt).not.toBeNull();
  for (let i = 0; i < 3; i++) {
    expect(await store.outbox.claimNotification(scope, d, 'sms')).toEqual({ claimed: false, status: 'sent', attempts: 1 });
  }
  // a late failure report from a stale sender does not undo the send
  expect((await store.outbox.markNotificationFailed(scope, d, 'sms', 'timeout')).status).toBe('sent');
  expect((await store.outbox.markNotificationSkipped(scope, d, 'sms', 'quiet hours')).status).toBe('sent');
});

test('failed → claimable again, counting attempts and keeping the last error', async () => {
  const d = nextDay();
  await store.outbox.claimNotification(scope, d, 'email');
  expect(await store.outbox.markNotificationFailed(scope, d, 'email', 'SMTP 451 try later')).toMatchObject({
    status: 'failed',
    detail: 'SMTP 451 try later',
  });
  expect(await store.outbox.claimNotification(scope, d, 'email')).toEqual({ claimed: true, status: 'sending', attempts: 2 });
  expect(await store.outbox.claimNotification(scope, d, 'email')).toMatchObject({ claimed: false });
});

test('skipped is terminal', async () => {
  const d = nextDay();
  expect(await store.outbox.markNotificationSkipped(scope, d, 'twilio', 'channel not configured')).toMatchObject({
    status: 'skipped',
    detail: 'channel not configured',
    attempts: 0,
  });
  expect(await store.outbox.claimNotification(scope, d, 'twilio')).toEqual({ claimed: false, status: 'skipped', attempts: 0 });
});

test('a pending row created by enqueue is claimable once', async () => {
  const d = nextDay();
  expect(await store.outbox.enqueueNotification(scope, d, 'email')).toMatchObject({ status: 'pending', attempts: 0 });
  expect((await store.outbox.claimNotification(scope, d, 'email')).claimed).toBe(true);
  // enqueue again does not reset a claimed row
  expect(await store.outbox.enqueueNotification(scope, d, 'email')).toMatchObject({ status: 'sending' });
  expect((await store.outbox.claimNotification(scope, d, 'email')).claimed).toBe(false);
});

test('channels of the same day are independent', async () => {
  const d = nextDay();
  expect((await store.outbox.claimNotification(scope, d, 'email')).claimed).toBe(true);
  expect((await store.outbox.claimNotification(scope, d, 'sms')).claimed).toBe(true);
});

test('10 concurrent claims: exactly one wins (fresh row and failed row)', async () => {
  const d = nextDay();
  const first = await Promise.all(Array.from({ length: 10 }, () => store.outbox.claimNotification(scope, d, 'email')));
  expect(first.filter((r) => r.claimed)).toHaveLength(1);
  expect(first.every((r) => r.status === 'sending')).toBe(true);

  await store.outbox.markNotificationFailed(scope, d, 'email', 'boom');
  const second = await Promise.all(Array.from({ length: 10 }, () => store.outbox.claimNotification(scope, d, 'email')));
  expect(second.filter((r) => r.claimed)).toHaveLength(1);
  expect((await store.outbox.getNotification(scope, d, 'email'))?.attempts).toBe(2);
});

test('a crashed sender: the sending row is re-claimable only after the stale timeout', async () => {
  let now = Date.parse('2025-08-20T06:00:00Z');
  const clocked = new MemoryStore(db.pool, { notificationStaleAfterMs: 5 * 60_000, clock: () => new Date(now) });
  const d = nextDay();
  expect((await clocked.outbox.claimNotification(scope, d, 'email')).claimed).toBe(true);
  // the worker dies here, before markNotificationSent; the activity retries
  now += 4 * 60_000;
  expect(await clocked.outbox.claimNotification(scope, d, 'email')).toEqual({ claimed: false, status: 'sending', attempts: 1 });
  now += 60_000;
  expect(await clocked.outbox.claimNotification(scope, d, 'email')).toEqual({ claimed: true, status: 'sending', attempts: 2 });
  const row = await clocked.outbox.getNotification(scope, d, 'email');
  expect(row?.claimedAt).toBe('2025-08-20T06:05:00.000Z');
  // the re-claim restarts the window
  now += 60_000;
  expect((await clocked.outbox.claimNotification(scope, d, 'email')).claimed).toBe(false);
});

test('rejects a negative stale timeout', () => {
  expect(() => new MemoryStore(db.pool, { notificationStaleAfterMs: -1 })).toThrow(/notificationStaleAfterMs/);
});
