/** The mission memory in PostgreSQL: schema migrations, the stores, and their record types. */
export { migrate, MIGRATIONS, type Migration } from './migrations';
export { MemoryStore, type MemoryStoreOptions } from './memory-store';
export {
  DEFAULT_CLAIM_LEASE_MS,
  DEFAULT_MESSAGE_KEY,
  ClaimLostError,
  type OutboxClaim,
  type OutboxKey,
  type OutboxRow,
} from './notification-outbox';
export { compactRecentDays } from './recent-context';
export { DAY_PARTS, type DayPart, type HistoryOptions } from './day-history';
export { emptyDay } from './pg-support';
export * from './records';
export { AthleteExistsError, AthleteStore, HANDLE_RE, fieldsFromProfile, type AthleteFields, type AthleteRecord } from './athlete-store';
export type { TransactionStores } from './memory-store';
export {
  AccessTokenStore,
  ACCESS_TOKEN_PREFIX,
  TOKEN_SCOPES,
  tokenDigest,
  type AccessTokenRecord,
  type TokenGrant,
  type TokenScopeKind,
} from './access-token-store';
export type { RideRecord } from './ride-store';
export { DailyLoadStore } from './daily-load-store';
export { PelotonStore } from './peloton-store';
export {
  WebhookStore,
  WEBHOOK_PROVIDERS,
  type WebhookProvider,
  type ProviderAccount,
  type StoredSubscription,
  type WebhookEventRecord,
  type WebhookEventStatus,
  type NewWebhookEvent,
} from './webhook-store';
