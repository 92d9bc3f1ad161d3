/** The mission memory in PostgreSQL: schema migrations, the store, and its record types. */
export { migrate, MIGRATIONS, type Migration } from './migrations';
export { MemoryStore, DEFAULT_NOTIFICATION_STALE_AFTER_MS, type MemoryStoreOptions } from './memory-store';
export { compactRecentDays } from './recent-context';
export * from './records';
