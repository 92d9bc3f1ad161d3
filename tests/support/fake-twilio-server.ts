/**
 * A local HTTP server that answers like Twilio's Messages API
 * (POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, HTTP basic auth with the
 * account SID and auth token). It records each request and can be told to answer the next
 * requests with a Twilio error body.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { applyFaults, noFaults, pausableListener, type HttpFaults } from './http-faults';

export interface TwilioRequest {
  method: string;
  path: string;
  contentType: string | null;
  /** The decoded basic-auth user and password. */
  auth: { user: string; password: string } | null;
  userAgent: string | null;
  form: Record<string, string>;
}

export interface TwilioError {
  status: number;
  code: number;
  message: string;
}

export interface FakeTwilioServer {
  baseUrl: string;
  requests: TwilioRequest[];
  /** Messages created (answered 201 by the fake itself). */
  created(): number;
  /** Answer the next `count` requests with this error. */
  failNext(count: number, error: TwilioError): void;
  /** Standing faults and latency (tests/support/http-faults.ts); requests are recorded first. */
  faults: HttpFaults;
  /** Stop listening (clients get "connection refused") / listen again on the same port. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeTwilioServer(opts: { accountSid: string; authToken: string }): Promise<FakeTwilioServer> {
  const requests: TwilioRequest[] = [];
  let failure: { remaining: number; error: TwilioError } = { remaining: 0, error: { status: 500, code: 20500, message: '' } };

  const send = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const errorBody = (e: TwilioError): unknown => ({
    code: e.code,
    message: e.message,
    more_info: `https://www.twilio.com/docs/errors/${e.code}`,
    status: e.status,
  });

  const faults = noFaults();
  let createdCount = 0;
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const bodyText = Buffer.concat(chunks).toString('utf8');
      const authHeader = req.headers.authorization ?? '';
      let auth: TwilioRequest['auth'] = null;
      if (authHeader.startsWith('Basic ')) {
        const decoded = Buffer.from(authHeader.slice(6), 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        auth = { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const record: TwilioRequest = {
        method: req.method ?? '',
        path: url.pathname,
        contentType: req.headers['content-type'] ?? null,
        auth,
        userAgent: req.headers['user-agent'] ?? null,
        form: Object.fromEntries(new URLSearchParams(bodyText)),
      };
      requests.push(record);
      if (await applyFaults(faults, req, res, hanging)) return;

      if (!auth || auth.user !== opts.accountSid || auth.password !== opts.authToken) {
        send(res, 401, errorBody({ status: 401, code: 20003, message: 'Authenticate' }));
        return;
      }
      const expected = `/2010-04-01/Accounts/${opts.accountSid}/Messages.json`;
      if (record.method !== 'POST' || record.path !== expected) {
        send(res, 404, errorBody({ status: 404, code: 20404, message: `The requested resource ${record.path} was not found` }));
        return;
      }
      if (failure.remaining > 0) {
        failure.remaining -= 1;
        send(res, failure.error.status, errorBody(failure.error));
        return;
      }
      if (!record.form.To || !record.form.From || !record.form.Body) {
        send(res, 400, errorBody({ status: 400, code: 21604, message: "A 'To' phone number is required." }));
        return;
      }
      createdCount += 1;
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const now = new Date().toUTCString();
      send(res, 201, {
        account_sid: opts.accountSid,
        api_version: '2010-04-01',
        body: record.form.Body,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: record.form.From,
        messaging_service_sid: null,
        num_media: '0',
        num_segments: '1',
        price: null,
        price_unit: 'USD',
        sid,
        status: 'queued',
        subresource_uris: { media: `/2010-04-01/Accounts/${opts.accountSid}/Messages/${sid}/Media.json` },
        to: record.form.To,
        uri: `/2010-04-01/Accounts/${opts.accountSid}/Messages/${sid}.json`,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const listener = pausableListener(server, () => {
    for (const res of hanging) res.destroy();
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    created: () => createdCount,
    failNext(count, error) {
      failure = { remaining: count, error };
    },
    faults,
    pause: () => listener.pause(),
    resume: () => listener.resume(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        if (listener.paused()) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
