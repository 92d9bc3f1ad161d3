/**
 * Strava push subscriptions (`/push_subscriptions`), made with the app's client id and secret:
 * an app has at most one, for all its athletes. Create is form-encoded (Strava calls the
 * callback's GET handshake before answering); view and delete take the credentials as query
 * parameters, as Strava documents; a subscription cannot be updated, only deleted and recreated.
 */
import { providerRequest, SubscriptionApiError, type SubscriptionHttpOptions } from './subscription-http';

export interface StravaPushSubscription {
  /** As text: Lanterne keeps provider ids as text. */
  id: string;
  callbackUrl: string;
  createdAt: string | null;
}

export interface StravaAppCredentials {
  /** The API base, e.g. https://www.strava.com/api/v3 (STRAVA_BASE_URL). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

function pushSubscription(v: unknown, callbackUrl?: string): StravaPushSubscription {
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  if (typeof o.id !== 'number' && typeof o.id !== 'string') throw new SubscriptionApiError('strava', null, 'Strava’s subscription answer has no "id"');
  const url = typeof o.callback_url === 'string' ? o.callback_url : callbackUrl;
  if (!url) throw new SubscriptionApiError('strava', null, 'Strava’s subscription answer has no "callback_url"');
  return { id: String(o.id), callbackUrl: url, createdAt: typeof o.created_at === 'string' ? o.created_at : null };
}

export class StravaSubscriptionClient {
  private readonly base: string;

  constructor(
    private readonly app: StravaAppCredentials,
    private readonly http: SubscriptionHttpOptions = {},
  ) {
    this.base = `${app.baseUrl.replace(/\/+$/, '')}/push_subscriptions`;
  }

  private withCredentials(url: string): string {
    const u = new URL(url);
    u.searchParams.set('client_id', this.app.clientId);
    u.searchParams.set('client_secret', this.app.clientSecret);
    return u.toString();
  }

  async list(): Promise<StravaPushSubscription[]> {
    const { body } = await providerRequest('strava', { method: 'GET', url: this.withCredentials(this.base) }, this.http);
    if (!Array.isArray(body)) throw new SubscriptionApiError('strava', null, 'Strava listed push subscriptions as something other than an array');
    return body.map((s) => pushSubscription(s));
  }

  async create(s: { callbackUrl: string; verifyToken: string }): Promise<StravaPushSubscription> {
    const form = { client_id: this.app.clientId, client_secret: this.app.clientSecret, callback_url: s.callbackUrl, verify_token: s.verifyToken };
    const { body } = await providerRequest('strava', { method: 'POST', url: this.base, form }, this.http);
    return pushSubscription(body, s.callbackUrl);
  }

  async delete(id: string): Promise<void> {
    await providerRequest('strava', { method: 'DELETE', url: this.withCredentials(`${this.base}/${encodeURIComponent(id)}`) }, this.http);
  }
}
