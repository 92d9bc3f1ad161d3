import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../memory/pg-support';
import { loadSecretKey, type SecretKey } from './secret-key';
import { open, seal } from './token-cipher';

/**
 * Per-athlete OAuth tokens, encrypted at rest with AES-256-GCM under LANTERNE_SECRET_KEY. The token
 * JSON never reaches the database in clear text; only the provider, the expiry and the key
 * fingerprint are stored in clear. Tokens are read by integration clients inside activities and
 * never passed as workflow or activity arguments.
 *
 * This module defines the one token type (`OAuthTokens`) and the one store interface
 * (`TokenStore`) that the observation clients, the connect flow and the encrypted store share.
 */

export const TOKEN_PROVIDERS = ['oura', 'strava', 'peloton'] as const;
/** The service a token set belongs to. */
export type TokenProvider = (typeof TOKEN_PROVIDERS)[number];

export interface OAuthTokens {
  accessToken: string;
  /** null for personal access tokens that cannot be refreshed. */
  refreshToken: string | null;
  /** ISO-8601 instant the access token expires, or null when unknown / never. */
  expiresAt: string | null;
  scope: string | null;
}

/** Saves a token set inside a `withLock` call (before the lock is released). */
export type LockedSave = (tokens: OAuthTokens) => Promise<void>;

/** What `status` tells about one stored token set: no token values. */
export interface TokenStatus {
  provider: TokenProvider;
  expiresAt: string | null;
  /** true when expiresAt is in the past. */
  expired: boolean;
  updatedAt: string;
}

export interface TokenStore {
  /** The athlete's tokens for `provider`, or null when none are stored. */
  load(athlete: string, provider: TokenProvider): Promise<OAuthTokens | null>;
  /** Store the tokens, replacing any older set (a rotated refresh token must always be saved). */
  save(athlete: string, provider: TokenProvider, tokens: OAuthTokens): Promise<void>;
  /** Providers the athlete has tokens for, with expiry; never the tokens themselves. */
  status(athlete: string): Promise<TokenStatus[]>;
  /**
   * Run `work` holding the athlete's `provider` tokens exclusively, across processes: of several
   * callers for the same (athlete, provider) one runs at a time, and each gets the tokens as
   * stored when it got the lock (null when none) and a `save` that writes before the lock is
   * released. A token refresh runs inside it, so a rotated refresh token is used once.
   */
  withLock<T>(athlete: string, provider: TokenProvider, work: (tokens: OAuthTokens | null, save: LockedSave) => Promise<T>): Promise<T>;
}

/** Stored tokens exist but cannot be opened (other key, or altered row). Not worth retrying. */
export class TokenDecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenDecryptError';
  }
}

export interface PgTokenStoreOptions {
  /** Older keys still accepted for reading (rows are re-encrypted with the current key on the next save). */
  previousKeys?: SecretKey[];
  /** Clock for `status().expired`; default `Date.now`. */
  now?: () => number;
  /**
   * How long `withLock` waits for another holder of the same tokens before giving up with a
   * retryable error (ms, default 90 000: a refresh holds the lock for one token request, which
   * may sit out a short Retry-After).
   */
  lockTimeoutMs?: number;
}

export const DEFAULT_TOKEN_LOCK_TIMEOUT_MS = 90_000;

/** Another worker held the tokens' lock for longer than the lock timeout. Worth retrying. */
export class TokenLockTimeoutError extends Error {
  constructor(where: string, timeoutMs: number) {
    super(`tokens for ${where} are held by another worker (a refresh in progress?) for more than ${timeoutMs} ms; try again`);
    this.name = 'TokenLockTimeoutError';
  }
}

/** TokenStore in the `athlete_tokens` table (created by `migrate()` in src/memory/migrations.ts). */
export class PgTokenStore implements TokenStore {
  private readonly keys: Map<string, SecretKey>;
  private readonly now: () => number;
  private readonly lockTimeoutMs: number;

  /** `key` defaults to LANTERNE_SECRET_KEY from the environment (a clear error when missing or malformed). */
  constructor(
    private readonly pool: Pool,
    private readonly key: SecretKey = loadSecretKey(),
    options: PgTokenStoreOptions = {},
  ) {
    this.keys = new Map([...(options.previousKeys ?? []), key].map((k) => [k.id, k]));
    this.now = options.now ?? Date.now;
    this.lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_TOKEN_LOCK_TIMEOUT_MS;
    if (!Number.isInteger(this.lockTimeoutMs) || this.lockTimeoutMs <= 0) {
      throw new Error(`lockTimeoutMs must be a whole number of milliseconds > 0, got ${options.lockTimeoutMs}`);
    }
  }

  /** Decrypt and return the stored tokens, or null; TokenDecryptError when the key differs. */
  async load(athlete: string, provider: TokenProvider): Promise<OAuthTokens | null> {
    checkOwner(athlete, provider);
    const { rows } = await this.pool.query(
      `SELECT ciphertext, iv, auth_tag, key_id FROM athlete_tokens WHERE athlete = $1 AND provider = $2`,
      [athlete, provider],
    );
    return rows.length === 0 ? null : this.decrypt(athlete, provider, rows[0]);
  }

  /** Encrypt and upsert the tokens: one row per (athlete, provider), the last save wins. */
  async save(athlete: string, provider: TokenProvider, tokens: OAuthTokens): Promise<void> {
    checkOwner(athlete, provider);
    await this.write(this.pool, athlete, provider, tokens);
  }

  /**
   * `SELECT … FOR UPDATE` on the athlete's row in a transaction: a second caller (another pool,
   * another process) waits until the first commits, then reads what it saved. When no row exists
   * nothing is locked (there is nothing to refresh). Waiting longer than `lockTimeoutMs` gives a
   * TokenLockTimeoutError; an error in `work` rolls its save back.
   */
  async withLock<T>(
    athlete: string,
    provider: TokenProvider,
    work: (tokens: OAuthTokens | null, save: LockedSave) => Promise<T>,
  ): Promise<T> {
    checkOwner(athlete, provider);
    return inTransaction(this.pool, async (client) => {
      await client.query(`SELECT set_config('lock_timeout', $1, true)`, [`${this.lockTimeoutMs}ms`]);
      let rows;
      try {
        ({ rows } = await client.query(
          `SELECT ciphertext, iv, auth_tag, key_id FROM athlete_tokens WHERE athlete = $1 AND provider = $2 FOR UPDATE`,
          [athlete, provider],
        ));
      } catch (err) {
        if ((err as { code?: string }).code === '55P03') throw new TokenLockTimeoutError(`${athlete}/${provider}`, this.lockTimeoutMs);
        throw err;
      }
      const tokens = rows.length === 0 ? null : this.decrypt(athlete, provider, rows[0]);
      return work(tokens, (next) => this.write(client, athlete, provider, next));
    });
  }

  /** Providers with stored tokens for the athlete, their expiry and last update; no token values. */
  async status(athlete: string): Promise<TokenStatus[]> {
    checkAthlete(athlete);
    const { rows } = await this.pool.query(
      `SELECT provider, expires_at, updated_at FROM athlete_tokens WHERE athlete = $1 ORDER BY provider`,
      [athlete],
    );
    const now = this.now();
    return rows.map((r) => ({
      provider: r.provider,
      expiresAt: r.expires_at ? (r.expires_at as Date).toISOString() : null,
      expired: r.expires_at ? (r.expires_at as Date).getTime() <= now : false,
      updatedAt: (r.updated_at as Date).toISOString(),
    }));
  }

  /** Forget the athlete's tokens for `provider` (disconnect); true when a row was deleted. */
  async remove(athlete: string, provider: TokenProvider): Promise<boolean> {
    checkOwner(athlete, provider);
    const { rowCount } = await this.pool.query(`DELETE FROM athlete_tokens WHERE athlete = $1 AND provider = $2`, [
      athlete,
      provider,
    ]);
    return (rowCount ?? 0) > 0;
  }

  private decrypt(
    athlete: string,
    provider: TokenProvider,
    row: { ciphertext: Buffer; iv: Buffer; auth_tag: Buffer; key_id: string },
  ): OAuthTokens {
    const where = `${athlete}/${provider}`;
    const key = this.keys.get(row.key_id);
    if (!key) {
      throw new TokenDecryptError(
        `cannot decrypt tokens for ${where}: LANTERNE_SECRET_KEY differs from the key they were saved with` +
          ' (set the original key, or connect the provider again to store new tokens)',
      );
    }
    let plaintext: string;
    try {
      plaintext = open(key, { ciphertext: row.ciphertext, iv: row.iv, authTag: row.auth_tag, keyId: row.key_id }, aad(athlete, provider));
    } catch {
      throw new TokenDecryptError(
        `cannot decrypt tokens for ${where}: the stored ciphertext fails authentication (the row was altered or copied from another athlete or provider)`,
      );
    }
    return JSON.parse(plaintext) as OAuthTokens;
  }

  private async write(db: Pool | PoolClient, athlete: string, provider: TokenProvider, tokens: OAuthTokens): Promise<void> {
    const clean = checkTokens(tokens, `${athlete}/${provider}`);
    const box = seal(this.key, JSON.stringify(clean), aad(athlete, provider));
    await db.query(
      `INSERT INTO athlete_tokens (athlete, provider, ciphertext, iv, auth_tag, key_id, expires_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (athlete, provider) DO UPDATE
         SET ciphertext = EXCLUDED.ciphertext, iv = EXCLUDED.iv, auth_tag = EXCLUDED.auth_tag,
             key_id = EXCLUDED.key_id, expires_at = EXCLUDED.expires_at, updated_at = now()`,
      [athlete, provider, box.ciphertext, box.iv, box.authTag, box.keyId, clean.expiresAt],
    );
  }
}

function aad(athlete: string, provider: TokenProvider): string {
  return `lanterne-tokens:${athlete}/${provider}`;
}

function checkAthlete(athlete: string): void {
  if (typeof athlete !== 'string' || athlete === '') {
    throw new Error(`athlete must be a non-empty handle, got ${JSON.stringify(athlete)}`);
  }
}

function checkOwner(athlete: string, provider: string): void {
  checkAthlete(athlete);
  if (!(TOKEN_PROVIDERS as readonly string[]).includes(provider)) {
    throw new Error(`token provider must be one of ${TOKEN_PROVIDERS.join(', ')}, got ${JSON.stringify(provider)}`);
  }
}

/** Validate the token set (messages never include token values) and keep only the known fields. */
export function checkTokens(tokens: OAuthTokens, where: string): OAuthTokens {
  if (!tokens || typeof tokens.accessToken !== 'string' || tokens.accessToken === '') {
    throw new Error(`tokens for ${where}: accessToken must be a non-empty string`);
  }
  if (tokens.refreshToken !== null && (typeof tokens.refreshToken !== 'string' || tokens.refreshToken === '')) {
    throw new Error(`tokens for ${where}: refreshToken must be a non-empty string or null`);
  }
  if (tokens.expiresAt !== null && (typeof tokens.expiresAt !== 'string' || Number.isNaN(Date.parse(tokens.expiresAt)))) {
    throw new Error(`tokens for ${where}: expiresAt must be an ISO-8601 date-time or null, got ${JSON.stringify(tokens.expiresAt)}`);
  }
  if (tokens.scope !== null && typeof tokens.scope !== 'string') {
    throw new Error(`tokens for ${where}: scope must be a string or null`);
  }
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt === null ? null : new Date(tokens.expiresAt).toISOString(),
    scope: tokens.scope,
  };
}
