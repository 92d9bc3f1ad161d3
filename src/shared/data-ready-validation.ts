/**
 * Validation of the dataReady signal (webhook events handed to a mission). Pure and sandbox-safe:
 * the workflow checks every event it is sent, as it does reflections and overrides.
 */
import type { DataReadyInput } from './mission-api';

const OURA_TYPES = ['daily_sleep', 'daily_readiness', 'sleep'];
const OURA_EVENTS = ['create', 'update', 'delete'];
const STRAVA_ASPECTS = ['create', 'update', 'delete'];
const MAX_ID = 200;

function text(name: string, value: unknown, problems: string[]): void {
  if (typeof value !== 'string' || value === '' || value.length > MAX_ID) problems.push(`${name} must be non-empty text of at most ${MAX_ID} characters (got ${JSON.stringify(value)})`);
}

/** Problems with a data event; empty when it is valid. */
export function dataReadyProblems(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return ['a data event must be an object'];
  const e = input as Partial<Record<keyof DataReadyInput | 'dataType' | 'eventType' | 'objectId' | 'aspect' | 'activityId', unknown>>;
  const problems: string[] = [];
  text('eventId', e.eventId, problems);
  if (typeof e.eventTime !== 'string' || Number.isNaN(Date.parse(e.eventTime))) problems.push(`eventTime must be an ISO instant (got ${JSON.stringify(e.eventTime)})`);
  if (e.provider === 'oura') {
    if (!OURA_TYPES.includes(e.dataType as string)) problems.push(`dataType must be one of ${OURA_TYPES.join(', ')} (got ${JSON.stringify(e.dataType)})`);
    if (!OURA_EVENTS.includes(e.eventType as string)) problems.push(`eventType must be one of ${OURA_EVENTS.join(', ')} (got ${JSON.stringify(e.eventType)})`);
    text('objectId', e.objectId, problems);
  } else if (e.provider === 'strava') {
    if (!STRAVA_ASPECTS.includes(e.aspect as string)) problems.push(`aspect must be one of ${STRAVA_ASPECTS.join(', ')} (got ${JSON.stringify(e.aspect)})`);
    if (typeof e.activityId !== 'string' || !/^\d{1,20}$/.test(e.activityId)) problems.push(`activityId must be a Strava activity id in digits (got ${JSON.stringify(e.activityId)})`);
  } else {
    problems.push(`provider must be oura or strava (got ${JSON.stringify(e.provider)})`);
  }
  return problems;
}
