/**
 * The input of the daily report: everything one day's report shows, already computed by the
 * daily cycle. JSON-safe, holds no secrets and no raw health payloads (only the summary below).
 */
import { addDays } from '../domain/iso-date';
import type {
  ClassSuggestion,
  Channel,
  Decision,
  DayObservation,
  IsoDate,
  LoadFigures,
  MissingPart,
  MissionDay,
  Workout,
} from '../domain/types';

/** The few observation figures a report shows (never the raw Oura/Strava payloads). */
export interface ObservationSummary {
  readinessScore: number | null;
  sleepScore: number | null;
  totalSleepH: number | null;
  hrvMs: number | null;
  lowestHeartRate: number | null;
  /** Rides of the day before the report's date. */
  ridesYesterday: { name: string; movingMin: number; tss?: number | null }[];
  missing: MissingPart[];
}

/** One day of recent history for the trend charts; oldest first. */
export interface HistoryPoint {
  date: IsoDate;
  readiness: number | null;
  hrv: number | null;
  ctl: number | null;
  atl: number | null;
  tsb: number | null;
}

export type NotificationStatus = 'sent' | 'already_sent' | 'failed' | 'skipped' | 'deferred' | 'in_progress';

/** What happened to one channel's notification for the day (no addresses, no secrets). */
export interface NotificationOutcome {
  channel: Channel;
  status: NotificationStatus;
  /** Provider's id of the message (SMTP Message-ID, Twilio SID), when sent. */
  providerId?: string | null;
  reason?: string | null;
  /** When failed: whether trying again later may succeed (network, 4xx SMTP, Twilio 429/5xx). */
  retryable?: boolean;
}

export interface DayReport {
  mission: { id: string; name: string };
  athlete: { handle: string };
  date: IsoDate;
  /** The mission day (stage, type, training slot). */
  day: MissionDay;
  /** Number of days in the mission, to show "day 3 of 23". */
  totalDays: number;
  decision: Decision;
  /** null on rest days. */
  workout: Workout | null;
  classes: ClassSuggestion[];
  load: LoadFigures | null;
  observation: ObservationSummary;
  /** Recent days for the charts, oldest first (may include the report's date). */
  history: HistoryPoint[];
  /** Adaptation notes (reflection-driven threshold changes, re-plans). */
  adaptations: string[];
  /** Outcomes of the day's notifications; empty when the report is written before sending. */
  notifications: NotificationOutcome[];
  /** Link to the day's workflow in the Temporal UI; only http(s) links are shown. */
  temporalUiUrl: string | null;
}

/** The three renderings of one report. */
export interface RenderedReport {
  markdown: string;
  html: string;
  json: string;
}

/** Reduce an observation to what a report shows. */
export function summariseObservation(obs: DayObservation): ObservationSummary {
  const yesterday = addDays(obs.date, -1);
  return {
    readinessScore: obs.readiness?.score ?? null,
    sleepScore: obs.sleep?.score ?? null,
    totalSleepH: obs.sleep?.totalSleepS == null ? null : round(obs.sleep.totalSleepS / 3600, 1),
    hrvMs: obs.hrv?.averageHrvMs ?? null,
    lowestHeartRate: obs.hrv?.lowestHeartRate ?? null,
    ridesYesterday: obs.rides
      .filter((r) => r.date === yesterday)
      .map((r) => ({ name: r.name, movingMin: Math.round(r.movingTimeS / 60) })),
    missing: obs.missing.map((m) => ({ ...m })),
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
