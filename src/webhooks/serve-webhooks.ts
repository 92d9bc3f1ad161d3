/**
 * The receiver as `lanterne up` and `lanterne worker` run it when LANTERNE_WEBHOOK_PORT is set:
 * its own PostgreSQL pool and Temporal client (with the payload codec, so signals are encrypted
 * like everything else), the default mission signaller, and JSON-lines logs on stderr.
 */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { Pool } from 'pg';
import { migrate, WebhookStore } from '../memory';
import { dataConverterFromEnv } from '../secrets';
import { UserError } from '../infra/user-error';
import { jsonLinesLogger } from '../worker/logger';
import { temporalMissionSignaller } from './mission-signaller';
import { startWebhookReceiver } from './receiver';
import { webhookServerConfigFromEnv } from './webhook-config';

export interface RunningWebhooks {
  /** Base URL of the routes (`…/oura`, `…/strava`) on the bind address. */
  url: string;
  close(): Promise<void>;
}

/** Starts the receiver, or returns null when LANTERNE_WEBHOOK_PORT is not set. */
export async function serveWebhooksFromEnv(o: {
  temporalAddress: string;
  namespace: string;
  databaseUrl: string;
  /** The payload converter of the worker and clients (signals are encrypted like every payload). */
  dataConverter?: DataConverter;
  env?: NodeJS.ProcessEnv;
}): Promise<RunningWebhooks | null> {
  const env = o.env ?? process.env;
  const cfg = webhookServerConfigFromEnv(env);
  if (!cfg) return null;
  const log = jsonLinesLogger('INFO');
  const pool = new Pool({ connectionString: o.databaseUrl, max: 4 });
  pool.on('error', (err) => log.warn('idle database connection lost', { error: err.message }));
  let connection: Connection | null = null;
  try {
    await migrate(pool);
    connection = await Connection.connect({ address: o.temporalAddress });
    const client = new Client({ connection, namespace: o.namespace, dataConverter: o.dataConverter ?? dataConverterFromEnv(env) });
    const receiver = await startWebhookReceiver({
      host: cfg.host,
      port: cfg.port,
      pathPrefix: cfg.pathPrefix,
      secrets: { ouraClientSecret: env.OURA_CLIENT_SECRET?.trim() || undefined, stravaClientSecret: env.STRAVA_CLIENT_SECRET?.trim() || undefined },
      store: new WebhookStore(pool),
      signalAthleteMissions: temporalMissionSignaller({ client, pool }),
      log,
    }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
        throw new UserError(`the webhook receiver cannot listen on ${cfg.host}:${cfg.port} (${err.code})`, 'set LANTERNE_WEBHOOK_PORT (and LANTERNE_WEBHOOK_HOST) to a free address, or stop what uses it');
      }
      throw err;
    });
    const conn = connection;
    return {
      url: receiver.url,
      close: async () => {
        await receiver.close();
        await conn.close();
        await pool.end();
      },
    };
  } catch (err) {
    await connection?.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw err;
  }
}
