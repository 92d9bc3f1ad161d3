/**
 * Who the connected account is at the provider: the id that provider's webhook events carry
 * (Oura `user_id`, Strava `owner_id`). Asked once, right after `lanterne connect`, with the new
 * access token: Oura `GET /v2/usercollection/personal_info` → `id` (scope `personal`), Strava
 * `GET /athlete` → `id` (any scope). Only the id is kept; the rest of the answer is dropped.
 */
import { type ObservationProvider, UnexpectedResponseError } from './errors';
import { describeBody, requestJson, resolveTransport, type TransportOptions } from './http-json';
import { ouraConfigFromEnv } from './oura-client';
import { stravaConfigFromEnv } from './strava-client';

export async function fetchProviderUserId(
  provider: ObservationProvider,
  accessToken: string,
  opts: { env?: NodeJS.ProcessEnv; transport?: TransportOptions } = {},
): Promise<string> {
  const base = provider === 'oura' ? ouraConfigFromEnv(opts.env).baseUrl : stravaConfigFromEnv(opts.env).baseUrl;
  const url = `${base.replace(/\/+$/, '')}${provider === 'oura' ? '/v2/usercollection/personal_info' : '/athlete'}`;
  const res = await requestJson(provider, resolveTransport(opts.transport), { url, headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
  if (res.status !== 200) throw new UnexpectedResponseError(provider, url, `the account's id, got HTTP ${res.status} (${describeBody(res.body)})`);
  const id = (res.body && typeof res.body === 'object' ? (res.body as Record<string, unknown>).id : undefined) as unknown;
  if ((typeof id !== 'string' || id === '') && !(typeof id === 'number' && Number.isInteger(id))) {
    throw new UnexpectedResponseError(provider, url, 'an object with an "id"');
  }
  return String(id);
}
