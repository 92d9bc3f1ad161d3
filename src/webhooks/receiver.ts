/**
 * The webhook receiver (Fastify 5): `GET` (subscription handshake) and `POST` (events) for Oura
 * and Strava under a path prefix. Each request is checked as its provider allows (Oura's HMAC
 * signature; Strava's subscription id; both handshakes' verification token) and refused with 401
 * otherwise. An accepted event is recorded in PostgreSQL under its provider identity before the
 * 200 answer, then handed to the dispatcher, which signals the athlete's missions after the
 * answer: providers wait milliseconds, a redelivery changes nothing, nothing is lost on a crash.
 *
 * Never answered: 410 (Oura cancels a subscription that answers 410). Bodies over the limit: 413.
 * Logs name the provider, the event id and the outcome; never a body, a token or a signature.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@temporalio/common';
import type { WebhookProvider, WebhookStore } from '../memory';
import { EventDispatcher, type DispatcherOptions } from './event-dispatcher';
import type { SignalAthleteMissions } from './mission-signaller';
import { handshakeToken, isOuraSignatureValid, sameText } from './provider-authenticity';
import { parseOuraEvent, parseStravaEvent, WebhookBodyError, type ParsedEvent } from './webhook-events';
import { webhookRoute } from './webhook-config';

/** Event bodies are a few hundred bytes; anything much larger is not from a provider. */
export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;

export interface WebhookSecrets {
  /** OURA_CLIENT_SECRET: checks Oura's signatures and handshake token. Without it Oura requests are refused. */
  ouraClientSecret?: string;
  /** STRAVA_CLIENT_SECRET: checks Strava's handshake token. */
  stravaClientSecret?: string;
}

export interface WebhookReceiverOptions {
  pathPrefix: string;
  secrets: WebhookSecrets;
  store: WebhookStore;
  signalAthleteMissions: SignalAthleteMissions;
  log: Logger;
  bodyLimitBytes?: number;
  dispatcher?: DispatcherOptions;
}

export interface WebhookApp {
  app: FastifyInstance;
  dispatcher: EventDispatcher;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Query = Record<string, string | undefined>;

export function buildWebhookApp(o: WebhookReceiverOptions): WebhookApp {
  const dispatcher = new EventDispatcher(o.store, o.signalAthleteMissions, o.log, o.dispatcher);
  const app = Fastify({ logger: false, bodyLimit: o.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES, return503OnClosing: true, forceCloseConnections: true });
  // Keep the body as text: Oura's signature is over the bytes as sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err instanceof Refusal ? err.status : err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const message = status === 500 ? 'internal error' : err.message;
    o.log.warn('webhook request refused', { method: req.method, path: req.routeOptions.url ?? req.url.split('?')[0], status, why: status === 500 ? err.message : message });
    void reply.code(status === 410 ? 400 : status).send({ error: message });
  });
  app.setNotFoundHandler((req, reply) => void reply.code(404).send({ error: `no webhook route ${req.method} ${req.url.split('?')[0]}` }));

  const secretFor = (provider: WebhookProvider): string => {
    const secret = provider === 'oura' ? o.secrets.ouraClientSecret : o.secrets.stravaClientSecret;
    const env = provider === 'oura' ? 'OURA_CLIENT_SECRET' : 'STRAVA_CLIENT_SECRET';
    if (!secret) throw new Refusal(401, `${provider} webhooks are not configured on this receiver (${env} is not set)`);
    return secret;
  };
  const checkToken = (provider: WebhookProvider, given: string | undefined) => {
    if (!given || !sameText(given, handshakeToken(provider, secretFor(provider)))) throw new Refusal(401, 'wrong verification token');
  };
  const bodyText = (req: FastifyRequest): string => (typeof req.body === 'string' ? req.body : '');
  const parse = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof WebhookBodyError) throw new Refusal(400, `unreadable event: ${err.message}`);
      throw err;
    }
  };

  /** Records the event (durably, before answering) and hands it to the dispatcher. */
  const accept = async (provider: WebhookProvider, event: ParsedEvent, reply: FastifyReply) => {
    let outcome: 'new' | 'duplicate';
    try {
      outcome = await o.store.recordEvent({
        provider,
        eventId: event.eventId,
        providerUserId: event.providerUserId,
        input: event.kind === 'signal' ? event.input : null,
        status: event.kind === 'signal' ? 'pending' : 'ignored',
        detail: event.kind === 'ignore' ? event.detail : null,
      });
    } catch (err) {
      // Not recorded, so not acknowledged: the provider delivers it again.
      throw new Refusal(503, `the event could not be recorded (${(err as Error).message}); deliver it again later`);
    }
    if (event.kind === 'signal') dispatcher.dispatch(provider, event.eventId); // a duplicate still pending is retried too
    if (outcome === 'new' && event.kind === 'ignore') o.log.info('webhook event ignored', { provider, eventId: event.eventId, detail: event.detail });
    if (outcome === 'duplicate') o.log.info('webhook event delivered again', { provider, eventId: event.eventId });
    return reply.code(200).send({ received: true, duplicate: outcome === 'duplicate' });
  };

  // ------------------------------------------------------------------ Oura
  const oura = webhookRoute(o.pathPrefix, 'oura');
  app.get(oura, async (req, reply) => {
    const q = req.query as Query;
    checkToken('oura', q.verification_token);
    if (!q.challenge) throw new Refusal(400, 'the handshake has no challenge');
    o.log.info('webhook handshake answered', { provider: 'oura' });
    return reply.code(200).send({ challenge: q.challenge });
  });
  app.post(oura, async (req, reply) => {
    const secret = secretFor('oura');
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    if (!isOuraSignatureValid({ clientSecret: secret, timestamp: header('x-oura-timestamp'), signature: header('x-oura-signature'), rawBody: bodyText(req) })) {
      throw new Refusal(401, 'missing or invalid x-oura-signature');
    }
    return accept('oura', parse(() => parseOuraEvent(bodyText(req))), reply);
  });

  // ------------------------------------------------------------------ Strava
  const strava = webhookRoute(o.pathPrefix, 'strava');
  app.get(strava, async (req, reply) => {
    const q = req.query as Query;
    if (q['hub.mode'] !== 'subscribe') throw new Refusal(400, 'hub.mode must be "subscribe"');
    checkToken('strava', q['hub.verify_token']);
    if (!q['hub.challenge']) throw new Refusal(400, 'the handshake has no hub.challenge');
    o.log.info('webhook handshake answered', { provider: 'strava' });
    return reply.code(200).send({ 'hub.challenge': q['hub.challenge'] });
  });
  app.post(strava, async (req, reply) => {
    const event = parse(() => parseStravaEvent(bodyText(req)));
    let ours: boolean;
    try {
      ours = await o.store.hasSubscription('strava', event.subscriptionId);
    } catch (err) {
      throw new Refusal(503, `the subscription could not be checked (${(err as Error).message})`);
    }
    // Strava signs nothing: an event for a subscription we do not hold is not from our app.
    if (!ours) throw new Refusal(401, `unknown subscription_id ${event.subscriptionId} (run \`lanterne webhooks list strava\` to refresh the known ones)`);
    return accept('strava', event, reply);
  });

  return { app, dispatcher };
}

export interface RunningWebhookReceiver {
  /** Base URL of the routes, e.g. http://127.0.0.1:8788/webhooks. */
  url: string;
  dispatcher: EventDispatcher;
  close(): Promise<void>;
}

/** Builds the receiver, listens, and starts the dispatcher (which first sweeps what a previous run left). */
export async function startWebhookReceiver(o: WebhookReceiverOptions & { host: string; port: number }): Promise<RunningWebhookReceiver> {
  const { app, dispatcher } = buildWebhookApp(o);
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  dispatcher.start();
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${o.pathPrefix}`,
    dispatcher,
    close: async () => {
      await app.close();
      await dispatcher.stop();
    },
  };
}
