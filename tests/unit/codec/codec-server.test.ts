import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { startCodecServer, type RunningCodecServer } from '../../../src/codec/codec-server';
import { headersAuthorizer, sessionCookieName } from '../../../src/dashboard/auth';
import { SessionStore } from '../../../src/dashboard/sessions';
import { EncryptionCodec, PayloadKeyRing, parseSecretKey, payloadKeyId } from '../../../src/secrets';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
const key = () => parseSecretKey(randomBytes(32).toString('base64'));

const TOKEN = 'codec-test-token-0123456789';
const DASHBOARD_PORT = 8787;
/** The dashboard's sessions: one browser signed in. */
const sessions = new SessionStore();
const signedInSession = sessions.create().id;
const UI = 'http://127.0.0.1:8233';

/** A payload as the Temporal UI sends it: proto3 JSON, metadata values and data in base64. */
const jsonPayload = (value: unknown) => ({ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(value)) });

describe('the codec server (Temporal remote codec protocol)', () => {
  const older = key();
  const current = key();
  const ring = new PayloadKeyRing([current, older]);
  let server: RunningCodecServer;
  let ui: http.Server;
  let uiUrl: string;

  beforeAll(async () => {
    // Stands in for the Temporal UI behind the same origin (the proxy passes everything but /codec).
    ui = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`ui saw ${req.method} ${req.url}`));
    await new Promise<void>((r) => ui.listen(0, '127.0.0.1', r));
    uiUrl = `http://127.0.0.1:${(ui.address() as AddressInfo).port}`;
    server = await startCodecServer({
      host: '127.0.0.1',
      port: 0,
      codec: new EncryptionCodec(ring),
      authorize: (req) => headersAuthorizer(TOKEN, sessions, sessionCookieName(DASHBOARD_PORT))({ authorization: req.headers.authorization, cookie: req.headers.cookie }),
      allowedOrigins: [UI],
      namespaces: ['default'],
      signInHint: 'sign in to the dashboard first',
      temporalUi: uiUrl,
    });
  });
  afterAll(async () => {
    await server?.close();
    await new Promise((r) => ui?.close(r));
  });

  const post = (path: 'decode' | 'encode', body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.endpoint}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', authorization: `Bearer ${TOKEN}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('encodes and decodes Temporal payload JSON: a round trip, with the key id in the metadata', async () => {
    const plain = [jsonPayload({ hrvMs: 41.3, restingHr: 52 }), jsonPayload('rider')];
    const enc = await post('encode', { payloads: plain });
    expect(enc.status).toBe(200);
    const encoded = (await enc.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(encoded.payloads).toHaveLength(2);
    for (const p of encoded.payloads) {
      expect(unb64(p.metadata.encoding!)).toBe('binary/encrypted');
      expect(unb64(p.metadata['encryption-key-id']!)).toBe(current.id);
      expect(unb64(p.data)).not.toContain('41.3');
    }
    const dec = await post('decode', encoded);
    expect(dec.status).toBe(200);
    const decoded = (await dec.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(decoded.payloads.map((p) => JSON.parse(unb64(p.data)))).toEqual([{ hrvMs: 41.3, restingHr: 52 }, 'rider']);
    expect(decoded.payloads[0]!.metadata.encoding).toBe(b64('json/plain'));
  });

  it('decodes what the worker’s codec wrote with an older key of the ring, and passes plaintext through', async () => {
    const [sealed] = await new EncryptionCodec(new PayloadKeyRing([older])).encode([
      { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"sleepScore":81}') },
    ]);
    const asJson = { metadata: { encoding: Buffer.from(sealed!.metadata!.encoding!).toString('base64'), 'encryption-key-id': b64(older.id) }, data: Buffer.from(sealed!.data!).toString('base64') };
    const res = await post('decode', { payloads: [asJson, jsonPayload('plain')] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { payloads: { data: string }[] };
    expect(body.payloads.map((p) => unb64(p.data))).toEqual(['{"sleepScore":81}', '"plain"']);
  });

  it('a payload encrypted with a key it does not hold: 400 naming the key id', async () => {
    const stranger = key();
    const [sealed] = await new EncryptionCodec(new PayloadKeyRing([stranger])).encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('1') }]);
    expect(payloadKeyId(sealed!)).toBe(stranger.id);
    const res = await post('decode', { payloads: [{ metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64(stranger.id) }, data: Buffer.from(sealed!.data!).toString('base64') }] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe(
      `payload encrypted with key ${stranger.id}, which is not among the payload keys (${current.id}, ${older.id}): give that key in LANTERNE_PAYLOAD_KEYS_PREVIOUS, or restore the key file that held it`,
    );
  });

  it('a malformed body: 400 with what is accepted', async () => {
    for (const body of ['{"payloads": [', '{}', JSON.stringify({ payloads: [{ data: 'not base64!' }] }), JSON.stringify({ payloads: 'x' })]) {
      const res = await post('decode', body);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { message: string };
      expect(answer.message.split('\n')).toHaveLength(1);
      if (body !== '{"payloads": [') expect(answer.message).toContain('the body must be { "payloads": [ { "metadata": { key: base64 }, "data": base64 } ] }');
    }
  });

  it('no authorisation or a wrong one: 401 (before the body is read); another namespace: 403', async () => {
    for (const headers of [{ authorization: '' } as Record<string, string>, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: '', cookie: `${sessionCookieName(DASHBOARD_PORT)}=forged` }]) {
      const res = await post('decode', '{ not even json', headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(((await res.json()) as { message: string }).message).toBe('sign in to the dashboard first');
    }
    const other = await post('encode', { payloads: [] }, { 'x-namespace': 'someone-else' });
    expect(other.status).toBe(403);
    expect(((await other.json()) as { message: string }).message).toBe('this codec serves namespace default, not someone-else');
  });

  it('the dashboard’s sign-in cookie authorises, as the browser sends it to every port of the host', async () => {
    const res = await post('encode', { payloads: [jsonPayload(1)] }, { authorization: '', cookie: `other=1; ${sessionCookieName(DASHBOARD_PORT)}=${signedInSession}` });
    expect(res.status).toBe(200);
  });

  it('answers the UI’s CORS preflight (credentials allowed) and no other origin’s', async () => {
    const preflight = await fetch(`${server.endpoint}/decode`, {
      method: 'OPTIONS',
      headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(UI);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');

    const foreign = await fetch(`${server.endpoint}/decode`, { method: 'OPTIONS', headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const call = await post('encode', { payloads: [] }, { origin: UI });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe(UI);
  });

  it('passes everything else to the Temporal UI it stands in front of', async () => {
    const res = await fetch(`${server.url}/namespaces/default/workflows?x=1`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ui saw GET /namespaces/default/workflows?x=1');
  });
});
