/**
 * A deterministic synthetic athlete that answers like Oura and Strava would: it produces
 * API-shaped items (Oura `daily_readiness`, `daily_sleep`, `sleep`, `daily_activity`; Strava
 * `SummaryActivity`) that go through the same normalisers as the real clients.
 *
 * Model, day by day from `startDate`:
 * - Load: the TSS done each day (given by the caller, e.g. the completed workouts, or generated
 *   as plausible rides) drives a fitness–fatigue state, CTL (42 d) and ATL (7 d), with the same
 *   exponential convention as `training-load.ts`. The morning of day D sees form
 *   TSB = CTL(D−1) − ATL(D−1).
 * - Response: HRV falls and resting HR rises as TSB goes negative; readiness is a weighted mix of
 *   its contributors, so it falls with fatigue. Every value gets seeded noise.
 * - Events: `illness` (temperature +0.6…1 °C, HRV −30 %, resting HR +6, worse sleep, no
 *   generated rides), `bad-night` (short, fragmented night, HRV −15 %), `missed-sync` (no Oura
 *   records filed for that day).
 * The random stream of each value is keyed by (seed, date, channel), so a day's values do not
 * depend on which range is asked for or in which order.
 */
import type { AthleteProfile, IsoDate } from '../domain/types';
import type {
  OuraDailyActivity,
  OuraDailyReadiness,
  OuraDailySleep,
  OuraSleepPeriod,
  OuraSource,
  StravaSource,
  StravaSummaryActivity,
} from './api-payloads';
import { ATL_DAYS, CTL_DAYS, decayFactor } from './training-load';
import { addDays, assertIsoDate, daysBetween } from '../domain/iso-date';

export type SyntheticEvent =
  | { kind: 'illness'; start: IsoDate; days: number; /** 0..1, default 1 */ severity?: number }
  | { kind: 'bad-night'; date: IsoDate }
  | { kind: 'missed-sync'; date: IsoDate };

export interface SyntheticWorkout {
  tss: number;
  durationMin?: number;
  name?: string;
  /** Strava sport type (default `VirtualRide`). */
  sportType?: string;
}

export interface SyntheticAthleteConfig {
  seed: number | string;
  profile: AthleteProfile;
  baselineHrvMs: number;
  baselineRestingHr: number;
  /** First simulated day: there is no data before it. */
  startDate: IsoDate;
  /** Last simulated day (default: none; any later date is simulated on demand). */
  endDate?: IsoDate;
  /** Fitness and fatigue at the end of the day before `startDate` (default 50 / 50). */
  initialCtl?: number;
  initialAtl?: number;
  events?: SyntheticEvent[];
  /**
   * TSS done per day (e.g. fed from completed workouts). When given, only these days have rides.
   * When absent, the athlete rides a plausible week of its own (rest on Mondays, long weekend rides).
   */
  training?: Record<IsoDate, number | SyntheticWorkout>;
  /** Offset of the athlete's local time from UTC, minutes (default 120, Paris in summer). */
  utcOffsetMin?: number;
}

/** The simulated truth of one day (for tests and demos; the observation reads the payloads). */
export interface SyntheticDayState {
  date: IsoDate;
  tss: number;
  /** After the day's training. */
  ctl: number;
  atl: number;
  /** Morning form: CTL − ATL of the day before. */
  tsb: number;
  ill: boolean;
  badNight: boolean;
  missedSync: boolean;
  hrvMs: number;
  lowestHr: number;
  temperatureDeviation: number;
  readiness: number;
}

interface SimDay {
  state: SyntheticDayState;
  readiness: OuraDailyReadiness;
  dailySleep: OuraDailySleep;
  sleep: OuraSleepPeriod;
  activity: OuraDailyActivity;
  rides: StravaSummaryActivity[];
}

export class SyntheticAthlete {
  private readonly days: SimDay[] = [];
  private readonly cfg: Required<Omit<SyntheticAthleteConfig, 'endDate' | 'training'>> &
    Pick<SyntheticAthleteConfig, 'endDate' | 'training'>;

  constructor(config: SyntheticAthleteConfig) {
    assertIsoDate(config.startDate, 'synthetic athlete startDate');
    if (config.endDate !== undefined) assertIsoDate(config.endDate, 'synthetic athlete endDate');
    if (!(config.baselineHrvMs > 0)) throw new RangeError(`baselineHrvMs must be > 0, got ${config.baselineHrvMs}`);
    if (!(config.baselineRestingHr > 0)) throw new RangeError(`baselineRestingHr must be > 0, got ${config.baselineRestingHr}`);
    for (const [date, w] of Object.entries(config.training ?? {})) {
      assertIsoDate(date, 'synthetic training date');
      const tss = typeof w === 'number' ? w : w.tss;
      if (!(tss >= 0)) throw new RangeError(`synthetic training on ${date}: TSS must be ≥ 0, got ${tss}`);
    }
    const initialCtl = config.initialCtl ?? 50;
    this.cfg = {
      ...config,
      initialCtl,
      initialAtl: config.initialAtl ?? initialCtl,
      events: config.events ?? [],
      utcOffsetMin: config.utcOffsetMin ?? 120,
    };
  }

  /** The simulated day, or null outside [startDate, endDate]. */
  stateOf(date: IsoDate): SyntheticDayState | null {
    return this.simulate(date)?.state ?? null;
  }

  // ---------------------------------------------------------------- Oura-shaped answers

  dailyReadiness(start: IsoDate, end: IsoDate): OuraDailyReadiness[] {
    return this.synced(start, end).map((d) => clone(d.readiness));
  }
  dailySleep(start: IsoDate, end: IsoDate): OuraDailySleep[] {
    return this.synced(start, end).map((d) => clone(d.dailySleep));
  }
  sleepPeriods(start: IsoDate, end: IsoDate): OuraSleepPeriod[] {
    return this.synced(start, end).map((d) => clone(d.sleep));
  }
  dailyActivity(start: IsoDate, end: IsoDate): OuraDailyActivity[] {
    return this.synced(start, end).map((d) => clone(d.activity));
  }

  // ---------------------------------------------------------------- Strava-shaped answers

  /** Activities that started in (after, before), epoch seconds, oldest first. */
  activities(after: number, before: number): StravaSummaryActivity[] {
    const margin = 2;
    const from = new Date((after - margin * 86400) * 1000).toISOString().slice(0, 10);
    const to = new Date((before + margin * 86400) * 1000).toISOString().slice(0, 10);
    const out: StravaSummaryActivity[] = [];
    for (const d of this.range(from, to)) {
      for (const ride of d.rides) {
        const t = Date.parse(ride.start_date) / 1000;
        if (t > after && t < before) out.push(clone(ride));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- simulation

  private synced(start: IsoDate, end: IsoDate): SimDay[] {
    return this.range(start, end).filter((d) => !d.state.missedSync);
  }

  private range(start: IsoDate, end: IsoDate): SimDay[] {
    const out: SimDay[] = [];
    const from = start < this.cfg.startDate ? this.cfg.startDate : start;
    const to = this.cfg.endDate !== undefined && end > this.cfg.endDate ? this.cfg.endDate : end;
    for (let d = from; d <= to; d = addDays(d, 1)) {
      const day = this.simulate(d);
      if (day) out.push(day);
    }
    return out;
  }

  private simulate(date: IsoDate): SimDay | null {
    if (date < this.cfg.startDate) return null;
    if (this.cfg.endDate !== undefined && date > this.cfg.endDate) return null;
    const index = daysBetween(this.cfg.startDate, date);
    while (this.days.length <= index) {
      const prev = this.days.length > 0 ? this.days[this.days.length - 1].state : null;
      this.days.push(this.simulateDay(addDays(this.cfg.startDate, this.days.length), prev));
    }
    return this.days[index];
  }

  private simulateDay(date: IsoDate, prev: SyntheticDayState | null): SimDay {
    const c = this.cfg;
    const rnd = (channel: string) => uniform(c.seed, date, channel);
    const gauss = (channel: string, sd: number) => sd * normal(c.seed, date, channel);

    const illness = this.illnessOn(date);
    const badNight = c.events.some((e) => e.kind === 'bad-night' && e.date === date);
    const missedSync = c.events.some((e) => e.kind === 'missed-sync' && e.date === date);

    const prevCtl = prev ? prev.ctl : c.initialCtl;
    const prevAtl = prev ? prev.atl : c.initialAtl;
    const tsb = prevCtl - prevAtl;

    // ---- training of the day
    const workouts = this.workoutsOn(date, illness > 0);
    const tss = workouts.reduce((a, w) => a + w.tss, 0);
    const ctl = prevCtl + (tss - prevCtl) * decayFactor(CTL_DAYS);
    const atl = prevAtl + (tss - prevAtl) * decayFactor(ATL_DAYS);

    // ---- the night before the morning of `date`
    const form = clamp(tsb, -40, 20);
    const hrvMs = Math.max(
      8,
      Math.round(
        c.baselineHrvMs *
          Math.exp(0.006 * form) *
          (1 + gauss('hrv', 0.06)) *
          (1 - 0.3 * illness) *
          (badNight ? 0.85 : 1),
      ),
    );
    const lowestHr = Math.round(c.baselineRestingHr - 0.08 * form + gauss('rhr', 1.2) + 6 * illness + (badNight ? 3 : 0));
    const averageHr = round1(lowestHr + 6 + Math.abs(gauss('avghr', 1.5)));
    const temperatureDeviation = round2(gauss('temp', 0.12) + (illness > 0 ? 0.6 + 0.4 * illness : 0));
    const totalSleepS = Math.round(
      clamp(
        badNight ? 4.6 * 3600 + gauss('sleepdur', 900) : 7.4 * 3600 + gauss('sleepdur', 1500) - illness * 1800,
        2 * 3600,
        10 * 3600,
      ),
    );
    const efficiency = Math.round(clamp(90 + gauss('eff', 3) - (badNight ? 15 : 0) - 5 * illness, 50, 99));
    const sleepScore = Math.round(clamp(40 + (totalSleepS / 3600 - 4) * 9 + (efficiency - 80) * 0.8, 1, 100));

    // ---- readiness contributors and score
    const prevTss = prev ? prev.tss : 0;
    const contributors = {
      activity_balance: score(80 + 0.8 * form + gauss('c-ab', 3)),
      body_temperature: score(100 - 70 * Math.max(0, Math.abs(temperatureDeviation) - 0.1)),
      hrv_balance: score(80 + 120 * Math.log(hrvMs / c.baselineHrvMs)),
      previous_day_activity: score(90 - Math.max(0, prevTss - 100) / 3 + gauss('c-pda', 3)),
      previous_night: sleepScore,
      recovery_index: score(85 + 0.5 * form - (badNight ? 20 : 0) + gauss('c-ri', 4)),
      resting_heart_rate: score(85 - 6 * (lowestHr - c.baselineRestingHr)),
      sleep_balance: score(80 + gauss('c-sb', 4) - 10 * illness),
      sleep_regularity: score(82 + gauss('c-sr', 4) - (badNight ? 12 : 0)),
    };
    const readiness = score(
      0.2 * contributors.hrv_balance +
        0.15 * contributors.resting_heart_rate +
        0.15 * contributors.body_temperature +
        0.15 * contributors.previous_night +
        0.1 * contributors.recovery_index +
        0.1 * contributors.activity_balance +
        0.05 * contributors.sleep_balance +
        0.05 * contributors.previous_day_activity +
        0.05 * contributors.sleep_regularity +
        gauss('readiness', 1.5),
    );

    const offset = offsetText(c.utcOffsetMin);
    const prevDate = addDays(date, -1);
    const bedStartMin = 23 * 60 + Math.round(rnd('bed') * 60) + (badNight ? 90 : 0);
    const bedtimeStart = localStamp(prevDate, bedStartMin, offset);
    const timeInBed = Math.round(totalSleepS / (efficiency / 100));
    const bedtimeEnd = localStamp(prevDate, bedStartMin + Math.round(timeInBed / 60), offset);

    const state: SyntheticDayState = {
      date,
      tss,
      ctl,
      atl,
      tsb,
      ill: illness > 0,
      badNight,
      missedSync,
      hrvMs,
      lowestHr,
      temperatureDeviation,
      readiness,
    };
    return {
      state,
      readiness: {
        id: `synthetic-readiness-${date}`,
        day: date,
        timestamp: `${date}T00:00:00.000${offset}`,
        score: readiness,
        temperature_deviation: temperatureDeviation,
        temperature_trend_deviation: round2(temperatureDeviation * 0.6),
        contributors,
      },
      dailySleep: {
        id: `synthetic-daily-sleep-${date}`,
        day: date,
        timestamp: `${date}T00:00:00.000${offset}`,
        score: sleepScore,
        contributors: {
          deep_sleep: score(75 + gauss('s-deep', 6) - (badNight ? 25 : 0)),
          efficiency: score(efficiency),
          latency: score(80 + gauss('s-lat', 8)),
          rem_sleep: score(75 + gauss('s-rem', 6) - (badNight ? 20 : 0)),
          restfulness: score(75 + gauss('s-rest', 6) - (badNight ? 25 : 0) - 15 * illness),
          timing: score(85 + gauss('s-time', 5)),
          total_sleep: score(20 + (totalSleepS / 3600) * 9),
        },
      },
      sleep: {
        id: `synthetic-sleep-${date}`,
        day: date,
        bedtime_start: bedtimeStart,
        bedtime_end: bedtimeEnd,
        period: 0,
        low_battery_alert: false,
        time_in_bed: timeInBed,
        type: 'long_sleep',
        average_hrv: hrvMs,
        average_heart_rate: averageHr,
        lowest_heart_rate: lowestHr,
        average_breath: round1(14.5 + gauss('breath', 0.4) + illness),
        total_sleep_duration: totalSleepS,
        deep_sleep_duration: Math.round(totalSleepS * 0.18),
        rem_sleep_duration: Math.round(totalSleepS * 0.22),
        light_sleep_duration: Math.round(totalSleepS * 0.6),
        awake_time: timeInBed - totalSleepS,
        latency: Math.round(600 + rnd('latency') * 900),
        efficiency,
        readiness_score_delta: null,
      },
      activity: {
        id: `synthetic-activity-${date}`,
        day: date,
        timestamp: `${date}T04:00:00.000${offset}`,
        score: score(80 + gauss('a-score', 6)),
        steps: Math.round(6000 + rnd('steps') * 5000),
        active_calories: Math.round(300 + tss * 7),
        total_calories: Math.round(2200 + tss * 7),
        high_activity_time: Math.round(tss * 25),
        medium_activity_time: Math.round(1800 + tss * 20),
        low_activity_time: Math.round(10000 + rnd('low') * 4000),
        sedentary_time: Math.round(28000 + rnd('sed') * 6000),
        non_wear_time: 0,
      },
      rides: workouts.map((w, i) => this.ride(date, w, i)),
    };
  }

  /** 0 when well; otherwise the illness severity on that day. */
  private illnessOn(date: IsoDate): number {
    let sev = 0;
    for (const e of this.cfg.events) {
      if (e.kind !== 'illness') continue;
      const k = daysBetween(e.start, date);
      if (k >= 0 && k < e.days) sev = Math.max(sev, clamp(e.severity ?? 1, 0, 1));
    }
    return sev;
  }

  private workoutsOn(date: IsoDate, ill: boolean): SyntheticWorkout[] {
    const training = this.cfg.training;
    if (training) {
      const w = training[date];
      if (w === undefined) return [];
      const workout = typeof w === 'number' ? { tss: w } : w;
      return workout.tss > 0 ? [workout] : [];
    }
    if (ill) return [];
    // A plausible week scaled to the athlete's fitness: Mon rest, long rides at the weekend.
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
    const pattern = [1.9, 0, 1.3, 0.9, 1.5, 0.7, 2.6];
    const factor = pattern[weekday];
    if (factor === 0 || uniform(this.cfg.seed, date, 'skip') < 0.08) return [];
    // the pattern averages 8.9 / 7 = 1.27 × scale per day, 1.17 after the 8 % skipped days: CTL holds steady
    const scale = Math.max(20, this.cfg.initialCtl) / 1.17;
    const tss = Math.round(factor * scale * (0.85 + 0.3 * uniform(this.cfg.seed, date, 'tss')));
    const names = ['Endurance ride', 'Tempo intervals', 'Sweet spot', 'Recovery spin', 'Long ride', 'Group ride'];
    const name = names[Math.floor(uniform(this.cfg.seed, date, 'name') * names.length)];
    return [{ tss, name, sportType: weekday === 0 || weekday === 6 ? 'Ride' : 'VirtualRide' }];
  }

  private ride(date: IsoDate, w: SyntheticWorkout, index: number): StravaSummaryActivity {
    const c = this.cfg;
    const p = c.profile;
    // Intensity: from the given duration, or chosen by the size of the session.
    let IF: number;
    let hours: number;
    if (w.durationMin !== undefined && w.durationMin > 0) {
      hours = w.durationMin / 60;
      IF = Math.sqrt(w.tss / (hours * 100));
    } else {
      IF = w.tss < 50 ? 0.62 : w.tss < 90 ? 0.72 : 0.78;
      hours = w.tss / (IF * IF * 100);
    }
    const np = IF * p.ftpW;
    const movingTime = Math.max(60, Math.round(hours * 3600));
    const restHr = p.restingHr ?? c.baselineRestingHr;
    const avgHr = round1(restHr + (p.thresholdHr - restHr) * Math.min(1.05, IF * 0.97) + normal(c.seed, date, `ride-hr-${index}`) * 2);
    const startMin = (index === 0 ? 7 * 60 : 18 * 60) + Math.round(uniform(c.seed, date, `ride-start-${index}`) * 90);
    const localIso = `${date}T${pad(Math.floor(startMin / 60))}:${pad(startMin % 60)}:00Z`;
    const utcIso = new Date(Date.parse(localIso) - c.utcOffsetMin * 60_000).toISOString().replace('.000', '');
    const sportType = w.sportType ?? 'VirtualRide';
    const speedKmh = sportType === 'VirtualRide' ? 30 : 27;
    return {
      id: Number(date.replace(/-/g, '')) * 10 + index,
      name: w.name ?? 'Workout',
      sport_type: sportType,
      type: sportType === 'VirtualRide' ? 'VirtualRide' : 'Ride',
      start_date: utcIso,
      start_date_local: localIso,
      timezone: `(GMT${offsetText(c.utcOffsetMin)}) Synthetic/Local`,
      moving_time: movingTime,
      elapsed_time: movingTime + Math.round(uniform(c.seed, date, `ride-stop-${index}`) * 600),
      distance: round1(speedKmh * (0.8 + 0.4 * IF) * hours * 1000),
      total_elevation_gain: sportType === 'VirtualRide' ? 0 : Math.round(hours * 400),
      average_watts: round1(np * 0.93),
      weighted_average_watts: Math.round(np),
      kilojoules: round1(np * 0.93 * movingTime / 1000),
      device_watts: true,
      trainer: sportType === 'VirtualRide',
      has_heartrate: true,
      average_heartrate: avgHr,
      max_heartrate: Math.round(Math.min(p.maxHr, avgHr + 15 + 10 * IF)),
      suffer_score: Math.round(w.tss * 0.6),
    };
  }
}

/** Sources that plug into `observeDay({ synthetic })` in place of the Oura and Strava clients. */
export function syntheticSources(config: SyntheticAthleteConfig | SyntheticAthlete): {
  athlete: SyntheticAthlete;
  oura: OuraSource;
  strava: StravaSource;
} {
  const athlete = config instanceof SyntheticAthlete ? config : new SyntheticAthlete(config);
  const oura: OuraSource = {
    dailyReadiness: async (s, e) => athlete.dailyReadiness(s, e),
    dailySleep: async (s, e) => athlete.dailySleep(s, e),
    sleepPeriods: async (s, e) => athlete.sleepPeriods(s, e),
    dailyActivity: async (s, e) => athlete.dailyActivity(s, e),
  };
  const strava: StravaSource = {
    listActivities: async ({ after, before }) => athlete.activities(after, before),
  };
  return { athlete, oura, strava };
}

// ---------------------------------------------------------------- seeded randomness

/** FNV-1a hash of a string to 32 bits. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, well-mixed 32-bit PRNG. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform number in [0, 1) fixed by (seed, date, channel). */
export function uniform(seed: number | string, date: IsoDate, channel: string): number {
  return mulberry32(hash32(`${seed}|${date}|${channel}`))();
}

/** A standard normal number fixed by (seed, date, channel) (Box–Muller). */
export function normal(seed: number | string, date: IsoDate, channel: string): number {
  const next = mulberry32(hash32(`${seed}|${date}|${channel}|n`));
  const u1 = Math.max(next(), 1e-12);
  const u2 = next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

// ---------------------------------------------------------------- small helpers

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
function score(x: number): number {
  return Math.round(clamp(x, 1, 100));
}
function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
function pad(n: number): string {
  return String(n).padStart(2, '0');
}
function offsetText(min: number): string {
  const sign = min < 0 ? '-' : '+';
  const a = Math.abs(min);
  return `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}
/** `date` plus `minutes` after its local midnight, written with the local offset. */
function localStamp(date: IsoDate, minutes: number, offset: string): string {
  const d = new Date(Date.parse(`${date}T00:00:00Z`) + minutes * 60_000);
  return `${d.toISOString().slice(0, 19)}.000${offset}`;
}
function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
