import { stableMessageId } from '../../../src/communication/mailer';
import { createNotifier, type NotifyRequest } from '../../../src/communication/notify';
import { loadNotifyConfig } from '../../../src/communication/notify-config';
import type { Outbox } from '../../../src/communication/outbox';
import { startFakeTwilioServer, type FakeTwilioServer } from '../../support/fake-twilio-server';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { sampleReport } from './fixtures';
import { MemoryOutbox } from './memory-outbox';

const accountSid = 'AC' + 'a1b2c3d4e5f60718'.repeat(2);
const authToken = 'twilio-secret-token-9876';
const smtpPassword = 'gmail-app-password-abcd';

describe('notifyDay (real SMTP server, fake Twilio, in-memory outbox)', () => {
  let sink: SmtpSink;
  let twilio: FakeTwilioServer;
  let clock: number;
  let outbox: MemoryOutbox;
  let unrecorded: Map<string, string>;

  beforeEach(async () => {
    sink = await startSmtpSink({ auth: { user: 'coach@example.com', pass: smtpPassword } });
    twilio = await startFakeTwilioServer({ accountSid, authToken });
    clock = Date.parse('2025-07-09T06:30:00Z'); // 08:30 in Paris
    outbox = new MemoryOutbox({ leaseMs: 10 * 60_000, now: () => clock });
    unrecorded = new Map();
  });
  afterEach(async () => {
    await sink.close();
    await twilio.close();
  });

  function env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      SMTP_HOST: sink.host,
      SMTP_PORT: String(sink.port),
      SMTP_SECURE: 'false',
      SMTP_USER: 'coach@example.com',
      SMTP_PASSWORD: smtpPassword,
      SMTP_FROM: 'Lanterne <coach@example.com>',
      NOTIFY_EMAIL_TO: 'lea@example.com',
      SMS_GATEWAY_ADDRESS: '5551234567@vtext.com',
      ...extra,
    };
  }
  const twilioEnv = (): Record<string, string> => ({
    USE_TWILIO: 'true',
    TWILIO_ACCOUNT_SID: accountSid,
    TWILIO_AUTH_TOKEN: authToken,
    TWILIO_FROM: '+15550001111',
    TWILIO_TO: '+33612345678',
    TWILIO_BASE_URL: twilio.baseUrl,
  });

  function request(overrides: Partial<NotifyRequest> = {}): NotifyRequest {
    return { missionId: 'tdf2025', date: '2025-07-09', channels: ['email', 'sms'], report: sampleReport(), ...overrides };
  }

  let attempts = 0;
  /** A notifier as one activity attempt builds it: its own outbox owner. */
  function notifier(envVars: Record<string, string>, box: Outbox = outbox.as(`attempt-${++attempts}`)) {
    // Each test its own memory of unrecorded sends (the default is one per process).
    return createNotifier({ config: loadNotifyConfig(envVars), outbox: box, now: () => clock, unrecorded });
  }

  it('e-mails the report (text and HTML parts) and texts the summary through the carrier gateway', async () => {
    const n = notifier(env());
    const result = await n.notifyDay(request());
    n.close();
    expect(result.summary).toBe('delivered');
    const emailId = stableMessageId('tdf2025', '2025-07-09', 'email', 'coach@example.com');
    expect(result.channels).toEqual([
      { channel: 'email', transport: 'email', status: 'sent', providerId: emailId },
      { channel: 'sms', transport: 'sms-gateway', status: 'sent', providerId: stableMessageId('tdf2025', '2025-07-09', 'sms', 'coach@example.com') },
    ]);
    expect(sink.messages).toHaveLength(2);
    const mail = sink.messages.find((m) => m.envelopeTo[0] === 'lea@example.com')!;
    expect(mail.messageId).toBe(emailId);
    expect(mail.subject).toBe('Tour de France 2025 ride-along — 2025-07-09 — Stage 5 · Caen time trial (itt) — Lower the intensity');
    expect(mail.parts.map((p) => p.contentType)).toEqual(['text/plain', 'text/html']);
    expect(mail.text).toContain('DECISION: Lower the intensity');
    expect(mail.text).toContain('Steady TT effort');
    expect(mail.html).toContain('HRV 52 ms is below the normal range 58–74 ms.');
    expect(mail.html).toContain('45 min Sweet Spot Ride');
    // the workout profile and the trends as inline SVG (no script runs in an e-mail) …
    expect(mail.html).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="chart profile"');
    expect(mail.html!.match(/<svg /g)).toHaveLength(3);
    expect(mail.html).not.toMatch(/<script|<link|src=/i);
    // … and as text in the text part, for mail clients that drop SVG
    expect(mail.text).toMatch(/\n {2}[▁▂▃▄▅▆▇█ ]{20,}\r?\n/);
    const sms = sink.messages.find((m) => m.envelopeTo[0] === '5551234567@vtext.com')!;
    expect(sms.text!.trim().length).toBeLessThanOrEqual(160);
    expect(sms.text).toContain('Lower the intensity');
    expect(outbox.get('tdf2025', '2025-07-09', 'email')).toMatchObject({ status: 'sent', providerId: emailId });
  });

  it('sends exactly one message per day and channel however often it is called', async () => {
    const n = notifier(env());
    const first = await n.notifyDay(request());
    const again = await n.notifyDay(request());
    const third = await n.notifyDay(request());
    n.close();
    expect(sink.messages).toHaveLength(2);
    expect(again.summary).toBe('delivered');
    expect(again.channels.map((c) => c.status)).toEqual(['already_sent', 'already_sent']);
    expect(third.channels.map((c) => c.providerId)).toEqual(first.channels.map((c) => c.providerId));
    // a new day is a new notification
    await notifier(env()).notifyDay(request({ date: '2025-07-10', report: sampleReport({ date: '2025-07-10' }) }));
    expect(sink.messages).toHaveLength(4);
  });

  it('two athletes riding the same mission on the same day send messages with different Message-IDs (found by the burst benchmark)', async () => {
    // Each athlete has its own outbox (the activity scopes it by athlete and mission).
    const ana = await createNotifier({ config: loadNotifyConfig(env()), outbox: new MemoryOutbox({ now: () => clock }).as('a') }).notifyDay(request({ athlete: 'ana', channels: ['email'] }));
    const ben = await createNotifier({ config: loadNotifyConfig(env()), outbox: new MemoryOutbox({ now: () => clock }).as('b') }).notifyDay(request({ athlete: 'ben', channels: ['email'] }));
    expect(sink.messages).toHaveLength(2);
    const ids = sink.messages.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(2);
    expect(ids).toEqual([ana.channels[0].providerId, ben.channels[0].providerId]);
    // Hashed: the handle is not in the header.
    expect(ids.join(' ')).not.toMatch(/ana|ben/);
  });

  it('concurrent attempts (a retry racing a slow first attempt) still send once', async () => {
    const results = await Promise.all([notifier(env()).notifyDay(request({ channels: ['email'] })), notifier(env()).notifyDay(request({ channels: ['email'] }))]);
    expect(sink.messages).toHaveLength(1);
    expect(results.map((r) => r.channels[0]!.status).sort()).toEqual(['in_progress', 'sent']);
    expect(results.map((r) => r.summary).sort()).toEqual(['delivered', 'in_progress']);
  });

  it('a failed send is retried on the next call and then delivered once', async () => {
    sink.failNext(1, 451, 'Mailbox busy, try later');
    const n = notifier(env());
    const failed = await n.notifyDay(request({ channels: ['email'] }));
    expect(failed.summary).toBe('all_failed');
    expect(failed.channels[0]).toMatchObject({ channel: 'email', status: 'failed', retryable: true, reason: expect.stringMatching(/^SMTP 451: .*Mailbox busy/) });
    expect(failed.retryable).toBe(true);
    expect(outbox.get('tdf2025', '2025-07-09', 'email')).toMatchObject({ status: 'failed' });
    expect(sink.messages).toHaveLength(0);

    const retried = await n.notifyDay(request({ channels: ['email'] }));
    const afterwards = await n.notifyDay(request({ channels: ['email'] }));
    n.close();
    expect(retried.channels[0]!.status).toBe('sent');
    expect(retried.retryable).toBe(false);
    expect(afterwards.channels[0]!.status).toBe('already_sent');
    expect(sink.rejected()).toBe(1);
    expect(sink.messages).toHaveLength(1);
  });

  it('a worker that crashed after claiming: a retry waits for the lease, then sends once', async () => {
    // the crashed attempt claimed the channel and never marked it
    const crashed = outbox.as('crashed-attempt');
    await crashed.claim({ scope: 'tdf2025', day: '2025-07-09', channel: 'email' });
    const n = notifier(env());
    const during = await n.notifyDay(request({ channels: ['email'] }));
    expect(during.channels[0]).toMatchObject({
      status: 'in_progress',
      claimExpiresAt: '2025-07-09T06:40:00.000Z',
      reason: 'another attempt is sending this notification (its claim ends at 2025-07-09T06:40:00.000Z)',
    });
    expect(during.retryable).toBe(true);
    expect(sink.messages).toHaveLength(0);

    clock += 10 * 60_000; // the lease expires
    const after = await n.notifyDay(request({ channels: ['email'] }));
    const later = await n.notifyDay(request({ channels: ['email'] }));
    n.close();
    expect(after.channels[0]!.status).toBe('sent');
    expect(later.channels[0]!.status).toBe('already_sent');
    expect(sink.messages).toHaveLength(1);
    // the crashed attempt, come back late, cannot overwrite what its successor recorded
    await expect(crashed.markFailed({ scope: 'tdf2025', day: '2025-07-09', channel: 'email' }, 'late')).rejects.toThrow(/holds no claim/);
    expect(outbox.get('tdf2025', '2025-07-09', 'email')).toMatchObject({ status: 'sent' });
  });

  it('when one channel fails the others still go, and the result says which', async () => {
    twilio.failNext(1, { status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
    const n = notifier(env(twilioEnv()));
    const result = await n.notifyDay(request({ channels: ['email', 'sms'] }));
    n.close();
    expect(result.summary).toBe('partial');
    expect(result.channels[0]).toMatchObject({ channel: 'email', status: 'sent' });
    expect(result.channels[1]).toMatchObject({
      channel: 'sms',
      transport: 'twilio',
      status: 'failed',
      retryable: false,
      reason: "Twilio 400 error 21211: The 'To' number is not a valid phone number.",
    });
    expect(result.retryable).toBe(false);
    expect(sink.messages.map((m) => m.envelopeTo[0])).toEqual(['lea@example.com']);
    expect(twilio.requests).toHaveLength(1);
  });

  it('texts through Twilio when USE_TWILIO=true, once', async () => {
    const n = notifier(env(twilioEnv()));
    const first = await n.notifyDay(request({ channels: ['sms', 'twilio'] }));
    await n.notifyDay(request({ channels: ['sms', 'twilio'] }));
    n.close();
    expect(first.channels[0]).toMatchObject({ channel: 'sms', transport: 'twilio', status: 'sent', providerId: expect.stringMatching(/^SM/) });
    expect(first.channels[1]).toMatchObject({ channel: 'twilio', status: 'skipped' });
    expect(twilio.requests).toHaveLength(1);
    expect(twilio.requests[0]!.form.Body.length).toBeLessThanOrEqual(160);
    expect(twilio.requests[0]!.form.Body).toContain('Stage 5: Lower the intensity');
    expect(sink.messages).toHaveLength(0); // the carrier gateway is not used
  });

  it('when every channel fails the result says so', async () => {
    sink.failNext(2, 550, 'Relay denied');
    const n = notifier(env());
    const result = await n.notifyDay(request());
    n.close();
    expect(result.summary).toBe('all_failed');
    expect(result.channels.map((c) => c.status)).toEqual(['failed', 'failed']);
    expect(result.channels[0]!.reason).toMatch(/^SMTP 550/);
    expect(result.channels.map((c) => c.retryable)).toEqual([false, false]);
    expect(result.retryable).toBe(false); // 5xx: trying again will not help
  });

  it('channels that are not configured are skipped with the reason, not errors', async () => {
    const n = notifier({});
    const result = await n.notifyDay(request({ channels: ['email', 'sms', 'twilio'] }));
    expect(result.summary).toBe('nothing_to_send');
    expect(result.channels).toEqual([
      { channel: 'email', transport: null, status: 'skipped', reason: 'e-mail is not configured: SMTP_HOST is not set' },
      { channel: 'sms', transport: null, status: 'skipped', reason: expect.stringContaining('SMS is not configured') },
      { channel: 'twilio', transport: null, status: 'skipped', reason: 'Twilio is off: USE_TWILIO is not true' },
    ]);
    expect(outbox.get('tdf2025', '2025-07-09', 'email')).toMatchObject({ status: 'skipped' });
    const again = await n.notifyDay(request({ channels: ['email'] }));
    expect(again.channels[0]).toMatchObject({ status: 'skipped', reason: 'e-mail is not configured: SMTP_HOST is not set' });
  });

  it('inside quiet hours nothing is claimed or sent; the result gives the instant to send at', async () => {
    clock = Date.parse('2025-07-09T21:30:00Z'); // 23:30 in Paris
    const n = notifier(env());
    const result = await n.notifyDay(request({ quiet: { timezone: 'Europe/Paris', quietHours: { start: '22:00', end: '07:00' } } }));
    expect(result.summary).toBe('deferred');
    expect(result.deferredUntil).toBe('2025-07-10T05:00:00.000Z');
    expect(result.channels.map((c) => c.status)).toEqual(['deferred', 'deferred']);
    expect(outbox.records.size).toBe(0);
    expect(sink.messages).toHaveLength(0);

    clock = Date.parse(result.deferredUntil!);
    const later = await n.notifyDay(request({ quiet: { timezone: 'Europe/Paris', quietHours: { start: '22:00', end: '07:00' } } }));
    n.close();
    expect(later.summary).toBe('delivered');
    expect(sink.messages).toHaveLength(2);
  });

  it('does not send when the outbox cannot be reached (no claim, no promise of once)', async () => {
    const broken: Outbox = {
      claim: async () => {
        throw new Error('connection refused (postgres)');
      },
      markSent: async () => undefined,
      markFailed: async () => undefined,
      markSkipped: async () => undefined,
    };
    const result = await notifier(env(), broken).notifyDay(request());
    expect(result.summary).toBe('all_failed');
    expect(result.channels[0]!.reason).toBe('outbox claim failed, not sent: connection refused (postgres)');
    expect(sink.messages).toHaveLength(0);
  });

  it('a send that succeeded but could not be recorded is reported as sent, with the warning', async () => {
    const inner = new MemoryOutbox().as('attempt');
    const flaky: Outbox = {
      ...inner,
      markSent: async () => {
        throw new Error('database went away');
      },
    };
    const n = notifier(env(), flaky);
    const result = await n.notifyDay(request({ channels: ['email'] }));
    n.close();
    expect(result.summary).toBe('delivered');
    expect(result.channels[0]).toMatchObject({ status: 'sent', reason: 'sent, but the outbox could not record it: database went away' });
  });

  // Found by `npm run reliability` (R2): PostgreSQL stopped for 10 minutes just after the SMTP
  // server accepted the day's e-mail; the retry after the claim's lease sent it a second time.
  it('a send the outbox could not record is recorded, not sent again, by a later attempt after the lease', async () => {
    let databaseUp = false;
    const attempt = (owner: string) => {
      const inner = outbox.as(owner);
      const box: Outbox = {
        ...inner,
        markSent: async (key, providerId) => {
          if (!databaseUp) throw new Error('database went away');
          return inner.markSent(key, providerId);
        },
      };
      return createNotifier({ config: loadNotifyConfig(env()), outbox: box, now: () => clock, unrecorded });
    };
    const first = attempt('attempt-a');
    const result = await first.notifyDay(request({ channels: ['email'] }));
    first.close();
    expect(result.channels[0]).toMatchObject({ status: 'sent', reason: 'sent, but the outbox could not record it: database went away' });
    expect(sink.messages).toHaveLength(1);

    // The outage outlasts the claim's lease; the next attempt claims the row again.
    clock += 11 * 60_000;
    databaseUp = true;
    const second = attempt('attempt-b');
    const again = await second.notifyDay(request({ channels: ['email'] }));
    second.close();
    expect(again.summary).toBe('delivered');
    expect(again.channels[0]).toMatchObject({ status: 'sent', providerId: result.channels[0]!.providerId });
    expect(sink.messages).toHaveLength(1);
    expect(outbox.get('tdf2025', '2025-07-09', 'email')).toMatchObject({ status: 'sent', owner: 'attempt-b', claims: 2 });
    expect(unrecorded.size).toBe(0);

    // Without that memory (another process), the same situation sends again: the window the README names.
    const other = new MemoryOutbox({ leaseMs: 60_000, now: () => clock });
    const failing: Outbox = { ...other.as('p1'), markSent: async () => { throw new Error('database went away'); } };
    const p1 = createNotifier({ config: loadNotifyConfig(env()), outbox: failing, now: () => clock, unrecorded: new Map() });
    await p1.notifyDay(request({ channels: ['email'], missionId: 'other' }));
    p1.close();
    clock += 2 * 60_000;
    const p2 = createNotifier({ config: loadNotifyConfig(env()), outbox: other.as('p2'), now: () => clock, unrecorded: new Map() });
    await p2.notifyDay(request({ channels: ['email'], missionId: 'other' }));
    p2.close();
    expect(sink.messages).toHaveLength(3);
  });

  it('never puts a secret in a reason, even when a server echoes it', async () => {
    await sink.close();
    sink = await startSmtpSink({ auth: { user: 'coach@example.com', pass: 'other', authFailureText: `bad password ${smtpPassword}` } });
    const n = notifier(env());
    const result = await n.notifyDay(request({ channels: ['email'] }));
    n.close();
    expect(result.channels[0]!.status).toBe('failed');
    expect(result.channels[0]!.reason).toContain('535');
    expect(result.channels[0]!.reason).toContain('[redacted]');
    expect(JSON.stringify(result)).not.toContain(smtpPassword);
    expect(JSON.stringify([...outbox.records.values()])).not.toContain(smtpPassword);
  });

  it('logs structured events without addresses or secrets', async () => {
    const events: Record<string, unknown>[] = [];
    const n = createNotifier({ config: loadNotifyConfig(env()), outbox: outbox.as('attempt'), now: () => clock, log: (e) => events.push(e) });
    await n.notifyDay(request());
    n.close();
    expect(events).toEqual([
      expect.objectContaining({ event: 'notify.channel', missionId: 'tdf2025', date: '2025-07-09', channel: 'email', status: 'sent' }),
      expect.objectContaining({ event: 'notify.channel', channel: 'sms', status: 'sent' }),
    ]);
    const text = JSON.stringify(events);
    expect(text).not.toContain('lea@example.com');
    expect(text).not.toContain('vtext.com');
    expect(text).not.toContain(smtpPassword);
  });
});
