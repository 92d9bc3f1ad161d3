/**
 * `lanterne codec-server`: the codec endpoint for a Temporal UI that Lanterne does not serve
 * itself (docker-compose's `temporalio/ui`, a cluster's UI). It decodes with the same payload keys
 * as the worker, and only for the holder of LANTERNE_CODEC_TOKEN (else DASHBOARD_TOKEN, the owner's
 * token): a browser signed in on its /sign-in page, or `Authorization: Bearer`. Runs until Ctrl-C.
 */
import type { Command } from 'commander';
import { stateDir } from '../../infra/project-paths';
import { UserError } from '../../infra/user-error';
import { jsonLog } from '../../infra/json-logger';
import { openPayloadKeys, PAYLOAD_KEY_ENV, payloadKeyFilePath } from '../../secrets';
import { startTokenCodecServer } from '../../codec/token-codec-server';
import { MIN_TOKEN_LENGTH } from '../../dashboard/auth';
import { action } from '../cli-support';
import { typedOption, wholeNumber, type ValueType } from './arguments';

export const CODEC_TOKEN_ENV = 'LANTERNE_CODEC_TOKEN';

/** Origins of the Temporal UI, comma-separated: `http(s)://host[:port]`, nothing after. */
export const uiOrigins: ValueType<string[]> = {
  accepts: 'origins of the Temporal UI, comma-separated, each http(s)://host[:port] with no path, e.g. http://localhost:8080',
  read: (raw) => {
    const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
    if (list.length === 0) return { ok: false, why: 'names no origin' };
    for (const o of list) {
      let u: URL;
      try {
        u = new URL(o);
      } catch {
        return { ok: false, why: 'is not a list of origins' };
      }
      if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.origin !== o.replace(/\/$/, '') || u.username || u.password) return { ok: false, why: 'is not a list of origins' };
    }
    return { ok: true, value: list.map((o) => new URL(o).origin) };
  },
  sample: 'http://localhost:8080',
  badSample: 'localhost:8080/ui',
};

/** The token the codec server decodes for: LANTERNE_CODEC_TOKEN, else DASHBOARD_TOKEN. */
export function codecToken(env: NodeJS.ProcessEnv): { token: string; from: string } {
  for (const name of [CODEC_TOKEN_ENV, 'DASHBOARD_TOKEN']) {
    const value = env[name]?.trim();
    if (!value) continue;
    if (value.length < MIN_TOKEN_LENGTH) throw new UserError(`${name} is too short for the codec server`, `use at least ${MIN_TOKEN_LENGTH} random characters, e.g. node -e "console.log(require('node:crypto').randomBytes(24).toString('base64url'))"`);
    return { token: value, from: name };
  }
  throw new UserError(
    `the codec server decodes for no one without a token: ${CODEC_TOKEN_ENV} is not set (nor DASHBOARD_TOKEN)`,
    `set ${CODEC_TOKEN_ENV} to at least ${MIN_TOKEN_LENGTH} random characters (docker-compose reads it from .env)`,
  );
}

export function registerCodecServerCommand(program: Command): void {
  program
    .command('codec-server')
    .description('serve the codec endpoint (/codec) for a Temporal UI on another origin; decodes only for its token (runs until Ctrl-C)')
    .option('--host <address>', 'address to listen on (0.0.0.0 in a container)', '127.0.0.1')
    .addOption(typedOption('--port <n>', 'port to listen on (0 = any free port)', wholeNumber({ min: 0, max: 65535 })).default(8081))
    .addOption(typedOption('--ui-origin <origins>', 'the Temporal UI’s origin(s), comma-separated (CORS)', uiOrigins).default(['http://localhost:8080'], 'http://localhost:8080'))
    .addHelpText(
      'after',
      `\nNeeds ${CODEC_TOKEN_ENV} (else DASHBOARD_TOKEN) and the payload keys (${PAYLOAD_KEY_ENV}, or the state folder's key file).\n` +
        'Give the UI: TEMPORAL_CODEC_ENDPOINT=http://localhost:<port>/codec and TEMPORAL_CODEC_INCLUDE_CREDENTIALS=true; then sign in at http://localhost:<port>/sign-in.',
    )
    .action(
      action(async (o: { host: string; port: number; uiOrigin: string[] }) => {
        const { token, from } = codecToken(process.env);
        const keys = openPayloadKeys({ env: process.env, stateDir: stateDir(), create: false });
        if (!keys) throw new UserError(`no payload key: neither ${PAYLOAD_KEY_ENV} nor ${payloadKeyFilePath(stateDir())}`, `give the codec server the worker's key (${PAYLOAD_KEY_ENV}, or LANTERNE_STATE_DIR pointing at the worker's state folder)`);
        const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
        let server;
        try {
          server = await startTokenCodecServer({ host: o.host, port: o.port, token, keys: keys.ring, uiOrigins: o.uiOrigin, namespace });
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (code === 'EADDRINUSE') throw new UserError(`port ${o.port} for the codec server is already in use`, 'stop what is listening there, or choose another with --port');
          if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UserError(`cannot listen on ${o.host}`, 'give --host an address of this machine (127.0.0.1, or 0.0.0.0 for every interface)');
          throw err;
        }
        process.stdout.write(
          `Codec server: ${server.endpoint} for the Temporal UI at ${o.uiOrigin.join(', ')} (namespace ${namespace}); it decodes only for the token in ${from}.\n` +
            `  Sign in (in the browser that opens the UI): ${server.signInUrl}\n`,
        );
        jsonLog().info({ endpoint: server.endpoint, uiOrigins: o.uiOrigin, namespace, tokenFrom: from }, 'codec server running');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
      }),
    );
}
