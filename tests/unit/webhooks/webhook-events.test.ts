import { createHmac } from 'node:crypto';
import { parseOuraEvent, parseStravaEvent, WebhookBodyError } from '../../../src/webhooks/webhook-events';
import { handshakeToken, isOuraSignatureValid, ouraSignature } from '../../../src/webhooks/provider-authenticity';
import { publicCallbackUrl, webhookPathPrefix, webhookServerConfigFromEnv } from '../../../src/webhooks/webhook-config';

const ouraBody = { event_type: 'create', data_type: 'daily_readiness', object_id: 'readiness-2026-07-12', event_time: '2026-07-12T07:12:03+02:00', user_id: 'oura-user-6f1c' };
const stravaBody = { aspect_type: 'create', event_time: 1783840323, object_id: 13360128428, object_type: 'activity', owner_id: 134815, subscription_id: 120475, updates: {} };

describe('Oura events', () => {
  it('become a dataReady input with an opaque, stable event id', () => {
    const e = parseOuraEvent(JSON.stringify(ouraBody));
    expect(e).toEqual({
      kind: 'signal',
      providerUserId: 'oura-user-6f1c',
      eventId: expect.stringMatching(/^oura-[0-9a-f]{32}$/),
      input: { provider: 'oura', dataType: 'daily_readiness', eventType: 'create', objectId: 'readiness-2026-07-12', eventTime: '2026-07-12T05:12:03.000Z', eventId: e.eventId },
    });
    // the same event (whitespace aside) has the same id; another event time does not
    expect(parseOuraEvent(JSON.stringify(ouraBody, null, 2)).eventId).toBe(e.eventId);
    expect(parseOuraEvent(JSON.stringify({ ...ouraBody, event_time: '2026-07-12T07:40:00+02:00' })).eventId).not.toBe(e.eventId);
    expect(parseOuraEvent(JSON.stringify({ ...ouraBody, event_type: 'update' })).eventId).not.toBe(e.eventId);
    expect(e.eventId).not.toContain('oura-user-6f1c');
  });

  it('for data types Lanterne does not coach from are ignored, with why', () => {
    const e = parseOuraEvent(JSON.stringify({ ...ouraBody, data_type: 'workout' }));
    expect(e).toMatchObject({ kind: 'ignore', detail: 'Oura data type "workout" is not one Lanterne coaches from' });
  });

  it('that cannot be read name the field', () => {
    expect(() => parseOuraEvent('not json')).toThrow(new WebhookBodyError('the body is not JSON'));
    expect(() => parseOuraEvent('[1]')).toThrow('the body is not a JSON object');
    expect(() => parseOuraEvent(JSON.stringify({ ...ouraBody, user_id: '' }))).toThrow('"user_id" is missing or empty');
    expect(() => parseOuraEvent(JSON.stringify({ ...ouraBody, event_time: 'soon' }))).toThrow('"event_time" "soon" is not a time');
  });
});

describe('Strava events', () => {
  it('become a dataReady input; ids beyond 2^53 keep every digit', () => {
    const e = parseStravaEvent(JSON.stringify(stravaBody));
    expect(e).toEqual({
      kind: 'signal',
      providerUserId: '134815',
      subscriptionId: '120475',
      eventId: expect.stringMatching(/^strava-[0-9a-f]{32}$/),
      input: { provider: 'strava', aspect: 'create', activityId: '13360128428', eventTime: '2026-07-12T07:12:03.000Z', eventId: e.eventId },
    });
    const big = parseStravaEvent(JSON.stringify(stravaBody).replace('13360128428', '9007199254740993123'));
    expect(big.kind === 'signal' && big.input.provider === 'strava' && big.input.activityId).toBe('9007199254740993123');
  });

  it('an update with other changes is another event; the same one is the same', () => {
    const title = parseStravaEvent(JSON.stringify({ ...stravaBody, aspect_type: 'update', updates: { title: 'Messy' } }));
    const type = parseStravaEvent(JSON.stringify({ ...stravaBody, aspect_type: 'update', updates: { type: 'Ride' } }));
    expect(title.eventId).not.toBe(type.eventId);
    expect(parseStravaEvent(JSON.stringify({ ...stravaBody, aspect_type: 'update', updates: { title: 'Messy' } })).eventId).toBe(title.eventId);
  });

  it('athlete events (a revoked authorisation) are ignored, with why', () => {
    const e = parseStravaEvent(JSON.stringify({ ...stravaBody, object_type: 'athlete', object_id: 134815, aspect_type: 'update', updates: { authorized: 'false' } }));
    expect(e).toMatchObject({ kind: 'ignore', detail: 'the athlete revoked Lanterne’s access on Strava', subscriptionId: '120475' });
  });

  it('that cannot be read name the field', () => {
    expect(() => parseStravaEvent(JSON.stringify({ ...stravaBody, owner_id: 'x' }))).toThrow('"owner_id" must be a whole number');
    expect(() => parseStravaEvent(JSON.stringify({ ...stravaBody, subscription_id: undefined }))).toThrow('"subscription_id" must be a whole number');
  });
});

describe('authenticity', () => {
  const secret = 'oura-client-secret';
  const body = JSON.stringify(ouraBody);

  it('Oura signatures are upper-case hex HMAC-SHA256 of timestamp + body with the client secret', () => {
    const expected = createHmac('sha256', secret).update('1783840323' + body).digest('hex').toUpperCase();
    expect(ouraSignature(secret, '1783840323', body)).toBe(expected);
    expect(isOuraSignatureValid({ clientSecret: secret, timestamp: '1783840323', signature: expected, rawBody: body })).toBe(true);
    expect(isOuraSignatureValid({ clientSecret: secret, timestamp: '1783840323', signature: expected.toLowerCase(), rawBody: body })).toBe(true);
  });

  it('refuses another secret, timestamp or body, and a missing header', () => {
    const good = ouraSignature(secret, '1783840323', body);
    expect(isOuraSignatureValid({ clientSecret: 'other', timestamp: '1783840323', signature: good, rawBody: body })).toBe(false);
    expect(isOuraSignatureValid({ clientSecret: secret, timestamp: '1783840324', signature: good, rawBody: body })).toBe(false);
    expect(isOuraSignatureValid({ clientSecret: secret, timestamp: '1783840323', signature: good, rawBody: body.replace('create', 'update') })).toBe(false);
    expect(isOuraSignatureValid({ clientSecret: secret, timestamp: undefined, signature: good, rawBody: body })).toBe(false);
    expect(isOuraSignatureValid({ clientSecret: secret, timestamp: '1783840323', signature: undefined, rawBody: body })).toBe(false);
  });

  it('accepts a signature over the compact JSON, as in Oura’s example code', () => {
    const spaced = JSON.stringify(ouraBody, null, 1);
    const overCompact = ouraSignature(secret, '1', JSON.stringify(JSON.parse(spaced)));
    expect(isOuraSignatureValid({ clientSecret: secret, timestamp: '1', signature: overCompact, rawBody: spaced })).toBe(true);
  });

  it('handshake tokens differ per provider and per client secret, and reveal neither', () => {
    const t = handshakeToken('oura', secret);
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(handshakeToken('oura', secret)).toBe(t);
    expect(handshakeToken('strava', secret)).not.toBe(t);
    expect(handshakeToken('oura', 'another secret')).not.toBe(t);
    expect(t).not.toContain(secret);
  });
});

describe('webhook configuration', () => {
  it('serves nothing without LANTERNE_WEBHOOK_PORT; reads host, port and path', () => {
    expect(webhookServerConfigFromEnv({})).toBeNull();
    expect(webhookServerConfigFromEnv({ LANTERNE_WEBHOOK_PORT: '8788' })).toEqual({ host: '127.0.0.1', port: 8788, pathPrefix: '/webhooks' });
    expect(webhookServerConfigFromEnv({ LANTERNE_WEBHOOK_PORT: '0', LANTERNE_WEBHOOK_HOST: '0.0.0.0', LANTERNE_WEBHOOK_PATH: 'hooks/' })).toEqual({ host: '0.0.0.0', port: 0, pathPrefix: '/hooks' });
    expect(webhookPathPrefix({ LANTERNE_WEBHOOK_PATH: '/' })).toBe('');
    expect(webhookPathPrefix({ LANTERNE_WEBHOOK_PATH: '' })).toBe('/webhooks'); // as an empty line in .env leaves it
  });

  it('names a bad port or path and what is accepted', () => {
    expect(() => webhookServerConfigFromEnv({ LANTERNE_WEBHOOK_PORT: 'http' })).toThrow('LANTERNE_WEBHOOK_PORT=http is not a port number');
    expect(() => webhookServerConfigFromEnv({ LANTERNE_WEBHOOK_PORT: '70000' })).toThrow('is not a port number');
    expect(() => webhookPathPrefix({ LANTERNE_WEBHOOK_PATH: '/a?b' })).toThrow('LANTERNE_WEBHOOK_PATH=/a?b is not a URL path');
  });

  it('builds the public callback from LANTERNE_PUBLIC_URL and the path; HTTPS outside loopback', () => {
    expect(publicCallbackUrl('oura', { LANTERNE_PUBLIC_URL: 'https://coach.example.org/' })).toBe('https://coach.example.org/webhooks/oura');
    expect(publicCallbackUrl('strava', { LANTERNE_PUBLIC_URL: 'https://example.org/lanterne', LANTERNE_WEBHOOK_PATH: '/in' })).toBe('https://example.org/lanterne/in/strava');
    expect(publicCallbackUrl('oura', { LANTERNE_PUBLIC_URL: 'http://127.0.0.1:9000' })).toBe('http://127.0.0.1:9000/webhooks/oura');
    expect(() => publicCallbackUrl('oura', {})).toThrow('LANTERNE_PUBLIC_URL is not set');
    expect(() => publicCallbackUrl('oura', { LANTERNE_PUBLIC_URL: 'http://coach.example.org' })).toThrow('is not an https:// address');
    expect(() => publicCallbackUrl('oura', { LANTERNE_PUBLIC_URL: 'coach' })).toThrow('LANTERNE_PUBLIC_URL=coach is not a URL');
  });
});
