/**
 * Oura and Strava for the trials, as local fakes in the APIs' documented shapes: every morning of a
 * date range has a readiness score, a night's sleep and HRV, every other day a ride; each athlete
 * the trial connects gets its own tokens, stored encrypted in the token store as `lanterne connect`
 * leaves them. `env()` is what a worker needs to observe through them.
 */
import type { Pool } from 'pg';
import { addDays } from '../../src/domain/iso-date';
import { PgTokenStore, parseSecretKey } from '../../src/secrets';
import { dailySleepItem, readinessItem, sleepPeriodItem, startFakeOuraServer, type FakeOuraServer } from '../../tests/support/fake-oura-server';
import { startFakeStravaServer, summaryActivity, type FakeStravaServer } from '../../tests/support/fake-strava-server';

/** A fixed test key of the encrypted token store (not a secret: only the trials' tokens use it). */
export const TRIAL_SECRET_KEY = '7f'.repeat(32);

export interface Wearables {
  oura: FakeOuraServer;
  strava: FakeStravaServer;
  /** The worker's environment for these fakes (client ids and secrets, endpoints, the token key). */
  env(): NodeJS.ProcessEnv;
  /**
   * Stores tokens for `athlete` (valid at the fakes), as `lanterne connect` would; `expired`: the
   * access tokens have expired, so the first observation refreshes them (rotating the refresh tokens).
   */
  connect(pool: Pool, athlete: string, o?: { expired?: boolean }): Promise<{ ouraToken: string; stravaToken: string }>;
  close(): Promise<void>;
}

export interface WearablesOptions {
  /** Mornings with data: from `from` to `to` (inclusive). */
  from: string;
  to: string;
  /** Distinctive values of the nights (the canary trial picks numbers that cannot collide). */
  night?: { readiness?: number; sleepScore?: number; hrv?: number; lowestHr?: number; averageHr?: number };
  /** Client secrets (the canary trial passes canaries). */
  ouraClientSecret?: string;
  stravaClientSecret?: string;
  secretKey?: string;
  /** Token values are `<prefix><provider>-<athlete>` (the canary trial passes a canary prefix). */
  tokenPrefix?: string;
}

export async function startWearables(o: WearablesOptions): Promise<Wearables> {
  const [oura, strava] = await Promise.all([startFakeOuraServer(), startFakeStravaServer()]);
  if (o.ouraClientSecret) oura.clientSecret = o.ouraClientSecret;
  if (o.stravaClientSecret) strava.clientSecret = o.stravaClientSecret;
  const n = o.night ?? {};
  let rideId = 9_000_000;
  for (let d = o.from; d <= o.to; d = addDays(d, 1)) {
    oura.data.daily_readiness.push(readinessItem(d, { score: n.readiness ?? 82 }));
    oura.data.daily_sleep.push(dailySleepItem(d, { score: n.sleepScore ?? 79 }));
    oura.data.sleep.push(sleepPeriodItem(d, { average_hrv: n.hrv ?? 62, lowest_heart_rate: n.lowestHr ?? 46, average_heart_rate: n.averageHr ?? 52.4 }));
    if (Number(d.slice(8)) % 2 === 0) strava.activities.push(summaryActivity(rideId++, `${d}T17:30:00`));
  }
  const secretKey = o.secretKey ?? TRIAL_SECRET_KEY;
  const prefix = o.tokenPrefix ?? 'trial-';
  return {
    oura,
    strava,
    env: () => ({
      LANTERNE_DATA_SOURCE: 'wearables',
      LANTERNE_SECRET_KEY: secretKey,
      OURA_CLIENT_ID: oura.clientId,
      OURA_CLIENT_SECRET: oura.clientSecret,
      OURA_BASE_URL: oura.url,
      OURA_TOKEN_URL: oura.tokenUrl,
      OURA_AUTHORIZE_URL: oura.authorizeUrl,
      STRAVA_CLIENT_ID: strava.clientId,
      STRAVA_CLIENT_SECRET: strava.clientSecret,
      STRAVA_BASE_URL: strava.url,
      STRAVA_TOKEN_URL: strava.tokenUrl,
      STRAVA_AUTHORIZE_URL: strava.authorizeUrl,
    }),
    async connect(pool, athlete, c = {}) {
      const store = new PgTokenStore(pool, parseSecretKey(secretKey));
      const expiresAt = new Date(Date.now() + (c.expired ? -3_600_000 : 7 * 86_400_000)).toISOString();
      const ouraToken = `${prefix}oura-access-${athlete}`;
      const stravaToken = `${prefix}strava-access-${athlete}`;
      oura.validAccessTokens.add(ouraToken);
      oura.validRefreshTokens.add(`${prefix}oura-refresh-${athlete}`);
      strava.validAccessTokens.add(stravaToken);
      strava.validRefreshTokens.add(`${prefix}strava-refresh-${athlete}`);
      await store.save(athlete, 'oura', { accessToken: ouraToken, refreshToken: `${prefix}oura-refresh-${athlete}`, expiresAt, scope: 'daily heartrate' });
      await store.save(athlete, 'strava', { accessToken: stravaToken, refreshToken: `${prefix}strava-refresh-${athlete}`, expiresAt, scope: 'activity:read_all' });
      return { ouraToken, stravaToken };
    },
    async close() {
      await Promise.all([oura.close(), strava.close()]);
    },
  };
}

/**
 * A trial worker's environment for every local service: the wearables' `env()`, the OpenAI
 * stand-in (with a placeholder key) and the SMTP sink (plain, e-mail to the trial rider).
 */
export function serviceEnv(s: { wearables: Wearables; openai: { baseUrl: string }; smtp: { host: string; port: number } }): NodeJS.ProcessEnv {
  return {
    ...s.wearables.env(),
    OPENAI_API_KEY: 'sk-reliability-not-a-secret',
    OPENAI_BASE_URL: s.openai.baseUrl,
    SMTP_HOST: s.smtp.host,
    SMTP_PORT: String(s.smtp.port),
    SMTP_SECURE: 'false',
    SMTP_FROM: 'coach@lanterne.test',
    NOTIFY_EMAIL_TO: 'rider@lanterne.test',
  };
}
