/**
 * What each provider offers to prove a webhook request is theirs (see docs/webhook-protocols.md):
 *
 * - Oura signs every event: `x-oura-signature` is HMAC-SHA256, keyed with the app's client secret,
 *   over the `x-oura-timestamp` header followed by the JSON body, as upper-case hex.
 * - Strava signs nothing: the receiver checks the event's `subscription_id` against ours (and maps
 *   `owner_id` to a connected athlete).
 * - Both prove the handshake (subscription creation) with a verification token we chose. Ours is
 *   derived from the app's client secret, so the CLI that subscribes and the receiver that answers
 *   compute the same value without storing or configuring another secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookProvider } from '../memory';

/** Oura's signature of one delivery: upper-case hex HMAC-SHA256(clientSecret, timestamp + body). */
export function ouraSignature(clientSecret: string, timestamp: string, body: string): string {
  return createHmac('sha256', clientSecret).update(timestamp + body).digest('hex').toUpperCase();
}

/**
 * Whether an Oura delivery carries a valid signature. The raw body is what was signed; Oura's own
 * example signs `JSON.stringify(parsed body)`, so a compact re-serialisation is accepted as well
 * (both need the client secret).
 */
export function isOuraSignatureValid(o: { clientSecret: string; timestamp: string | undefined; signature: string | undefined; rawBody: string }): boolean {
  if (!o.timestamp || !o.signature) return false;
  const candidates = [o.rawBody];
  try {
    const compact = JSON.stringify(JSON.parse(o.rawBody));
    if (compact !== o.rawBody) candidates.push(compact);
  } catch {
    /* not JSON: only the raw body can match */
  }
  return candidates.some((body) => sameText(ouraSignature(o.clientSecret, o.timestamp!, body), o.signature!.trim().toUpperCase()));
}

/** The verification token Lanterne gives `provider` when subscribing, derived from the client secret. */
export function handshakeToken(provider: WebhookProvider, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(`lanterne webhook verification v1 ${provider}`).digest('base64url');
}

/** Constant-time comparison of two strings (false when the lengths differ). */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
