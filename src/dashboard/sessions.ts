/**
 * Dashboard sign-in sessions, held server-side: the browser's cookie carries a random session id
 * (never the token, never anything derived from it), and the server keeps, per id, when the session
 * started and was last used. A session ends on sign-out, after `idleMs` without a request, or
 * `maxMs` after sign-in, whichever comes first. Restarting the dashboard ends every session.
 *
 * Ids are kept as SHA-256 digests, so a heap dump does not hold usable cookies and a lookup does
 * not compare secrets byte by byte. The clock is an input (`now`), so expiry is tested without waiting.
 */
import { createHash, randomBytes } from 'node:crypto';

/**
 * What a signed-in visitor may see: the owner everything; a coach the athletes whose coach they
 * are; an athlete their own missions. Scoped ones carry the id of the token they signed in with,
 * so revoking the token ends the session.
 */
export type Scope = { kind: 'owner' } | { kind: 'coach'; coach: string; tokenId: string } | { kind: 'athlete'; athlete: string; tokenId: string };

export const OWNER_SCOPE: Scope = Object.freeze({ kind: 'owner' });

export interface SessionOptions {
  /** A session unused for this long ends. Default 7 days. */
  idleMs?: number;
  /** A session ends this long after sign-in however often it is used. Default 30 days. */
  maxMs?: number;
  /** Most sessions kept at once; the least recently used go first. Default 1000. */
  maxSessions?: number;
  /** Milliseconds since the epoch. Default Date.now. */
  now?: () => number;
}

export const DEFAULT_SESSION_IDLE_MS = 7 * 86_400_000;
export const DEFAULT_SESSION_MAX_MS = 30 * 86_400_000;

export interface Session {
  /** Stable, non-secret handle of the session (a digest of its id), e.g. for CSRF binding. */
  key: string;
  startedAt: number;
  lastSeenAt: number;
  /** When it ends if used again now: the earlier of idle and absolute expiry. */
  expiresAt: number;
  /** What the token it signed in with may see. */
  scope: Scope;
}

export type SessionLookup = { ok: true; session: Session } | { ok: false; reason: 'unknown' | 'expired' };

function digest(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('base64url');
}

export class SessionStore {
  private readonly sessions = new Map<string, { startedAt: number; lastSeenAt: number; scope: Scope }>();
  readonly idleMs: number;
  readonly maxMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;

  constructor(options: SessionOptions = {}) {
    this.idleMs = positive(options.idleMs ?? DEFAULT_SESSION_IDLE_MS, 'idleMs');
    this.maxMs = positive(options.maxMs ?? DEFAULT_SESSION_MAX_MS, 'maxMs');
    this.maxSessions = positive(options.maxSessions ?? 1000, 'maxSessions');
    this.now = options.now ?? Date.now;
  }

  /** Starts a session (the owner's unless a scope is given); returns the id for the cookie (32 random bytes, base64url) and the session. */
  create(scope: Scope = OWNER_SCOPE): { id: string; session: Session } {
    const id = randomBytes(32).toString('base64url');
    const t = this.now();
    const key = digest(id);
    this.sessions.set(key, { startedAt: t, lastSeenAt: t, scope });
    while (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    return { id, session: this.view(key, t, t, scope) };
  }

  /** The live session with this id, touched (its idle clock restarts); expired ones are removed. */
  touch(id: string): SessionLookup {
    const key = digest(id);
    const s = this.sessions.get(key);
    if (!s) return { ok: false, reason: 'unknown' };
    const t = this.now();
    if (t - s.lastSeenAt >= this.idleMs || t - s.startedAt >= this.maxMs) {
      this.sessions.delete(key);
      return { ok: false, reason: 'expired' };
    }
    // Re-insert so the Map's order stays least-recently-used first.
    this.sessions.delete(key);
    this.sessions.set(key, { startedAt: s.startedAt, lastSeenAt: t, scope: s.scope });
    return { ok: true, session: this.view(key, s.startedAt, t, s.scope) };
  }

  /** Ends the session (sign-out); unknown ids are ignored. */
  end(id: string): void {
    this.sessions.delete(digest(id));
  }

  get size(): number {
    return this.sessions.size;
  }

  private view(key: string, startedAt: number, lastSeenAt: number, scope: Scope): Session {
    return { key, startedAt, lastSeenAt, expiresAt: Math.min(lastSeenAt + this.idleMs, startedAt + this.maxMs), scope };
  }
}

function positive(v: number, name: string): number {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`session ${name} must be a positive number, got ${v}`);
  return v;
}
