/** The mission memory in PostgreSQL: schema migrations, the stores, and their record types. */
export { migrate, MIGRATIONS, type Migration } from './migrations';
export { MemoryStore, DEFAULT_NOTIFICATION_STALE_AFTER_MS, type MemoryStoreOptions } from './memory-store';
export { compactRecentDays } from './recent-context';
export * from './records';
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
