import { createTwilioSender, TwilioSendError } from '../../../src/communication/sms';
import { startFakeTwilioServer, type FakeTwilioServer } from '../../support/fake-twilio-server';

const accountSid = 'AC' + 'a1b2c3d4e5f60718'.repeat(2);
const authToken = 'fake-auth-token-123';
const key = { scope: 'tdf2025', day: '2025-07-09', channel: 'sms' as const };

describe('Twilio sender (official SDK against a local fake Twilio)', () => {
  let server: FakeTwilioServer;
  beforeEach(async () => {
    server = await startFakeTwilioServer({ accountSid, authToken });
  });
  afterEach(async () => {
    await server.close();
  });

  const sender = (overrides: { authToken?: string } = {}) =>
    createTwilioSender({ accountSid, authToken: overrides.authToken ?? authToken, from: '+15550001111', to: '+33612345678', baseUrl: server.baseUrl }, { timeoutMs: 5000 });

  it('POSTs From, To and Body to the account’s Messages.json with basic auth, and returns the message SID', async () => {
    const sent = await sender().send('Lanterne 07-09 Stage 5: Rest', key);
    expect(sent.providerId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/2010-04-01/Accounts/${accountSid}/Messages.json`);
    expect(req.contentType).toBe('application/x-www-form-urlencoded');
    expect(req.auth).toEqual({ user: accountSid, password: authToken });
    expect(req.userAgent).toMatch(/^twilio-node\/5\./);
    expect(req.form).toEqual({ From: '+15550001111', To: '+33612345678', Body: 'Lanterne 07-09 Stage 5: Rest' });
  });

  it('turns a Twilio error reply into a TwilioSendError with status and code', async () => {
    server.failNext(1, { status: 400, code: 21211, message: "The 'To' number +33612345678 is not a valid phone number." });
    const err = await sender().send('x', key).catch((e) => e);
    expect(err).toBeInstanceOf(TwilioSendError);
    expect(err).toMatchObject({ status: 400, code: 21211, transient: false });
    expect(err.message).toBe("Twilio 400 error 21211: The 'To' number +33612345678 is not a valid phone number.");
  });

  it('treats rate limits and an unavailable service as transient (Twilio did not process the request)', async () => {
    server.failNext(2, { status: 429, code: 20429, message: 'Too Many Requests' });
    expect(await sender().send('x', key).catch((e) => e)).toMatchObject({ status: 429, transient: true });
    server.failNext(1, { status: 503, code: 20503, message: 'Service Unavailable' });
    expect(await sender().send('x', key).catch((e) => e)).toMatchObject({ status: 503, transient: true });
  });

  // Found by the reliability fault matrix (R3, twilio × malformed): the channel was retried three
  // times and each POST created a message, so the athlete got the same SMS three times.
  it('does not call a send that may have created the message transient: a 2xx it cannot read, a timeout, another 5xx', async () => {
    server.faults.rule = () => ({ status: 201, body: '<html>502 Bad Gateway</html>' });
    const unreadable = await sender().send('x', key).catch((e) => e);
    expect(unreadable).toMatchObject({ name: 'TwilioSendError', status: null, mayHaveSent: true, transient: false });
    expect(unreadable.message).toMatch(/^Twilio request failed: .*; not repeated: the message may have reached Twilio$/);

    server.faults.rule = () => ({ status: 200, hang: true });
    const slow = createTwilioSender({ accountSid, authToken, from: '+15550001111', to: '+33612345678', baseUrl: server.baseUrl }, { timeoutMs: 300 });
    const timedOut = await slow.send('x', key).catch((e) => e);
    expect(timedOut).toMatchObject({ status: null, mayHaveSent: true, transient: false });
    expect(timedOut.message).toMatch(/timeout.*; not repeated: the message may have reached Twilio$/);

    server.faults.rule = null;
    server.failNext(1, { status: 500, code: 20500, message: 'Internal Server Error' });
    expect(await sender().send('x', key).catch((e) => e)).toMatchObject({ status: 500, transient: false });
    expect(server.requests).toHaveLength(3);
  });

  it('reports a wrong auth token without including the token', async () => {
    const err = await sender({ authToken: 'wrong-token-value' }).send('x', key).catch((e) => e);
    expect(err).toMatchObject({ name: 'TwilioSendError', status: 401, code: 20003 });
    expect(err.message).not.toContain('wrong-token-value');
  });

  it('reports an unreachable API as a request failure', async () => {
    const url = server.baseUrl;
    await server.close();
    const s = createTwilioSender({ accountSid, authToken, from: '+15550001111', to: '+33612345678', baseUrl: url }, { timeoutMs: 2000 });
    const err = await s.send('x', key).catch((e) => e);
    expect(err).toMatchObject({ name: 'TwilioSendError', status: null, mayHaveSent: false, transient: true });
    expect(err.message).toMatch(/^Twilio request failed: .*ECONNREFUSED/);
    expect(err.message).not.toContain('not repeated');
    server = await startFakeTwilioServer({ accountSid, authToken }); // for afterEach
  });
});
