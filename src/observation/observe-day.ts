/**
 * The observation of one day: readiness, sleep, nightly HRV/HR and the rides of the previous days,
 * from whatever sources are available. A failing source degrades the observation (a `MissingPart`
 * with the reason) and is also reported in `errors` with its `retryable` flag, so the caller can
 * fail loudly on non-retryable auth/config errors and carry on degraded otherwise.
 */
import type { AthleteProfile, DataSource, DayObservation, IsoDate, MissingPart, RideSummary } from '../domain/types';
import type { OuraDailyReadiness, OuraDailySleep, OuraSleepPeriod, OuraSource, StravaSource } from './api-payloads';
import { isObservationError } from './errors';
import {
  hrvFromOura,
  readinessFromOura,
  rideFromStrava,
  sleepFromOura,
  type WellnessPoint,
  wellnessFromOura,
} from './normalisers';
import { addDays, assertIsoDate, utcMidnightEpochS } from '../domain/iso-date';

export interface ObservationSources {
  oura?: OuraSource;
  strava?: StravaSource;
  /**
   * Synthetic athlete (see `syntheticSources`). When given, it is used in place of `oura` and
   * `strava`, and every value is labelled `synthetic`.
   */
  synthetic?: { oura: OuraSource; strava: StravaSource };
}

/** A source call that failed. `type` is the error class's type name (e.g. `ReconnectRequired`). */
export interface SourceFailure {
  source: DataSource;
  parts: MissingPart['part'][];
  type: string;
  retryable: boolean;
  message: string;
}

export interface ObserveDayResult {
  observation: DayObservation;
  /** Nightly HRV / lowest HR for the history window and the day itself (input of `computeLoad`). */
  wellness: WellnessPoint[];
  errors: SourceFailure[];
}

/** Strava has no timezone in the query: widen the epoch range by this much and filter on local dates. */
const TZ_MARGIN_S = 14 * 3600;

/**
 * Observe `date` (the athlete's local date): Oura data filed under `date` (last night's sleep and
 * this morning's readiness), nightly HRV for `historyDays` before it, and the activities of the
 * `historyDays` days before `date` (today's not included).
 */
export async function observeDay(
  sources: ObservationSources,
  athlete: AthleteProfile,
  date: IsoDate,
  historyDays: number,
): Promise<ObserveDayResult> {
  assertIsoDate(date, 'observation date');
  if (!Number.isInteger(historyDays) || historyDays < 0) {
    throw new TypeError(`historyDays must be a whole number ≥ 0, got ${historyDays}`);
  }
  const oura = sources.synthetic?.oura ?? sources.oura;
  const strava = sources.synthetic?.strava ?? sources.strava;
  const ouraLabel: DataSource = sources.synthetic ? 'synthetic' : 'oura';
  const stravaLabel: DataSource = sources.synthetic ? 'synthetic' : 'strava';
  const historyStart = addDays(date, -historyDays);

  const missing: MissingPart[] = [];
  const errors: SourceFailure[] = [];

  const [readinessR, dailySleepR, periodsR, activitiesR] = await Promise.allSettled([
    oura ? oura.dailyReadiness(date, date) : Promise.resolve(null),
    oura ? oura.dailySleep(date, date) : Promise.resolve(null),
    oura ? oura.sleepPeriods(historyStart, date) : Promise.resolve(null),
    strava
      ? strava.listActivities({
          after: utcMidnightEpochS(historyStart) - TZ_MARGIN_S,
          before: utcMidnightEpochS(date) + TZ_MARGIN_S,
        })
      : Promise.resolve(null),
  ]);

  const fail = (source: DataSource, parts: MissingPart['part'][], e: unknown, what: string): void => {
    const message = e instanceof Error ? e.message : String(e);
    errors.push({
      source,
      parts,
      type: isObservationError(e) ? e.type : e instanceof Error ? e.name : 'SourceFailed',
      retryable: isObservationError(e) ? e.retryable : true,
      message,
    });
    for (const part of parts) missing.push({ part, source, reason: `${what} failed: ${message}` });
  };

  // ---- readiness
  let readiness: DayObservation['readiness'] = null;
  if (!oura) {
    missing.push({ part: 'readiness', source: 'oura', reason: 'no Oura source is configured' });
  } else if (readinessR.status === 'rejected') {
    fail(ouraLabel, ['readiness'], readinessR.reason, 'reading Oura daily_readiness');
  } else {
    const item = (readinessR.value as OuraDailyReadiness[]).find((r) => r.day === date);
    if (!item) {
      missing.push({
        part: 'readiness',
        source: ouraLabel,
        reason: `no daily_readiness record for ${date} (the ring may not have synced yet)`,
      });
    } else {
      readiness = readinessFromOura(item, ouraLabel);
      if (readiness.score === null) {
        missing.push({ part: 'readiness', source: ouraLabel, reason: `the readiness record for ${date} has no score` });
      }
    }
  }

  // ---- sleep and HRV
  let sleep: DayObservation['sleep'] = null;
  let hrv: DayObservation['hrv'] = null;
  let wellness: WellnessPoint[] = [];
  if (!oura) {
    missing.push({ part: 'sleep', source: 'oura', reason: 'no Oura source is configured' });
    missing.push({ part: 'hrv', source: 'oura', reason: 'no Oura source is configured' });
  } else {
    const periods: OuraSleepPeriod[] = periodsR.status === 'fulfilled' ? (periodsR.value as OuraSleepPeriod[]) : [];
    const dailySleep =
      dailySleepR.status === 'fulfilled' ? ((dailySleepR.value as OuraDailySleep[]).find((s) => s.day === date) ?? null) : null;
    if (periodsR.status === 'rejected') {
      fail(ouraLabel, ['hrv'], periodsR.reason, 'reading Oura sleep periods');
    }
    if (dailySleepR.status === 'rejected') {
      fail(ouraLabel, ['sleep'], dailySleepR.reason, 'reading Oura daily_sleep');
    }
    if (periodsR.status === 'fulfilled' || dailySleepR.status === 'fulfilled') {
      sleep = sleepFromOura(dailySleep, periods, date, ouraLabel);
      if (!sleep) {
        if (dailySleepR.status === 'fulfilled') {
          missing.push({ part: 'sleep', source: ouraLabel, reason: `no sleep recorded for the night before ${date}` });
        }
      } else if (sleep.score === null && dailySleepR.status === 'fulfilled') {
        missing.push({ part: 'sleep', source: ouraLabel, reason: `no sleep score for ${date}` });
      }
    }
    if (periodsR.status === 'fulfilled') {
      wellness = wellnessFromOura(periods);
      hrv = hrvFromOura(periods, date, ouraLabel);
      if (!hrv) {
        missing.push({ part: 'hrv', source: ouraLabel, reason: `no long_sleep period for ${date}, so no nightly HRV` });
      } else if (hrv.averageHrvMs === null) {
        missing.push({ part: 'hrv', source: ouraLabel, reason: `the night before ${date} has no HRV value` });
      }
    }
  }

  // ---- rides
  let rides: RideSummary[] = [];
  if (!strava) {
    missing.push({ part: 'rides', source: 'strava', reason: 'no Strava source is configured' });
  } else if (activitiesR.status === 'rejected') {
    fail(stravaLabel, ['rides'], activitiesR.reason, 'reading Strava activities');
  } else {
    const yesterday = addDays(date, -1);
    rides = (activitiesR.value ?? [])
      .map((a) => rideFromStrava(a, stravaLabel))
      .filter((r): r is RideSummary => r !== null && r.date >= historyStart && r.date <= yesterday)
      .sort((a, b) => a.date.localeCompare(b.date));
  }

  void athlete; // part of the contract: the caller's athlete; sources are already bound to them
  return {
    observation: { date, readiness, sleep, hrv, rides, missing },
    wellness,
    errors,
  };
}

/**
 * The rides from `from` to `to` (local dates, both included) and nothing else: the load history a
 * first observation pulls from before its window (Strava's activities are paged by the client).
 * A failing or missing source is returned, not thrown.
 */
export async function observeRides(
  sources: ObservationSources,
  from: IsoDate,
  to: IsoDate,
): Promise<{ rides: RideSummary[]; error: null } | { rides: null; error: SourceFailure }> {
  assertIsoDate(from, 'rides from');
  assertIsoDate(to, 'rides to');
  const strava = sources.synthetic?.strava ?? sources.strava;
  const label: DataSource = sources.synthetic ? 'synthetic' : 'strava';
  if (!strava) {
    return { rides: null, error: { source: 'strava', parts: ['rides'], type: 'NotConfigured', retryable: false, message: 'no Strava source is configured' } };
  }
  try {
    const activities = await strava.listActivities({
      after: utcMidnightEpochS(from) - TZ_MARGIN_S,
      before: utcMidnightEpochS(addDays(to, 1)) + TZ_MARGIN_S,
    });
    const rides = activities
      .map((a) => rideFromStrava(a, label))
      .filter((r): r is RideSummary => r !== null && r.date >= from && r.date <= to)
      .sort((a, b) => a.date.localeCompare(b.date));
    return { rides, error: null };
  } catch (e) {
    return {
      rides: null,
      error: {
        source: label,
        parts: ['rides'],
        type: isObservationError(e) ? e.type : e instanceof Error ? e.name : 'SourceFailed',
        retryable: isObservationError(e) ? e.retryable : true,
        message: e instanceof Error ? e.message : String(e),
      },
    };
  }
}
