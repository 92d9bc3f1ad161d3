import { Pool } from 'pg';
import { migrate, MemoryStore } from '../memory';
import { PgTokenStore, loadSecretKey, type TokenStore } from '../secrets';
import { createSmtpMailer, loadNotifyConfig } from '../communication';
import { StravaRateLimiter } from '../observation';
import { jsonLog } from '../infra/json-logger';
import { outputDir } from '../infra/project-paths';
import type { ActivityDeps } from '../activities';
import { workerSettingsFromEnv } from './worker-settings';

/**
 * The encrypted token store opened on first use, so a worker that only uses the synthetic athlete
 * needs no LANTERNE_SECRET_KEY; a missing key then fails the one step that needs tokens, clearly.
 */
function lazyTokenStore(pool: Pool, env: NodeJS.ProcessEnv): TokenStore {
  let store: PgTokenStore | null = null;
  const open = () => (store ??= new PgTokenStore(pool, loadSecretKey(env)));
  return {
    load: (athlete, provider) => open().load(athlete, provider),
    save: (athlete, provider, tokens) => open().save(athlete, provider, tokens),
    status: (athlete) => open().status(athlete),
    withLock: (athlete, provider, work) => open().withLock(athlete, provider, work),
  };
}

export interface WorkerResources {
  deps: ActivityDeps;
  pool: Pool;
  close(): Promise<void>;
}

/** PostgreSQL (migrated), the token store and notification settings for one worker process. */
export async function openWorkerResources(opts: {
  databaseUrl: string;
  env?: NodeJS.ProcessEnv;
  temporalUiUrl?: string | null;
  namespace?: string;
  outputDir?: string;
}): Promise<WorkerResources> {
  const env = opts.env ?? process.env;
  const notify = loadNotifyConfig(env);
  const settings = workerSettingsFromEnv(env);
  const pool = new Pool({ connectionString: opts.databaseUrl, max: settings.dbPoolSize });
  pool.on('error', (err) => jsonLog().warn({ error: err.message }, 'idle database connection lost'));
  await migrate(pool);
  // One mailer for the worker: its SMTP connections are reused by every notification.
  const mailer = notify.smtp ? createSmtpMailer(notify.smtp, { pooledConnections: settings.smtpConnections }) : undefined;
  const deps: ActivityDeps = {
    memory: new MemoryStore(pool),
    tokens: lazyTokenStore(pool, env),
    notify,
    outputDir: opts.outputDir ?? outputDir(),
    env,
    temporalUiUrl: opts.temporalUiUrl ?? null,
    namespace: opts.namespace ?? 'default',
    stravaLimiter: new StravaRateLimiter(),
    mailer,
  };
  return {
    deps,
    pool,
    close: async () => {
      mailer?.close();
      await pool.end();
    },
  };
}
