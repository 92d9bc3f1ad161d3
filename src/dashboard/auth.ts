/**
 * Who is asking: the dashboard token in an `Authorization: Bearer` header (programs), or a sign-in
 * session cookie (browsers; the token is typed once into the sign-in form, see sessions.ts). Every
 * credential a request presents must be valid: a wrong Bearer header next to a valid cookie is
 * refused, and so is a stale cookie next to a valid Bearer header.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { OWNER_SCOPE, type Scope, type Session, type SessionStore } from './sessions';

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
  | { ok: true; via: 'bearer' | 'session'; session: Session | null; sessionId: string | null; scope: Scope }
  | { ok: false; reason: 'missing' | 'wrong' | 'expired' };

export interface PresentedCredentials {
  /** The raw Authorization header, if any. */
  authorization?: string;
  /** The session cookie's value, if any. */
  sessionId?: string;
}

/**
 * The scoped tokens (coach, athlete) kept in PostgreSQL as digests (`AccessTokenStore`): what a
 * presented token grants, and whether a token a session signed in with is still valid.
 */
export interface ScopedTokens {
  verify(token: string): Promise<{ tokenId: string; scope: 'coach' | 'athlete'; subject: string } | null>;
  isActive(tokenId: string): Promise<boolean>;
}

/** What a token typed or sent grants: the owner's token everything, a scoped token its scope, anything else nothing. */
export async function scopeOfToken(ownerToken: string, presented: unknown, scoped?: ScopedTokens): Promise<Scope | null> {
  if (typeof presented !== 'string') return null;
  const t = presented.trim();
  if (t === '') return null;
  if (secretsEqual(t, ownerToken)) return OWNER_SCOPE;
  const grant = scoped ? await scoped.verify(t) : null;
  if (!grant) return null;
  return grant.scope === 'coach' ? { kind: 'coach', coach: grant.subject, tokenId: grant.tokenId } : { kind: 'athlete', athlete: grant.subject, tokenId: grant.tokenId };
}

/**
 * Every credential presented must be valid; a Bearer header's scope wins over a session's (a
 * browser cannot add the header itself). A session made with a scoped token ends as soon as that
 * token is revoked.
 */
export async function authenticate(token: string, sessions: SessionStore, req: PresentedCredentials, scoped?: ScopedTokens): Promise<AuthResult> {
  let bearer: Scope | null = null;
  if (req.authorization !== undefined) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.authorization);
    bearer = m ? await scopeOfToken(token, m[1], scoped) : null;
    if (!bearer) return { ok: false, reason: 'wrong' };
  }
  let session: Session | null = null;
  if (req.sessionId !== undefined && req.sessionId !== '') {
    const found = sessions.touch(req.sessionId);
    // Unknown covers sessions ended by a restart or sign-out as well as made-up ids: the same answer.
    if (!found.ok) return { ok: false, reason: 'expired' };
    session = found.session;
    if (session.scope.kind !== 'owner' && !(scoped && (await scoped.isActive(session.scope.tokenId)))) {
      sessions.end(req.sessionId);
      return { ok: false, reason: 'expired' };
    }
  }
  if (bearer) return { ok: true, via: 'bearer', session, sessionId: session ? req.sessionId! : null, scope: bearer };
  if (session) return { ok: true, via: 'session', session, sessionId: req.sessionId!, scope: session.scope };
  return { ok: false, reason: 'missing' };
}

/** The session cookie's name: it carries the port, since browsers share a host's cookies between its ports. */
export function sessionCookieName(port: number): string {
  return `lanterne_session_${port}`;
}

/**
 * Whether raw request headers (a `Cookie` header, an `Authorization` header) carry the owner's
 * sign-in: for requests served elsewhere on the host, e.g. the Temporal UI's codec calls, which
 * decode every athlete's payloads. A coach's or an athlete's sign-in does not count.
 */
export function headersAuthorizer(token: string, sessions: SessionStore, cookieName: string): (headers: { authorization?: string; cookie?: string }) => boolean {
  return (headers) => {
    const sessionId = headers.cookie ? cookieValue(headers.cookie, cookieName) : undefined;
    let owner = false;
    if (headers.authorization) {
      const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization);
      if (!m || !secretsEqual(m[1]!, token)) return false;
      owner = true;
    }
    if (sessionId !== undefined && sessionId !== '') {
      const found = sessions.touch(sessionId);
      if (!found.ok) return false;
      if (found.session.scope.kind !== 'owner') return owner;
      owner = true;
    }
    return owner;
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
