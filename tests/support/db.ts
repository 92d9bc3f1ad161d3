import { Pool } from 'pg';
import { randomBytes } from 'node:crypto';

/**
 * A fresh, uniquely named database on the PostgreSQL server that the test run uses
 * (`DATABASE_URL`, set by the global setup or by the developer). Each test file gets its own
 * database, so files can run in parallel and never see each other's rows.
 */
export interface TestDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

export function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: run the tests with `npm test` (it starts PostgreSQL) or point DATABASE_URL at a server',
    );
  }
  return url;
}

export async function createTestDatabase(prefix = 'lanterne_test'): Promise<TestDatabase> {
  const base = new URL(serverUrl());
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new Pool({ connectionString: base.toString(), max: 1 });
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.toString(), max: 5 });
  return {
    url: url.toString(),
    pool,
    async drop() {
      // pool.end() resolves before its sockets close; the forced DROP then cuts them, which the
      // pool would report as an unhandled error.
      pool.on('error', () => undefined);
      await pool.end();
      const admin2 = new Pool({ connectionString: base.toString(), max: 1 });
      try {
        await admin2.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin2.end();
      }
    },
  };
}
