import { Pool } from 'pg';
import type { TestDatabase } from '../../support/db';
import { freshDatabase } from './test-database';
import { MIGRATIONS, migrate } from '../../../src/memory/migrations';

describe('migrate', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await freshDatabase('lanterne_mig');
  });
  afterEach(async () => {
    await db.drop();
  });

  const tables = async (pool: Pool) =>
    (
      await pool.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      )
    ).rows.map((r) => r.table_name);

  test('creates every table on an empty database, then is a no-op', async () => {
    const first = await migrate(db.pool);
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.id));
    expect(await tables(db.pool)).toEqual(
      [
        'access_tokens',
        'adaptations',
        'athlete_tokens',
        'athletes',
        'class_suggestions',
        'config_versions',
        'daily_load',
        'day_runs',
        'decisions',
        'load_metrics',
        'missions',
        'notifications',
        'observations',
        'overrides',
        'peloton_classes',
        'peloton_syncs',
        'plans',
        'provider_accounts',
        'reflections',
        'reports',
        'rides',
        'schema_migrations',
        'webhook_events',
        'webhook_subscriptions',
      ].sort(),
    );

    const second = await migrate(db.pool);
    expect(second.applied).toEqual([]);
    const recorded = await db.pool.query('SELECT id FROM schema_migrations ORDER BY id');
    expect(recorded.rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
  });

  test('concurrent migrate() from two pools applies each migration exactly once', async () => {
    const other = new Pool({ connectionString: db.url, max: 2 });
    try {
      const results = await Promise.all([migrate(db.pool), migrate(other), migrate(db.pool), migrate(other)]);
      const applied = results.flatMap((r) => r.applied).sort();
      expect(applied).toEqual(MIGRATIONS.map((m) => m.id).sort());
      // exactly one caller did the work, the others found it done
      expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
    } finally {
      other.on('error', () => undefined); // see test-database.ts: end() races the database drop
      await other.end();
    }
  });

  test('a failing migration rolls back everything and names the migration', async () => {
    const broken = [...MIGRATIONS, { id: '9999_broken', sql: 'CREATE TABLE missions (x int)' }];
    await expect(migrate(db.pool, broken)).rejects.toThrow(/database migration 9999_broken failed: .*missions/);
    expect(await tables(db.pool)).toEqual([]);
    // the good ones still apply afterwards
    expect((await migrate(db.pool)).applied).toHaveLength(MIGRATIONS.length);
  });

  test('later migrations apply on top of an existing schema', async () => {
    await migrate(db.pool, MIGRATIONS.slice(0, 1));
    expect(await tables(db.pool)).not.toContain('athlete_tokens');
    expect((await migrate(db.pool)).applied).toEqual(MIGRATIONS.slice(1).map((m) => m.id));
    expect(await tables(db.pool)).toContain('athlete_tokens');
  });

  test('refuses a migration list that is not in ascending order', async () => {
    await expect(migrate(db.pool, [MIGRATIONS[1], MIGRATIONS[0]])).rejects.toThrow(/out of order/);
  });
});
