import { createHash } from 'node:crypto';
import type { TestDatabase } from '../../support/db';
import { freshDatabase } from './test-database';
import { migrate } from '../../../src/memory/migrations';
import { AccessTokenStore } from '../../../src/memory/access-token-store';
import { AthleteStore } from '../../../src/memory/athlete-store';

let db: TestDatabase;
let tokens: AccessTokenStore;

beforeAll(async () => {
  db = await freshDatabase('lanterne_access_tokens');
  await migrate(db.pool);
  tokens = new AccessTokenStore(db.pool);
});
afterAll(async () => {
  await db.drop();
});

describe('scoped dashboard tokens', () => {
  test('a token is 32 random bytes shown once; only its SHA-256 digest is stored', async () => {
    const { token, record } = await tokens.create('coach', 'coach-bo', 'laptop');
    expect(token).toMatch(/^lnt_[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({ id: expect.stringMatching(/^tok_[a-z0-9]{12}$/), scope: 'coach', subject: 'coach-bo', label: 'laptop', lastUsedAt: null, revokedAt: null });
    const { rows } = await db.pool.query(`SELECT * FROM access_tokens WHERE id = $1`, [record.id]);
    expect(rows[0].token_sha256).toEqual(createHash('sha256').update(token).digest());
    expect(JSON.stringify(rows[0])).not.toContain(token.slice(4));
    const other = await tokens.create('coach', 'coach-bo');
    expect(other.token).not.toBe(token);
  });

  test('verify grants the scope, notes the use, and refuses unknown, altered and revoked tokens', async () => {
    const { token, record } = await tokens.create('athlete', 'anna');
    expect(await tokens.verify(token)).toEqual({ tokenId: record.id, scope: 'athlete', subject: 'anna' });
    expect((await tokens.get(record.id))?.lastUsedAt).not.toBeNull();
    for (const bad of [`${token}x`, token.slice(0, -1), token.replace(/^lnt_/, ''), '', 'lnt_']) expect(await tokens.verify(bad)).toBeNull();
    expect(await tokens.isActive(record.id)).toBe(true);
    const revoked = await tokens.revoke(record.id);
    expect(revoked?.revokedAt).not.toBeNull();
    expect(await tokens.verify(token)).toBeNull();
    expect(await tokens.isActive(record.id)).toBe(false);
    // Revoking again keeps the first time; an unknown id is null.
    expect((await tokens.revoke(record.id))?.revokedAt).toBe(revoked?.revokedAt);
    expect(await tokens.revoke('tok_000000000000')).toBeNull();
  });

  test('refuses a scope that is not coach or athlete, at the store and in the table', async () => {
    await expect(tokens.create('owner' as never, 'x')).rejects.toThrow('token scope must be one of coach, athlete');
    await expect(db.pool.query(`INSERT INTO access_tokens (id, scope, subject, token_sha256) VALUES ('tok_aaaaaaaaaaaa', 'owner', 'x', decode(repeat('00', 32), 'hex'))`)).rejects.toThrow(/access_tokens_scope_check/);
  });
});

describe('athlete update', () => {
  test('changes only the fields given, keeps the rest, null clears', async () => {
    const athletes = new AthleteStore(db.pool);
    await athletes.add('anna', { timezone: 'Europe/Paris', ftpW: 250, weightKg: 60, coach: 'coach-bo' });
    const updated = await athletes.update('anna', { ftpW: 262, coach: null });
    expect(updated).toMatchObject({ handle: 'anna', timezone: 'Europe/Paris', ftpW: 262, weightKg: 60, coach: null });
    expect(await athletes.update('nobody', { ftpW: 200 })).toBeNull();
    expect((await athletes.list('coach-bo')).map((a) => a.handle)).toEqual([]);
  });
});
