import { authenticate, cookieName, csrfToken, csrfValid, originAllowed, parseCookies, secretsEqual, sessionValue, generateDashboardToken } from '../../../src/dashboard/auth';

const TOKEN = 'a-long-dashboard-token-0123456789';

describe('dashboard token and session', () => {
  it('compares secrets exactly, whatever their length', () => {
    expect(secretsEqual(TOKEN, TOKEN)).toBe(true);
    expect(secretsEqual(TOKEN, `${TOKEN}x`)).toBe(false);
    expect(secretsEqual(TOKEN, '')).toBe(false);
    expect(secretsEqual(TOKEN, TOKEN.toUpperCase())).toBe(false);
  });

  it('keeps the token out of the session cookie', () => {
    const s = sessionValue(TOKEN);
    expect(s).not.toContain(TOKEN);
    expect(s).toBe(sessionValue(TOKEN));
    expect(s).not.toBe(sessionValue(`${TOKEN}2`));
  });

  it('accepts a Bearer header, the query token and the session cookie; refuses wrong ones', () => {
    const port = 4321;
    const cookie = `other=1; ${cookieName(port)}=${sessionValue(TOKEN)}`;
    expect(authenticate(TOKEN, port, { authorization: `Bearer ${TOKEN}` })).toMatchObject({ ok: true, via: 'bearer' });
    expect(authenticate(TOKEN, port, { queryToken: TOKEN })).toMatchObject({ ok: true, via: 'query' });
    expect(authenticate(TOKEN, port, { cookie })).toMatchObject({ ok: true, via: 'cookie' });
    expect(authenticate(TOKEN, port, {})).toEqual({ ok: false, reason: 'missing' });
    expect(authenticate(TOKEN, port, { authorization: 'Bearer nope' })).toEqual({ ok: false, reason: 'wrong' });
    // A cookie holding the raw token is not a session (the cookie holds the derived value only).
    expect(authenticate(TOKEN, port, { cookie: `${cookieName(port)}=${TOKEN}` })).toEqual({ ok: false, reason: 'wrong' });
    // A session cookie of another port's dashboard is not this one's.
    expect(authenticate(TOKEN, port, { cookie: `${cookieName(port + 1)}=${sessionValue(TOKEN)}` })).toEqual({ ok: false, reason: 'missing' });
  });

  it('parses cookies, first one wins', () => {
    expect(parseCookies('a=1; b = 2; a=3; junk')).toEqual({ a: '1', b: '2' });
    expect(parseCookies(undefined)).toEqual({});
  });

  it('generates distinct long tokens', () => {
    const a = generateDashboardToken();
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(a).not.toBe(generateDashboardToken());
  });
});

describe('CSRF token', () => {
  const session = sessionValue(TOKEN);
  it('is valid only for the token and session it was made for', () => {
    const t = csrfToken(TOKEN, session);
    expect(csrfValid(TOKEN, session, t)).toBe(true);
    expect(csrfValid(TOKEN, session, `${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
    expect(csrfValid(`${TOKEN}-rotated`, sessionValue(`${TOKEN}-rotated`), t)).toBe(false);
    expect(csrfValid(TOKEN, session, '')).toBe(false);
    expect(csrfValid(TOKEN, session, null)).toBe(false);
  });

  it('does not reveal the token', () => {
    expect(csrfToken(TOKEN, session)).not.toContain(TOKEN);
  });
});

describe('Origin check on POST', () => {
  const allowed = ['http://127.0.0.1:4321', 'http://localhost:4321'];
  it('accepts the dashboard’s own origins only', () => {
    expect(originAllowed('http://127.0.0.1:4321', allowed, 'cookie')).toBe(true);
    expect(originAllowed('http://localhost:4321', allowed, 'cookie')).toBe(true);
    expect(originAllowed('http://evil.example', allowed, 'cookie')).toBe(false);
    expect(originAllowed('http://127.0.0.1:4322', allowed, 'cookie')).toBe(false);
    expect(originAllowed('null', allowed, 'cookie')).toBe(false);
  });
  it('lets a missing Origin through only for Bearer clients', () => {
    expect(originAllowed(undefined, allowed, 'cookie')).toBe(false);
    expect(originAllowed(undefined, allowed, 'bearer')).toBe(true);
  });
});
