/**
 * Notification settings read from the environment, validated with errors that name the variable.
 * The result holds secrets (SMTP password, Twilio auth token): it is built in the worker process
 * and must never travel in workflow/activity arguments, logs or reports (see describeNotifyConfig).
 */
import addressparser from 'nodemailer/lib/addressparser';
import type { Channel } from '../domain/types';
import { UserError } from '../infra/user-error';

export interface SmtpSettings {
  host: string;
  port: number;
  /** true: TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when offered. */
  secure: boolean;
  user: string | null;
  password: string | null;
  /** Sender, `address` or `Name <address>`. */
  from: string;
}

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from: string;
  to: string;
  /** Base URL of the Twilio REST API (tests point it at a local server). */
  baseUrl: string;
}

export interface NotifyConfig {
  smtp: SmtpSettings | null;
  /** Recipients of the daily e-mail. */
  emailTo: string[];
  /** Carrier e-mail-to-SMS address, e.g. 5551234567@vtext.com. */
  smsGatewayAddress: string | null;
  useTwilio: boolean;
  twilio: TwilioSettings | null;
}

export class NotifyConfigError extends UserError {
  constructor(public readonly problems: string[]) {
    super(
      `notification settings are invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      'fix the environment variables above (see the configuration table in the README)',
    );
    this.name = 'UserError';
  }
}

export const DEFAULT_TWILIO_BASE_URL = 'https://api.twilio.com';

type Env = Record<string, string | undefined>;

const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;

function get(env: Env, name: string): string | null {
  const v = env[name];
  if (v == null) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

function parseBool(env: Env, name: string, problems: string[]): boolean | null {
  const v = get(env, name);
  if (v == null) return null;
  const l = v.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(l)) return true;
  if (['false', '0', 'no', 'off'].includes(l)) return false;
  problems.push(`${name}=${JSON.stringify(v)} is not a boolean: use true or false`);
  return null;
}

/**
 * The addresses of an address field (`a@x.io, "Lea, coach" <lea@x.io>`), parsed by nodemailer's
 * own address parser, so what is accepted here is what the mailer sends to. An entry without a
 * usable address keeps its text in `address: null` for the error message.
 */
function parseAddresses(value: string): { text: string; address: string | null; name: string }[] {
  return addressparser(value, { flatten: true }).map((a) => ({
    text: a.address || a.name,
    address: EMAIL.test(a.address) ? a.address : null,
    name: a.name,
  }));
}

/** The address part of `addr` or `Name <addr>`, or null when there is none (or several). */
export function addressOf(value: string): string | null {
  const all = parseAddresses(value);
  return all.length === 1 ? all[0]!.address : null;
}

export function loadNotifyConfig(env: Env = process.env): NotifyConfig {
  const problems: string[] = [];

  // ---- SMTP
  const host = get(env, 'SMTP_HOST');
  const smtpDependent = ['SMTP_PORT', 'SMTP_SECURE', 'SMTP_USER', 'SMTP_PASSWORD', 'SMTP_FROM', 'NOTIFY_EMAIL_TO', 'SMS_GATEWAY_ADDRESS'];
  let smtp: SmtpSettings | null = null;
  if (!host) {
    for (const name of smtpDependent) {
      if (get(env, name) != null) problems.push(`${name} is set but SMTP_HOST is not: e-mail and the SMS gateway need an SMTP server`);
    }
  } else {
    const secureFlag = parseBool(env, 'SMTP_SECURE', problems);
    const portText = get(env, 'SMTP_PORT');
    let port = secureFlag === true ? 465 : 587;
    if (portText != null) {
      const n = Number(portText);
      if (!/^\d+$/.test(portText) || n < 1 || n > 65535) {
        problems.push(`SMTP_PORT=${JSON.stringify(portText)} is not a port number: use an integer from 1 to 65535 (465 for TLS, 587 for STARTTLS)`);
      } else {
        port = n;
      }
    }
    const secure = secureFlag ?? port === 465;
    const user = get(env, 'SMTP_USER');
    const password = env.SMTP_PASSWORD != null && env.SMTP_PASSWORD !== '' ? env.SMTP_PASSWORD : null;
    if (user && !password) problems.push('SMTP_USER is set but SMTP_PASSWORD is not (for Gmail, use an app password)');
    if (password && !user) problems.push('SMTP_PASSWORD is set but SMTP_USER is not');
    let from = get(env, 'SMTP_FROM');
    if (from == null) {
      if (user && addressOf(user)) from = user;
      else problems.push('SMTP_FROM is not set: give the sender address (e.g. "Lanterne <coach@example.com>")');
    } else if (!addressOf(from)) {
      problems.push(`SMTP_FROM=${JSON.stringify(from)} is not an e-mail address or "Name <address>"`);
    }
    smtp = { host, port, secure, user, password, from: from ?? '' };
  }

  const emailTo: string[] = [];
  const toText = get(env, 'NOTIFY_EMAIL_TO');
  if (toText != null) {
    for (const a of parseAddresses(toText)) {
      if (a.address) emailTo.push(a.name ? `${JSON.stringify(a.name)} <${a.address}>` : a.address);
      else problems.push(`NOTIFY_EMAIL_TO contains ${JSON.stringify(a.text)}, which is not an e-mail address (separate several with commas)`);
    }
  }

  const gateway = get(env, 'SMS_GATEWAY_ADDRESS');
  if (gateway != null && !EMAIL.test(gateway)) {
    problems.push(`SMS_GATEWAY_ADDRESS=${JSON.stringify(gateway)} is not an e-mail-to-SMS address like 5551234567@vtext.com`);
  }

  // ---- Twilio
  const useTwilio = parseBool(env, 'USE_TWILIO', problems) ?? false;
  let twilio: TwilioSettings | null = null;
  if (useTwilio) {
    const accountSid = get(env, 'TWILIO_ACCOUNT_SID');
    const authToken = get(env, 'TWILIO_AUTH_TOKEN');
    const from = get(env, 'TWILIO_FROM');
    const to = get(env, 'TWILIO_TO');
    const baseUrl = get(env, 'TWILIO_BASE_URL') ?? DEFAULT_TWILIO_BASE_URL;
    if (!accountSid) problems.push('USE_TWILIO=true but TWILIO_ACCOUNT_SID is not set');
    else if (!ACCOUNT_SID.test(accountSid)) problems.push(`TWILIO_ACCOUNT_SID=${JSON.stringify(accountSid)} is not an account SID: "AC" followed by 32 hex digits`);
    if (!authToken) problems.push('USE_TWILIO=true but TWILIO_AUTH_TOKEN is not set');
    if (!from) problems.push('USE_TWILIO=true but TWILIO_FROM is not set');
    else if (!E164.test(from)) problems.push(`TWILIO_FROM=${JSON.stringify(from)} is not a phone number in E.164 form like +15551234567`);
    if (!to) problems.push('USE_TWILIO=true but TWILIO_TO is not set');
    else if (!E164.test(to)) problems.push(`TWILIO_TO=${JSON.stringify(to)} is not a phone number in E.164 form like +15551234567`);
    try {
      const u = new URL(baseUrl);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
    } catch {
      problems.push(`TWILIO_BASE_URL=${JSON.stringify(baseUrl)} is not an http(s) URL`);
    }
    twilio = { accountSid: accountSid ?? '', authToken: authToken ?? '', from: from ?? '', to: to ?? '', baseUrl };
  }

  if (problems.length) throw new NotifyConfigError(problems);
  return { smtp, emailTo, smsGatewayAddress: gateway, useTwilio, twilio };
}

/** The transport a channel uses, or why it is skipped. */
export type ChannelRoute =
  | { channel: Channel; kind: 'email'; to: string[] }
  | { channel: Channel; kind: 'sms-gateway'; to: string }
  | { channel: Channel; kind: 'twilio' }
  | { channel: Channel; kind: 'skip'; reason: string };

/**
 * Route the requested channels:
 * - `email` → SMTP to NOTIFY_EMAIL_TO;
 * - `sms`   → Twilio when USE_TWILIO=true, otherwise the carrier gateway (SMS_GATEWAY_ADDRESS);
 * - `twilio`→ Twilio when USE_TWILIO=true; skipped when `sms` already goes through Twilio.
 * Duplicates in `requested` are dropped. Channels that are not configured are skipped with a reason.
 */
export function routeChannels(requested: readonly Channel[], config: NotifyConfig): ChannelRoute[] {
  const channels = [...new Set(requested)];
  return channels.map((channel): ChannelRoute => {
    switch (channel) {
      case 'email':
        if (!config.smtp) return { channel, kind: 'skip', reason: 'e-mail is not configured: SMTP_HOST is not set' };
        if (!config.emailTo.length) return { channel, kind: 'skip', reason: 'e-mail is not configured: NOTIFY_EMAIL_TO is not set' };
        return { channel, kind: 'email', to: config.emailTo };
      case 'sms':
        if (config.useTwilio && config.twilio) return { channel, kind: 'twilio' };
        if (config.smsGatewayAddress && config.smtp) return { channel, kind: 'sms-gateway', to: config.smsGatewayAddress };
        return {
          channel,
          kind: 'skip',
          reason: 'SMS is not configured: set SMS_GATEWAY_ADDRESS (carrier e-mail gateway, needs SMTP_HOST) or USE_TWILIO=true',
        };
      case 'twilio':
        if (!config.useTwilio || !config.twilio) return { channel, kind: 'skip', reason: 'Twilio is off: USE_TWILIO is not true' };
        if (channels.includes('sms')) {
          return { channel, kind: 'skip', reason: 'the sms channel already sends through Twilio (USE_TWILIO=true); not sending twice' };
        }
        return { channel, kind: 'twilio' };
      default:
        return { channel, kind: 'skip', reason: `unknown channel ${JSON.stringify(channel)}` };
    }
  });
}

/** The configuration with secrets and addresses masked, safe to log. */
export function describeNotifyConfig(config: NotifyConfig): Record<string, unknown> {
  return {
    smtp: config.smtp
      ? { host: config.smtp.host, port: config.smtp.port, secure: config.smtp.secure, auth: config.smtp.user ? 'set' : 'none' }
      : null,
    emailRecipients: config.emailTo.length,
    smsGateway: config.smsGatewayAddress ? 'set' : null,
    useTwilio: config.useTwilio,
    twilioBaseUrl: config.twilio?.baseUrl ?? null,
  };
}

/** The secret values of a configuration, for redacting error messages. */
export function secretsOf(config: NotifyConfig): string[] {
  return [config.smtp?.password, config.twilio?.authToken].filter((s): s is string => !!s && s.length >= 4);
}
