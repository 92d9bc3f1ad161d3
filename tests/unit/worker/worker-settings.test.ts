import { describeWorkerSettings, workerSettingsFromEnv, WORKER_SETTINGS } from '../../../src/worker/worker-settings';
import { isUserError } from '../../../src/infra/user-error';

function refusal(env: NodeJS.ProcessEnv): { message: string; hint: string | undefined } {
  try {
    workerSettingsFromEnv(env);
  } catch (err) {
    if (!isUserError(err)) throw err;
    return { message: err.message, hint: (err as { hint?: string }).hint };
  }
  throw new Error('accepted');
}

describe('worker settings from the environment', () => {
  it('defaults when nothing is set, and says them in one line', () => {
    const s = workerSettingsFromEnv({});
    expect(s).toEqual({
      maxCachedWorkflows: 1000,
      maxConcurrentWorkflowTaskExecutions: 40,
      maxConcurrentActivityTaskExecutions: 100,
      maxConcurrentLocalActivityExecutions: 100,
      stickyQueueTimeoutS: 10,
      dbPoolSize: 10,
      smtpConnections: 3,
    });
    expect(describeWorkerSettings(s)).toBe(
      'LANTERNE_WORKER_MAX_CACHED_WORKFLOWS=1000 LANTERNE_WORKER_MAX_WORKFLOW_TASKS=40 LANTERNE_WORKER_MAX_ACTIVITIES=100 LANTERNE_WORKER_MAX_LOCAL_ACTIVITIES=100 LANTERNE_WORKER_STICKY_TIMEOUT_S=10 LANTERNE_WORKER_DB_POOL=10 LANTERNE_WORKER_SMTP_CONNECTIONS=3',
    );
  });

  it('reads every variable', () => {
    const s = workerSettingsFromEnv({
      LANTERNE_WORKER_MAX_CACHED_WORKFLOWS: '0',
      LANTERNE_WORKER_MAX_WORKFLOW_TASKS: '8',
      LANTERNE_WORKER_MAX_ACTIVITIES: '50',
      LANTERNE_WORKER_MAX_LOCAL_ACTIVITIES: '20',
      LANTERNE_WORKER_STICKY_TIMEOUT_S: ' 5 ',
      LANTERNE_WORKER_DB_POOL: '25',
      LANTERNE_WORKER_SMTP_CONNECTIONS: '1',
    });
    expect(s).toEqual({ maxCachedWorkflows: 0, maxConcurrentWorkflowTaskExecutions: 8, maxConcurrentActivityTaskExecutions: 50, maxConcurrentLocalActivityExecutions: 20, stickyQueueTimeoutS: 5, dbPoolSize: 25, smtpConnections: 1 });
  });

  it.each(WORKER_SETTINGS.map((s) => [s.env, s.min, s.max] as const))('refuses a bad %s, naming it, the value and the accepted range', (name, min, max) => {
    for (const bad of ['abc', '2.5', '-1', String(max + 1), ...(min > 0 ? [String(min - 1)] : [])]) {
      const r = refusal({ [name]: bad });
      expect(r.message).toBe(`${name}=${JSON.stringify(bad)} is not accepted`);
      expect(r.hint).toContain(`use a whole number from ${min} to ${max}`);
    }
  });

  it('refuses more workflow tasks at once than cached workflows (the SDK would lower them silently)', () => {
    const r = refusal({ LANTERNE_WORKER_MAX_CACHED_WORKFLOWS: '10', LANTERNE_WORKER_MAX_WORKFLOW_TASKS: '40' });
    expect(r.message).toBe('LANTERNE_WORKER_MAX_WORKFLOW_TASKS=40 is more than LANTERNE_WORKER_MAX_CACHED_WORKFLOWS=10');
    expect(workerSettingsFromEnv({ LANTERNE_WORKER_MAX_CACHED_WORKFLOWS: '0', LANTERNE_WORKER_MAX_WORKFLOW_TASKS: '40' }).maxCachedWorkflows).toBe(0);
  });
});
