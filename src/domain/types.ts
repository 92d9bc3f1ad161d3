/**
 * Shared domain types: the contract between the mission config, observation, coaching,
 * memory and communication modules. Everything here is JSON-safe (no Date, Map or Set) so it can
 * travel through Temporal payloads and continue-as-new unchanged.
 */

/** ISO calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;
/** Wall-clock time of day, `HH:MM` (24 h). */
export type ClockTime = string;

export const STAGE_TYPES = ['flat', 'hilly', 'mountain', 'itt', 'ttt', 'rest'] as const;
export type StageType = (typeof STAGE_TYPES)[number];

export const IMPORTANCE_LEVELS = ['low', 'normal', 'high', 'key'] as const;
export type Importance = (typeof IMPORTANCE_LEVELS)[number];

export const TRAINING_MODES = ['indoor', 'outdoor', 'rest'] as const;
export type TrainingMode = (typeof TRAINING_MODES)[number];

export const DISCIPLINES = ['cycling', 'running', 'strength', 'yoga', 'walking'] as const;
export type Discipline = (typeof DISCIPLINES)[number];

export const CHANNELS = ['email', 'sms', 'twilio'] as const;
export type Channel = (typeof CHANNELS)[number];

/** One day of a mission, with its date resolved. */
export interface MissionDay {
  /** 0-based position in the mission. */
  index: number;
  date: IsoDate;
  /** Stage number for race stages; null for rest days and non-stage days. */
  stage: number | null;
  name: string;
  start: string | null;
  finish: string | null;
  distanceKm: number;
  elevationM: number;
  type: StageType;
  importance: Importance;
  /** How the day is trained: mode, time available and the session's focus. */
  training: {
    mode: TrainingMode;
    /** Time available for the session, minutes (0 on rest days). */
    durationMin: number;
    focus: string;
  };
  notes: string | null;
}

export interface AthleteProfile {
  /** Plain handle that names the athlete; never an account id. */
  handle: string;
  ftpW: number;
  weightKg: number;
  thresholdHr: number;
  maxHr: number;
  restingHr: number | null;
  disciplines: Discipline[];
}

export interface MissionGoals {
  summary: string;
  weeklyHoursCap: number;
  maxConsecutiveHardDays: number;
  /** Stage numbers (or day indexes for non-stage missions) that the mission protects. */
  keyStages: number[];
  taperDays: number;
}

export interface NotificationPrefs {
  channels: Channel[];
  /** Local quiet hours; messages due inside them wait until the end. */
  quietHours: { start: ClockTime; end: ClockTime } | null;
}

export interface PlannerOptions {
  /** false switches the LLM off entirely: the deterministic planner is used. */
  useLlm: boolean;
  model: string;
  language: string;
}

export interface MissionConfig {
  id: string;
  name: string;
  athlete: AthleteProfile;
  /** IANA timezone, e.g. `Europe/Paris`. */
  timezone: string;
  runTime: ClockTime;
  /**
   * With webhooks, the day's cycle may start as soon as the night's data lands, but never before
   * this local time (the run time stays the latest moment). Absent: two hours before `runTime`.
   */
  earliestTime?: ClockTime;
  startDate: IsoDate;
  days: MissionDay[];
  goals: MissionGoals;
  notifications: NotificationPrefs;
  planner: PlannerOptions;
}

// ---------------------------------------------------------------- observation

export type DataSource = 'oura' | 'strava' | 'synthetic';

/** A part of the observation that could not be had, and why. */
export interface MissingPart {
  part: 'readiness' | 'sleep' | 'hrv' | 'activity' | 'rides';
  source: DataSource;
  reason: string;
}

export interface ReadinessContributors {
  activityBalance: number | null;
  bodyTemperature: number | null;
  hrvBalance: number | null;
  previousDayActivity: number | null;
  previousNight: number | null;
  recoveryIndex: number | null;
  restingHeartRate: number | null;
  sleepBalance: number | null;
  sleepRegularity: number | null;
}

export interface RideSummary {
  source: DataSource;
  /** Local start date of the ride. */
  date: IsoDate;
  name: string;
  sportType: string;
  movingTimeS: number;
  distanceM: number;
  elevationGainM: number;
  averageWatts: number | null;
  /** Strava's weighted average watts, close to normalized power; null without a power meter. */
  weightedAverageWatts: number | null;
  devicePower: boolean;
  averageHeartrate: number | null;
  maxHeartrate: number | null;
}

export interface DayObservation {
  date: IsoDate;
  readiness: {
    source: DataSource;
    score: number | null;
    temperatureDeviation: number | null;
    temperatureTrendDeviation: number | null;
    contributors: ReadinessContributors;
  } | null;
  sleep: {
    source: DataSource;
    score: number | null;
    totalSleepS: number | null;
    efficiency: number | null;
  } | null;
  /** Nightly HRV and heart rate from the long-sleep period. */
  hrv: {
    source: DataSource;
    averageHrvMs: number | null;
    lowestHeartRate: number | null;
    averageHeartRate: number | null;
  } | null;
  /** Rides of the previous days (newest last), enough history for the load model. */
  rides: RideSummary[];
  missing: MissingPart[];
}

// ---------------------------------------------------------------- load

export type TssMethod = 'power' | 'heart-rate' | 'duration-estimate';

export interface LoadFigures {
  date: IsoDate;
  /** TSS of the previous day and how it was computed. */
  yesterdayTss: number;
  yesterdayTssMethod: TssMethod | null;
  ctl: number;
  atl: number;
  /** Yesterday's CTL minus yesterday's ATL. */
  tsb: number;
  acwr: number | null;
  acwrSpike: boolean;
  /** 7-day rolling mean of nightly HRV (geometric: e^(mean ln rMSSD)), ms. */
  hrv7dMean: number | null;
  /** The normal range: e^(baseline ± smallest worthwhile change), ms. */
  hrvNormalLow: number | null;
  hrvNormalHigh: number | null;
  /** The ln rMSSD figures the readiness rule reads; absent in figures recorded before it existed. */
  hrvTrend?: HrvTrend | null;
  restingHrDeviation: number | null;
}

/** Nightly HRV as ln rMSSD: the 7-day rolling mean against the baseline of the 60 nights before that week. */
export interface HrvTrend {
  lnMean7d: number;
  lnBaseline: number;
  /** Sample SD of the baseline nights. */
  lnSd: number;
  /** Smallest worthwhile change: 0.5 × lnSd. */
  swc: number;
  nights7d: number;
  nightsBaseline: number;
}

// ---------------------------------------------------------------- coaching

export const READINESS_STATES = ['ready', 'caution', 'strained', 'sick'] as const;
export type ReadinessState = (typeof READINESS_STATES)[number];

export const DECISIONS = ['as_planned', 'modify_intensity', 'reduce_volume', 'recovery', 'rest'] as const;
export type DecisionKind = (typeof DECISIONS)[number];

export interface Negotiation {
  reasoningProposed: DecisionKind;
  missionProposed: DecisionKind;
  prevailed: 'reasoning' | 'mission' | 'safety';
  why: string;
}

export interface Decision {
  date: IsoDate;
  state: ReadinessState;
  decision: DecisionKind;
  /** Sentences that cite the figures that drove the decision. */
  rationale: string[];
  /** 0..1, lower when data is missing. */
  confidence: number;
  negotiation: Negotiation | null;
  /** TSS band the day's workout must fall in. */
  tssBand: { min: number; max: number };
  /** Minutes available for the workout. */
  maxDurationMin: number;
  degraded: string[];
}

export interface WorkoutInterval {
  durationMin: number;
  /** Target as a fraction of FTP (0.55 = 55 %), or null when the target is a heart-rate zone. */
  targetPctFtp: number | null;
  hrZone: number | null;
  /** Watts and bpm derived from the athlete's own FTP / thresholds. */
  targetWatts: number | null;
  targetHr: { low: number; high: number } | null;
  cadenceRpm: number | null;
  cue: string;
}

export interface Workout {
  title: string;
  sport: Discipline;
  durationMin: number;
  /** TSS computed from the intervals, never the model's own figure. */
  targetTss: number;
  intervals: WorkoutInterval[];
  notes: string;
  source: 'llm' | 'fallback';
  fallbackReason: string | null;
  tokenUsage: { prompt: number; completion: number; total: number } | null;
}

export interface ClassSuggestion {
  id: string;
  title: string;
  durationMin: number;
  classType: string;
  score: number;
  why: string;
  /**
   * `peloton`: a real class of the synced library; `demo`: the offline catalogue's made-up example
   * (absent in suggestions recorded before the library existed: those were demo classes too).
   */
  catalogue?: 'peloton' | 'demo';
  /** The class's instructor and link (library classes; null for demo ones). */
  instructor?: string | null;
  url?: string | null;
}

export const COMPLETION = ['yes', 'partly', 'no'] as const;
export type Completion = (typeof COMPLETION)[number];

export interface Reflection {
  date: IsoDate;
  rpe: number;
  legs: number;
  mood: number;
  sleepQuality: number;
  completed: Completion;
  note: string;
}
