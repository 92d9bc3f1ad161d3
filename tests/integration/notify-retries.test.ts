import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { Worker, Runtime, DefaultLogger } from '@temporalio/worker';
import { advanceToLocalTime, useTimeSkippingEnv, uniqueTaskQueue } from '../support/temporal';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { runTodayNow, waitForStablePhase } from '../support/mission-client';
import { openWorkerResources, type WorkerResources } from '../../src/worker/activity-deps';
import { createActivities } from '../../src/activities';
import { createNotifier } from '../../src/communication';
import { loadMissionFile } from '../../src/mission';
import { projectRoot } from '../../src/infra/project-paths';
import { startMission } from '../../src/client/missions';

Runtime.install({ logger: new DefaultLogger('ERROR') });

/**
 * The notify activity loses its worker right after the SMTP server accepted the message (its first
 * attempt throws after sending). Temporal retries it: the outbox row says "sent", so the athlete
 * still gets exactly one e-mail.
 *
 * Time is an input: the notifier reads the test server's clock (the time its attempt was
 * scheduled), and the test moves that clock to noon in Paris before the day runs, far from the
 * mission's quiet hours (22:00–06:00) and from midnight.
 */
describe('notifications under activity retries', () => {
  const suite = useTimeSkippingEnv();
  let db: TestDatabase;
  let smtp: SmtpSink;
  let resources: WorkerResources;
  let out: string;
  const attempts: number[] = [];

  beforeAll(async () => {
    [db, smtp] = await Promise.all([createTestDatabase('lanterne_retry'), startSmtpSink()]);
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-retry-'));
    resources = await openWorkerResources({
      databaseUrl: db.url,
      outputDir: out,
      env: { LANTERNE_DATA_SOURCE: 'synthetic', SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port), SMTP_SECURE: 'false', SMTP_FROM: 'coach@lanterne.test', NOTIFY_EMAIL_TO: 'rider@lanterne.test' },
    });
    resources.deps.notifier = (outbox) => {
      const real = createNotifier({ config: resources.deps.notify, outbox, now: () => Context.current().info.currentAttemptScheduledTimestampMs });
      return {
        async notifyDay(req) {
          const result = await real.notifyDay(req);
          const attempt = Context.current().info.attempt;
          attempts.push(attempt);
          if (attempt === 1) throw new Error('worker lost right after the SMTP server accepted the message');
          return result;
        },
        notifyMessage: (req) => real.notifyMessage(req),
        close: () => real.close(),
      };
    };
  }, 120_000);

  afterAll(async () => {
    await resources?.close();
    await Promise.all([db?.drop(), smtp?.close()]);
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('sends one e-mail for the day although notify ran twice', async () => {
    const taskQueue = uniqueTaskQueue('retry');
    const worker = await Worker.create({ connection: suite.env.nativeConnection, taskQueue, workflowBundle: suite.bundle, activities: createActivities(resources.deps) });
    await advanceToLocalTime(suite.env, '12:00', 'Europe/Paris');
    await worker.runUntil(async () => {
      const mission = await loadMissionFile(path.join(projectRoot(), 'missions/tdf_sim_2025.toml'));
      const { handle } = await startMission(suite.env.client, resources.deps.memory, mission, { taskQueue, startDate: 'today' });
      await runTodayNow(handle); // day 1 runs now whatever the test server's time of day
      const status = await waitForStablePhase(handle, { done: (s) => s.daysDone >= 1, now: () => suite.env.currentTimeMs() });
      await handle.terminate('test done');
      expect(status.lastDay?.status).toBe('ok');
      const day = status.lastDay!.date;
      expect(attempts).toEqual([1, 2]);
      expect(smtp.messages).toHaveLength(1);
      expect(smtp.messages[0].subject).toContain(day);
      const rows = await db.pool.query(`select status, count(*)::int as n from notifications where day = $1 group by status`, [day]);
      expect(rows.rows).toEqual([{ status: 'sent', n: 1 }]);
    });
  }, 120_000);
});
