import { createSmtpMailer, MailError, stableMessageId } from '../../../src/communication/mailer';
import type { SmtpSettings } from '../../../src/communication/notify-config';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';

describe('SMTP mailer (real SMTP server on loopback)', () => {
  let sink: SmtpSink;
  let settings: SmtpSettings;
  beforeEach(async () => {
    sink = await startSmtpSink({ auth: { user: 'coach@example.com', pass: 'app-password-1234' } });
    settings = { host: sink.host, port: sink.port, secure: false, user: 'coach@example.com', password: 'app-password-1234', from: 'Lanterne <coach@example.com>' };
  });
  afterEach(async () => {
    await sink.close();
  });

  it('logs in and delivers a message with a text/plain and a text/html part', async () => {
    const mailer = createSmtpMailer(settings, { timeoutMs: 5000 });
    const id = stableMessageId('tdf2025', '2025-07-09', 'email', settings.from);
    const sent = await mailer.send({
      to: ['lea@example.com'],
      subject: 'Stage 5 — Lower the intensity',
      text: 'Plain body: 30 min @ 88 % FTP',
      html: '<p>HTML body: <strong>30 min</strong></p>',
      messageId: id,
    });
    mailer.close();
    expect(sent.messageId).toBe(id);
    expect(sent.response).toMatch(/^250/);
    expect(sink.messages).toHaveLength(1);
    const m = sink.messages[0]!;
    expect(m.authUser).toBe('coach@example.com');
    expect(m.envelopeFrom).toBe('coach@example.com');
    expect(m.envelopeTo).toEqual(['lea@example.com']);
    expect(m.messageId).toBe(id);
    expect(m.subject).toBe('Stage 5 — Lower the intensity');
    expect(m.headers['content-type']).toMatch(/^multipart\/alternative/);
    expect(m.parts.map((p) => p.contentType)).toEqual(['text/plain', 'text/html']);
    expect(m.text).toContain('Plain body: 30 min @ 88 % FTP');
    expect(m.html).toContain('<strong>30 min</strong>');
  });

  it('a pooled mailer (the worker’s) sends many messages over its few connections; the default opens one per message', async () => {
    const send = (mailer: ReturnType<typeof createSmtpMailer>, i: number) =>
      mailer.send({ to: ['lea@example.com'], subject: `m${i}`, text: 't', messageId: `<m${i}@example.com>` });
    const pooled = createSmtpMailer(settings, { timeoutMs: 5000, pooledConnections: 2 });
    await Promise.all([0, 1, 2, 3, 4, 5].map((i) => send(pooled, i)));
    await send(pooled, 6); // later, on a connection kept open
    pooled.close();
    expect(sink.messages).toHaveLength(7);
    expect(new Set(sink.messages.map((m) => m.connectionId)).size).toBeLessThanOrEqual(2);

    const single = createSmtpMailer(settings, { timeoutMs: 5000 });
    for (const i of [7, 8, 9]) await send(single, i);
    single.close();
    expect(new Set(sink.messages.slice(7).map((m) => m.connectionId)).size).toBe(3);
  });

  it('a pooled mailer reports a 4xx reply as a transient MailError and sends the next message', async () => {
    const mailer = createSmtpMailer(settings, { timeoutMs: 5000, pooledConnections: 1 });
    sink.failNext(1, 451, 'Greylisted, try again');
    const err = await mailer.send({ to: ['lea@example.com'], subject: 's', text: 't', messageId: '<a@b>' }).catch((e) => e);
    expect(err).toMatchObject({ name: 'MailError', responseCode: 451, transient: true });
    await mailer.send({ to: ['lea@example.com'], subject: 's2', text: 't', messageId: '<c@d>' });
    mailer.close();
    expect(sink.messages.map((m) => m.subject)).toEqual(['s2']);
  });

  it('reports a 4xx reply as a transient MailError with the code', async () => {
    sink.failNext(1, 451, 'Greylisted, try again');
    const mailer = createSmtpMailer(settings, { timeoutMs: 5000 });
    const err = await mailer.send({ to: ['lea@example.com'], subject: 's', text: 't', messageId: '<a@b>' }).catch((e) => e);
    mailer.close();
    expect(err).toBeInstanceOf(MailError);
    expect(err).toMatchObject({ responseCode: 451, transient: true });
    expect(err.message).toMatch(/^SMTP 451: .*Greylisted, try again/);
    expect(sink.messages).toHaveLength(0);
  });

  it('reports a bad login as a permanent error', async () => {
    const mailer = createSmtpMailer({ ...settings, password: 'wrong-password' }, { timeoutMs: 5000 });
    const err = await mailer.send({ to: ['lea@example.com'], subject: 's', text: 't', messageId: '<a@b>' }).catch((e) => e);
    mailer.close();
    expect(err).toMatchObject({ name: 'MailError', responseCode: 535, transient: false });
  });

  it('reports an unreachable server as a transient error', async () => {
    const port = sink.port;
    await sink.close();
    const mailer = createSmtpMailer({ ...settings, port }, { timeoutMs: 2000 });
    const err = await mailer.send({ to: ['lea@example.com'], subject: 's', text: 't', messageId: '<a@b>' }).catch((e) => e);
    mailer.close();
    expect(err).toMatchObject({ name: 'MailError', responseCode: null, transient: true });
    expect(err.message).toMatch(/ECONNREFUSED/);
    sink = await startSmtpSink(); // for afterEach
  });
});

describe('SMTP mailer over implicit TLS (the Gmail port-465 setup)', () => {
  it('connects with TLS from the first byte, logs in and delivers', async () => {
    const sink = await startSmtpSink({ secure: true, auth: { user: 'coach@gmail.com', pass: 'abcd efgh ijkl mnop' } });
    try {
      const mailer = createSmtpMailer(
        { host: sink.host, port: sink.port, secure: true, user: 'coach@gmail.com', password: 'abcd efgh ijkl mnop', from: 'coach@gmail.com' },
        { timeoutMs: 5000, tls: { rejectUnauthorized: false } }, // the sink's certificate is self-signed
      );
      await mailer.send({ to: ['lea@example.com'], subject: 'Hello', text: 'text', html: '<p>html</p>', messageId: '<x@gmail.com>' });
      mailer.close();
      expect(sink.messages).toHaveLength(1);
      expect(sink.messages[0]).toMatchObject({ tls: true, authUser: 'coach@gmail.com', text: expect.stringContaining('text') });
    } finally {
      await sink.close();
    }
  });

  it('refuses a server whose certificate cannot be verified unless told otherwise', async () => {
    const sink = await startSmtpSink({ secure: true });
    try {
      const mailer = createSmtpMailer({ host: sink.host, port: sink.port, secure: true, user: null, password: null, from: 'a@b.co' }, { timeoutMs: 5000 });
      const err = await mailer.send({ to: ['lea@example.com'], subject: 's', text: 't', messageId: '<a@b>' }).catch((e) => e);
      mailer.close();
      expect(err).toMatchObject({ name: 'MailError', transient: false });
      expect(err.message).toMatch(/certificate/i);
      expect(sink.messages).toHaveLength(0);
    } finally {
      await sink.close();
    }
  });
});

describe('stableMessageId', () => {
  it('depends only on mission, day and channel, and uses the sender domain', () => {
    const a = stableMessageId('tdf2025', '2025-07-09', 'email', 'Coach <coach@example.com>');
    expect(a).toMatch(/^<lanterne\.[0-9a-f]{32}@example\.com>$/);
    expect(stableMessageId('tdf2025', '2025-07-09', 'email', 'coach@example.com')).toBe(a);
    expect(stableMessageId('tdf2025', '2025-07-10', 'email', 'coach@example.com')).not.toBe(a);
    expect(stableMessageId('tdf2025', '2025-07-09', 'sms', 'coach@example.com')).not.toBe(a);
    expect(stableMessageId('other', '2025-07-09', 'email', 'coach@example.com')).not.toBe(a);
    expect(stableMessageId('m', '2025-07-09', 'email', null)).toMatch(/@lanterne\.local>$/);
  });
});
