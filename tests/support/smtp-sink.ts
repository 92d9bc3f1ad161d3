/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 with an OS-chosen port, for tests.
 * It collects every accepted message, decodes the MIME parts enough to assert on them, can
 * require a login, and can be told to reject the next N messages with a 4xx/5xx reply. For fault
 * trials it can also refuse every login, hold its answer to DATA, add latency, and hand its port to
 * a stand-in: nothing (connection refused), a server that never speaks, or one that answers
 * something that is not SMTP — and take the port back.
 */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import net, { type AddressInfo } from 'node:net';
import { pausableListener } from './http-faults';

export interface MimePart {
  contentType: string;
  headers: Record<string, string>;
  body: string;
}

export interface ReceivedMail {
  /** Whether the message came over TLS. */
  tls: boolean;
  envelopeFrom: string;
  envelopeTo: string[];
  /** The user that logged in, when the sink requires a login. */
  authUser: string | null;
  /** The SMTP connection (session) the message came over: messages on one connection share it. */
  connectionId: string;
  raw: string;
  headers: Record<string, string>;
  messageId: string | null;
  subject: string;
  /** Leaf parts (text/plain, text/html, …) with their bodies decoded. */
  parts: MimePart[];
  text: string | null;
  html: string | null;
}

export interface SmtpSink {
  host: string;
  port: number;
  messages: ReceivedMail[];
  /** Reject the next `count` messages (after DATA) with `code` (4xx transient, 5xx permanent). */
  failNext(count: number, code?: number, message?: string): void;
  /** Number of messages rejected so far. */
  rejected(): number;
  /** Connections accepted so far, by the sink or its stand-in (one per delivery attempt of a client). */
  connections(): number;
  /** Refuse every login with 535 while set (the sink must require a login). */
  refuseAuth: boolean;
  /** Hold the answer to DATA this long (ms) before accepting or rejecting: latency, or a timeout for the client. */
  dataDelayMs: (() => number) | null;
  /**
   * Hand the port to a stand-in: `refused` (nothing listens), `silent` (accepts, never greets),
   * `garbage` (answers with text that is not SMTP); `null` takes the port back.
   */
  standIn(kind: 'refused' | 'silent' | 'garbage' | null): Promise<void>;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** Implicit TLS from the first byte, like port 465 (smtp-server's built-in self-signed certificate). */
  secure?: boolean;
  /** Require AUTH with these credentials; a wrong login gets 535 (whose text is `authFailureText`). */
  auth?: { user: string; pass: string; authFailureText?: string };
}

export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  let failures: { remaining: number; code: number; message: string } = { remaining: 0, code: 451, message: '' };
  let rejectedCount = 0;
  let connectionCount = 0;
  const timers = new Set<NodeJS.Timeout>();

  const options: SMTPServerOptions = {
    secure: opts.secure ?? false,
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    logger: false,
    onConnect(_session, callback) {
      connectionCount += 1;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (opts.auth && !sink.refuseAuth && auth.username === opts.auth.user && auth.password === opts.auth.pass) {
        callback(null, { user: auth.username });
        return;
      }
      const err = new Error(opts.auth?.authFailureText ?? 'Invalid username or password') as Error & { responseCode: number };
      err.responseCode = 535;
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const delay = sink.dataDelayMs?.() ?? 0;
        if (delay > 0) {
          const t = setTimeout(() => {
            timers.delete(t);
            finish();
          }, delay);
          timers.add(t);
        } else finish();
      });
      const finish = () => {
        if (failures.remaining > 0) {
          failures.remaining -= 1;
          rejectedCount += 1;
          const err = new Error(failures.message) as Error & { responseCode: number };
          err.responseCode = failures.code;
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = parseMessage(raw);
        const from = session.envelope.mailFrom;
        messages.push({
          tls: session.secure,
          envelopeFrom: from ? from.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          authUser: typeof session.user === 'string' ? session.user : null,
          connectionId: session.id,
          raw,
          ...parsed,
        });
        callback(null);
      };
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => undefined);
  const netServer = (server as unknown as { server: net.Server }).server;
  const address = netServer.address() as AddressInfo;
  const listener = pausableListener(netServer);
  let standIn: { server: net.Server; sockets: Set<net.Socket> } | null = null;
  const closeStandIn = async () => {
    if (!standIn) return;
    const s = standIn;
    standIn = null;
    for (const socket of s.sockets) socket.destroy();
    await new Promise<void>((resolve) => s.server.close(() => resolve()));
  };
  const sink: SmtpSink = {
    host: '127.0.0.1',
    port: address.port,
    messages,
    failNext(count, code = 451, message) {
      failures = { remaining: count, code, message: message ?? (code >= 500 ? 'Message rejected' : 'Try again later') };
    },
    rejected: () => rejectedCount,
    connections: () => connectionCount,
    refuseAuth: false,
    dataDelayMs: null,
    async standIn(kind) {
      await closeStandIn();
      if (kind === null) {
        await listener.resume();
        return;
      }
      await listener.pause();
      if (kind === 'refused') return;
      const sockets = new Set<net.Socket>();
      const stand = net.createServer((socket) => {
        connectionCount += 1;
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
        if (kind === 'garbage') socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\n\r\n<html>proxy error (injected)</html>\r\n');
      });
      await new Promise<void>((resolve, reject) => {
        stand.once('error', reject);
        stand.listen(address.port, '127.0.0.1', () => resolve());
      });
      standIn = { server: stand, sockets };
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      await closeStandIn();
      if (listener.paused()) return;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return sink;
}

// ------------------------------------------------------------------ minimal MIME decoding

function splitHeaderBody(raw: string): { head: string; body: string } {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return { head: raw, body: '' };
  return { head: raw.slice(0, m.index), body: raw.slice(m.index + m[0].length) };
}

function parseHeaders(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!(name in headers)) headers[name] = line.slice(i + 1).trim();
  }
  return headers;
}

/** Decode RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=). */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) => {
      if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      return decodeQuotedPrintable(text.replace(/_/g, ' '));
    });
}

export function decodeQuotedPrintable(text: string): string {
  const softBreaksRemoved = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < softBreaksRemoved.length; i++) {
    const c = softBreaksRemoved[i]!;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(softBreaksRemoved.slice(i + 1, i + 3))) {
      bytes.push(parseInt(softBreaksRemoved.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return body;
  }
}

function leafParts(raw: string): MimePart[] {
  const { head, body } = splitHeaderBody(raw);
  const headers = parseHeaders(head);
  const contentType = headers['content-type'] ?? 'text/plain';
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (!boundary) return [];
    const sections = body.split(`--${boundary}`);
    return sections
      .slice(1)
      .filter((s) => !s.startsWith('--'))
      .flatMap((s) => leafParts(s.replace(/^\r?\n/, '')));
  }
  return [{ contentType: type, headers, body: decodeBody(body, headers['content-transfer-encoding']) }];
}

function parseMessage(raw: string): Omit<ReceivedMail, 'tls' | 'envelopeFrom' | 'envelopeTo' | 'authUser' | 'connectionId' | 'raw'> {
  const { head } = splitHeaderBody(raw);
  const headers = parseHeaders(head);
  const parts = leafParts(raw);
  return {
    headers,
    messageId: headers['message-id'] ?? null,
    subject: decodeWords(headers['subject'] ?? ''),
    parts,
    text: parts.find((p) => p.contentType === 'text/plain')?.body ?? null,
    html: parts.find((p) => p.contentType === 'text/html')?.body ?? null,
  };
}
