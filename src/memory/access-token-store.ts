import { createHash, randomBytes } from 'node:crypto';
import type { Pool, QueryResultRow } from 'pg';
import { iso } from './pg-support';

/**
 * Scoped dashboard tokens. The owner's token (DASHBOARD_TOKEN or the file `up` writes) sees
 * everything and is not stored here; these tokens see less:
 * - `coach`: every athlete whose `athletes.coach` is the subject (looked up at each request, so an
 *   athlete given to the coach later is seen at once);
 * - `athlete`: that athlete's missions only.
 * A token is 32 random bytes shown once when made; only its SHA-256 digest is stored, so the
 * database cannot give a token back. Revoked tokens stay listed, with when.
 */
export const TOKEN_SCOPES = ['coach', 'athlete'] as const;
export type TokenScopeKind = (typeof TOKEN_SCOPES)[number];

export interface AccessTokenRecord {
  /** `tok_` + 12 characters: names the token in lists and `token revoke`; not a secret. */
  id: string;
  scope: TokenScopeKind;
  /** The coach's name or the athlete's handle. */
  subject: string;
  label: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What a presented token grants, or null when it is unknown or revoked. */
export interface TokenGrant {
  tokenId: string;
  scope: TokenScopeKind;
  subject: string;
}

/** The prefix of every scoped token (so a leaked one is recognisable in a scanner). */
export const ACCESS_TOKEN_PREFIX = 'lnt_';
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function newTokenId(): string {
  return `tok_${Array.from(randomBytes(12), (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')}`;
}

/** A fresh token: the prefix and 32 random bytes in base64url (47 characters). */
export function newAccessToken(): string {
  return `${ACCESS_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export class AccessTokenStore {
  constructor(private readonly pool: Pool) {}

  /** Makes a token for the scope; returns the token (to show once) and its record. */
  async create(scope: TokenScopeKind, subject: string, label: string | null = null): Promise<{ token: string; record: AccessTokenRecord }> {
    if (!TOKEN_SCOPES.includes(scope)) throw new Error(`token scope must be one of ${TOKEN_SCOPES.join(', ')}, got ${JSON.stringify(scope)}`);
    if (typeof subject !== 'string' || subject === '') throw new Error('a token needs a subject (a coach name or an athlete handle)');
    const token = newAccessToken();
    const { rows } = await this.pool.query(
      `INSERT INTO access_tokens (id, scope, subject, token_sha256, label) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [newTokenId(), scope, subject, tokenDigest(token), label],
    );
    return { token, record: toRecord(rows[0]) };
  }

  /** What the token grants: looked up by its digest; null when unknown or revoked. Notes its use (at most once a minute). */
  async verify(token: string): Promise<TokenGrant | null> {
    if (typeof token !== 'string' || !token.startsWith(ACCESS_TOKEN_PREFIX)) return null;
    const { rows } = await this.pool.query(
      `SELECT id, scope, subject, last_used_at IS NULL OR last_used_at < now() - interval '1 minute' AS stale
         FROM access_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL`,
      [tokenDigest(token)],
    );
    if (rows.length === 0) return null;
    if (rows[0].stale) await this.pool.query(`UPDATE access_tokens SET last_used_at = now() WHERE id = $1`, [rows[0].id]);
    return { tokenId: rows[0].id, scope: rows[0].scope, subject: rows[0].subject };
  }

  /** Whether the token with this id still grants access (sessions made with it end when it is revoked). */
  async isActive(id: string): Promise<boolean> {
    const { rows } = await this.pool.query(`SELECT 1 FROM access_tokens WHERE id = $1 AND revoked_at IS NULL`, [id]);
    return rows.length > 0;
  }

  async list(): Promise<AccessTokenRecord[]> {
    const { rows } = await this.pool.query(`SELECT * FROM access_tokens ORDER BY created_at, id`);
    return rows.map(toRecord);
  }

  async get(id: string): Promise<AccessTokenRecord | null> {
    const { rows } = await this.pool.query(`SELECT * FROM access_tokens WHERE id = $1`, [id]);
    return rows.length ? toRecord(rows[0]) : null;
  }

  /** Revokes the token; null when there is no such token. Revoking twice keeps the first time. */
  async revoke(id: string): Promise<AccessTokenRecord | null> {
    const { rows } = await this.pool.query(`UPDATE access_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *`, [id]);
    return rows.length ? toRecord(rows[0]) : null;
  }
}

function toRecord(r: QueryResultRow): AccessTokenRecord {
  return {
    id: r.id,
    scope: r.scope,
    subject: r.subject,
    label: r.label ?? null,
    createdAt: iso(r.created_at),
    lastUsedAt: r.last_used_at ? iso(r.last_used_at) : null,
    revokedAt: r.revoked_at ? iso(r.revoked_at) : null,
  };
}
