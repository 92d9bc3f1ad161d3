/**
 * Dashboard authentication and CSRF protection. Pure functions over the dashboard token; no I/O.
 *
 * - The token arrives once as `?token=` (then lives in an HttpOnly SameSite=Strict cookie that holds
 *   a value derived from it, never the token itself) or on every request as `Authorization: Bearer`.
 * - Every comparison is constant-time over SHA-256 digests, so neither content nor length leaks.
 * - Forms carry a CSRF token: an HMAC of the session keyed by the dashboard token.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const MIN_TOKEN_LENGTH = 16;

/** A fresh random dashboard token (32 base64url characters). */
export function generateDashboardToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time string equality (digests first, so different lengths take the same time). */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

function hmac(key: string, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('base64url');
}

/** The session cookie's value: derived from the token, so the cookie never holds the token. */
export function sessionValue(token: string): string {
  return hmac(token, 'lanterne-dashboard/session/v1');
}

/** The CSRF token for forms of this session. */
export function csrfToken(token: string, session: string): string {
  return hmac(token, `lanterne-dashboard/csrf/v1/${session}`);
}

export function csrfValid(token: string, session: string, candidate: string | null | undefined): boolean {
  if (typeof candidate !== 'string' || candidate === '') return false;
  return secretsEqual(csrfToken(token, session), candidate);
}

/** Cookie name; includes the port because browsers share cookies between ports of one host. */
export function cookieName(port: number): string {
  return `lanterne_dashboard_${port}`;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name && !(name in out)) out[name] = value;
  }
  return out;
}

export function sessionCookie(port: number, session: string): string {
  return `${cookieName(port)}=${session}; HttpOnly; SameSite=Strict; Path=/`;
}

export type AuthResult =
  | { ok: true; via: 'cookie' | 'bearer' | 'query'; session: string }
  | { ok: false; reason: 'missing' | 'wrong' };

/**
 * Who is asking: a valid Bearer header, the session cookie, or `?token=` (first visit). A wrong
 * credential anywhere fails; none at all is `missing`.
 */
export function authenticate(
  token: string,
  port: number,
  req: { authorization?: string; cookie?: string; queryToken?: string | null },
): AuthResult {
  const session = sessionValue(token);
  let presented = false;
  const bearer = /^Bearer\s+(.+)$/i.exec(req.authorization ?? '');
  if (bearer) {
    presented = true;
    if (secretsEqual(bearer[1]!.trim(), token)) return { ok: true, via: 'bearer', session };
  }
  if (typeof req.queryToken === 'string') {
    presented = true;
    if (secretsEqual(req.queryToken, token)) return { ok: true, via: 'query', session };
  }
  const cookie = parseCookies(req.cookie)[cookieName(port)];
  if (cookie !== undefined) {
    presented = true;
    if (secretsEqual(cookie, session)) return { ok: true, via: 'cookie', session };
  }
  return { ok: false, reason: presented ? 'wrong' : 'missing' };
}

/**
 * Whether a POST may act: the Origin header must be one of the dashboard's own origins. A request
 * without Origin is accepted only when it authenticated with a Bearer header (not a browser form,
 * which always sends Origin on POST and cannot add Authorization by itself).
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[], via: 'cookie' | 'bearer' | 'query'): boolean {
  if (origin === undefined || origin === '') return via === 'bearer';
  return allowed.includes(origin);
}
