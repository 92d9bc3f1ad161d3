import { createTestDatabase, type TestDatabase } from '../../support/db';

/**
 * createTestDatabase() plus a drop that tolerates pg-pool's end() race: Pool.end() resolves before
 * the idle sockets are closed, so `DROP DATABASE ... WITH (FORCE)` can terminate them and the pool
 * would emit an unhandled 'error' event that fails the test file at random.
 */
export async function freshDatabase(prefix: string): Promise<TestDatabase> {
  const db = await createTestDatabase(prefix);
  return {
    ...db,
    async drop() {
      db.pool.on('error', () => undefined);
      await db.drop();
    },
  };
}
