/**
 * The raw item shapes of the Oura API v2 and Strava API v3 answers that Lanterne reads, as
 * documented (Oura OpenAPI `PublicDailyReadiness`, `PublicDailySleep`, `PublicModifiedSleepModel`,
 * `PublicDailyActivity`; Strava `SummaryActivity`). Nullable fields are nullable here; fields the
 * APIs may omit are optional. Normalisers still check every value at run time.
 *
 * `OuraSource` and `StravaSource` are what the observation step reads from: the real clients
 * implement them, and so does the synthetic athlete.
 */
import type { IsoDate } from '../domain/types';

export interface OuraReadinessContributors {
  activity_balance: number | null;
  body_temperature: number | null;
  hrv_balance: number | null;
  previous_day_activity: number | null;
  previous_night: number | null;
  recovery_index: number | null;
  resting_heart_rate: number | null;
  sleep_balance: number | null;
  sleep_regularity?: number | null;
}

export interface OuraDailyReadiness {
  id: string;
  day: IsoDate;
  timestamp: string;
  score: number | null;
  temperature_deviation: number | null;
  temperature_trend_deviation: number | null;
  contributors: OuraReadinessContributors;
}

export interface OuraDailySleep {
  id: string;
  day: IsoDate;
  timestamp: string;
  score: number | null;
  contributors: {
    deep_sleep: number | null;
    efficiency: number | null;
    latency: number | null;
    rem_sleep: number | null;
    restfulness: number | null;
    timing: number | null;
    total_sleep: number | null;
  };
}

export type OuraSleepType = 'deleted' | 'sleep' | 'long_sleep' | 'late_nap' | 'rest';

export interface OuraSleepPeriod {
  id: string;
  day: IsoDate;
  bedtime_start: string;
  bedtime_end: string;
  period: number;
  low_battery_alert: boolean;
  time_in_bed: number;
  type?: OuraSleepType | null;
  average_hrv?: number | null;
  average_heart_rate?: number | null;
  lowest_heart_rate?: number | null;
  average_breath?: number | null;
  total_sleep_duration?: number | null;
  deep_sleep_duration?: number | null;
  rem_sleep_duration?: number | null;
  light_sleep_duration?: number | null;
  awake_time?: number | null;
  latency?: number | null;
  efficiency?: number | null;
  readiness_score_delta?: number | null;
}

export interface OuraDailyActivity {
  id: string;
  day: IsoDate;
  timestamp: string;
  score: number | null;
  steps: number;
  active_calories: number;
  total_calories: number;
  high_activity_time: number;
  medium_activity_time: number;
  low_activity_time: number;
  sedentary_time: number;
  non_wear_time: number;
}

/** The Oura collections Lanterne reads, each returning the items whose `day` is in [start, end]. */
export interface OuraSource {
  dailyReadiness(start: IsoDate, end: IsoDate): Promise<OuraDailyReadiness[]>;
  dailySleep(start: IsoDate, end: IsoDate): Promise<OuraDailySleep[]>;
  sleepPeriods(start: IsoDate, end: IsoDate): Promise<OuraSleepPeriod[]>;
  dailyActivity(start: IsoDate, end: IsoDate): Promise<OuraDailyActivity[]>;
}

export interface StravaSummaryActivity {
  id: number;
  name: string;
  sport_type?: string;
  type?: string;
  start_date: string;
  /** Wall-clock local time written with a `Z`. */
  start_date_local: string;
  timezone?: string;
  moving_time: number;
  elapsed_time: number;
  distance: number;
  total_elevation_gain: number;
  average_watts?: number | null;
  weighted_average_watts?: number | null;
  kilojoules?: number | null;
  device_watts?: boolean | null;
  trainer?: boolean;
  has_heartrate?: boolean;
  average_heartrate?: number | null;
  max_heartrate?: number | null;
  suffer_score?: number | null;
}

/** Strava's activity list: activities started in (after, before), epoch seconds. */
export interface StravaSource {
  listActivities(range: { after: number; before: number }): Promise<StravaSummaryActivity[]>;
}
