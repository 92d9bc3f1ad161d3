/**
 * `lanterne webhooks subscribe|list|unsubscribe`: Lanterne's subscriptions at each provider.
 *
 * - Oura: one subscription per data type (daily_sleep, daily_readiness, sleep) and event type
 *   (create, update) for our callback; `subscribe` creates the missing ones and renews the existing
 *   ones (Oura subscriptions expire), so running it again (e.g. weekly) keeps them alive.
 * - Strava: one push subscription per app; `subscribe` keeps ours, creates it when there is none,
 *   and refuses to replace another callback's.
 *
 * Before asking a provider to subscribe, the command performs the provider's handshake against
 * the public callback itself, so a receiver that is not running or not reachable is reported
 * plainly instead of as the provider's refusal. Every command refreshes the stored list
 * (`webhook_subscriptions`) the receiver checks Strava events against.
 */
import { randomBytes } from 'node:crypto';
import { UserError } from '../infra/user-error';
import type { StoredSubscription, WebhookProvider, WebhookStore } from '../memory';
import type { OuraSubscriptionClient, OuraSubscription } from './oura-subscriptions';
import type { StravaSubscriptionClient, StravaPushSubscription } from './strava-subscriptions';
import type { SubscriptionHttpOptions } from './subscription-http';
import { handshakeToken } from './provider-authenticity';
import { OURA_DATA_TYPES, OURA_EVENT_TYPES } from './webhook-events';

export interface SubscriptionRow {
  provider: WebhookProvider;
  id: string;
  callbackUrl: string;
  dataType: string | null;
  eventType: string | null;
  expiresAt: string | null;
  /** Whether it calls this installation's callback (null when LANTERNE_PUBLIC_URL is unknown). */
  ours: boolean | null;
}

export interface SubscribeReport {
  provider: WebhookProvider;
  callbackUrl: string;
  created: SubscriptionRow[];
  renewed: SubscriptionRow[];
  kept: SubscriptionRow[];
}

export type SubscriptionClient = { provider: 'oura'; client: OuraSubscriptionClient } | { provider: 'strava'; client: StravaSubscriptionClient };

export interface ManageOptions {
  api: SubscriptionClient;
  /** The app's client secret, from which the handshake token is derived. */
  clientSecret: string;
  store: WebhookStore;
  http?: SubscriptionHttpOptions;
}

function ouraRow(s: OuraSubscription, callbackUrl: string | null): SubscriptionRow {
  return { provider: 'oura', id: s.id, callbackUrl: s.callbackUrl, dataType: s.dataType, eventType: s.eventType, expiresAt: s.expirationTime, ours: callbackUrl === null ? null : s.callbackUrl === callbackUrl };
}

function stravaRow(s: StravaPushSubscription, callbackUrl: string | null): SubscriptionRow {
  return { provider: 'strava', id: s.id, callbackUrl: s.callbackUrl, dataType: null, eventType: null, expiresAt: null, ours: callbackUrl === null ? null : s.callbackUrl === callbackUrl };
}

async function providerRows(api: SubscriptionClient, callbackUrl: string | null): Promise<SubscriptionRow[]> {
  return api.provider === 'oura'
    ? (await api.client.list()).map((s) => ouraRow(s, callbackUrl))
    : (await api.client.list()).map((s) => stravaRow(s, callbackUrl));
}

async function remember(store: WebhookStore, provider: WebhookProvider, rows: SubscriptionRow[]): Promise<void> {
  const subs: Omit<StoredSubscription, 'provider'>[] = rows.map((r) => ({
    subscriptionId: r.id,
    callbackUrl: r.callbackUrl,
    dataType: r.dataType,
    eventType: r.eventType,
    expiresAt: r.expiresAt,
  }));
  await store.replaceSubscriptions(provider, subs);
}

/** Lists the provider's subscriptions of this app (and stores them for the receiver). */
export async function listSubscriptions(o: ManageOptions, callbackUrl: string | null): Promise<SubscriptionRow[]> {
  const rows = await providerRows(o.api, callbackUrl);
  await remember(o.store, o.api.provider, rows);
  return rows;
}

/**
 * The provider's handshake, performed by us against our own public callback: proves that the
 * public address reaches a running receiver that derives the same verification token.
 */
export async function checkReceiverAnswers(provider: WebhookProvider, callbackUrl: string, clientSecret: string, http: SubscriptionHttpOptions = {}): Promise<void> {
  const token = handshakeToken(provider, clientSecret);
  const challenge = randomBytes(12).toString('hex');
  const url = new URL(callbackUrl);
  if (provider === 'oura') {
    url.searchParams.set('verification_token', token);
    url.searchParams.set('challenge', challenge);
  } else {
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.verify_token', token);
    url.searchParams.set('hub.challenge', challenge);
  }
  const key = provider === 'oura' ? 'challenge' : 'hub.challenge';
  const hint = `start the receiver (\`lanterne up\` or \`lanterne worker\` with LANTERNE_WEBHOOK_PORT set and the same ${provider.toUpperCase()}_CLIENT_SECRET) and make LANTERNE_PUBLIC_URL reach it`;
  const doFetch = http.fetch ?? ((input, init) => fetch(input, init));
  let status: number;
  let body: unknown = null;
  try {
    const res = await doFetch(url.toString(), { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    status = res.status;
    body = await res.json().catch(() => null);
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' ? 'no answer within 10 s' : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new UserError(`the webhook receiver does not answer at ${callbackUrl} (${why})`, hint);
  }
  const answer = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  if (status !== 200) {
    const why = typeof answer.error === 'string' ? `: ${answer.error}` : '';
    throw new UserError(`the webhook receiver at ${callbackUrl} refused ${provider}'s handshake (HTTP ${status}${why})`, hint);
  }
  if (answer[key] !== challenge) {
    throw new UserError(`${callbackUrl} answered the handshake without echoing the challenge: it is not Lanterne's webhook receiver`, hint);
  }
}

/** Creates what is missing and renews what exists (Oura), or keeps/creates the one push subscription (Strava). */
export async function subscribe(o: ManageOptions, callbackUrl: string): Promise<SubscribeReport> {
  await checkReceiverAnswers(o.api.provider, callbackUrl, o.clientSecret, o.http);
  const report: SubscribeReport = { provider: o.api.provider, callbackUrl, created: [], renewed: [], kept: [] };
  const token = handshakeToken(o.api.provider, o.clientSecret);
  try {
    if (o.api.provider === 'oura') {
      const existing = await o.api.client.list();
      for (const dataType of OURA_DATA_TYPES) {
        for (const eventType of OURA_EVENT_TYPES) {
          const mine = existing.find((s) => s.dataType === dataType && s.eventType === eventType && s.callbackUrl === callbackUrl);
          if (mine) report.renewed.push(ouraRow(await o.api.client.renew(mine.id), callbackUrl));
          else report.created.push(ouraRow(await o.api.client.create({ callbackUrl, verificationToken: token, dataType, eventType }), callbackUrl));
        }
      }
    } else {
      const existing = await o.api.client.list();
      const mine = existing.find((s) => s.callbackUrl === callbackUrl);
      if (mine) report.kept.push(stravaRow(mine, callbackUrl));
      else if (existing.length > 0) {
        throw new UserError(
          `the Strava app already has a push subscription, to ${existing[0].callbackUrl} (Strava allows one per app)`,
          'remove it with `lanterne webhooks unsubscribe strava --all`, then subscribe again',
        );
      } else report.created.push(stravaRow(await o.api.client.create({ callbackUrl, verifyToken: token }), callbackUrl));
    }
  } finally {
    // What exists now, also after a partial failure, is what the receiver should know.
    await listSubscriptions(o, callbackUrl).catch(() => undefined);
  }
  return report;
}

/** Deletes this installation's subscriptions (all of the app's with `all`). Returns what was removed. */
export async function unsubscribe(o: ManageOptions, callbackUrl: string | null, all: boolean): Promise<SubscriptionRow[]> {
  const rows = await providerRows(o.api, callbackUrl);
  const targets = rows.filter((r) => all || r.ours === true);
  try {
    for (const r of targets) await o.api.client.delete(r.id);
  } finally {
    await listSubscriptions(o, callbackUrl).catch(() => undefined);
  }
  return targets;
}
