/**
 * Short text messages: the day's decision in at most 160 GSM-7 characters, sent through a
 * carrier's e-mail-to-SMS gateway (over SMTP) or through Twilio (official SDK).
 */
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import type { Channel, IsoDate } from '../domain/types';
import type { Mailer } from './mailer';
import { stableMessageId } from './mailer';
import type { TwilioSettings } from './notify-config';
import type { DayReport } from './report-model';
import { decisionAddsToHeading, shortDayLabel } from './day-heading';
import { decisionLabel } from './report';
import { isDemoSuggestion } from '../coaching/peloton';

/** One SMS segment in GSM-7; longer texts are split or, with other characters, cut to 70. */
export const SMS_MAX_CHARS = 160;

export interface SentSms {
  providerId: string;
}

export interface SmsSender {
  /** `key` identifies the notification (mission/day/channel) for providers that can use it. */
  send(text: string, key: { scope: string; day: IsoDate; channel: Channel; message?: string }): Promise<SentSms>;
}

const REPLACEMENTS: Record<string, string> = {
  '–': '-',
  '—': '-',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '…': '...',
  '›': '>',
  '·': '-',
  '→': '>',
  '\u00a0': ' ',
};

/**
 * Fold text into plain ASCII printable characters (a safe subset of GSM-7): accents dropped
 * (é → e), typographic punctuation simplified, anything else removed. A single character
 * outside GSM-7 would switch the whole SMS to UCS-2 and cut it to 70 characters.
 */
export function toSmsSafeText(text: string): string {
  return text
    .replace(/[–—‘’“”…›·→\u00a0]/g, (c) => REPLACEMENTS[c]!)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e\n]/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** Cut `text` to `max` characters at a word boundary, ending with "..." when cut. */
export function fitText(text: string, max = SMS_MAX_CHARS): string {
  if (text.length <= max) return text;
  const room = max - 3;
  const cut = text.slice(0, room + 1);
  const space = cut.lastIndexOf(' ');
  const head = (space > room * 0.6 ? cut.slice(0, space) : cut.slice(0, room)).replace(/[\s,.;:|-]+$/, '');
  return `${head.slice(0, room)}...`;
}

/** The day's SMS: date, stage, decision, workout, first class; ≤ 160 plain characters. */
export function renderSmsText(r: DayReport): string {
  const where = `${r.date.slice(5)} ${shortDayLabel(r.day)}`;
  const parts = [decisionAddsToHeading(r.day, r.decision.decision) ? `${where}: ${decisionLabel(r.decision.decision)}` : where];
  if (r.workout) parts.push(`${r.workout.title}, ${r.workout.durationMin} min, TSS ${Math.round(r.workout.targetTss)}`);
  if (r.classes[0]) parts.push(isDemoSuggestion(r.classes[0]) ? `Class (demo, not real): ${r.classes[0].title}` : `Class: ${r.classes[0].title}${r.classes[0].instructor ? ` with ${r.classes[0].instructor}` : ''}`);
  if (r.decision.rationale[0]) parts.push(r.decision.rationale[0]);
  return fitText(toSmsSafeText(`Lanterne ${parts.join('. ')}`));
}

/** SMS through the carrier's e-mail gateway: a text-only e-mail without subject. */
export function createGatewaySender(mailer: Mailer, address: string, from: string | null): SmsSender {
  return {
    async send(text, key) {
      const sent = await mailer.send({
        to: [address],
        subject: '',
        text,
        messageId: stableMessageId(key.scope, key.day, key.channel, from, key.message),
      });
      return { providerId: sent.messageId };
    },
  };
}

/**
 * Network errors that prove the request never left this machine (nothing reached Twilio), so it may
 * go again: the same causes the observation clients repeat a POST after (src/observation/http-json.ts).
 */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * A Twilio API failure, with Twilio's HTTP status and error code. Sending a message is a POST that
 * Twilio cannot deduplicate, so it is repeated only when it surely did not create a message: a
 * 429 or a 503 (Twilio did not process it), or a connection that was never made. A timeout, a cut
 * connection, an answer that cannot be read (Twilio may have answered 201 Created) or another 5xx
 * may have sent the SMS: `mayHaveSent`, not transient — the channel fails with that said, instead
 * of texting the athlete twice.
 */
export class TwilioSendError extends Error {
  constructor(
    message: string,
    public readonly status: number | null,
    public readonly code: number | null,
    public readonly mayHaveSent = false,
  ) {
    super(message);
    this.name = 'TwilioSendError';
  }
  /** Rate limits, an unavailable service and a connection never made may pass later; nothing else is repeated. */
  get transient(): boolean {
    if (this.status !== null) return this.status === 429 || this.status === 503;
    return this.code === null && !this.mayHaveSent;
  }
}

/**
 * The SDK's own HTTP client, with every request sent to `baseUrl` instead of
 * https://api.twilio.com (the SDK builds absolute URLs; a custom `httpClient` is its documented
 * extension point, so the SDK's request building, auth and error handling stay in use).
 */
export class RedirectingRequestClient extends RequestClient {
  private readonly base: URL;
  constructor(baseUrl: string, opts?: RequestClient.RequestClientOptions) {
    super(opts);
    this.base = new URL(baseUrl);
  }
  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const original = new URL(opts.uri);
    const prefix = this.base.pathname.replace(/\/$/, '');
    const target = new URL(`${prefix}${original.pathname}${original.search}`, this.base.origin);
    return super.request<TData>({ ...opts, uri: target.toString() });
  }
}

export function createTwilioSender(settings: TwilioSettings, opts: { timeoutMs?: number } = {}): SmsSender {
  const isDefault = new URL(settings.baseUrl).origin === 'https://api.twilio.com';
  const client = twilio(settings.accountSid, settings.authToken, {
    timeout: opts.timeoutMs ?? 20_000,
    autoRetry: false,
    ...(isDefault ? {} : { httpClient: new RedirectingRequestClient(settings.baseUrl, { timeout: opts.timeoutMs ?? 20_000 }) }),
  });
  return {
    async send(text) {
      try {
        const message = await client.messages.create({ from: settings.from, to: settings.to, body: text });
        if (message.status === 'failed' || message.status === 'undelivered') {
          throw new TwilioSendError(
            `Twilio message ${message.sid} ${message.status}${message.errorCode ? ` (error ${message.errorCode})` : ''}`,
            null,
            message.errorCode ?? null,
          );
        }
        return { providerId: message.sid };
      } catch (err) {
        if (err instanceof TwilioSendError) throw err;
        const e = err as { status?: number; code?: number; message?: string };
        if (typeof e.status === 'number') {
          throw new TwilioSendError(`Twilio ${e.status}${e.code ? ` error ${e.code}` : ''}: ${e.message ?? 'request failed'}`, e.status, e.code ?? null);
        }
        // No HTTP status: the request failed on the way, or Twilio's answer could not be read.
        const cause = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : null;
        const mayHaveSent = !(cause !== null && NEVER_SENT.has(cause));
        const note = mayHaveSent ? '; not repeated: the message may have reached Twilio' : '';
        throw new TwilioSendError(`Twilio request failed: ${e.message ?? String(err)}${note}`, null, null, mayHaveSent);
      }
    },
  };
}
