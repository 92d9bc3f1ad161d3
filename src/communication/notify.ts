/**
 * Sends the day's notifications, exactly once per mission/day/channel: each channel is claimed in
 * the outbox (by the outbox's owner, one activity attempt) before sending and marked after, so a
 * retried activity never sends a message that already went out. Channels are independent: one
 * failing does not stop the others, and the result says what happened on each. Channels that are
 * not configured are skipped with the reason.
 */
import type { Channel, IsoDate } from '../domain/types';
import { createSmtpMailer, stableMessageId, type Mailer } from './mailer';
import { routeChannels, secretsOf, type ChannelRoute, type NotifyConfig } from './notify-config';
import { DEFAULT_MESSAGE_KEY, type Outbox } from './outbox';
import { quietHoursDecision, type QuietHours } from '../domain/quiet-hours';
import { renderHtml, renderPlainText, reportSubject } from './report';
import type { DayReport, NotificationOutcome } from './report-model';
import { createGatewaySender, createTwilioSender, renderSmsText, type SmsSender } from './sms';

export { loadNotifyConfig } from './notify-config';
export type { NotifyConfig } from './notify-config';
export type { Outbox, ClaimResult, OutboxKey, OutboxStatus } from './outbox';

export interface NotifyRequest {
  /** Outbox scope: the mission id. */
  missionId: string;
  /**
   * The athlete the mission belongs to: part of the message's identity (its Message-ID), so two
   * athletes riding the same mission never send messages that mail systems take for one.
   */
  athlete?: string;
  date: IsoDate;
  /** Channels the mission asks for (MissionConfig.notifications.channels). */
  channels: Channel[];
  report: DayReport;
  /** When given, nothing is sent inside quiet hours: the result is `deferred` with the instant to retry. */
  quiet?: { timezone: string; quietHours: QuietHours | null };
}

/**
 * A message other than the day's report, e.g. "how did that ride go?" after a Strava activity: its
 * own outbox key (`message`, e.g. `ride:<strava id>`), so it goes out once however often it is asked.
 */
export interface MessageRequest {
  missionId: string;
  /** As in NotifyRequest: part of the Message-ID. */
  athlete?: string;
  date: IsoDate;
  channels: Channel[];
  message: { key: string; subject: string; text: string; html?: string; sms: string };
}

/** What one notification sends, whichever message it is. */
interface Content {
  messageKey: string;
  subject: string;
  text: string;
  html?: string;
  sms: string;
}

export type ChannelTransport = 'email' | 'sms-gateway' | 'twilio';

export interface ChannelResult extends NotificationOutcome {
  transport: ChannelTransport | null;
  /** `in_progress`: when the other sender's claim ends; a retry after it takes the claim over. */
  claimExpiresAt?: string | null;
}

export type NotifySummary =
  /** Every routed channel went out (now or on an earlier attempt). */
  | 'delivered'
  /** Some channels went out, some failed. */
  | 'partial'
  /** Channels were tried and none went out. */
  | 'all_failed'
  /** Every channel was skipped (nothing configured), or none was requested. */
  | 'nothing_to_send'
  /** Inside quiet hours: nothing was tried; call again at `deferredUntil`. */
  | 'deferred'
  /** Another attempt holds a fresh claim on a channel and none failed here: try again later. */
  | 'in_progress';

export interface NotifyResult {
  missionId: string;
  date: IsoDate;
  summary: NotifySummary;
  channels: ChannelResult[];
  deferredUntil: string | null;
  /**
   * true when a failed channel may succeed if notifyDay is called again (an activity can throw
   * a retryable error on it: channels already sent are not sent again).
   */
  retryable: boolean;
}

export interface NotifierDeps {
  config: NotifyConfig;
  outbox: Outbox;
  /** Replaces the SMTP mailer built from config.smtp (tests, or a shared transport). */
  mailer?: Mailer;
  /** Replaces the Twilio sender built from config.twilio. */
  twilio?: SmsSender;
  now?: () => number;
  /** Structured events without addresses or secrets, e.g. to a JSON-lines logger. */
  log?: (event: Record<string, unknown>) => void;
  /** Sends this process made that the outbox could not record (default: one map per process). */
  unrecorded?: Map<string, string>;
}

/**
 * Sends that went out while the outbox could not record them (the database down), by outbox key:
 * a later attempt in this process that claims the key records the send instead of sending again,
 * however long the outage outlasted the claim's lease. Found by `npm run reliability` (R2:
 * PostgreSQL stopped for 10 minutes just after the SMTP server accepted the day's e-mail; the
 * retry after the lease sent it twice). A crash of the process in that window still resends.
 */
const UNRECORDED_SENDS = new Map<string, string>();

export interface Notifier {
  notifyDay(request: NotifyRequest): Promise<NotifyResult>;
  /** Sends another message of the day (its own outbox key: once per mission, day, channel and key). */
  notifyMessage(request: MessageRequest): Promise<NotifyResult>;
  /** Closes the SMTP connection pool it opened. */
  close(): void;
}

const MAX_REASON = 300;

export function createNotifier(deps: NotifierDeps): Notifier {
  const { config, outbox } = deps;
  const now = deps.now ?? Date.now;
  const log = deps.log ?? (() => undefined);
  const unrecorded = deps.unrecorded ?? UNRECORDED_SENDS;
  const secrets = secretsOf(config);
  let ownMailer: Mailer | null = null;
  let twilioSender: SmsSender | null = deps.twilio ?? null;

  const mailer = (): Mailer => {
    if (deps.mailer) return deps.mailer;
    if (!config.smtp) throw new Error('SMTP is not configured');
    ownMailer ??= createSmtpMailer(config.smtp);
    return ownMailer;
  };
  const twilioClient = (): SmsSender => {
    if (!config.twilio) throw new Error('Twilio is not configured');
    twilioSender ??= createTwilioSender(config.twilio);
    return twilioSender;
  };
  const clean = (text: string): string => redact(text, secrets).slice(0, MAX_REASON);

  async function send(route: Exclude<ChannelRoute, { kind: 'skip' }>, req: { missionId: string; athlete?: string; date: IsoDate }, content: Content): Promise<string> {
    // The message's identity for providers (Message-ID): the athlete's mission, not only the mission.
    const scope = req.athlete ? `${req.athlete}/${req.missionId}` : req.missionId;
    const key = { scope, day: req.date, channel: route.channel, message: content.messageKey };
    switch (route.kind) {
      case 'email': {
        const sent = await mailer().send({
          to: route.to,
          subject: content.subject,
          text: content.text,
          html: content.html,
          messageId: stableMessageId(scope, req.date, route.channel, config.smtp?.from ?? null, content.messageKey),
          headers: { 'X-Lanterne-Mission': req.missionId, 'X-Lanterne-Date': req.date },
        });
        return sent.messageId;
      }
      case 'sms-gateway':
        return (await createGatewaySender(mailer(), route.to, config.smtp?.from ?? null).send(content.sms, key)).providerId;
      case 'twilio':
        return (await twilioClient().send(content.sms, key)).providerId;
    }
  }

  async function notifyChannel(route: ChannelRoute, req: { missionId: string; athlete?: string; date: IsoDate }, content: Content): Promise<ChannelResult> {
    const { channel } = route;
    const transport: ChannelTransport | null = route.kind === 'skip' ? null : route.kind;
    const base = { channel, transport };
    const key = { scope: req.missionId, day: req.date, channel, message: content.messageKey };
    let claim;
    try {
      claim = await outbox.claim(key);
    } catch (err) {
      // Without a claim we cannot promise "once": do not send.
      return { ...base, status: 'failed', reason: clean(`outbox claim failed, not sent: ${errorText(err)}`), retryable: true };
    }
    if (!claim.claimed) {
      switch (claim.status) {
        case 'sent':
          return { ...base, status: 'already_sent', providerId: claim.providerId ?? null };
        case 'skipped':
          return { ...base, status: 'skipped', reason: claim.reason ?? null };
        case 'failed':
          return { ...base, status: 'failed', reason: claim.reason ?? 'failed on an earlier attempt' };
        default:
          return {
            ...base,
            status: 'in_progress',
            reason: `another attempt is sending this notification${claim.leaseExpiresAt ? ` (its claim ends at ${claim.leaseExpiresAt})` : ''}`,
            claimExpiresAt: claim.leaseExpiresAt ?? null,
          };
      }
    }
    if (route.kind === 'skip') {
      await outbox.markSkipped(key, route.reason);
      return { ...base, status: 'skipped', reason: route.reason };
    }
    const unrecordedKey = JSON.stringify([key.scope, key.day, key.channel, key.message]);
    const sentBefore = unrecorded.get(unrecordedKey);
    if (sentBefore !== undefined) {
      // Sent by an earlier attempt in this process that could not record it: record it now, do not send again.
      try {
        await outbox.markSent(key, sentBefore);
        unrecorded.delete(unrecordedKey);
      } catch (err) {
        return { ...base, status: 'sent', providerId: sentBefore, reason: clean(`sent, but the outbox could not record it: ${errorText(err)}`) };
      }
      return { ...base, status: 'sent', providerId: sentBefore };
    }
    let providerId: string;
    try {
      providerId = await send(route, req, content);
    } catch (err) {
      const reason = clean(errorText(err));
      try {
        await outbox.markFailed(key, reason);
      } catch (markErr) {
        log({ event: 'notify.outbox_mark_failed', missionId: req.missionId, date: req.date, channel, error: clean(errorText(markErr)) });
      }
      return { ...base, status: 'failed', reason, retryable: isTransient(err) };
    }
    try {
      await outbox.markSent(key, providerId);
    } catch (err) {
      // The message went out; only the record is missing. Say so rather than report a failure, and
      // remember it, so that an attempt that claims it again records it rather than sending it.
      unrecorded.set(unrecordedKey, providerId);
      return { ...base, status: 'sent', providerId, reason: clean(`sent, but the outbox could not record it: ${errorText(err)}`) };
    }
    return { ...base, status: 'sent', providerId };
  }

  async function sendAll(req: { missionId: string; athlete?: string; date: IsoDate; channels: Channel[] }, content: Content): Promise<NotifyResult> {
    const routes = routeChannels(req.channels, config);
    const channels = await Promise.all(routes.map((route) => notifyChannel(route, req, content)));
    for (const c of channels) {
      log({ event: 'notify.channel', missionId: req.missionId, date: req.date, message: content.messageKey, channel: c.channel, status: c.status, reason: c.reason ?? null });
    }
    const summary = summarise(channels);
    const retryable = summary === 'in_progress' || channels.some((c) => c.status === 'failed' && c.retryable === true);
    return { missionId: req.missionId, date: req.date, summary, deferredUntil: null, channels, retryable };
  }

  return {
    async notifyDay(req) {
      if (req.quiet) {
        const q = quietHoursDecision({ timezone: req.quiet.timezone, quietHours: req.quiet.quietHours, now: now() });
        if (!q.sendNow) {
          log({ event: 'notify.deferred', missionId: req.missionId, date: req.date, until: q.sendAt });
          return {
            missionId: req.missionId,
            date: req.date,
            summary: 'deferred',
            deferredUntil: q.sendAt,
            retryable: false,
            channels: [...new Set(req.channels)].map((channel) => ({
              channel,
              transport: null,
              status: 'deferred',
              reason: `quiet hours until ${q.sendAtLocal}`,
            })),
          };
        }
      }
      return sendAll(req, { messageKey: DEFAULT_MESSAGE_KEY, subject: reportSubject(req.report), text: renderPlainText(req.report), html: renderHtml(req.report), sms: renderSmsText(req.report) });
    },
    async notifyMessage(req) {
      if (!req.message.key || req.message.key === DEFAULT_MESSAGE_KEY) throw new Error(`notifyMessage needs a message key other than "${DEFAULT_MESSAGE_KEY}" (the day's report)`);
      return sendAll(req, { messageKey: req.message.key, subject: req.message.subject, text: req.message.text, html: req.message.html, sms: req.message.sms });
    },
    close() {
      ownMailer?.close();
      ownMailer = null;
    },
  };
}

function summarise(channels: ChannelResult[]): NotifySummary {
  const ok = channels.filter((c) => c.status === 'sent' || c.status === 'already_sent').length;
  const failed = channels.filter((c) => c.status === 'failed').length;
  const inProgress = channels.filter((c) => c.status === 'in_progress').length;
  if (ok && failed) return 'partial';
  if (failed) return 'all_failed';
  if (inProgress) return 'in_progress';
  if (ok) return 'delivered';
  return 'nothing_to_send';
}

function isTransient(err: unknown): boolean {
  const t = (err as { transient?: unknown } | null)?.transient;
  return typeof t === 'boolean' ? t : true;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Replace every occurrence of a secret in `text`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
}
