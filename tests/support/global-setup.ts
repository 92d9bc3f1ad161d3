import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPostgres, type RunningPostgres } from '../../src/infra/postgres-server';
import { buildCli } from './build-cli';

declare global {
  var __LANTERNE_TEST_PG__: { pg: RunningPostgres; dir: string } | undefined;
}

/**
 * Starts a throwaway real PostgreSQL for the test run, on a free port in a temporary folder,
 * unless DATABASE_URL points at one already. Each test file then creates its own database on it
 * (tests/support/db.ts). Temporal servers are started by the test files that need them.
 * First, compiles the CLI to dist/ if src/ changed since it was last built (tests/support/build-cli.ts).
 */
export default async function globalSetup(): Promise<void> {
  buildCli();
  if (process.env.DATABASE_URL) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-test-pg-'));
  fs.chmodSync(dir, 0o755);
  const pg = await startPostgres({ dataDir: dir, database: 'lanterne_test' });
  process.env.DATABASE_URL = pg.url;
  globalThis.__LANTERNE_TEST_PG__ = { pg, dir };
}
