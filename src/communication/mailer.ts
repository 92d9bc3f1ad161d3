/**
 * E-mail over SMTP with nodemailer (works with Gmail: smtp.gmail.com, port 465, secure, an app
 * password). One small interface so notify and tests do not depend on nodemailer directly.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Channel, IsoDate } from '../domain/types';
import { addressOf, type SmtpSettings } from './notify-config';

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html?: string;
  /** `<id@domain>`; stable per mission/day/channel so a duplicate can be recognised. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface SentMail {
  messageId: string;
  /** The server's final reply, e.g. `250 OK: queued as …`. */
  response: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<SentMail>;
  close(): void;
}

/** An SMTP failure, with the server's reply code when there was one. */
export class MailError extends Error {
  constructor(
    message: string,
    public readonly responseCode: number | null,
    /** 4xx replies and network errors may succeed later; 5xx will not. */
    public readonly transient: boolean,
  ) {
    super(message);
    this.name = 'MailError';
  }
}

export interface SmtpMailerOptions {
  /** Connection/greeting/socket timeouts in ms (default 20 s). */
  timeoutMs?: number;
  /** TLS options passed to nodemailer (tests: a self-signed local server). */
  tls?: { rejectUnauthorized?: boolean };
  /**
   * Keep up to this many SMTP connections open and send every message through them (nodemailer's
   * pooled transport): a worker shares one such mailer, so 500 missions waking together open a few
   * connections (and TLS handshakes) instead of 500. Default: a connection per message.
   */
  pooledConnections?: number;
}

export function createSmtpMailer(smtp: SmtpSettings, opts: SmtpMailerOptions = {}): Mailer {
  const timeout = opts.timeoutMs ?? 20_000;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user && smtp.password ? { user: smtp.user, pass: smtp.password } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    tls: opts.tls,
    ...(opts.pooledConnections ? { pool: true, maxConnections: opts.pooledConnections } : {}),
  });
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          from: smtp.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId: message.messageId,
          headers: message.headers,
        });
        if (!info.accepted?.length) {
          throw new MailError(`SMTP server accepted no recipient: ${info.response}`, null, false);
        }
        return { messageId: info.messageId ?? message.messageId, response: info.response };
      } catch (err) {
        throw toMailError(err);
      }
    },
    close() {
      transport.close();
    },
  };
}

function toMailError(err: unknown): MailError {
  if (err instanceof MailError) return err;
  const e = err as { message?: string; responseCode?: number; response?: string; code?: string };
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const detail = e.response ?? e.message ?? String(err);
  const message = code ? `SMTP ${code}: ${detail}` : `SMTP ${e.code ? `${e.code}: ` : ''}${detail}`;
  // 4xx replies and network trouble may pass later; 5xx, bad logins and untrusted certificates will not.
  const permanent = e.code === 'EAUTH' || /certificate/i.test(e.message ?? '');
  const transient = code == null ? !permanent : code >= 400 && code < 500;
  return new MailError(message, code, transient);
}

/**
 * A Message-ID that depends only on mission, day and channel: every attempt to send the same
 * notification carries the same id, which mail systems (e.g. Gmail) use to drop duplicates.
 */
export function stableMessageId(scope: string, day: IsoDate, channel: Channel, from: string | null, message = 'day'): string {
  // The day's report keeps the id it always had; another message of the day gets its own.
  const identity = message === 'day' ? `lanterne\0${scope}\0${day}\0${channel}` : `lanterne\0${scope}\0${day}\0${channel}\0${message}`;
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 32);
  const addr = from ? addressOf(from) : null;
  const domain = addr ? addr.slice(addr.lastIndexOf('@') + 1) : 'lanterne.local';
  return `<lanterne.${hash}@${domain}>`;
}
