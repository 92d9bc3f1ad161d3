/**
 * `lanterne connect oura|strava`: the OAuth2 loopback flow, tokens saved encrypted in PostgreSQL
 * for the athlete; `lanterne connect --status`: which providers are connected and until when,
 * never a token value.
 */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { Pool } from 'pg';
import { loadMissionFile } from '../../mission';
import { AthleteStore, fieldsFromProfile, migrate, WebhookStore } from '../../memory';
import type { MissionConfig } from '../../domain/types';
import { PgTokenStore, loadSecretKey } from '../../secrets';
import { connectProvider, isObservationError, type ConnectResult } from '../../observation';
import { UserError } from '../../infra/user-error';
import { action, output } from '../cli-support';
import { athleteHandle, checkAthlete, checkProvider, oneOf, positiveInt, PROVIDERS, typedArgument, typedOption, type ConnectProvider } from './arguments';
import { table } from './formatting';

/** Env vars `connect <provider>` needs that are not set (names only). */
export function missingConnectEnv(provider: ConnectProvider, env: NodeJS.ProcessEnv): string[] {
  const prefix = provider === 'oura' ? 'OURA' : 'STRAVA';
  const needed = [`${prefix}_CLIENT_ID`, `${prefix}_CLIENT_SECRET`, 'LANTERNE_SECRET_KEY', 'DATABASE_URL'];
  return needed.filter((name) => !env[name]?.trim());
}

/** What to do about each missing variable (also used by `lanterne webhooks`). */
export const ENV_HINTS: Record<string, string> = {
  OURA_CLIENT_ID: 'OURA_CLIENT_ID/OURA_CLIENT_SECRET come from your app at cloud.ouraring.com/oauth/applications',
  OURA_CLIENT_SECRET: 'OURA_CLIENT_SECRET is shown with the Oura app',
  STRAVA_CLIENT_ID: 'STRAVA_CLIENT_ID/STRAVA_CLIENT_SECRET come from your app at strava.com/settings/api',
  STRAVA_CLIENT_SECRET: 'STRAVA_CLIENT_SECRET is shown with the Strava app',
  LANTERNE_SECRET_KEY: "LANTERNE_SECRET_KEY encrypts the tokens: 32 random bytes as base64, e.g. node -e \"console.log(require('node:crypto').randomBytes(32).toString('base64'))\"",
  DATABASE_URL: 'DATABASE_URL: the PostgreSQL database the worker uses',
};

/** Whose tokens: the athlete named by --athlete, or the athlete of the --mission file (with its profile). */
async function athleteSource(o: { athlete?: string; mission?: string }): Promise<{ handle: string; fromMission: MissionConfig | null } | null> {
  if (o.athlete && o.mission) throw new UserError('give --athlete or --mission, not both');
  if (o.athlete) return { handle: checkAthlete(o.athlete), fromMission: null };
  if (o.mission) {
    const mission = await loadMissionFile(o.mission);
    return { handle: mission.athlete.handle, fromMission: mission };
  }
  return null;
}

/**
 * The athlete row the tokens belong to: a mission file's athlete is added when new (as starting
 * the mission would); a handle given with --athlete must name an athlete already added.
 */
async function knownAthlete(pool: Pool, source: { handle: string; fromMission: MissionConfig | null }): Promise<void> {
  const athletes = new AthleteStore(pool);
  if (source.fromMission) {
    await athletes.ensure(source.handle, fieldsFromProfile(source.fromMission.athlete, source.fromMission.timezone));
    return;
  }
  if (!(await athletes.get(source.handle))) {
    throw new UserError(`no athlete ${JSON.stringify(source.handle)}`, `add them first with \`lanterne athlete add ${source.handle}\`, or give --mission <file> to take the athlete from a mission file`);
  }
}

export interface ConnectionRow {
  athlete: string;
  provider: string;
  expiresAt: string | null;
  expired: boolean;
  updatedAt: string;
}

/** Connected providers from the token table's clear columns (no key needed, no token read). */
export async function connectionStatus(pool: Pool, athlete: string | null, now = Date.now()): Promise<ConnectionRow[]> {
  const { rows } = await pool.query(
    `SELECT athlete, provider, expires_at, updated_at FROM athlete_tokens WHERE $1::text IS NULL OR athlete = $1 ORDER BY athlete, provider`,
    [athlete],
  );
  return rows.map((r) => ({
    athlete: r.athlete as string,
    provider: r.provider as string,
    expiresAt: r.expires_at ? (r.expires_at as Date).toISOString() : null,
    expired: r.expires_at ? (r.expires_at as Date).getTime() <= now : false,
    updatedAt: (r.updated_at as Date).toISOString(),
  }));
}

export function formatStatus(rows: ConnectionRow[], athlete: string | null): string {
  if (rows.length === 0) return `no provider is connected${athlete ? ` for athlete "${athlete}"` : ''}\n  → run \`lanterne connect oura\` or \`lanterne connect strava\``;
  return table(
    ['athlete', 'provider', 'expires', 'state', 'updated'],
    rows.map((r) => [r.athlete, r.provider, r.expiresAt ?? 'never', r.expired ? 'expired (refreshed on next use)' : 'valid', r.updatedAt]),
  );
}

/** Shows the consent URL, and opens a browser when asked and one is available. */
function showConsent(openBrowser: boolean) {
  return (url: string) => {
    process.stderr.write(`Open this address in a browser and allow Lanterne:\n  ${url}\nWaiting for the answer…\n`);
    if (!openBrowser) return;
    const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
    try {
      const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
      child.on('error', () => undefined);
      child.unref();
    } catch {
      /* no browser opener: the printed address is enough */
    }
  };
}

export function registerConnectCommand(program: Command): void {
  program
    .command('connect')
    .addArgument(typedArgument('[provider]', PROVIDERS.join(' or '), oneOf(PROVIDERS)))
    .description('connect Oura or Strava (OAuth2 in the browser, tokens stored encrypted), or show connections with --status')
    .addOption(typedOption('--athlete <handle>', 'the athlete the tokens belong to (added with `lanterne athlete add`)', athleteHandle))
    .option('--mission <file>', 'take the athlete from this mission file')
    .option('--status', 'list connected providers and token expiry (never token values)')
    .option('--port <n>', 'loopback callback port (default LANTERNE_OAUTH_CALLBACK_PORT or 8765; must match the app’s redirect URI; 0 = any)', positiveInt('--port', 0))
    .option('--timeout <seconds>', 'how long to wait for the browser', positiveInt('--timeout'), 300)
    .option('--no-browser', 'only print the consent address, do not open a browser')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nNeeds OURA_CLIENT_ID/OURA_CLIENT_SECRET (or STRAVA_CLIENT_ID/STRAVA_CLIENT_SECRET), LANTERNE_SECRET_KEY and DATABASE_URL.\n' +
        'Register http://127.0.0.1:<port>/callback as the redirect URI of your Oura/Strava app.',
    )
    .action(
      action(async (providerArg: string | undefined, o: { athlete?: string; mission?: string; status?: boolean; port?: number; timeout: number; browser: boolean; json?: boolean }) => {
        const source = await athleteSource(o);
        if (o.status) {
          const athlete = source?.handle ?? null;
          if (providerArg) throw new UserError('--status lists every provider: leave out the provider name');
          const url = process.env.DATABASE_URL;
          if (!url) throw new UserError('DATABASE_URL is not set: the connections are stored in PostgreSQL', 'set DATABASE_URL to the database the worker uses');
          const pool = new Pool({ connectionString: url, max: 1 });
          try {
            await migrate(pool);
            const rows = await connectionStatus(pool, athlete);
            output(Boolean(o.json), { athlete, connections: rows }, () => formatStatus(rows, athlete));
          } finally {
            await pool.end();
          }
          return;
        }
        const provider = checkProvider(providerArg);
        const missing = missingConnectEnv(provider, process.env);
        if (missing.length) {
          throw new UserError(`cannot connect ${provider}: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set`, missing.map((m) => ENV_HINTS[m] ?? m).join('; '));
        }
        if (!source) throw new UserError('whose tokens are these? give --athlete <handle> or --mission <file>');
        const key = loadSecretKey(process.env);
        const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
        try {
          await migrate(pool);
          await knownAthlete(pool, source);
          const athlete = source.handle;
          const store = new PgTokenStore(pool, key);
          let result: ConnectResult;
          try {
            result = await connectProvider(provider, {
              athlete,
              store,
              openBrowser: showConsent(o.browser),
              env: process.env,
              port: o.port,
              timeoutMs: o.timeout * 1000,
            });
          } catch (err) {
            if (isObservationError(err)) throw new UserError(`connecting ${provider} failed: ${(err as Error).message}`);
            throw err;
          }
          // Webhook events name the provider's account, not the athlete: remember whose it is.
          const moved = result.providerUserId ? await new WebhookStore(pool).saveProviderAccount(athlete, provider, result.providerUserId) : null;
          const status = (await connectionStatus(pool, athlete)).find((r) => r.provider === provider) ?? null;
          const webhooks = result.providerUserId
            ? moved?.movedFrom
              ? `webhook events of this ${provider} account now go to "${athlete}" (they went to "${moved.movedFrom}")`
              : 'webhook events of this account reach the athlete’s missions'
            : `webhook events cannot be matched to the athlete: ${result.providerUserError}`;
          output(
            Boolean(o.json),
            { connected: true, provider, athlete, scope: result.scope, expiresAt: status?.expiresAt ?? null, webhooksLinked: Boolean(result.providerUserId), webhooks },
            () =>
              `${provider} connected for athlete "${athlete}"${result.scope ? ` (scope ${result.scope})` : ''}${status?.expiresAt ? `, access token valid until ${status.expiresAt}` : ''}\n  ${webhooks}`,
          );
        } finally {
          await pool.end();
        }
      }),
    );
}
