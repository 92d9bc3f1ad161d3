/**
 * `lanterne webhooks subscribe|list|unsubscribe [oura|strava]`: Lanterne's webhook subscriptions
 * at Oura and Strava, made with the apps' client credentials for the public callback
 * LANTERNE_PUBLIC_URL + LANTERNE_WEBHOOK_PATH + /oura|/strava. Without a provider, every provider
 * whose client id is set.
 */
import type { Command } from 'commander';
import { Pool } from 'pg';
import { migrate, WebhookStore, type ProviderAccount, type WebhookProvider } from '../../memory';
import { ouraConfigFromEnv, stravaConfigFromEnv } from '../../observation';
import { UserError } from '../../infra/user-error';
import {
  listSubscriptions,
  OuraSubscriptionClient,
  publicCallbackUrl,
  StravaSubscriptionClient,
  subscribe,
  SubscriptionApiError,
  unsubscribe,
  type ManageOptions,
  type SubscribeReport,
  type SubscriptionRow,
} from '../../webhooks';
import { action, databaseUrl, output } from '../cli-support';
import { PROVIDERS } from './arguments';
import { ENV_HINTS } from './connect';
import { table } from './formatting';

/** Oura subscriptions expiring sooner than this are flagged for renewal. */
const RENEW_WITHIN_MS = 7 * 24 * 3600_000;

function providersFrom(arg: string | undefined, env: NodeJS.ProcessEnv): WebhookProvider[] {
  if (arg !== undefined) {
    if (!(PROVIDERS as readonly string[]).includes(arg)) throw new UserError(`unknown provider ${JSON.stringify(arg)}`, `use one of: ${PROVIDERS.join(', ')}`);
    return [arg as WebhookProvider];
  }
  const configured = PROVIDERS.filter((p) => env[`${p.toUpperCase()}_CLIENT_ID`]?.trim());
  if (configured.length === 0) {
    throw new UserError('no provider is configured: OURA_CLIENT_ID and STRAVA_CLIENT_ID are not set', `${ENV_HINTS.OURA_CLIENT_ID}; ${ENV_HINTS.STRAVA_CLIENT_ID}`);
  }
  return [...configured];
}

/** The provider's subscription client and our callback, or one line naming every missing variable. */
function setup(provider: WebhookProvider, env: NodeJS.ProcessEnv, needCallback: boolean, verb: string): { api: ManageOptions['api']; clientSecret: string; callbackUrl: string | null } {
  const prefix = provider.toUpperCase();
  const missing = [`${prefix}_CLIENT_ID`, `${prefix}_CLIENT_SECRET`, ...(needCallback ? ['LANTERNE_PUBLIC_URL'] : [])].filter((n) => !env[n]?.trim());
  if (missing.length) {
    const hints = missing.map((m) => ENV_HINTS[m] ?? 'LANTERNE_PUBLIC_URL: the public HTTPS address of the webhook receiver, e.g. https://coach.example.org (a reverse proxy or tunnel to it)');
    throw new UserError(`cannot ${verb} ${provider} webhooks: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set`, hints.join('; '));
  }
  const callbackUrl = env.LANTERNE_PUBLIC_URL?.trim() ? publicCallbackUrl(provider, env) : null;
  const clientId = env[`${prefix}_CLIENT_ID`]!.trim();
  const clientSecret = env[`${prefix}_CLIENT_SECRET`]!.trim();
  const api: ManageOptions['api'] =
    provider === 'oura'
      ? { provider, client: new OuraSubscriptionClient({ baseUrl: ouraConfigFromEnv(env).baseUrl, clientId, clientSecret }) }
      : { provider, client: new StravaSubscriptionClient({ baseUrl: stravaConfigFromEnv(env).baseUrl, clientId, clientSecret }) };
  return { api, clientSecret, callbackUrl };
}

/** A provider's refusal as one line, with what to check. */
function explained<T>(provider: WebhookProvider, p: Promise<T>): Promise<T> {
  return p.catch((err: unknown) => {
    if (!(err instanceof SubscriptionApiError)) throw err;
    const prefix = provider.toUpperCase();
    const hint =
      err.status === 401 || err.status === 403
        ? `check ${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET (the app's credentials${provider === 'strava' ? '; Strava must have enabled webhooks for the app' : ''})`
        : `the provider's reason is above; fix it and run the command again (it is safe to repeat)`;
    throw new UserError(err.message, hint);
  });
}

/**
 * Runs `work` for each provider named (or configured), in order, with its subscription client and
 * our callback, against the database; returns the results and the known provider accounts.
 */
async function perProvider<T>(
  providerArg: string | undefined,
  verb: string,
  needCallback: boolean,
  work: (manage: ManageOptions, callbackUrl: string | null) => Promise<T>,
): Promise<{ providers: WebhookProvider[]; results: T[]; accounts: ProviderAccount[] }> {
  const env = process.env;
  const providers = providersFrom(providerArg, env);
  const targets = providers.map((p) => ({ provider: p, ...setup(p, env, needCallback, verb) }));
  const pool = new Pool({ connectionString: databaseUrl(), max: 2 });
  try {
    await migrate(pool);
    const store = new WebhookStore(pool);
    const results: T[] = [];
    for (const t of targets) results.push(await explained(t.provider, work({ api: t.api, clientSecret: t.clientSecret, store }, t.callbackUrl)));
    return { providers, results, accounts: await store.providerAccounts() };
  } finally {
    await pool.end();
  }
}

const typeOf = (r: SubscriptionRow) => (r.dataType ? `${r.dataType}/${r.eventType}` : 'push (all events)');

function formatRows(rows: SubscriptionRow[], now: number): string {
  return table(
    ['provider', 'id', 'events', 'callback', 'expires', 'ours'],
    rows.map((r) => [
      r.provider,
      r.id,
      typeOf(r),
      r.callbackUrl,
      r.expiresAt ? `${r.expiresAt}${Date.parse(r.expiresAt) - now < RENEW_WITHIN_MS ? ' (renew soon)' : ''}` : 'never',
      r.ours === null ? '?' : r.ours ? 'yes' : 'no',
    ]),
  );
}

function formatSubscribe(r: SubscribeReport): string {
  const lines = [`${r.provider}: events go to ${r.callbackUrl}`];
  const add = (verb: string, rows: SubscriptionRow[]) => rows.forEach((s) => lines.push(`  ${verb.padEnd(8)}${typeOf(s).padEnd(24)}${s.id}${s.expiresAt ? `  until ${s.expiresAt}` : ''}`));
  add('created', r.created);
  add('renewed', r.renewed);
  add('kept', r.kept);
  return lines.join('\n');
}

function formatAccounts(accounts: ProviderAccount[], provider: WebhookProvider): string {
  const mine = accounts.filter((a) => a.provider === provider).map((a) => a.athlete);
  return mine.length
    ? `  ${provider} events reach the missions of: ${mine.join(', ')}`
    : `  no athlete's ${provider} account is known yet → run \`lanterne connect ${provider}\` (events for unknown accounts are answered and dropped)`;
}

export function registerWebhooksCommand(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description('manage Oura and Strava webhook subscriptions (events start the day’s coaching as soon as data lands)')
    .addHelpText(
      'after',
      '\nNeeds LANTERNE_PUBLIC_URL (the public HTTPS address that reaches the receiver served by `lanterne up`/`lanterne worker`\n' +
        'when LANTERNE_WEBHOOK_PORT is set), the app credentials (OURA_CLIENT_ID/SECRET, STRAVA_CLIENT_ID/SECRET) and the database.',
    );

  webhooks
    .command('subscribe [provider]')
    .description('create the missing subscriptions and renew Oura’s (safe to repeat; Oura subscriptions expire)')
    .option('--json', 'print JSON')
    .action(
      action(async (providerArg: string | undefined, o: { json?: boolean }) => {
        const { results, accounts } = await perProvider(providerArg, 'subscribe', true, (manage, callbackUrl) => subscribe(manage, callbackUrl!));
        output(Boolean(o.json), { reports: results, accounts }, () => results.map((r) => `${formatSubscribe(r)}\n${formatAccounts(accounts, r.provider)}`).join('\n'));
      }),
    );

  webhooks
    .command('list [provider]')
    .description('the app’s subscriptions at the provider (and which athletes events reach)')
    .option('--json', 'print JSON')
    .action(
      action(async (providerArg: string | undefined, o: { json?: boolean }) => {
        const { providers, results, accounts } = await perProvider(providerArg, 'list', false, listSubscriptions);
        const subscriptions = results.flat();
        output(Boolean(o.json), { subscriptions, accounts }, () => {
          const head = subscriptions.length ? formatRows(subscriptions, Date.now()) : `no subscriptions at ${providers.join(' or ')}\n  → run \`lanterne webhooks subscribe\``;
          return [head, ...providers.map((p) => formatAccounts(accounts, p))].join('\n');
        });
      }),
    );

  webhooks
    .command('unsubscribe [provider]')
    .description('delete this installation’s subscriptions (with --all, every subscription of the app)')
    .option('--all', 'also subscriptions to other callback addresses')
    .option('--json', 'print JSON')
    .action(
      action(async (providerArg: string | undefined, o: { all?: boolean; json?: boolean }) => {
        const { results } = await perProvider(providerArg, 'unsubscribe', !o.all, (manage, callbackUrl) => unsubscribe(manage, callbackUrl, Boolean(o.all)));
        const removed = results.flat();
        output(Boolean(o.json), { removed }, () =>
          removed.length ? `removed ${removed.length} subscription${removed.length === 1 ? '' : 's'}:\n${formatRows(removed, Date.now())}` : 'nothing to remove: no subscription calls this installation’s callback (use --all for the others)',
        );
      }),
    );
}
