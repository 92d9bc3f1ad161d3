/**
 * Who is asking: the dashboard token in an `Authorization: Bearer` header (programs), or a sign-in
 * session cookie (browsers; the token is typed once into the sign-in form, see sessions.ts). Every
 * credential a request presents must be valid: a wrong Bearer header next to a valid cookie is
 * refused, and so is a stale cookie next to a valid Bearer header.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Session, SessionStore } from './sessions';

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

export type AuthResult =
  | { ok: true; via: 'bearer' | 'session'; session: Session | null; sessionId: string | null }
  | { ok: false; reason: 'missing' | 'wrong' | 'expired' };

export interface PresentedCredentials {
  /** The raw Authorization header, if any. */
  authorization?: string;
  /** The session cookie's value, if any. */
  sessionId?: string;
}

export function authenticate(token: string, sessions: SessionStore, req: PresentedCredentials): AuthResult {
  let bearerOk = false;
  if (req.authorization !== undefined) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.authorization);
    if (!m || !secretsEqual(m[1]!, token)) return { ok: false, reason: 'wrong' };
    bearerOk = true;
  }
  let session: Session | null = null;
  if (req.sessionId !== undefined && req.sessionId !== '') {
    const found = sessions.touch(req.sessionId);
    // Unknown covers sessions ended by a restart or sign-out as well as made-up ids: the same answer.
    if (!found.ok) return { ok: false, reason: 'expired' };
    session = found.session;
  }
  if (bearerOk) return { ok: true, via: 'bearer', session, sessionId: session ? req.sessionId! : null };
  if (session) return { ok: true, via: 'session', session, sessionId: req.sessionId! };
  return { ok: false, reason: 'missing' };
}

/** The session cookie's name: it carries the port, since browsers share a host's cookies between its ports. */
export function sessionCookieName(port: number): string {
  return `lanterne_session_${port}`;
}

/**
 * Whether raw request headers (a `Cookie` header, an `Authorization` header) carry a valid
 * sign-in: for requests served elsewhere on the host, e.g. the Temporal UI's codec calls.
 */
export function headersAuthorizer(token: string, sessions: SessionStore, cookieName: string): (headers: { authorization?: string; cookie?: string }) => boolean {
  return (headers) => {
    const sessionId = headers.cookie ? cookieValue(headers.cookie, cookieName) : undefined;
    return authenticate(token, sessions, { authorization: headers.authorization || undefined, sessionId }).ok;
  };
}

function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

/** Checks the token typed into the sign-in form. */
export function tokenMatches(token: string, typed: unknown): boolean {
  return typeof typed === 'string' && typed !== '' && secretsEqual(typed.trim(), token);
}
