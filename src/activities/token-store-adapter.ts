import type { TokenStore as ObservationTokenStore, OAuthTokens as ObservationTokens } from '../observation';
import type { TokenStore as SecretTokenStore } from '../secrets';

/**
 * The observation clients speak epoch seconds; the encrypted store keeps ISO instants. This
 * adapter lets the clients persist rotated tokens in the encrypted PostgreSQL store.
 */
export function observationTokenStore(store: SecretTokenStore): ObservationTokenStore {
  return {
    async load(athlete, provider) {
      const t = await store.load(athlete, provider);
      if (!t) return null;
      return {
        accessToken: t.accessToken,
        refreshToken: t.refreshToken,
        expiresAt: t.expiresAt ? Math.floor(Date.parse(t.expiresAt) / 1000) : null,
        scope: t.scope,
      };
    },
    async save(athlete, provider, tokens: ObservationTokens) {
      await store.save(athlete, provider, {
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresAt: tokens.expiresAt === null ? null : new Date(tokens.expiresAt * 1000).toISOString(),
        scope: tokens.scope ?? null,
      });
    },
  };
}
