/**
 * The worker's capacity settings, from the environment: how many workflows it keeps in its sticky
 * cache, how many workflow tasks, activities and local activities it runs at once, how long a
 * workflow task waits on its sticky queue before any worker may take it, and how many PostgreSQL
 * and SMTP connections its activities share. The defaults are the ones the burst benchmark
 * (`npm run bench:burst`) measured; README "Configuration" and "Performance" say what they cost.
 */
import { UserError } from '../infra/user-error';

export interface WorkerSettings {
  /** Workflows kept in memory between tasks (the sticky cache); 0 turns the cache off (every task replays). */
  maxCachedWorkflows: number;
  /** Workflow tasks run at once. */
  maxConcurrentWorkflowTaskExecutions: number;
  /** Activities run at once. */
  maxConcurrentActivityTaskExecutions: number;
  /** Local activities run at once. */
  maxConcurrentLocalActivityExecutions: number;
  /** Seconds a workflow task waits on this worker's sticky queue before it goes to the shared queue. */
  stickyQueueTimeoutS: number;
  /** PostgreSQL connections in the worker's pool (shared by its activities). */
  dbPoolSize: number;
  /** SMTP connections the worker keeps open for its e-mails (shared by its activities). */
  smtpConnections: number;
}

interface Setting {
  env: string;
  key: keyof WorkerSettings;
  fallback: number;
  min: number;
  max: number;
  meaning: string;
}

/** Every setting with its variable, default and accepted range (the README's Configuration table says the same). */
export const WORKER_SETTINGS: readonly Setting[] = [
  { env: 'LANTERNE_WORKER_MAX_CACHED_WORKFLOWS', key: 'maxCachedWorkflows', fallback: 1000, min: 0, max: 100_000, meaning: 'sticky cache (workflows)' },
  { env: 'LANTERNE_WORKER_MAX_WORKFLOW_TASKS', key: 'maxConcurrentWorkflowTaskExecutions', fallback: 40, min: 2, max: 10_000, meaning: 'workflow tasks at once' },
  { env: 'LANTERNE_WORKER_MAX_ACTIVITIES', key: 'maxConcurrentActivityTaskExecutions', fallback: 100, min: 1, max: 10_000, meaning: 'activities at once' },
  { env: 'LANTERNE_WORKER_MAX_LOCAL_ACTIVITIES', key: 'maxConcurrentLocalActivityExecutions', fallback: 100, min: 1, max: 10_000, meaning: 'local activities at once' },
  { env: 'LANTERNE_WORKER_STICKY_TIMEOUT_S', key: 'stickyQueueTimeoutS', fallback: 10, min: 1, max: 3600, meaning: 'sticky queue timeout (s)' },
  { env: 'LANTERNE_WORKER_DB_POOL', key: 'dbPoolSize', fallback: 10, min: 1, max: 1000, meaning: 'PostgreSQL connections' },
  { env: 'LANTERNE_WORKER_SMTP_CONNECTIONS', key: 'smtpConnections', fallback: 3, min: 1, max: 100, meaning: 'SMTP connections' },
];

/** The settings from `env`; a value that is not a whole number in range is refused, naming the variable. */
export function workerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const out = {} as WorkerSettings;
  for (const s of WORKER_SETTINGS) {
    const raw = env[s.env]?.trim();
    if (raw === undefined || raw === '') {
      out[s.key] = s.fallback;
      continue;
    }
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < s.min || n > s.max) {
      throw new UserError(`${s.env}=${JSON.stringify(raw)} is not accepted`, `use a whole number from ${s.min} to ${s.max} (${s.meaning}; default ${s.fallback})`);
    }
    out[s.key] = n;
  }
  // The SDK needs room in the cache for every workflow task it runs at once (it would lower them silently).
  if (out.maxCachedWorkflows > 0 && out.maxConcurrentWorkflowTaskExecutions > out.maxCachedWorkflows) {
    throw new UserError(
      `LANTERNE_WORKER_MAX_WORKFLOW_TASKS=${out.maxConcurrentWorkflowTaskExecutions} is more than LANTERNE_WORKER_MAX_CACHED_WORKFLOWS=${out.maxCachedWorkflows}`,
      'a worker with a cache runs at most as many workflow tasks at once as it caches workflows: lower the first or raise the second (0 turns the cache off)',
    );
  }
  return out;
}

/** The settings in one line, as the worker logs them and the benchmark prints them. */
export function describeWorkerSettings(s: WorkerSettings): string {
  return WORKER_SETTINGS.map((d) => `${d.env}=${s[d.key]}`).join(' ');
}
