import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { backoffDelay, requestJson, resolveTransport, type FetchLike, type TransportOptions } from '../../../src/observation/http-json';
import { TimeoutError, UpstreamUnavailableError } from '../../../src/observation/errors';
import { caught } from './caught';

/**
 * The retry rules of http-json against real local servers: GETs are retried after timeouts, resets
 * and 5xx; a POST only when it surely did not reach the server or the server said it did not
 * process it.
 */
type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

interface Local {
  url: string;
  port: number;
  /** Requests received, bodies included. */
  received: { method: string; body: string }[];
  close(): Promise<void>;
}

const open: Server[] = [];

async function serve(handler: Handler, port = 0): Promise<Local> {
  const received: Local['received'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', body });
      handler(req, res, received.length);
    });
  });
  open.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/oauth/token`,
    port: actual,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

afterEach(async () => {
  for (const s of open.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const ok = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"access_token":"a"}');
};

let sleeps: number[];
beforeEach(() => {
  sleeps = [];
});

function transport(extra: TransportOptions = {}) {
  return resolveTransport({
    timeoutMs: 300,
    backoffMs: 10,
    maxRetries: 2,
    random: () => 1, // the jitter's top: whole backoff steps (the jitter has its own test)
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
}

const post = (url: string, extra: TransportOptions = {}) =>
  requestJson('oura', transport(extra), { url, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&refresh_token=r1' });
const get = (url: string, extra: TransportOptions = {}) => requestJson('oura', transport(extra), { url });

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = await serve(() => undefined);
  await s.close();
  open.pop();
  return s.port;
}

describe('a POST is not repeated when it may have reached the server', () => {
  it('timeout: one request, a retryable Timeout error that says it was not repeated', async () => {
    const s = await serve(() => undefined); // reads the request, never answers
    const e = await caught(post(s.url));
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e.retryable).toBe(true);
    expect(e.message).toBe(`Oura did not answer ${s.url} within 300 ms; POST not repeated: it may have reached the server`);
    expect(s.received).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('connection cut after the request was sent: one request, retryable, not repeated', async () => {
    const s = await serve((req) => req.socket.destroy());
    const e = await caught(post(s.url));
    expect(e).toBeInstanceOf(UpstreamUnavailableError);
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(/fetch failed \((UND_ERR_SOCKET|ECONNRESET)\); POST not repeated: it may have reached the server$/);
    expect(s.received).toHaveLength(1);
  });

  it('HTTP 500 (or 503 without Retry-After): one request, not repeated', async () => {
    for (const status of [500, 502, 503]) {
      const s = await serve((_req, res) => {
        res.writeHead(status);
        res.end('{}');
      });
      const e = await caught(post(s.url));
      expect(e).toBeInstanceOf(UpstreamUnavailableError);
      expect(e.message).toContain(`answered HTTP ${status}; POST not repeated`);
      expect(s.received).toHaveLength(1);
    }
  });
});

describe('a POST is repeated when it surely was not processed', () => {
  it('connection refused: retried with backoff, and goes through once the server is up', async () => {
    const port = await closedPort();
    let server: Local | null = null;
    const res = await post(`http://127.0.0.1:${port}/oauth/token`, {
      sleep: async (ms) => {
        sleeps.push(ms);
        server ??= await serve((_req, r) => ok(r), port); // the server comes up during the backoff
      },
    });
    expect(res.body).toEqual({ access_token: 'a' });
    expect(sleeps).toEqual([10]);
    expect(server!.received).toEqual([{ method: 'POST', body: 'grant_type=refresh_token&refresh_token=r1' }]);
  });

  it('connection refused every time: maxRetries repeats, then a retryable error naming the cause', async () => {
    const port = await closedPort();
    const e = await caught(post(`http://127.0.0.1:${port}/oauth/token`));
    expect(e).toBeInstanceOf(UpstreamUnavailableError);
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('fetch failed (ECONNREFUSED)');
    expect(sleeps).toEqual([10, 20]);
  });

  it('a name that does not resolve: repeated like a refused connection', async () => {
    let calls = 0;
    const counting: FetchLike = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    const e = await caught(post('http://lanterne-token-endpoint.invalid/oauth/token', { fetch: counting, timeoutMs: 5000 }));
    expect(e.message).toMatch(/fetch failed \((ENOTFOUND|EAI_AGAIN)\)/);
    expect(calls).toBe(3);
  });

  it('HTTP 503 with Retry-After: waits as told, then sends again', async () => {
    const s = await serve((_req, res, n) => {
      if (n === 1) {
        res.writeHead(503, { 'retry-after': '2' });
        res.end('{"error":"maintenance"}');
      } else ok(res);
    });
    expect((await post(s.url)).body).toEqual({ access_token: 'a' });
    expect(sleeps).toEqual([2000]);
    expect(s.received).toHaveLength(2);
  });

  it('HTTP 429 with Retry-After: waits as told, then sends again', async () => {
    const s = await serve((_req, res, n) => {
      if (n === 1) {
        res.writeHead(429, { 'retry-after': '1' });
        res.end('{}');
      } else ok(res);
    });
    expect((await post(s.url)).status).toBe(200);
    expect(sleeps).toEqual([1000]);
    expect(s.received).toHaveLength(2);
  });

  it('a POST the caller marks idempotent is retried like a GET', async () => {
    const s = await serve((req, res, n) => (n === 1 ? req.socket.destroy() : ok(res)));
    const res = await requestJson('oura', transport(), { url: s.url, method: 'POST', body: 'x', idempotent: true });
    expect(res.status).toBe(200);
    expect(s.received).toHaveLength(2);
  });
});

describe('a GET is still retried', () => {
  it('after a timeout, a cut connection and a 500', async () => {
    const s = await serve((req, res, n) => {
      if (n === 1) return; // hang
      if (n === 2) return req.socket.destroy();
      if (n === 3) {
        res.writeHead(500);
        return res.end('{}');
      }
      ok(res);
    });
    expect((await get(s.url, { maxRetries: 3 })).status).toBe(200);
    expect(s.received).toHaveLength(4);
    expect(sleeps).toEqual([10, 20, 40]);
  });
});

describe('the backoff is jittered', () => {
  it('waits between half and all of each exponential step, so many clients do not retry in step', () => {
    const t = resolveTransport({ backoffMs: 500 });
    for (let failures = 0; failures < 4; failures++) {
      const full = 500 * 2 ** failures;
      const waits = Array.from({ length: 200 }, () => backoffDelay(t, failures));
      expect(Math.min(...waits)).toBeGreaterThanOrEqual(full / 2);
      expect(Math.max(...waits)).toBeLessThanOrEqual(full);
      expect(new Set(waits).size).toBeGreaterThan(20); // spread, not one value
    }
    expect(backoffDelay(resolveTransport({ backoffMs: 500, random: () => 0 }), 2)).toBe(1000);
    expect(backoffDelay(resolveTransport({ backoffMs: 500, random: () => 1 }), 2)).toBe(2000);
  });
});
