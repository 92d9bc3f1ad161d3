import { type FakeOuraServer, startFakeOuraServer } from '../../support/fake-oura-server';
import { type FakeStravaServer, startFakeStravaServer } from '../../support/fake-strava-server';
import { connectOAuth, connectProvider } from '../../../src/observation/oauth-connect';
import { InMemoryTokenStore } from '../../../src/secrets/in-memory-token-store';
import { caught } from './caught';

let oura: FakeOuraServer;
let strava: FakeStravaServer;

beforeEach(async () => {
  [oura, strava] = await Promise.all([startFakeOuraServer(), startFakeStravaServer()]);
});
afterEach(() => Promise.all([oura.close(), strava.close()]));

/** A "browser" that follows the consent redirect back to the loopback callback. */
function browser(pages: { status: number; text: string }[], tamper: (url: URL) => void = () => {}) {
  return async (consent: string) => {
    const url = new URL(consent);
    tamper(url);
    const res = await fetch(url); // the fake authorize endpoint answers 302 → the loopback server
    pages.push({ status: res.status, text: await res.text() });
  };
}

const ouraOpts = () => ({
  provider: 'oura' as const,
  authorizeUrl: oura.authorizeUrl,
  tokenUrl: oura.tokenUrl,
  clientId: oura.clientId,
  clientSecret: oura.clientSecret,
  scopes: ['daily', 'heartrate', 'personal'],
  port: 0,
  timeoutMs: 5000,
});

describe('OAuth connect flow', () => {
  it('runs consent → loopback callback → code exchange and returns the tokens (Oura)', async () => {
    const pages: { status: number; text: string }[] = [];
    const tokens = await connectOAuth({ ...ouraOpts(), openBrowser: browser(pages) });
    expect(tokens).toMatchObject({ accessToken: 'oura-access-1', refreshToken: 'oura-refresh-1' });
    expect(Date.parse(tokens.expiresAt!)).toBeGreaterThan(Date.now());
    expect(pages).toEqual([{ status: 200, text: expect.stringContaining('Lanterne is connected') }]);

    const authorize = oura.requests.find((r) => r.path === '/oauth/authorize')!;
    expect(authorize.query).toMatchObject({ client_id: oura.clientId, response_type: 'code', scope: 'daily heartrate personal' });
    expect(authorize.query.redirect_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(authorize.query.state).toMatch(/^[0-9a-f]{32}$/);
    const exchange = oura.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.form).toMatchObject({
      grant_type: 'authorization_code',
      code: 'oura-code-1',
      redirect_uri: authorize.query.redirect_uri,
      client_id: oura.clientId,
      client_secret: oura.clientSecret,
    });
    expect(oura.validAccessTokens.has(tokens.accessToken)).toBe(true);
  });

  it('saves Strava tokens for the athlete, asking for comma-separated scopes', async () => {
    const store = new InMemoryTokenStore();
    const pages: { status: number; text: string }[] = [];
    const { scope, providerUserId, providerUserError } = await connectProvider('strava', {
      athlete: 'ana',
      store,
      port: 0,
      openBrowser: browser(pages),
      env: {
        STRAVA_AUTHORIZE_URL: strava.authorizeUrl,
        STRAVA_TOKEN_URL: strava.tokenUrl,
        STRAVA_BASE_URL: strava.url,
        STRAVA_CLIENT_ID: strava.clientId,
        STRAVA_CLIENT_SECRET: strava.clientSecret,
      },
    });
    expect(scope).toBe('read,activity:read_all'); // taken from the redirect: Strava's token answer has none
    expect(strava.requests.find((r) => r.path === '/oauth/authorize')!.query.scope).toBe('read,activity:read_all');
    expect(await store.load('ana', 'strava')).toMatchObject({ accessToken: 'strava-access-1', refreshToken: 'strava-refresh-1' });
    // The account's Strava id (webhook owner_id), read with the new access token.
    expect({ providerUserId, providerUserError }).toEqual({ providerUserId: '1234', providerUserError: null });
    expect(strava.requests.find((r) => r.path === '/api/v3/athlete')!.authorization).toBe('Bearer strava-access-1');
  });

  it('learns the Oura user id from personal_info, and still connects when it cannot', async () => {
    const env = { OURA_AUTHORIZE_URL: oura.authorizeUrl, OURA_TOKEN_URL: oura.tokenUrl, OURA_BASE_URL: oura.url, OURA_CLIENT_ID: oura.clientId, OURA_CLIENT_SECRET: oura.clientSecret };
    const store = new InMemoryTokenStore();
    const first = await connectProvider('oura', { athlete: 'ana', store, port: 0, openBrowser: browser([]), env });
    expect(first).toMatchObject({ providerUserId: oura.userId, providerUserError: null });

    oura.script('/v2/usercollection/personal_info', { status: 403, body: JSON.stringify({ detail: 'Scope personal not granted' }) });
    const second = await connectProvider('oura', { athlete: 'ana', store, port: 0, openBrowser: browser([]), env });
    expect(second.providerUserId).toBeNull();
    expect(second.providerUserError).toContain('HTTP 403');
    expect(second.providerUserError).toContain('Scope personal not granted');
    expect(await store.load('ana', 'oura')).toMatchObject({ accessToken: 'oura-access-2' });
  });

  it('fails clearly when the user refuses consent', async () => {
    oura.denyConsent = true;
    const pages: { status: number; text: string }[] = [];
    const e = await caught(connectOAuth({ ...ouraOpts(), openBrowser: browser(pages) }));
    expect(e.type).toBe('ConnectFailed');
    expect(e.message).toContain('access_denied');
    expect(pages[0].status).toBe(400);
    expect(oura.requests.some((r) => r.path === '/oauth/token')).toBe(false);
  });

  it('refuses a redirect whose state does not match, without exchanging the code', async () => {
    const pages: { status: number; text: string }[] = [];
    const e = await caught(
      connectOAuth({ ...ouraOpts(), openBrowser: browser(pages, (u) => u.searchParams.set('state', 'forged')) }),
    );
    expect(e.message).toContain('state parameter did not match');
    expect(oura.requests.some((r) => r.path === '/oauth/token')).toBe(false);
  });

  it('gives up when the browser never comes back', async () => {
    const e = await caught(connectOAuth({ ...ouraOpts(), timeoutMs: 50, openBrowser: () => {} }));
    expect(e.message).toContain('no answer from the browser');
  });

  it('names the missing client id before starting anything', async () => {
    const e = await caught(connectOAuth({ ...ouraOpts(), clientId: undefined, openBrowser: () => {} }));
    expect(e.type).toBe('ObservationConfig');
    expect(e.message).toContain('OURA_CLIENT_ID');
  });
});
