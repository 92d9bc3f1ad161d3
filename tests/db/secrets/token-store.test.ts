import type { TestDatabase } from '../../support/db';
import { freshDatabase } from '../memory/test-database';
import { migrate } from '../../../src/memory/migrations';
import { generateSecretKey, parseSecretKey, loadSecretKey } from '../../../src/secrets/secret-key';
import { PgTokenStore, TokenDecryptError, type OAuthTokens } from '../../../src/secrets/token-store';
import { InMemoryTokenStore } from '../../../src/secrets/in-memory-token-store';

const ACCESS = 'a1b2c3-ACCESS-token-value-7f7f';
const REFRESH = 'r9r9-REFRESH-token-value-0000';
const tokens = (over: Partial<OAuthTokens> = {}): OAuthTokens => ({
  accessToken: ACCESS,
  refreshToken: REFRESH,
  expiresAt: '2025-07-05T12:00:00.000Z',
  scope: 'read,activity:read_all',
  ...over,
});

describe('PgTokenStore', () => {
  let db: TestDatabase;
  const key = parseSecretKey(generateSecretKey());
  let store: PgTokenStore;

  beforeAll(async () => {
    db = await freshDatabase('lanterne_tok');
    await migrate(db.pool);
    store = new PgTokenStore(db.pool, key, { now: () => Date.parse('2025-07-05T10:00:00Z') });
  });
  afterAll(async () => {
    await db.drop();
  });

  test('load returns null when nothing is stored', async () => {
    expect(await store.load('nobody', 'oura')).toBeNull();
    expect(await store.status('nobody')).toEqual([]);
  });

  test('save then load round-trips the tokens', async () => {
    await store.save('ana', 'strava', tokens());
    expect(await store.load('ana', 'strava')).toEqual(tokens());
  });

  test('the table holds no token text, in any column or encoding', async () => {
    await store.save('ana', 'oura', tokens({ refreshToken: null, scope: 'daily heartrate' }));
    const { rows } = await db.pool.query(`SELECT * FROM athlete_tokens WHERE athlete = 'ana'`);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const dump = Object.values(row)
        .map((v) => (Buffer.isBuffer(v) ? `${v.toString('utf8')} ${v.toString('hex')} ${v.toString('base64')}` : String(v)))
        .join(' ');
      for (const secret of [ACCESS, REFRESH, 'ACCESS-token', 'REFRESH-token', Buffer.from(ACCESS).toString('hex'), 'activity:read_all']) {
        expect(dump).not.toContain(secret);
      }
      expect(row.ciphertext.length).toBeGreaterThan(ACCESS.length);
      expect(row.iv).toHaveLength(12);
      expect(row.auth_tag).toHaveLength(16);
      expect(row.key_id).toBe(key.id);
    }
    // the same tokens saved twice give different ciphertexts (fresh IV each time)
    const before = (await db.pool.query(`SELECT ciphertext, iv FROM athlete_tokens WHERE athlete = 'ana' AND provider = 'strava'`)).rows[0];
    await store.save('ana', 'strava', tokens());
    const after = (await db.pool.query(`SELECT ciphertext, iv FROM athlete_tokens WHERE athlete = 'ana' AND provider = 'strava'`)).rows[0];
    expect(after.iv.equals(before.iv)).toBe(false);
    expect(after.ciphertext.equals(before.ciphertext)).toBe(false);
  });

  test('a rotated refresh token replaces the old one: the newest always wins', async () => {
    for (let i = 1; i <= 5; i++) {
      await store.save('ben', 'strava', tokens({ accessToken: `access-${i}`, refreshToken: `refresh-${i}` }));
    }
    expect(await store.load('ben', 'strava')).toMatchObject({ accessToken: 'access-5', refreshToken: 'refresh-5' });
    const n = await db.pool.query(`SELECT count(*) AS n FROM athlete_tokens WHERE athlete = 'ben'`);
    expect(Number(n.rows[0].n)).toBe(1);
  });

  test('athletes and providers are kept apart', async () => {
    await store.save('cara', 'peloton', tokens({ accessToken: 'cara-peloton' }));
    await store.save('dan', 'peloton', tokens({ accessToken: 'dan-peloton' }));
    expect((await store.load('cara', 'peloton'))?.accessToken).toBe('cara-peloton');
    expect((await store.load('dan', 'peloton'))?.accessToken).toBe('dan-peloton');
    expect(await store.load('cara', 'oura')).toBeNull();
  });

  test('a wrong key gives a clear error naming the athlete, provider and variable', async () => {
    const other = new PgTokenStore(db.pool, parseSecretKey(generateSecretKey()));
    const err = await other.load('ana', 'strava').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenDecryptError);
    expect((err as Error).message).toMatch(
      /^cannot decrypt tokens for ana\/strava: LANTERNE_SECRET_KEY differs from the key they were saved with/,
    );
    expect((err as Error).message).not.toContain(ACCESS);
  });

  test('a previous key still reads old rows; the next save re-encrypts with the current key', async () => {
    const newKey = parseSecretKey(generateSecretKey());
    const rotated = new PgTokenStore(db.pool, newKey, { previousKeys: [key] });
    expect((await rotated.load('ana', 'strava'))?.accessToken).toBe(ACCESS);
    await rotated.save('ana', 'strava', tokens({ accessToken: 'after-key-rotation' }));
    const row = (await db.pool.query(`SELECT key_id FROM athlete_tokens WHERE athlete = 'ana' AND provider = 'strava'`)).rows[0];
    expect(row.key_id).toBe(newKey.id);
    await expect(store.load('ana', 'strava')).rejects.toThrow(/LANTERNE_SECRET_KEY differs/);
    await rotated.save('ana', 'strava', tokens()); // restore for other tests
    await store.save('ana', 'strava', tokens());
  });

  test('a row copied to another athlete does not open (bound to athlete/provider)', async () => {
    await store.save('eve', 'strava', tokens({ accessToken: 'eve-token' }));
    await db.pool.query(
      `INSERT INTO athlete_tokens (athlete, provider, ciphertext, iv, auth_tag, key_id, expires_at)
       SELECT 'mallory', provider, ciphertext, iv, auth_tag, key_id, expires_at FROM athlete_tokens
       WHERE athlete = 'eve' AND provider = 'strava'`,
    );
    await expect(store.load('mallory', 'strava')).rejects.toThrow(
      /cannot decrypt tokens for mallory\/strava: the stored ciphertext fails authentication/,
    );
    expect((await store.load('eve', 'strava'))?.accessToken).toBe('eve-token');
  });

  test('status lists providers with expiry, never token values', async () => {
    await store.save('fay', 'oura', tokens({ expiresAt: '2025-08-01T00:00:00Z' }));
    await store.save('fay', 'strava', tokens({ expiresAt: '2025-07-05T09:00:00+00:00' }));
    await store.save('fay', 'peloton', tokens({ expiresAt: null, refreshToken: null }));
    const status = await store.status('fay');
    expect(status).toEqual([
      { provider: 'oura', expiresAt: '2025-08-01T00:00:00.000Z', expired: false, updatedAt: expect.any(String) },
      { provider: 'peloton', expiresAt: null, expired: false, updatedAt: expect.any(String) },
      { provider: 'strava', expiresAt: '2025-07-05T09:00:00.000Z', expired: true, updatedAt: expect.any(String) },
    ]);
    expect(JSON.stringify(status)).not.toContain(ACCESS);
    expect(JSON.stringify(status)).not.toContain(REFRESH);
  });

  test('bad input is refused with the field named and no token value echoed', async () => {
    await expect(store.save('ana', 'garmin' as never, tokens())).rejects.toThrow(/oura, strava, peloton, got "garmin"/);
    await expect(store.save('', 'oura', tokens())).rejects.toThrow(/athlete must be a non-empty handle/);
    await expect(store.save('ana', 'oura', tokens({ accessToken: '' }))).rejects.toThrow(/tokens for ana\/oura: accessToken/);
    await expect(store.save('ana', 'oura', tokens({ expiresAt: 'tomorrow' }))).rejects.toThrow(
      /expiresAt must be an ISO-8601 date-time or null, got "tomorrow"/,
    );
  });

  test('remove forgets the tokens', async () => {
    await store.save('gus', 'oura', tokens());
    expect(await store.remove('gus', 'oura')).toBe(true);
    expect(await store.load('gus', 'oura')).toBeNull();
    expect(await store.remove('gus', 'oura')).toBe(false);
  });
});

describe('LANTERNE_SECRET_KEY', () => {
  test('generateSecretKey gives a base64 32-byte key that parses; hex works too', () => {
    const b64 = generateSecretKey();
    expect(Buffer.from(b64, 'base64')).toHaveLength(32);
    const k = parseSecretKey(b64);
    expect(k.key).toHaveLength(32);
    expect(parseSecretKey(k.key.toString('hex')).id).toBe(k.id);
    expect(parseSecretKey(k.key.toString('base64url')).id).toBe(k.id);
    expect(k.id).toMatch(/^[0-9a-f]{16}$/);
    expect(generateSecretKey()).not.toBe(b64);
  });

  test('missing or malformed keys name the variable and the expected format, never the value', () => {
    expect(() => loadSecretKey({})).toThrow(/^LANTERNE_SECRET_KEY is not set: it must hold a 32-byte key written as 64 hex characters or as base64/);
    expect(() => loadSecretKey({ LANTERNE_SECRET_KEY: '   ' })).toThrow(/LANTERNE_SECRET_KEY is not set/);
    const short = Buffer.alloc(16, 7).toString('base64');
    let message = '';
    try {
      loadSecretKey({ LANTERNE_SECRET_KEY: short });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^LANTERNE_SECRET_KEY is not a valid key \(24 characters\): it must hold a 32-byte key/);
    expect(message).not.toContain(short);
    expect(() => loadSecretKey({ LANTERNE_SECRET_KEY: 'not a key at all!' })).toThrow(/LANTERNE_SECRET_KEY is not a valid key/);
    expect(() => loadSecretKey({ LANTERNE_SECRET_KEY: 'ab'.repeat(31) })).toThrow(/not a valid key/);
  });

  test('PgTokenStore without an explicit key reads the environment', () => {
    const saved = process.env.LANTERNE_SECRET_KEY;
    delete process.env.LANTERNE_SECRET_KEY;
    try {
      expect(() => new PgTokenStore({} as never)).toThrow(/LANTERNE_SECRET_KEY is not set/);
    } finally {
      if (saved !== undefined) process.env.LANTERNE_SECRET_KEY = saved;
    }
  });
});

describe('InMemoryTokenStore', () => {
  test('behaves like the TokenStore contract', async () => {
    const store = new InMemoryTokenStore(() => Date.parse('2025-07-05T13:00:00Z'));
    expect(await store.load('ana', 'oura')).toBeNull();
    await store.save('ana', 'oura', tokens({ refreshToken: 'old' }));
    await store.save('ana', 'oura', tokens({ refreshToken: 'new' }));
    expect((await store.load('ana', 'oura'))?.refreshToken).toBe('new');
    expect(await store.load('ben', 'oura')).toBeNull();
    expect(await store.status('ana')).toEqual([
      { provider: 'oura', expiresAt: '2025-07-05T12:00:00.000Z', expired: true, updatedAt: '2025-07-05T13:00:00.000Z' },
    ]);
  });
});

describe('InMemoryTokenStore.withLock', () => {
  test('runs one caller at a time; the next sees what the previous saved; a failed caller saves nothing', async () => {
    const store = new InMemoryTokenStore();
    await store.save('ana', 'strava', tokens({ accessToken: 'a0' }));
    const order: string[] = [];
    const slow = store.withLock('ana', 'strava', async (t, save) => {
      order.push(`first saw ${t?.accessToken}`);
      await new Promise((r) => setTimeout(r, 30));
      await save(tokens({ accessToken: 'a1' }));
    });
    const failing = store.withLock('ana', 'strava', async (t, save) => {
      order.push(`second saw ${t?.accessToken}`);
      await save(tokens({ accessToken: 'never' }));
      throw new Error('boom');
    });
    const third = store.withLock('ana', 'strava', async (t) => {
      order.push(`third saw ${t?.accessToken}`);
      return t?.accessToken;
    });
    const other = store.withLock('ben', 'strava', async (t) => order.push(`ben saw ${t}`));
    await Promise.all([slow, failing.catch(() => undefined), other]);
    expect(await third).toBe('a1');
    expect(order.filter((o) => !o.startsWith('ben'))).toEqual(['first saw a0', 'second saw a1', 'third saw a1']);
    // another athlete's tokens do not wait for ana's lock
    expect(order.indexOf('ben saw null')).toBeLessThan(order.indexOf('second saw a1'));
  });
});
