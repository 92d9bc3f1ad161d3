import {
  describeNotifyConfig,
  loadNotifyConfig,
  NotifyConfigError,
  routeChannels,
} from '../../../src/communication/notify-config';

const SID = 'AC' + '0123456789abcdef'.repeat(2);

const gmail = {
  SMTP_HOST: 'smtp.gmail.com',
  SMTP_PORT: '465',
  SMTP_SECURE: 'true',
  SMTP_USER: 'coach@gmail.com',
  SMTP_PASSWORD: 'abcd efgh ijkl mnop',
  NOTIFY_EMAIL_TO: 'lea@example.com',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadNotifyConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(NotifyConfigError);
    return (err as NotifyConfigError).problems;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadNotifyConfig', () => {
  it('reads a Gmail setup (app password, port 465, TLS); the sender defaults to the user', () => {
    const c = loadNotifyConfig(gmail);
    expect(c.smtp).toEqual({
      host: 'smtp.gmail.com',
      port: 465,
      secure: true,
      user: 'coach@gmail.com',
      password: 'abcd efgh ijkl mnop',
      from: 'coach@gmail.com',
    });
    expect(c.emailTo).toEqual(['lea@example.com']);
    expect(c.useTwilio).toBe(false);
    expect(c.twilio).toBeNull();
  });

  it('nothing configured is valid: every channel is then skipped with a reason', () => {
    const c = loadNotifyConfig({});
    expect(c.smtp).toBeNull();
    expect(routeChannels(['email', 'sms', 'twilio'], c)).toEqual([
      { channel: 'email', kind: 'skip', reason: 'e-mail is not configured: SMTP_HOST is not set' },
      { channel: 'sms', kind: 'skip', reason: expect.stringContaining('SMS_GATEWAY_ADDRESS') },
      { channel: 'twilio', kind: 'skip', reason: 'Twilio is off: USE_TWILIO is not true' },
    ]);
  });

  it('derives port and TLS from each other', () => {
    expect(loadNotifyConfig({ SMTP_HOST: 'h', SMTP_FROM: 'a@b.co' }).smtp).toMatchObject({ port: 587, secure: false });
    expect(loadNotifyConfig({ SMTP_HOST: 'h', SMTP_FROM: 'a@b.co', SMTP_PORT: '465' }).smtp).toMatchObject({ port: 465, secure: true });
    expect(loadNotifyConfig({ SMTP_HOST: 'h', SMTP_FROM: 'a@b.co', SMTP_SECURE: 'true' }).smtp).toMatchObject({ port: 465, secure: true });
    expect(loadNotifyConfig({ SMTP_HOST: 'h', SMTP_FROM: 'Coach <a@b.co>', SMTP_PORT: '2525', SMTP_SECURE: 'false' }).smtp).toMatchObject({ port: 2525, secure: false, from: 'Coach <a@b.co>' });
  });

  it('names the variable and the accepted values in every error, and reports them all at once', () => {
    const p = problems({ SMTP_HOST: 'h', SMTP_PORT: 'abc', SMTP_SECURE: 'maybe', SMTP_USER: 'u@x.io', NOTIFY_EMAIL_TO: 'lea@example.com, nope' });
    expect(p).toEqual([
      'SMTP_SECURE="maybe" is not a boolean: use true or false',
      expect.stringMatching(/^SMTP_PORT="abc" is not a port number: use an integer from 1 to 65535/),
      'SMTP_USER is set but SMTP_PASSWORD is not (for Gmail, use an app password)',
      expect.stringMatching(/^NOTIFY_EMAIL_TO contains "nope", which is not an e-mail address/),
    ]);
  });

  it('rejects settings that need SMTP_HOST when it is missing', () => {
    expect(problems({ NOTIFY_EMAIL_TO: 'lea@example.com', SMS_GATEWAY_ADDRESS: '5551234567@vtext.com' })).toEqual([
      'NOTIFY_EMAIL_TO is set but SMTP_HOST is not: e-mail and the SMS gateway need an SMTP server',
      'SMS_GATEWAY_ADDRESS is set but SMTP_HOST is not: e-mail and the SMS gateway need an SMTP server',
    ]);
    expect(problems({ SMTP_HOST: 'h' })).toEqual([expect.stringMatching(/^SMTP_FROM is not set/)]);
  });

  it('validates the Twilio settings only when USE_TWILIO=true, without echoing the auth token', () => {
    expect(loadNotifyConfig({ TWILIO_ACCOUNT_SID: 'junk' }).twilio).toBeNull();
    const p = problems({ USE_TWILIO: 'true', TWILIO_ACCOUNT_SID: 'SK123', TWILIO_AUTH_TOKEN: 'secret-token-value', TWILIO_FROM: '555', TWILIO_BASE_URL: 'ftp://x' });
    expect(p).toEqual([
      'TWILIO_ACCOUNT_SID="SK123" is not an account SID: "AC" followed by 32 hex digits',
      'TWILIO_FROM="555" is not a phone number in E.164 form like +15551234567',
      'USE_TWILIO=true but TWILIO_TO is not set',
      'TWILIO_BASE_URL="ftp://x" is not an http(s) URL',
    ]);
    expect(p.join('\n')).not.toContain('secret-token-value');
    const c = loadNotifyConfig({ USE_TWILIO: 'true', TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 't0ken', TWILIO_FROM: '+15550001111', TWILIO_TO: '+33612345678' });
    expect(c.twilio).toEqual({ accountSid: SID, authToken: 't0ken', from: '+15550001111', to: '+33612345678', baseUrl: 'https://api.twilio.com' });
  });

  it('never shows the SMTP password in errors or in the loggable description', () => {
    const p = problems({ SMTP_HOST: 'h', SMTP_PASSWORD: 'hunter2-very-secret' });
    expect(p.join('\n')).not.toContain('hunter2');
    const described = JSON.stringify(describeNotifyConfig(loadNotifyConfig(gmail)));
    expect(described).not.toContain(gmail.SMTP_PASSWORD);
    expect(described).not.toContain('lea@example.com');
  });
});

describe('routeChannels', () => {
  const base = loadNotifyConfig({ ...gmail, SMS_GATEWAY_ADDRESS: '5551234567@vtext.com' });
  const withTwilio = loadNotifyConfig({
    ...gmail,
    SMS_GATEWAY_ADDRESS: '5551234567@vtext.com',
    USE_TWILIO: 'true',
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: 't',
    TWILIO_FROM: '+15550001111',
    TWILIO_TO: '+15550002222',
  });

  it('sends sms through the carrier gateway unless USE_TWILIO=true', () => {
    expect(routeChannels(['email', 'sms'], base)).toEqual([
      { channel: 'email', kind: 'email', to: ['lea@example.com'] },
      { channel: 'sms', kind: 'sms-gateway', to: '5551234567@vtext.com' },
    ]);
    expect(routeChannels(['sms'], withTwilio)).toEqual([{ channel: 'sms', kind: 'twilio' }]);
  });

  it('does not text twice when both sms and twilio are asked for with USE_TWILIO=true', () => {
    const routes = routeChannels(['sms', 'twilio', 'sms'], withTwilio);
    expect(routes).toHaveLength(2);
    expect(routes[0]).toEqual({ channel: 'sms', kind: 'twilio' });
    expect(routes[1]).toMatchObject({ channel: 'twilio', kind: 'skip' });
    expect(routeChannels(['twilio'], withTwilio)).toEqual([{ channel: 'twilio', kind: 'twilio' }]);
  });

  it('skips e-mail when SMTP is set up only for the SMS gateway', () => {
    const c = loadNotifyConfig({ SMTP_HOST: 'h', SMTP_FROM: 'a@b.co', SMS_GATEWAY_ADDRESS: '5551234567@vtext.com' });
    expect(routeChannels(['email'], c)).toEqual([{ channel: 'email', kind: 'skip', reason: 'e-mail is not configured: NOTIFY_EMAIL_TO is not set' }]);
  });
});

describe('addresses (nodemailer’s address parser)', () => {
  it('reads quoted names with commas, several recipients, and says which entry is not an address', () => {
    const c = loadNotifyConfig({ SMTP_HOST: 'h', SMTP_FROM: '"Lanterne, coach" <coach@example.com>', NOTIFY_EMAIL_TO: '"Lea, rider" <lea@example.com>, bob@example.com' });
    expect(c.emailTo).toEqual(['"Lea, rider" <lea@example.com>', 'bob@example.com']);
    expect(c.smtp?.from).toBe('"Lanterne, coach" <coach@example.com>');
    expect(() => loadNotifyConfig({ SMTP_HOST: 'h', SMTP_FROM: 'a@b.co', NOTIFY_EMAIL_TO: 'lea@example.com, Bob Smith' })).toThrow(
      'NOTIFY_EMAIL_TO contains "Bob Smith", which is not an e-mail address (separate several with commas)',
    );
    expect(() => loadNotifyConfig({ SMTP_HOST: 'h', SMTP_FROM: 'a@b.co, c@d.co' })).toThrow('SMTP_FROM="a@b.co, c@d.co" is not an e-mail address');
  });
});
