import { TOKEN_PROVIDERS, checkTokens, type OAuthTokens, type TokenProvider, type TokenStatus, type TokenStore } from './token-store';

/**
 * A TokenStore in process memory, for tests of the integration clients and for `--dry-run` style
 * tools. Nothing is encrypted and nothing survives the process: never use it in the worker.
 */
export class InMemoryTokenStore implements TokenStore {
  private readonly rows = new Map<string, { tokens: OAuthTokens; updatedAt: string }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The stored tokens (a copy), or null. */
  async load(athlete: string, provider: TokenProvider): Promise<OAuthTokens | null> {
    const row = this.rows.get(`${athlete}\u0000${provider}`);
    return row ? { ...row.tokens } : null;
  }

  /** Replace the tokens for (athlete, provider). */
  async save(athlete: string, provider: TokenProvider, tokens: OAuthTokens): Promise<void> {
    if (!(TOKEN_PROVIDERS as readonly string[]).includes(provider)) {
      throw new Error(`token provider must be one of ${TOKEN_PROVIDERS.join(', ')}, got ${JSON.stringify(provider)}`);
    }
    const clean = checkTokens(tokens, `${athlete}/${provider}`);
    this.rows.set(`${athlete}\u0000${provider}`, { tokens: clean, updatedAt: new Date(this.now()).toISOString() });
  }

  /** Providers with tokens for the athlete, with expiry. */
  async status(athlete: string): Promise<TokenStatus[]> {
    const now = this.now();
    return TOKEN_PROVIDERS.flatMap((provider) => {
      const row = this.rows.get(`${athlete}\u0000${provider}`);
      if (!row) return [];
      const exp = row.tokens.expiresAt;
      return [{ provider, expiresAt: exp, expired: exp !== null && Date.parse(exp) <= now, updatedAt: row.updatedAt }];
    });
  }
}
