import type { AthleteProfile } from '../../../src/domain/types';
import { observeDay } from '../../../src/observation/observe-day';
import { createObservationSources } from '../../../src/observation/observation-sources';
import { OuraClient } from '../../../src/observation/oura-client';
import { StravaClient, stravaAccessToken } from '../../../src/observation/strava-client';
import { RefreshingAccessToken } from '../../../src/observation/oauth-tokens';
import { InMemoryTokenStore } from '../../../src/secrets/in-memory-token-store';
import {
  dailySleepItem,
  type FakeOuraServer,
  readinessItem,
  sleepPeriodItem,
  startFakeOuraServer,
} from '../../support/fake-oura-server';
import { type FakeStravaServer, startFakeStravaServer, summaryActivity } from '../../support/fake-strava-server';

const athlete: AthleteProfile = {
  handle: 'ana',
  ftpW: 280,
  weightKg: 70,
  thresholdHr: 170,
  maxHr: 190,
  restingHr: 50,
  disciplines: ['cycling'],
};

let oura: FakeOuraServer;
let strava: FakeStravaServer;
let store: InMemoryTokenStore;

beforeEach(async () => {
  [oura, strava] = await Promise.all([startFakeOuraServer(), startFakeStravaServer()]);
  oura.validAccessTokens.add('oa');
  oura.validRefreshTokens.add('or');
  strava.validAccessTokens.add('sa');
  store = new InMemoryTokenStore();
  await store.save('ana', 'oura', { accessToken: 'oa', refreshToken: 'or', expiresAt: null, scope: null });
  await store.save('ana', 'strava', { accessToken: 'sa', refreshToken: 'sr', expiresAt: null, scope: null });
});

afterEach(() => Promise.all([oura.close(), strava.close()]));

const transport = { sleep: async () => {}, backoffMs: 1, timeoutMs: 500 };

function sources() {
  return {
    oura: new OuraClient({
      baseUrl: oura.url,
      transport,
      tokens: new RefreshingAccessToken({
        provider: 'oura',
        athlete: 'ana',
        store,
        tokenUrl: oura.tokenUrl,
        clientId: oura.clientId,
        clientSecret: oura.clientSecret,
        transport,
      }),
    }),
    strava: new StravaClient({
      baseUrl: strava.url,
      transport,
      tokens: stravaAccessToken({
        athlete: 'ana',
        store,
        env: { STRAVA_TOKEN_URL: strava.tokenUrl, STRAVA_CLIENT_ID: strava.clientId, STRAVA_CLIENT_SECRET: strava.clientSecret },
        transport,
      }),
    }),
  };
}

const D = '2025-07-10';

describe('observeDay with the real clients', () => {
  it('builds the full observation, with rides of the previous days only and the nightly history', async () => {
    oura.data.daily_readiness.push(readinessItem(D, { score: 84, temperature_deviation: 0.12 }), readinessItem('2025-07-09'));
    oura.data.daily_sleep.push(dailySleepItem(D, { score: 81 }));
    oura.data.sleep.push(
      sleepPeriodItem('2025-07-08', { average_hrv: 58, lowest_heart_rate: 47 }),
      sleepPeriodItem('2025-07-09', { average_hrv: 60, lowest_heart_rate: 46 }),
      sleepPeriodItem(D, { average_hrv: 64, lowest_heart_rate: 45, average_heart_rate: 51.5, total_sleep_duration: 24000, efficiency: 91 }),
      sleepPeriodItem(D, { type: 'sleep', time_in_bed: 3600, average_hrv: 99, total_sleep_duration: 3000 }), // a nap: not the night
    );
    strava.activities.push(
      summaryActivity(1, '2025-07-02T09:00:00'), // before the 7-day window
      summaryActivity(2, '2025-07-05T09:00:00'),
      summaryActivity(3, '2025-07-09T18:00:00', { weighted_average_watts: 230 }),
      summaryActivity(4, '2025-07-10T07:00:00'), // today: not yet part of the history
    );

    const { observation, wellness, errors } = await observeDay(sources(), athlete, D, 7);

    expect(errors).toEqual([]);
    expect(observation.missing).toEqual([]);
    expect(observation.readiness).toMatchObject({ source: 'oura', score: 84, temperatureDeviation: 0.12 });
    expect(observation.readiness!.contributors).toMatchObject({ hrvBalance: 75, sleepRegularity: 77 });
    expect(observation.sleep).toEqual({ source: 'oura', score: 81, totalSleepS: 24000, efficiency: 91 });
    expect(observation.hrv).toEqual({ source: 'oura', averageHrvMs: 64, lowestHeartRate: 45, averageHeartRate: 51.5 });
    expect(observation.rides.map((r) => [r.date, r.weightedAverageWatts])).toEqual([
      ['2025-07-05', 205],
      ['2025-07-09', 230],
    ]);
    expect(wellness).toEqual([
      { date: '2025-07-08', averageHrvMs: 58, lowestHeartRate: 47 },
      { date: '2025-07-09', averageHrvMs: 60, lowestHeartRate: 46 },
      { date: D, averageHrvMs: 64, lowestHeartRate: 45 },
    ]);
  });

  it('never fabricates: nulls stay null and each missing part is named with its reason', async () => {
    oura.data.daily_readiness.push(
      readinessItem(D, {
        score: null,
        temperature_deviation: null,
        temperature_trend_deviation: null,
        contributors: {
          activity_balance: null, body_temperature: null, hrv_balance: null, previous_day_activity: null,
          previous_night: null, recovery_index: null, resting_heart_rate: null, sleep_balance: null,
        },
      }),
    );
    oura.data.daily_sleep.push(dailySleepItem(D, { score: null }));
    oura.data.sleep.push(
      sleepPeriodItem(D, { average_hrv: null, lowest_heart_rate: null, average_heart_rate: null, total_sleep_duration: null, efficiency: null }),
    );
    const { observation } = await observeDay(sources(), athlete, D, 3);
    expect(observation.readiness).toEqual({
      source: 'oura',
      score: null,
      temperatureDeviation: null,
      temperatureTrendDeviation: null,
      contributors: {
        activityBalance: null, bodyTemperature: null, hrvBalance: null, previousDayActivity: null,
        previousNight: null, recoveryIndex: null, restingHeartRate: null, sleepBalance: null, sleepRegularity: null,
      },
    });
    expect(observation.sleep).toEqual({ source: 'oura', score: null, totalSleepS: null, efficiency: null });
    expect(observation.hrv).toEqual({ source: 'oura', averageHrvMs: null, lowestHeartRate: null, averageHeartRate: null });
    expect(observation.missing).toEqual([
      { part: 'readiness', source: 'oura', reason: `the readiness record for ${D} has no score` },
      { part: 'sleep', source: 'oura', reason: `no sleep score for ${D}` },
      { part: 'hrv', source: 'oura', reason: `the night before ${D} has no HRV value` },
    ]);
  });

  it('reports a day Oura has not synced as missing, not as zeros', async () => {
    const { observation } = await observeDay(sources(), athlete, D, 3);
    expect(observation.readiness).toBeNull();
    expect(observation.sleep).toBeNull();
    expect(observation.hrv).toBeNull();
    expect(observation.missing.map((m) => m.part)).toEqual(['readiness', 'sleep', 'hrv']);
    expect(observation.missing[0].reason).toContain('no daily_readiness record for 2025-07-10');
  });

  it('degrades when Oura is down: the rides still come, the failure is retryable', async () => {
    strava.activities.push(summaryActivity(3, '2025-07-09T18:00:00'));
    for (let i = 0; i < 12; i++) oura.script('/v2/usercollection/', { status: 503 });
    const { observation, errors } = await observeDay(sources(), athlete, D, 3);
    expect(observation.rides).toHaveLength(1);
    expect(observation.readiness).toBeNull();
    expect(observation.missing.map((m) => m.part).sort()).toEqual(['hrv', 'readiness', 'sleep']);
    expect(observation.missing[0].reason).toMatch(/failed: Oura is unavailable/);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.source === 'oura' && e.type === 'UpstreamUnavailable' && e.retryable)).toBe(true);
  });

  it('surfaces a revoked Strava authorisation as a non-retryable error while keeping the Oura data', async () => {
    strava.validAccessTokens.clear(); // 401, and the stored refresh token is unknown to Strava
    oura.data.daily_readiness.push(readinessItem(D));
    const { observation, errors } = await observeDay(sources(), athlete, D, 3);
    expect(observation.readiness?.score).toBe(82);
    expect(observation.rides).toEqual([]);
    // the Oura fake has no sleep data in this test, so sleep and HRV are missing too
    expect(observation.missing).toEqual([
      expect.objectContaining({ part: 'sleep', source: 'oura' }),
      expect.objectContaining({ part: 'hrv', source: 'oura' }),
      expect.objectContaining({ part: 'rides', source: 'strava', reason: expect.stringContaining('lanterne connect strava') }),
    ]);
    expect(errors).toEqual([
      expect.objectContaining({ source: 'strava', parts: ['rides'], type: 'ReconnectRequired', retryable: false }),
    ]);
    // no token in what travels onward
    expect(JSON.stringify({ observation, errors })).not.toMatch(/\bsa\b|\bsr\b/);
  });

  it('names every part missing when no source is configured', async () => {
    const { observation, errors } = await observeDay({}, athlete, D, 3);
    expect(errors).toEqual([]);
    expect(observation.missing).toEqual([
      { part: 'readiness', source: 'oura', reason: 'no Oura source is configured' },
      { part: 'sleep', source: 'oura', reason: 'no Oura source is configured' },
      { part: 'hrv', source: 'oura', reason: 'no Oura source is configured' },
      { part: 'rides', source: 'strava', reason: 'no Strava source is configured' },
    ]);
  });

  it('rejects a malformed date or history length', async () => {
    await expect(observeDay({}, athlete, '10/07/2025', 3)).rejects.toThrow(/YYYY-MM-DD/);
    await expect(observeDay({}, athlete, D, -1)).rejects.toThrow(/historyDays/);
  });

  it('is wired from the environment by createObservationSources, and a provider left out is reported missing', async () => {
    oura.data.daily_readiness.push(readinessItem(D, { score: 77 }));
    const built = createObservationSources({
      athlete: 'ana',
      store,
      strava: false,
      env: { OURA_BASE_URL: oura.url, OURA_TOKEN_URL: oura.tokenUrl, OURA_CLIENT_ID: oura.clientId, OURA_CLIENT_SECRET: oura.clientSecret },
      transport,
    });
    expect(built.strava).toBeUndefined();
    const { observation, errors } = await observeDay(built, athlete, D, 1);
    expect(errors).toEqual([]);
    expect(observation.readiness?.score).toBe(77);
    expect(observation.missing).toContainEqual({ part: 'rides', source: 'strava', reason: 'no Strava source is configured' });
  });
});
