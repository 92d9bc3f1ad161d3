/** Secrets: the token-encryption key, the encrypted per-athlete OAuth token store, and the payload codec with its key ring. */
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
export { EncryptionCodec, PayloadKeyError, dataConverterFromEnv, payloadDataConverter, isEncrypted, payloadKeyId, ENCRYPTED_ENCODING, KEY_ID_METADATA } from './payload-codec';
export { PayloadKeyRing } from './payload-key-ring';
export { PAYLOAD_KEY_ENV, PAYLOAD_KEYS_PREVIOUS_ENV, openPayloadKeys, payloadKeysFromEnv, previousKeysFromEnv, type PayloadKeys } from './payload-keys';
export { PAYLOAD_KEY_FILE, payloadKeyFilePath, readPayloadKeyFile, ensurePayloadKeyFile, rotatePayloadKeyFile, type StoredPayloadKey } from './payload-key-file';
