/**
 * Oura API v2 webhook subscriptions (`/v2/webhook/subscription`), authenticated with the app's
 * `x-client-id` / `x-client-secret`: list, create (Oura calls the callback's GET handshake before
 * answering), renew (extends `expiration_time`) and delete. (Oura's update, PUT with a new
 * callback or type, is not needed: Lanterne creates its own subscriptions and leaves others alone.)
 */
import { providerRequest, SubscriptionApiError, type SubscriptionHttpOptions } from './subscription-http';

export interface OuraSubscription {
  id: string;
  callbackUrl: string;
  eventType: string;
  dataType: string;
  expirationTime: string;
}

export interface OuraAppCredentials {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

function subscription(v: unknown): OuraSubscription {
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  for (const f of ['id', 'callback_url', 'event_type', 'data_type', 'expiration_time']) {
    if (typeof o[f] !== 'string') throw new SubscriptionApiError('oura', null, `Oura's subscription answer has no text "${f}"`);
  }
  return {
    id: o.id as string,
    callbackUrl: o.callback_url as string,
    eventType: o.event_type as string,
    dataType: o.data_type as string,
    expirationTime: o.expiration_time as string,
  };
}

export class OuraSubscriptionClient {
  private readonly base: string;

  constructor(
    private readonly app: OuraAppCredentials,
    private readonly http: SubscriptionHttpOptions = {},
  ) {
    this.base = `${app.baseUrl.replace(/\/+$/, '')}/v2/webhook/subscription`;
  }

  private headers(): Record<string, string> {
    return { 'x-client-id': this.app.clientId, 'x-client-secret': this.app.clientSecret };
  }

  async list(): Promise<OuraSubscription[]> {
    const { body } = await providerRequest('oura', { method: 'GET', url: this.base, headers: this.headers() }, this.http);
    if (!Array.isArray(body)) throw new SubscriptionApiError('oura', null, 'Oura listed subscriptions as something other than an array');
    return body.map(subscription);
  }

  async create(s: { callbackUrl: string; verificationToken: string; eventType: string; dataType: string }): Promise<OuraSubscription> {
    const json = { callback_url: s.callbackUrl, verification_token: s.verificationToken, event_type: s.eventType, data_type: s.dataType };
    const { body } = await providerRequest('oura', { method: 'POST', url: this.base, headers: this.headers(), json }, this.http);
    return subscription(body);
  }

  async renew(id: string): Promise<OuraSubscription> {
    const { body } = await providerRequest('oura', { method: 'PUT', url: `${this.base}/renew/${encodeURIComponent(id)}`, headers: this.headers() }, this.http);
    return subscription(body);
  }

  async delete(id: string): Promise<void> {
    await providerRequest('oura', { method: 'DELETE', url: `${this.base}/${encodeURIComponent(id)}`, headers: this.headers() }, this.http);
  }
}
