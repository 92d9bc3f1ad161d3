import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { loadMissionFile } from '../mission';
import { startDevServer, type RunningDevServer } from '../infra/temporal-dev-server';
import { startPostgres, type RunningPostgres } from '../infra/postgres-server';
import { registerSearchAttributes } from '../infra/register-search-attributes';
import { outputDir, projectRoot, stateDir } from '../infra/project-paths';
import { UserError } from '../infra/user-error';
import { installRuntimeLogger } from '../worker/logger';
import { payloadDataConverter } from '../secrets';
import { openWorkerResources, type WorkerResources } from '../worker/activity-deps';
import { createWorker } from '../worker/run-worker';
import { runNowUpdate, statusQuery } from '../shared/mission-api';
import { startMission } from '../client/missions';
import { localDate } from '../domain/schedule';
import { serverPayloadKeys, upStateFile, type UpState } from './cli-support';
import { dashboardLine, dashboardToken, launchDashboard } from './dashboard-launch';
import { serveWebhooksFromEnv } from '../webhooks';
import { assertPortFree } from '../infra/ports';
import { startUiCodecServer, UI_CODEC_ENDPOINT } from '../codec/ui-codec';

export interface UpOptions {
  mission: string;
  keepDates: boolean;
  dashboard: boolean;
  json: boolean;
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UserError(`${name}=${raw} is not a port number`, 'use a whole number from 1 to 65535');
  return n;
}

function say(json: boolean, line: string): void {
  if (!json) process.stdout.write(line + '\n');
}

/**
 * The main job: provisioned servers (or the configured ones), a worker, the default mission
 * started from today with today's cycle run at once; runs until Ctrl-C, then drains the worker and
 * stops what it started, in reverse order.
 */
export async function up(opts: UpOptions): Promise<void> {
  const started: { name: string; stop: () => Promise<unknown> }[] = [];
  let stopping = false;
  const stopAll = async () => {
    for (const s of started.reverse()) {
      await s.stop().catch((err) => process.stderr.write(`lanterne: stopping ${s.name} failed: ${(err as Error).message}\n`));
    }
    fs.rmSync(upStateFile(), { force: true });
  };
  const onSignal = () => {
    if (stopping) {
      process.stderr.write('lanterne: second interrupt, exiting now\n');
      process.exit(130);
    }
    stopping = true;
    say(opts.json, '\nShutting down: draining the worker, then stopping the servers…');
    void stopAll().then(() => {
      say(opts.json, 'Stopped cleanly.');
      process.exit(0);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const missionFile = path.isAbsolute(opts.mission) || fs.existsSync(opts.mission) ? path.resolve(opts.mission) : path.join(projectRoot(), opts.mission);
    const mission = await loadMissionFile(missionFile); // clear errors before anything starts
    const state = stateDir();
    fs.mkdirSync(path.join(state, 'logs'), { recursive: true });
    installRuntimeLogger('WARN');
    const payloadKeys = serverPayloadKeys((file) => say(opts.json, `Created the payload key ${file} (owner-only): it encrypts every Temporal payload. Keep it, and back it up: without it this mission's history cannot be read.`));
    const dataConverter = payloadDataConverter(payloadKeys.ring);

    // Temporal: the configured server, or the local dev server with its UI.
    let address = process.env.TEMPORAL_ADDRESS;
    const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
    let uiUrl: string | null = process.env.TEMPORAL_UI_URL ?? null;
    // The dev server's UI listens on an internal port; the public UI port serves it behind the codec endpoint.
    let codecUi: { port: number; devUiUrl: string } | null = null;
    if (!address) {
      say(opts.json, 'Starting the Temporal dev server (with its web UI)…');
      const uiPort = portFromEnv('LANTERNE_TEMPORAL_UI_PORT', 8233);
      await assertPortFree(uiPort, 'the Temporal UI', 'LANTERNE_TEMPORAL_UI_PORT');
      const dev: RunningDevServer = await startDevServer({
        dbFile: path.join(state, 'temporal.sqlite'),
        port: portFromEnv('LANTERNE_TEMPORAL_PORT', 7233),
        namespace,
        logFile: path.join(state, 'logs', 'temporal.log'),
        uiCodecEndpoint: UI_CODEC_ENDPOINT,
      });
      started.push({ name: 'the Temporal dev server', stop: dev.stop });
      address = dev.address;
      codecUi = { port: uiPort, devUiUrl: dev.uiUrl! };
      uiUrl = `http://127.0.0.1:${uiPort}`;
    }

    // PostgreSQL: the configured one, or the embedded server with its data under .lanterne/.
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      say(opts.json, 'Starting the embedded PostgreSQL…');
      const pg: RunningPostgres = await startPostgres({
        dataDir: path.join(state, 'postgres'),
        port: process.env.LANTERNE_PG_PORT ? portFromEnv('LANTERNE_PG_PORT', 0) : undefined,
        logFile: path.join(state, 'logs', 'postgres.log'),
      });
      started.push({ name: 'PostgreSQL', stop: pg.stop });
      if (pg.dataDir !== path.join(state, 'postgres')) {
        say(opts.json, `  (PostgreSQL keeps its data in ${pg.dataDir}: its server user cannot enter ${state})`);
      }
      databaseUrl = pg.url;
    }

    const connection = await Connection.connect({ address });
    started.push({ name: 'the client connection', stop: () => connection.close() });
    await registerSearchAttributes(connection, namespace);
    const client = new Client({ connection, namespace, dataConverter });

    const resources: WorkerResources = await openWorkerResources({ databaseUrl, temporalUiUrl: uiUrl, namespace, outputDir: outputDir() });
    started.push({ name: 'the database pool', stop: resources.close });
    say(opts.json, 'Starting the worker…');
    const { worker, connection: workerConnection } = await createWorker({ address, namespace, deps: resources.deps, dataConverter });
    started.push({ name: 'the worker connection', stop: () => workerConnection.close() });
    const running = worker.run();
    started.push({
      name: 'the worker',
      stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
    });

    const token = opts.dashboard ? dashboardToken(state) : null;
    const dashboard = token
      ? await launchDashboard({ memory: resources.deps.memory, client, token: token.token, temporalUiUrl: uiUrl, namespace })
      : null;
    if (dashboard) started.push({ name: 'the dashboard', stop: dashboard.close });
    const webhooks = await serveWebhooksFromEnv({ temporalAddress: address, namespace, databaseUrl, dataConverter });
    if (webhooks) {
      started.push({ name: 'the webhook receiver', stop: webhooks.close });
      say(opts.json, `Webhook receiver on ${webhooks.url}/oura and ${webhooks.url}/strava.`);
    }
    if (codecUi) {
      // Without the dashboard there is no sign-in: nothing authorises, and the UI shows ciphertext.
      const codecServer = await startUiCodecServer({ ...codecUi, keys: payloadKeys.ring, namespace, authorize: (headers) => dashboard?.signedIn(headers) ?? false });
      started.push({ name: 'the Temporal UI codec server', stop: codecServer.close });
    }

    // The mission, from today, and today's cycle at once.
    const { workflowId, handle, started: freshStart } = await startMission(client, resources.deps.memory, mission, {
      startDate: opts.keepDates ? undefined : 'today',
      reuseRunning: true,
    });
    say(opts.json, freshStart ? `Started mission ${mission.id} (${mission.name}) from today.` : `Mission ${mission.id} is already running; picking it up.`);

    const upState: UpState = { pid: process.pid, temporalAddress: address, namespace, temporalUiUrl: uiUrl, databaseUrl, dashboardUrl: dashboard?.url ?? null, missionId: mission.id, workflowId };
    fs.writeFileSync(upStateFile(), JSON.stringify(upState, null, 2));

    let today = localDate(Date.now(), mission.timezone);
    for (let tries = 0; ; tries++) {
      try {
        const r = await handle.executeUpdate(runNowUpdate, { args: [{}] });
        today = r.date;
        say(opts.json, `Running today's cycle (${r.date}) now…`);
        break;
      } catch (err) {
        if (!(err instanceof WorkflowUpdateFailedError)) throw err;
        const why = (err.cause as Error | undefined)?.message ?? err.message;
        if (why.includes('still loading') && tries < 120) {
          await new Promise((r) => setTimeout(r, 500));
          continue;
        }
        const ranByItself = freshStart && (why.includes('already ran') || why.includes('running right now'));
        say(opts.json, ranByItself ? `Today's cycle started by itself: its run time (${mission.runTime} ${mission.timezone}) had passed.` : `Today's cycle: ${why}`);
        break;
      }
    }

    const reportPath = path.join(outputDir(), mission.athlete.handle, mission.id, `${today}.md`);
    const deadline = Date.now() + 120_000;
    const query = () => handle.query(statusQuery).catch(() => null);
    let status = await query();
    while (Date.now() < deadline && !(status?.lastDay?.date === today && status.phase !== 'running-day')) {
      await new Promise((r) => setTimeout(r, 500));
      status = (await query()) ?? status;
    }
    if (!status) throw new UserError('the mission workflow does not answer its status query', `see ${path.join(state, 'logs')} and the Temporal UI`);
    const ui = uiUrl ? `${uiUrl}/namespaces/${namespace}/workflows/${workflowId}` : '(no UI: TEMPORAL_ADDRESS points at an external server)';
    if (opts.json) {
      process.stdout.write(JSON.stringify({ temporalUi: ui, report: fs.existsSync(reportPath) ? reportPath : null, dashboard: dashboard && token ? { url: `${dashboard.url}/sign-in`, token: token.where } : null, status }, null, 2) + '\n');
    } else {
      const day = status.lastDay;
      process.stdout.write(
        [
          '',
          `Lanterne is running mission "${mission.name}".`,
          `  Temporal UI : ${ui}`,
          `  Report      : ${fs.existsSync(reportPath) ? reportPath : `(not written yet: ${reportPath})`}`,
          day ? `  Today       : ${day.date} — ${day.decision ?? day.status} (${day.status})` : '',
          status.nextRunAt ? `  Next run    : ${status.nextRunAt} (${mission.runTime} ${mission.timezone})` : '',
          dashboard && token ? `  Dashboard   : ${dashboardLine(dashboard.url, token)}` : '',
          codecUi && dashboard ? '  Decrypted   : payloads are encrypted; the Temporal UI decodes them in a browser signed in to the dashboard (others see ciphertext)' : '',
          codecUi && !dashboard ? '  Decrypted   : payloads are encrypted; without the dashboard there is no sign-in, so the Temporal UI shows ciphertext' : '',
          '',
          'Press Ctrl-C to stop (the worker drains, servers stop; the mission resumes on the next start).',
        ]
          .filter((line, i, all) => line !== '' || all[i - 1] !== '') // one blank line where optional lines are absent
          .join('\n') + '\n',
      );
    }
    await running; // until Ctrl-C
  } catch (err) {
    await stopAll();
    throw err;
  }
}
