import {
  TOKEN_PROVIDERS,
  checkTokens,
  type LockedSave,
  type OAuthTokens,
  type TokenProvider,
  type TokenStatus,
  type TokenStore,
} from './token-store';

/**
 * A TokenStore in process memory, for tests of the integration clients and for `--dry-run` style
 * tools. Nothing is encrypted and nothing survives the process: never use it in the worker.
 * `withLock` serialises callers within this process only.
 */
export class InMemoryTokenStore implements TokenStore {
  private readonly rows = new Map<string, { tokens: OAuthTokens; updatedAt: string }>();
  /** Per (athlete, provider): the end of the last `withLock` call queued. */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The stored tokens (a copy), or null. */
  async load(athlete: string, provider: TokenProvider): Promise<OAuthTokens | null> {
    const row = this.rows.get(rowKey(athlete, provider));
    return row ? { ...row.tokens } : null;
  }

  /** Replace the tokens for (athlete, provider). */
  async save(athlete: string, provider: TokenProvider, tokens: OAuthTokens): Promise<void> {
    if (!(TOKEN_PROVIDERS as readonly string[]).includes(provider)) {
      throw new Error(`token provider must be one of ${TOKEN_PROVIDERS.join(', ')}, got ${JSON.stringify(provider)}`);
    }
    const clean = checkTokens(tokens, `${athlete}/${provider}`);
    this.rows.set(rowKey(athlete, provider), { tokens: clean, updatedAt: new Date(this.now()).toISOString() });
  }

  /** Providers with tokens for the athlete, with expiry. */
  async status(athlete: string): Promise<TokenStatus[]> {
    const now = this.now();
    return TOKEN_PROVIDERS.flatMap((provider) => {
      const row = this.rows.get(rowKey(athlete, provider));
      if (!row) return [];
      const exp = row.tokens.expiresAt;
      return [{ provider, expiresAt: exp, expired: exp !== null && Date.parse(exp) <= now, updatedAt: row.updatedAt }];
    });
  }

  /** One `work` at a time per (athlete, provider), in call order; its save applies when `work` succeeds. */
  async withLock<T>(
    athlete: string,
    provider: TokenProvider,
    work: (tokens: OAuthTokens | null, save: LockedSave) => Promise<T>,
  ): Promise<T> {
    const key = rowKey(athlete, provider);
    const before = this.locks.get(key) ?? Promise.resolve();
    const run = before.then(async () => {
      let saved: OAuthTokens | null = null;
      const result = await work(await this.load(athlete, provider), async (next) => {
        saved = checkTokens(next, `${athlete}/${provider}`);
      });
      if (saved) await this.save(athlete, provider, saved);
      return result;
    });
    const settled = run.catch(() => undefined);
    this.locks.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    }
  }
}

function rowKey(athlete: string, provider: TokenProvider): string {
  return `${athlete}\u0000${provider}`;
}
