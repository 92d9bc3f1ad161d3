/** Secrets: the token-encryption key and the encrypted per-athlete OAuth token store. */
export { SECRET_KEY_ENV, generateSecretKey, parseSecretKey, loadSecretKey, type SecretKey } from './secret-key';
export {
  TOKEN_PROVIDERS,
  PgTokenStore,
  TokenDecryptError,
  TokenLockTimeoutError,
  DEFAULT_TOKEN_LOCK_TIMEOUT_MS,
  type LockedSave,
  type TokenProvider,
  type OAuthTokens,
  type TokenStatus,
  type TokenStore,
  type PgTokenStoreOptions,
} from './token-store';
export { InMemoryTokenStore } from './in-memory-token-store';
export { EncryptionCodec, dataConverterFromEnv, PAYLOAD_KEY_ENV, ENCRYPTED_ENCODING } from './payload-codec';
