/**
 * Reading the event bodies Oura and Strava POST to the receiver (shapes in
 * docs/webhook-protocols.md) into what Lanterne keeps: the provider's user id (to find the athlete),
 * an event id derived from the provider's event identity (so a redelivery is recognised), and the
 * `dataReady` signal input — or the reason the event is not for the missions. Pure; no I/O.
 */
import { createHash } from 'node:crypto';
import type { DataReadyInput } from '../shared/mission-api';

/** A body the receiver cannot read: answered 400 with this message. */
export class WebhookBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookBodyError';
  }
}

interface EventIdentity {
  eventId: string;
  providerUserId: string;
}

export type ParsedEvent =
  | (EventIdentity & { kind: 'signal'; input: DataReadyInput })
  | (EventIdentity & { kind: 'ignore'; detail: string });

export type ParsedStravaEvent = ParsedEvent & { subscriptionId: string };

export const OURA_DATA_TYPES = ['daily_sleep', 'daily_readiness', 'sleep'] as const;
export const OURA_EVENT_TYPES = ['create', 'update'] as const;
const OURA_OPERATIONS = ['create', 'update', 'delete'] as const;
const STRAVA_ASPECTS = ['create', 'update', 'delete'] as const;

function parseObject(raw: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new WebhookBodyError('the body is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new WebhookBodyError('the body is not a JSON object');
  return body as Record<string, unknown>;
}

function text(body: Record<string, unknown>, field: string): string {
  const v = body[field];
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new WebhookBodyError(`"${field}" is missing or empty`);
}

/**
 * A whole-number field as text, read from the raw JSON so ids beyond 2^53 keep every digit
 * (JSON.parse would round them).
 */
function integerText(raw: string, body: Record<string, unknown>, field: string): string {
  const v = body[field];
  if (typeof v === 'string' && /^\d+$/.test(v)) return v;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new WebhookBodyError(`"${field}" must be a whole number`);
  const m = new RegExp(`"${field}"\\s*:\\s*(\\d+)`).exec(raw);
  return m ? m[1] : String(v);
}

function isoInstant(value: string, field: string): string {
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) throw new WebhookBodyError(`"${field}" ${JSON.stringify(value)} is not a time`);
  return new Date(ms).toISOString();
}

/** Stable JSON (sorted keys) for hashing. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** An opaque id for an event identity: the same delivery always maps to the same id. */
export function eventIdFor(provider: 'oura' | 'strava', identity: readonly unknown[]): string {
  return `${provider}-${createHash('sha256').update(canonical([provider, ...identity])).digest('hex').slice(0, 32)}`;
}

function oneOf<T extends string>(allowed: readonly T[], v: string): v is T {
  return (allowed as readonly string[]).includes(v);
}

/** `{event_type, data_type, object_id, event_time, user_id}` → what to do with it. */
export function parseOuraEvent(raw: string): ParsedEvent {
  const body = parseObject(raw);
  const eventType = text(body, 'event_type');
  const dataType = text(body, 'data_type');
  const objectId = text(body, 'object_id');
  const providerUserId = text(body, 'user_id');
  const rawTime = text(body, 'event_time');
  const eventTime = isoInstant(rawTime, 'event_time');
  const eventId = eventIdFor('oura', [providerUserId, dataType, eventType, objectId, rawTime]);
  if (!oneOf(OURA_DATA_TYPES, dataType)) {
    return { kind: 'ignore', eventId, providerUserId, detail: `Oura data type "${dataType}" is not one Lanterne coaches from` };
  }
  if (!oneOf(OURA_OPERATIONS, eventType)) {
    return { kind: 'ignore', eventId, providerUserId, detail: `Oura event type "${eventType}" is unknown` };
  }
  return { kind: 'signal', eventId, providerUserId, input: { provider: 'oura', dataType, eventType, objectId, eventTime, eventId } };
}

/** `{object_type, object_id, aspect_type, owner_id, subscription_id, event_time, updates}` → what to do with it. */
export function parseStravaEvent(raw: string): ParsedStravaEvent {
  const body = parseObject(raw);
  const objectType = text(body, 'object_type');
  const aspect = text(body, 'aspect_type');
  const objectId = integerText(raw, body, 'object_id');
  const providerUserId = integerText(raw, body, 'owner_id');
  const subscriptionId = integerText(raw, body, 'subscription_id');
  const rawTime = integerText(raw, body, 'event_time');
  const eventTime = isoInstant(rawTime, 'event_time');
  const updates = body.updates ?? {};
  const eventId = eventIdFor('strava', [subscriptionId, providerUserId, objectType, objectId, aspect, rawTime, updates]);
  const base = { eventId, providerUserId, subscriptionId };
  if (objectType === 'athlete') {
    const revoked = (updates as Record<string, unknown>).authorized === 'false';
    return { ...base, kind: 'ignore', detail: revoked ? 'the athlete revoked Lanterne’s access on Strava' : `Strava athlete ${aspect} event` };
  }
  if (objectType !== 'activity') return { ...base, kind: 'ignore', detail: `Strava object type "${objectType}" is unknown` };
  if (!oneOf(STRAVA_ASPECTS, aspect)) return { ...base, kind: 'ignore', detail: `Strava aspect type "${aspect}" is unknown` };
  return { ...base, kind: 'signal', input: { provider: 'strava', aspect, activityId: objectId, eventTime, eventId } };
}
