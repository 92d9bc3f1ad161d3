/**
 * Fault injection shared by the local HTTP fakes (Oura, Strava, OpenAI, Twilio): a standing answer
 * for the requests a rule picks (a status with headers and a raw body, or no answer at all), added
 * latency, and a listener that can be closed and opened again on the same port, so a client meets
 * "connection refused" and then the same server, with its state, again. The fakes record every
 * request before a fault answers it, so tests count what a client's retry policy sent.
 */
import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface StandingReply {
  status: number;
  headers?: Record<string, string>;
  /** Raw body text (default `{}`). */
  body?: string;
  /** Never answer (a client timeout); the response is destroyed when the fake closes. */
  hang?: boolean;
}

export interface HttpFaults {
  /** Picks the standing reply for a request (method and path), or null to answer normally. */
  rule: ((req: { method: string; path: string }) => StandingReply | null) | null;
  /** Added latency before every answer, in ms (e.g. a random draw). */
  latencyMs: (() => number) | null;
}

export function noFaults(): HttpFaults {
  return { rule: null, latencyMs: null };
}

/**
 * Applies the faults to one request: waits the latency, then answers with the standing reply when
 * the rule picks one. Returns true when the request was answered (or left hanging) here.
 */
export async function applyFaults(faults: HttpFaults, req: IncomingMessage, res: ServerResponse, hanging: Set<ServerResponse>): Promise<boolean> {
  const latency = faults.latencyMs?.() ?? 0;
  if (latency > 0) await new Promise((r) => setTimeout(r, latency));
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const reply = faults.rule?.({ method: req.method ?? 'GET', path }) ?? null;
  if (!reply) return false;
  if (reply.hang) {
    hanging.add(res);
    return true;
  }
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(reply.body ?? '{}');
  return true;
}

/** The standing replies of the fault kinds the reliability suite injects, in a JSON API's words. */
export function faultReply(kind: '5xx' | '429' | 'timeout' | 'malformed' | '401' | '403', retryAfterS = 1): StandingReply {
  switch (kind) {
    case '5xx':
      return { status: 503, body: JSON.stringify({ error: { message: 'Service Unavailable (injected)' } }) };
    case '429':
      return { status: 429, headers: { 'retry-after': String(retryAfterS) }, body: JSON.stringify({ error: { message: 'Too Many Requests (injected)' } }) };
    case 'timeout':
      return { status: 200, hang: true };
    case 'malformed':
      return { status: 200, body: '<html><body>502 Bad Gateway (injected proxy page)' };
    case '401':
      return { status: 401, body: JSON.stringify({ error: { message: 'Unauthorized (injected)' }, detail: 'Unauthorized: token invalid (injected)' }) };
    case '403':
      return { status: 403, body: JSON.stringify({ error: { message: 'Forbidden (injected)' }, detail: 'Forbidden: membership lapsed (injected)' }) };
  }
}

/**
 * Stops accepting connections on a listening server (clients get "connection refused") and starts
 * again on the same address: the server object, and so the fake's state, is kept.
 */
export function pausableListener(server: Server, onPause?: () => void): { pause(): Promise<void>; resume(): Promise<void>; paused(): boolean } {
  const { port, address } = server.address() as AddressInfo;
  let isPaused = false;
  return {
    async pause() {
      if (isPaused) return;
      isPaused = true;
      onPause?.();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
    },
    async resume() {
      if (!isPaused) return;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, address, () => {
          server.off('error', reject);
          resolve();
        });
      });
      isPaused = false;
    },
    paused: () => isPaused,
  };
}
