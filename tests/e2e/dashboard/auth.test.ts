import { authenticate, generateDashboardToken, secretsEqual, tokenMatches } from '../../../src/dashboard/auth';
import { SessionStore } from '../../../src/dashboard/sessions';
import { allowedHosts, hostAllowed, originAllowed, parseAllowedHosts } from '../../../src/dashboard/hosts';

const TOKEN = 'a-long-dashboard-token-0123456789';

describe('dashboard token', () => {
  it('compares secrets exactly, whatever their length', () => {
    expect(secretsEqual(TOKEN, TOKEN)).toBe(true);
    expect(secretsEqual(TOKEN, `${TOKEN}x`)).toBe(false);
    expect(secretsEqual(TOKEN, '')).toBe(false);
    expect(secretsEqual(TOKEN, TOKEN.toUpperCase())).toBe(false);
  });

  it('checks the token typed into the sign-in form', () => {
    expect(tokenMatches(TOKEN, ` ${TOKEN} `)).toBe(true);
    expect(tokenMatches(TOKEN, 'nope')).toBe(false);
    expect(tokenMatches(TOKEN, '')).toBe(false);
    expect(tokenMatches(TOKEN, undefined)).toBe(false);
  });

  it('generates distinct long tokens', () => {
    const a = generateDashboardToken();
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(a).not.toBe(generateDashboardToken());
  });
});

describe('sessions', () => {
  let t = 1_000_000;
  const clock = () => t;

  it('are random ids, not the token or anything derived from it', () => {
    const store = new SessionStore({ now: clock });
    const a = store.create();
    const b = store.create();
    expect(a.id).not.toBe(b.id);
    expect(a.id.length).toBeGreaterThanOrEqual(40);
    expect(a.id).not.toContain(TOKEN);
    expect(a.session.key).not.toBe(a.id);
  });

  it('end after the idle time, are kept alive by use, and end at the absolute limit', () => {
    const store = new SessionStore({ now: clock, idleMs: 1000, maxMs: 5000 });
    const { id } = store.create();
    t += 900;
    expect(store.touch(id).ok).toBe(true);
    t += 900; // 1800 since sign-in, 900 since last use
    expect(store.touch(id).ok).toBe(true);
    t += 1000;
    expect(store.touch(id)).toEqual({ ok: false, reason: 'expired' });
    expect(store.touch(id)).toEqual({ ok: false, reason: 'unknown' });

    const used = store.create();
    for (let i = 0; i < 5; i++) {
      t += 999;
      expect(store.touch(used.id).ok).toBe(true);
    }
    t += 999; // 5994 ms after sign-in: over the absolute limit although used a moment ago
    expect(store.touch(used.id)).toEqual({ ok: false, reason: 'expired' });
  });

  it('end on sign-out, and the oldest go first when too many are open', () => {
    const store = new SessionStore({ now: clock, maxSessions: 2 });
    const a = store.create();
    store.end(a.id);
    expect(store.touch(a.id).ok).toBe(false);
    const b = store.create();
    const c = store.create();
    store.touch(b.id); // b is now the most recently used
    store.create();
    expect(store.touch(c.id).ok).toBe(false);
    expect(store.touch(b.id).ok).toBe(true);
    expect(store.size).toBe(2);
  });
});

describe('authenticate', () => {
  const sessions = new SessionStore();
  const { id } = sessions.create();

  it('accepts the Bearer token or a live session', async () => {
    expect(await authenticate(TOKEN, sessions, { authorization: `Bearer ${TOKEN}` })).toMatchObject({ ok: true, via: 'bearer', session: null });
    expect(await authenticate(TOKEN, sessions, { sessionId: id })).toMatchObject({ ok: true, via: 'session', sessionId: id });
    expect(await authenticate(TOKEN, sessions, {})).toEqual({ ok: false, reason: 'missing' });
  });

  it('refuses any wrong credential, also next to a valid one', async () => {
    expect(await authenticate(TOKEN, sessions, { authorization: 'Bearer nope' })).toEqual({ ok: false, reason: 'wrong' });
    expect(await authenticate(TOKEN, sessions, { authorization: `Basic ${TOKEN}` })).toEqual({ ok: false, reason: 'wrong' });
    expect(await authenticate(TOKEN, sessions, { authorization: 'Bearer nope', sessionId: id })).toEqual({ ok: false, reason: 'wrong' });
    expect(await authenticate(TOKEN, sessions, { authorization: `Bearer ${TOKEN}`, sessionId: 'made-up' })).toEqual({ ok: false, reason: 'expired' });
    // The raw token is not a session id.
    expect(await authenticate(TOKEN, sessions, { sessionId: TOKEN })).toEqual({ ok: false, reason: 'expired' });
  });
});

describe('allowed hosts (DNS-rebinding guard)', () => {
  const interfaces = () => ({
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '', mac: '', cidr: null }],
    eth0: [
      { address: '192.168.1.20', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null },
      { address: 'fe80::1', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 2 },
      { address: '2001:db8::5', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 0 },
    ],
  }) as unknown as ReturnType<typeof import('node:os').networkInterfaces>;

  it('on loopback: the loopback names with the port', () => {
    expect(allowedHosts({ bindHost: '127.0.0.1', port: 4321 })).toEqual(['127.0.0.1:4321', 'localhost:4321', '[::1]:4321']);
  });

  it('on 0.0.0.0: also the machine’s name and every interface address, not link-local ones', () => {
    const hosts = allowedHosts({ bindHost: '0.0.0.0', port: 8787, networkInterfaces: interfaces, hostname: () => 'rider-laptop' });
    expect(hosts).toEqual(['localhost:8787', '127.0.0.1:8787', '[::1]:8787', 'rider-laptop:8787', '192.168.1.20:8787', '[2001:db8::5]:8787']);
  });

  it('on one address: that address, plus the names the operator lists', () => {
    expect(allowedHosts({ bindHost: '192.168.1.20', port: 80, extraHosts: ['lanterne.home', 'proxy.example:443'] })).toEqual(['192.168.1.20:80', 'lanterne.home:80', 'proxy.example:443']);
  });

  it('compares Host headers with their port (none means 80)', () => {
    const allowed = new Set(['127.0.0.1:4321', 'lanterne.home:80', '[::1]:4321']);
    expect(hostAllowed('127.0.0.1:4321', allowed)).toBe(true);
    expect(hostAllowed('LANTERNE.home', allowed)).toBe(true);
    expect(hostAllowed('[::1]:4321', allowed)).toBe(true);
    expect(hostAllowed('127.0.0.1:4322', allowed)).toBe(false);
    expect(hostAllowed('evil.example:4321', allowed)).toBe(false);
    expect(hostAllowed(undefined, allowed)).toBe(false);
  });

  it('parses DASHBOARD_ALLOWED_HOSTS, naming a bad entry and what is accepted', () => {
    expect(parseAllowedHosts(' lanterne.home, 10.0.0.2:8080 ,[2001:db8::5]:9000')).toEqual(['lanterne.home', '10.0.0.2:8080', '[2001:db8::5]:9000']);
    expect(parseAllowedHosts(undefined)).toEqual([]);
    expect(() => parseAllowedHosts('ok.home, http://evil/')).toThrow(
      'DASHBOARD_ALLOWED_HOSTS: "http://evil/" is not a host name or address; accepted: names such as lanterne.home or 192.168.1.20, optionally with :port, separated by commas',
    );
    expect(() => parseAllowedHosts('x.home:99999')).toThrow(/"x.home:99999" is not a host name/);
  });
});

describe('Origin check on POST', () => {
  it('accepts the page’s own origin only', () => {
    expect(originAllowed('http://127.0.0.1:4321', '127.0.0.1:4321', false)).toBe(true);
    expect(originAllowed('http://localhost:4321', 'localhost:4321', false)).toBe(true);
    expect(originAllowed('https://lanterne.home', 'lanterne.home', false)).toBe(true);
    expect(originAllowed('http://evil.example', '127.0.0.1:4321', false)).toBe(false);
    expect(originAllowed('http://127.0.0.1:4322', '127.0.0.1:4321', false)).toBe(false);
    expect(originAllowed('null', '127.0.0.1:4321', false)).toBe(false);
  });
  it('lets a missing Origin through only for Bearer clients', () => {
    expect(originAllowed(undefined, '127.0.0.1:4321', false)).toBe(false);
    expect(originAllowed(undefined, '127.0.0.1:4321', true)).toBe(true);
  });
});
