/**
 * Pure normalisers from Oura / Strava API items to the parts of a `DayObservation`. They never
 * invent a value: anything absent, null or of the wrong type becomes null, and the caller records a
 * `MissingPart` for it. The synthetic athlete's payloads go through these same functions.
 */
import type { DataSource, DayObservation, IsoDate, ReadinessContributors, RideSummary } from '../domain/types';
import type {
  OuraDailyReadiness,
  OuraDailySleep,
  OuraSleepPeriod,
  StravaSummaryActivity,
} from './api-payloads';

/** A finite number, or null. */
export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

export function readinessFromOura(item: OuraDailyReadiness, source: DataSource): NonNullable<DayObservation['readiness']> {
  const c = obj(item.contributors);
  const contributors: ReadinessContributors = {
    activityBalance: num(c.activity_balance),
    bodyTemperature: num(c.body_temperature),
    hrvBalance: num(c.hrv_balance),
    previousDayActivity: num(c.previous_day_activity),
    previousNight: num(c.previous_night),
    recoveryIndex: num(c.recovery_index),
    restingHeartRate: num(c.resting_heart_rate),
    sleepBalance: num(c.sleep_balance),
    sleepRegularity: num(c.sleep_regularity),
  };
  return {
    source,
    score: num(item.score),
    temperatureDeviation: num(item.temperature_deviation),
    temperatureTrendDeviation: num(item.temperature_trend_deviation),
    contributors,
  };
}

/** The main night of a day: the longest `long_sleep` period filed under that day. */
export function mainNight(periods: OuraSleepPeriod[], day: IsoDate): OuraSleepPeriod | null {
  const nights = periods.filter((p) => p && p.day === day && p.type === 'long_sleep');
  if (nights.length === 0) return null;
  return nights.reduce((a, b) => ((num(b.time_in_bed) ?? 0) > (num(a.time_in_bed) ?? 0) ? b : a));
}

/**
 * Sleep of a day: score from `daily_sleep`; total sleep summed over the day's `long_sleep` periods
 * (a night split by a wake-up counts whole); efficiency of the main night.
 */
export function sleepFromOura(
  daily: OuraDailySleep | null,
  periods: OuraSleepPeriod[],
  day: IsoDate,
  source: DataSource,
): DayObservation['sleep'] {
  const nights = periods.filter((p) => p && p.day === day && p.type === 'long_sleep');
  const main = mainNight(periods, day);
  if (!daily && !main) return null;
  const durations = nights.map((p) => num(p.total_sleep_duration)).filter((v): v is number => v !== null);
  return {
    source,
    score: daily ? num(daily.score) : null,
    totalSleepS: durations.length > 0 ? durations.reduce((a, b) => a + b, 0) : null,
    efficiency: main ? num(main.efficiency) : null,
  };
}

/** Nightly HRV and heart rate from the day's main `long_sleep` period. */
export function hrvFromOura(periods: OuraSleepPeriod[], day: IsoDate, source: DataSource): DayObservation['hrv'] {
  const main = mainNight(periods, day);
  if (!main) return null;
  return {
    source,
    averageHrvMs: num(main.average_hrv),
    lowestHeartRate: num(main.lowest_heart_rate),
    averageHeartRate: num(main.average_heart_rate),
  };
}

/** A Strava activity as a `RideSummary`, or null when it lacks the fields that identify it. */
export function rideFromStrava(a: StravaSummaryActivity, source: DataSource): RideSummary | null {
  const o = obj(a);
  const local = typeof o.start_date_local === 'string' ? o.start_date_local : null;
  if (!local || !/^\d{4}-\d{2}-\d{2}/.test(local)) return null;
  const movingTime = num(o.moving_time) ?? num(o.elapsed_time);
  if (movingTime === null) return null;
  const sportType =
    typeof o.sport_type === 'string' && o.sport_type !== ''
      ? o.sport_type
      : typeof o.type === 'string' && o.type !== ''
        ? o.type
        : 'Unknown';
  const devicePower = o.device_watts === true;
  const hasHr = o.has_heartrate !== false;
  return {
    source,
    date: local.slice(0, 10),
    name: typeof o.name === 'string' ? o.name : '',
    sportType,
    movingTimeS: movingTime,
    distanceM: num(o.distance) ?? 0,
    elevationGainM: num(o.total_elevation_gain) ?? 0,
    averageWatts: num(o.average_watts),
    // Strava only sends weighted_average_watts for power-meter rides; never trust an estimate as NP.
    weightedAverageWatts: devicePower ? num(o.weighted_average_watts) : null,
    devicePower,
    averageHeartrate: hasHr ? num(o.average_heartrate) : null,
    maxHeartrate: hasHr ? num(o.max_heartrate) : null,
  };
}

/** Nightly values kept for the HRV / resting-HR baselines. */
export interface WellnessPoint {
  date: IsoDate;
  averageHrvMs: number | null;
  lowestHeartRate: number | null;
}

/** One wellness point per day that has a main night, oldest first. */
export function wellnessFromOura(periods: OuraSleepPeriod[]): WellnessPoint[] {
  const days = [...new Set(periods.filter((p) => p && typeof p.day === 'string').map((p) => p.day))].sort();
  const out: WellnessPoint[] = [];
  for (const day of days) {
    const main = mainNight(periods, day);
    if (!main) continue;
    out.push({ date: day, averageHrvMs: num(main.average_hrv), lowestHeartRate: num(main.lowest_heart_rate) });
  }
  return out;
}
