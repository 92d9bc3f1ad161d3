/**
 * A deterministic synthetic athlete that answers like Oura and Strava would: API-shaped items
 * (Oura `daily_readiness`, `daily_sleep`, `sleep`, `daily_activity`; Strava `SummaryActivity`)
 * that go through the same normalisers as the real clients.
 *
 * Behind the payloads is a physiological model (athlete-physiology.ts, docs/physiology-model.md):
 * Banister fitness/fatigue and performance, nightly HRV and resting HR that respond to strain,
 * illness whose risk rises with load spikes, bad nights, and a rider who does 80–110 % of what is
 * prescribed and skips some days. It is a closed loop: before `blockStart` the athlete rides its
 * own habit; from it, only what it was prescribed (`setPrescriptions`).
 *
 * Every random number is keyed by (seed, date, channel), and a day depends only on the day before
 * and its own prescription. So the athlete can be extended day by day — a changed or new
 * prescription re-simulates from that day only — and the result is the same as a fresh
 * simulation of the whole window.
 */
import type { AthleteProfile, Completion, IsoDate, Reflection } from '../domain/types';
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
import { MODEL, type AthletePhysiology, drawPhysiology, illnessHazard, monotony, relativeFatigue, sessionIntensity, steadyMultiplier } from './athlete-physiology';
import { normal, uniform } from './seeded-random';
import { addDays, assertIsoDate, daysBetween } from '../domain/iso-date';
import { roundTo } from '../domain/rounding';

export { normal, uniform } from './seeded-random';

export type SyntheticEvent =
  | { kind: 'illness'; start: IsoDate; days: number; /** 0..1, default 1 */ severity?: number }
  | { kind: 'bad-night'; date: IsoDate }
  | { kind: 'missed-sync'; date: IsoDate };

/** What the coach prescribed for a day: the planned workout's training stress. */
export interface Prescription {
  date: IsoDate;
  tss: number;
}

export interface SyntheticAthleteConfig {
  seed: number | string;
  profile: AthleteProfile;
  /** First simulated day: there is no data before it. */
  startDate: IsoDate;
  /** First coached day: before it the athlete rides its habit; from it, only what is prescribed (default: habit throughout). */
  blockStart?: IsoDate;
  /** Parameters that replace the drawn ones (tests). */
  physiology?: Partial<AthletePhysiology>;
  /** Forced events, on top of the random ones (tests, demos). */
  events?: SyntheticEvent[];
  prescriptions?: readonly Prescription[];
  /** Last day the athlete can be observed (default none); `observeThrough` moves it. */
  endDate?: IsoDate;
  /** Offset of the athlete's local time from UTC, minutes (default 120, Paris in summer). */
  utcOffsetMin?: number;
  /** No random illnesses, bad nights or missed syncs: only the forced `events` (tests). */
  quiet?: boolean;
}

/** The simulated truth of one day (for evaluation and tests; the observation reads the payloads). */
export interface SyntheticDayState {
  date: IsoDate;
  /** Prescribed TSS (null: none, the athlete's habit before the block or a day off in it). */
  prescribed: number | null;
  /** TSS actually ridden. */
  tss: number;
  skipped: boolean;
  /** Illness severity 0..1 that day (0 = well). */
  illness: number;
  ill: boolean;
  tooIllToRide: boolean;
  /** Standard PMC (42/7 days) after the day's training, and the morning's form CTL − ATL of the day before. */
  ctl: number;
  atl: number;
  tsb: number;
  /** Banister performance on the morning (before the day's ride). */
  performance: number;
  /** The athlete's own fitness and fatigue impulse sums after the day's training. */
  fitness: number;
  fatigue: number;
  badNight: boolean;
  missedSync: boolean;
  hrvMs: number;
  lowestHr: number;
  temperatureDeviation: number;
  readiness: number;
  sleepScore: number;
  totalSleepS: number;
}

interface Episode {
  start: IsoDate;
  days: number;
  severity: number;
  extension: number;
}

interface SimDay {
  state: SyntheticDayState;
  episode: Episode | null;
  /** Values only the payloads need. */
  extra: { contributors: OuraDailyReadiness['contributors']; efficiency: number; averageHr: number };
  /** Built on first request. */
  payloads?: DayPayloads;
}

interface DayPayloads {
  readiness: OuraDailyReadiness;
  dailySleep: OuraDailySleep;
  sleep: OuraSleepPeriod;
  activity: OuraDailyActivity;
  rides: StravaSummaryActivity[];
}

/** Weekly habit before the block, Monday first, in units of the chronic daily load (mean 8.9/7). */
const HABIT_WEEK = [0, 1.3, 0.9, 1.5, 0.7, 2.6, 1.9];
const RIDE_NAMES = ['Endurance ride', 'Tempo intervals', 'Sweet spot', 'Recovery spin', 'Long ride', 'Group ride'];

export class SyntheticAthlete {
  readonly physiology: AthletePhysiology;
  private readonly days: SimDay[] = [];
  private readonly cfg: SyntheticAthleteConfig & { events: SyntheticEvent[]; utcOffsetMin: number };
  private prescribed = new Map<IsoDate, number>();
  private horizon: IsoDate | undefined;
  private p0: number;
  private simulated = 0;

  constructor(config: SyntheticAthleteConfig) {
    assertIsoDate(config.startDate, 'synthetic athlete startDate');
    if (config.endDate !== undefined) assertIsoDate(config.endDate, 'synthetic athlete endDate');
    if (config.blockStart !== undefined) assertIsoDate(config.blockStart, 'synthetic athlete blockStart');
    this.cfg = { ...config, events: config.events ?? [], utcOffsetMin: config.utcOffsetMin ?? 120 };
    this.physiology = drawPhysiology(String(config.seed), config.profile, config.physiology);
    this.horizon = config.endDate;
    this.prescribed = prescriptionMap(config.prescriptions ?? []);
    const p = this.physiology;
    const L = p.habitualCtl;
    // p0 puts the morning performance of a steady habitual athlete at 100.
    this.p0 = 100 - (p.k1 * L * (steadyMultiplier(p.fitnessDays) - 1) - p.k2 * L * (steadyMultiplier(p.fatigueDays) - 1));
  }

  /** How many days have been simulated so far (a fresh window counts each day once; an extension only its new days). */
  get simulatedDays(): number {
    return this.simulated;
  }

  /**
   * Replace what the coach prescribed. Days from the first one whose prescription changed are
   * simulated again; earlier days are kept.
   */
  setPrescriptions(list: readonly Prescription[]): void {
    const next = prescriptionMap(list);
    let first: IsoDate | null = null;
    for (const date of new Set([...this.prescribed.keys(), ...next.keys()])) {
      if (this.prescribed.get(date) !== next.get(date) && (first === null || date < first)) first = date;
    }
    this.prescribed = next;
    if (first !== null) this.truncateFrom(first);
  }

  /** Move the last observable day (the observation's morning); null removes the limit. */
  observeThrough(date: IsoDate | null): void {
    if (date !== null) assertIsoDate(date, 'synthetic athlete observe date');
    this.horizon = date ?? undefined;
  }

  /** The simulated day, or null outside [startDate, endDate]. */
  stateOf(date: IsoDate): SyntheticDayState | null {
    return this.simulate(date)?.state ?? null;
  }

  /**
   * How the rider would reflect on a coached day: RPE, legs, mood and sleep from the day's truth,
   * completion from what was ridden. Null when nothing was prescribed, or the rider does not
   * reflect that day (each rider reflects on a share of days).
   */
  reflectionOf(date: IsoDate): Reflection | null {
    const day = this.simulate(date);
    if (!day) return null;
    const s = day.state;
    if (s.prescribed === null || s.prescribed <= 0) return null;
    const seed = this.cfg.seed;
    if (uniform(seed, date, 'reflect') >= this.physiology.reflectionRate) return null;
    const own = this.ownForm(day);
    const completed: Completion = s.tss <= 0 ? 'no' : 'yes';
    const IF = s.tss > 0 ? sessionIntensity(s.tss) : 0;
    const effort = s.tss > 0 ? 1 + (IF - 0.45) * 14 + 0.08 * Math.max(0, -own - 5) + 2 * s.illness : 1 + 2 * s.illness;
    return {
      date,
      rpe: Math.round(clamp(effort + 0.7 * normal(seed, date, 'rpe'), 1, 10)),
      legs: Math.round(clamp(4.3 + own / 15 - s.illness + 0.5 * normal(seed, date, 'legs'), 1, 5)),
      mood: Math.round(clamp(4 - 2 * s.illness + 0.5 * normal(seed, date, 'mood'), 1, 5)),
      sleepQuality: Math.round(clamp(s.sleepScore / 20, 1, 5)),
      completed,
      note: '',
    };
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
      for (const ride of this.payloadsOf(d).rides) {
        const t = Date.parse(ride.start_date) / 1000;
        if (t > after && t < before) out.push(clone(ride));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- simulation

  private synced(start: IsoDate, end: IsoDate): DayPayloads[] {
    return this.range(start, end)
      .filter((d) => !d.state.missedSync)
      .map((d) => this.payloadsOf(d));
  }

  private range(start: IsoDate, end: IsoDate): SimDay[] {
    const out: SimDay[] = [];
    const from = start < this.cfg.startDate ? this.cfg.startDate : start;
    const to = this.horizon !== undefined && end > this.horizon ? this.horizon : end;
    for (let d = from; d <= to; d = addDays(d, 1)) {
      const day = this.simulate(d);
      if (day) out.push(day);
    }
    return out;
  }

  private truncateFrom(date: IsoDate): void {
    const index = Math.max(0, daysBetween(this.cfg.startDate, date));
    if (index < this.days.length) this.days.length = index;
  }

  private simulate(date: IsoDate): SimDay | null {
    if (date < this.cfg.startDate) return null;
    if (this.horizon !== undefined && date > this.horizon) return null;
    const index = daysBetween(this.cfg.startDate, date);
    while (this.days.length <= index) {
      this.days.push(this.simulateDay(addDays(this.cfg.startDate, this.days.length)));
      this.simulated += 1;
    }
    return this.days[index];
  }

  /** The athlete's own form: fitness mean load − fatigue mean load, on the morning of the day. */
  private ownForm(day: SimDay): number {
    const i = daysBetween(this.cfg.startDate, day.state.date);
    const prev = i > 0 ? this.days[i - 1].state : null;
    const p = this.physiology;
    const fitness = prev ? prev.fitness : p.habitualCtl * steadyMultiplier(p.fitnessDays);
    const fatigue = prev ? prev.fatigue : p.habitualCtl * steadyMultiplier(p.fatigueDays);
    return fitness / steadyMultiplier(p.fitnessDays) - fatigue / steadyMultiplier(p.fatigueDays);
  }

  /** Done TSS of the `n` days before `index` (null when the simulation has not gone back that far). */
  private doneBefore(index: number, n: number): number[] | null {
    if (index < n) return null;
    const out: number[] = [];
    for (let k = index - n; k < index; k++) out.push(this.days[k].state.tss);
    return out;
  }

  private simulateDay(date: IsoDate): SimDay {
    const c = this.cfg;
    const p = this.physiology;
    const seed = c.seed;
    const gauss = (channel: string, sd: number) => sd * normal(seed, date, channel);
    const index = daysBetween(c.startDate, date);
    const prevDay = index > 0 ? this.days[index - 1] : null;
    const prev = prevDay?.state ?? null;

    // ---- the morning: state carried from yesterday
    const L = p.habitualCtl;
    const fitnessSum = prev ? prev.fitness : L * steadyMultiplier(p.fitnessDays);
    const fatigueSum = prev ? prev.fatigue : L * steadyMultiplier(p.fatigueDays);
    const decayFitness = Math.exp(-1 / p.fitnessDays);
    const decayFatigue = Math.exp(-1 / p.fatigueDays);
    const performance = this.p0 + p.k1 * fitnessSum * decayFitness - p.k2 * fatigueSum * decayFatigue;
    const prevCtl = prev ? prev.ctl : L;
    const prevAtl = prev ? prev.atl : L;
    const tsb = prevCtl - prevAtl;
    const fatigue = Math.max(0, relativeFatigue(p, fitnessSum, fatigueSum));
    const yesterdayTss = prev ? prev.tss : 0;

    // ---- illness: forced events, an episode going on, or a new one
    let episode: Episode | null = prevDay?.episode && daysBetween(prevDay.episode.start, date) < prevDay.episode.days + prevDay.episode.extension ? { ...prevDay.episode } : null;
    if (!episode && !c.quiet) {
      const last28 = this.doneBefore(index, 28);
      const last7 = last28 ? last28.slice(-7) : this.doneBefore(index, 7);
      const chronic = last28 ? last28.reduce((a, b) => a + b, 0) / 28 : 0;
      const acwr = last28 && last7 && chronic > 0 ? last7.reduce((a, b) => a + b, 0) / 7 / chronic : null;
      const hazard = illnessHazard(p, acwr, last7 ? monotony(last7) : null);
      if (uniform(seed, date, 'illness-onset') < hazard) {
        const m = MODEL.illness;
        episode = {
          start: date,
          days: m.minDays + Math.floor(uniform(seed, date, 'illness-days') * (m.maxDays - m.minDays + 1)),
          severity: m.minSeverity + (1 - m.minSeverity) * uniform(seed, date, 'illness-severity'),
          extension: 0,
        };
      }
    }
    const forced = this.forcedIllness(date);
    const illness = Math.max(episode?.severity ?? 0, forced);
    const badNight = c.events.some((e) => e.kind === 'bad-night' && e.date === date) || (!c.quiet && uniform(seed, date, 'bad-night') < p.badNightRate);
    const missedSync = c.events.some((e) => e.kind === 'missed-sync' && e.date === date) || (!c.quiet && uniform(seed, date, 'missed-sync') < p.missedSyncRate);

    // ---- the night before the morning of `date`
    const lnHrv =
      p.hrvLnBaseline +
      gauss('hrv', p.hrvLnSd) -
      p.hrvFatigueSensitivity * fatigue -
      p.hrvSessionEffect * yesterdayTss -
      MODEL.illness.hrvLnDrop * illness -
      (badNight ? MODEL.badNight.hrvLnDrop : 0);
    const hrvMs = Math.max(8, Math.round(Math.exp(lnHrv)));
    const lowestHr = Math.round(
      p.restingHr + gauss('rhr', p.restingHrSd) + p.restingHrFatigueSensitivity * fatigue + MODEL.illness.restingHrRise * illness + (badNight ? MODEL.badNight.restingHrRise : 0),
    );
    const temperatureDeviation = round2(
      gauss('temp', MODEL.temperatureNoiseSd) + (illness > 0 ? MODEL.illness.temperatureBase + MODEL.illness.temperaturePerSeverity * illness : 0),
    );
    const totalSleepS = Math.round(
      clamp(badNight ? 4.6 * 3600 + gauss('sleepdur', 900) : 7.4 * 3600 + gauss('sleepdur', 1500) - illness * 1800, 2 * 3600, 10 * 3600),
    );
    const efficiency = Math.round(clamp(90 + gauss('eff', 3) - (badNight ? 15 : 0) - 5 * illness, 50, 99));
    const sleepScore = Math.round(clamp(40 + (totalSleepS / 3600 - 4) * 9 + (efficiency - 80) * 0.8, 1, 100));
    const form = clamp(tsb, -40, 20);
    const hrvBaselineMs = Math.exp(p.hrvLnBaseline);
    const contributors = {
      activity_balance: score(80 + 0.8 * form + gauss('c-ab', 3)),
      body_temperature: score(100 - 70 * Math.max(0, Math.abs(temperatureDeviation) - 0.1)),
      hrv_balance: score(80 + 120 * Math.log(hrvMs / hrvBaselineMs)),
      previous_day_activity: score(90 - Math.max(0, yesterdayTss - 100) / 3 + gauss('c-pda', 3)),
      previous_night: sleepScore,
      recovery_index: score(85 + 0.5 * form - (badNight ? 20 : 0) + gauss('c-ri', 4)),
      resting_heart_rate: score(85 - 6 * (lowestHr - p.restingHr)),
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

    // ---- the day's training: what was asked, what the rider did
    const prescribed = this.prescriptionOn(date);
    const tooIllToRide = illness >= MODEL.illness.tooIllToRide;
    let tss = 0;
    let skipped = false;
    if (prescribed !== null && prescribed > 0) {
      if (tooIllToRide) skipped = true;
      else if (uniform(seed, date, 'skip') < p.skipRate) skipped = true;
      else {
        const { low, high } = MODEL.compliance;
        tss = Math.round(prescribed * (low + (high - low) * uniform(seed, date, 'compliance')) * 10) / 10;
      }
    }
    if (episode && tss >= MODEL.illness.hardRideTss && episode.extension < MODEL.illness.maxExtension) episode = { ...episode, extension: episode.extension + 1 };

    const fitnessAfter = fitnessSum * decayFitness + tss;
    const fatigueAfter = fatigueSum * decayFatigue + tss;
    const state: SyntheticDayState = {
      date,
      prescribed,
      tss,
      skipped,
      illness: round2(illness),
      ill: illness > 0,
      tooIllToRide,
      ctl: prevCtl + (tss - prevCtl) * decayFactor(CTL_DAYS),
      atl: prevAtl + (tss - prevAtl) * decayFactor(ATL_DAYS),
      tsb,
      performance,
      fitness: fitnessAfter,
      fatigue: fatigueAfter,
      badNight,
      missedSync,
      hrvMs,
      lowestHr,
      temperatureDeviation,
      readiness,
      sleepScore,
      totalSleepS,
    };
    return { state, episode, extra: { contributors, efficiency, averageHr: round1(lowestHr + 6 + Math.abs(gauss('avghr', 1.5))) } };
  }

  /** Prescribed TSS: the habit before the block, the coach's prescription in it (null when none). */
  private prescriptionOn(date: IsoDate): number | null {
    const block = this.cfg.blockStart;
    if (block === undefined || date < block) {
      const p = this.physiology;
      const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
      const meanWeek = HABIT_WEEK.reduce((a, b) => a + b, 0) / 7;
      const { low, high } = MODEL.compliance;
      // Scaled so that, after compliance and skipped days, the chronic load holds at the habit.
      const scale = p.habitualCtl / (meanWeek * ((low + high) / 2) * (1 - p.skipRate));
      const tss = Math.round(HABIT_WEEK[weekday] * scale * (0.85 + 0.3 * uniform(this.cfg.seed, date, 'habit')));
      return tss;
    }
    return this.prescribed.get(date) ?? null;
  }

  /** 0 when well; otherwise the forced illness severity on that day. */
  private forcedIllness(date: IsoDate): number {
    let sev = 0;
    for (const e of this.cfg.events) {
      if (e.kind !== 'illness') continue;
      const k = daysBetween(e.start, date);
      if (k >= 0 && k < e.days) sev = Math.max(sev, clamp(e.severity ?? 1, 0, 1));
    }
    return sev;
  }

  private payloadsOf(day: SimDay): DayPayloads {
    if (day.payloads) return day.payloads;
    const c = this.cfg;
    const s = day.state;
    const date = s.date;
    const seed = c.seed;
    const gauss = (channel: string, sd: number) => sd * normal(seed, date, channel);
    const rnd = (channel: string) => uniform(seed, date, channel);
    const extra = day.extra;
    const offset = offsetText(c.utcOffsetMin);
    const prevDate = addDays(date, -1);
    const bedStartMin = 23 * 60 + Math.round(rnd('bed') * 60) + (s.badNight ? 90 : 0);
    const timeInBed = Math.round(s.totalSleepS / (extra.efficiency / 100));
    const tss = s.tss;
    day.payloads = {
      readiness: {
        id: `synthetic-readiness-${date}`,
        day: date,
        timestamp: `${date}T00:00:00.000${offset}`,
        score: s.readiness,
        temperature_deviation: s.temperatureDeviation,
        temperature_trend_deviation: round2(s.temperatureDeviation * 0.6),
        contributors: extra.contributors,
      },
      dailySleep: {
        id: `synthetic-daily-sleep-${date}`,
        day: date,
        timestamp: `${date}T00:00:00.000${offset}`,
        score: s.sleepScore,
        contributors: {
          deep_sleep: score(75 + gauss('s-deep', 6) - (s.badNight ? 25 : 0)),
          efficiency: score(extra.efficiency),
          latency: score(80 + gauss('s-lat', 8)),
          rem_sleep: score(75 + gauss('s-rem', 6) - (s.badNight ? 20 : 0)),
          restfulness: score(75 + gauss('s-rest', 6) - (s.badNight ? 25 : 0) - 15 * s.illness),
          timing: score(85 + gauss('s-time', 5)),
          total_sleep: score(20 + (s.totalSleepS / 3600) * 9),
        },
      },
      sleep: {
        id: `synthetic-sleep-${date}`,
        day: date,
        bedtime_start: localStamp(prevDate, bedStartMin, offset),
        bedtime_end: localStamp(prevDate, bedStartMin + Math.round(timeInBed / 60), offset),
        period: 0,
        low_battery_alert: false,
        time_in_bed: timeInBed,
        type: 'long_sleep',
        average_hrv: s.hrvMs,
        average_heart_rate: extra.averageHr,
        lowest_heart_rate: s.lowestHr,
        average_breath: round1(14.5 + gauss('breath', 0.4) + s.illness),
        total_sleep_duration: s.totalSleepS,
        deep_sleep_duration: Math.round(s.totalSleepS * 0.18),
        rem_sleep_duration: Math.round(s.totalSleepS * 0.22),
        light_sleep_duration: Math.round(s.totalSleepS * 0.6),
        awake_time: timeInBed - s.totalSleepS,
        latency: Math.round(600 + rnd('latency') * 900),
        efficiency: extra.efficiency,
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
      rides: tss > 0 ? [this.ride(date, tss)] : [],
    };
    return day.payloads;
  }

  private ride(date: IsoDate, tss: number): StravaSummaryActivity {
    const c = this.cfg;
    const p = c.profile;
    const IF = sessionIntensity(tss);
    const hours = tss / (IF * IF * 100);
    const np = IF * p.ftpW;
    const movingTime = Math.max(60, Math.round(hours * 3600));
    const restHr = p.restingHr ?? this.physiology.restingHr;
    const avgHr = round1(restHr + (p.thresholdHr - restHr) * Math.min(1.05, IF * 0.97) + normal(c.seed, date, 'ride-hr-0') * 2);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
    const sportType = weekday === 0 || weekday === 6 ? 'Ride' : 'VirtualRide';
    const startMin = 7 * 60 + Math.round(uniform(c.seed, date, 'ride-start-0') * 90);
    const localIso = `${date}T${pad(Math.floor(startMin / 60))}:${pad(startMin % 60)}:00Z`;
    const utcIso = new Date(Date.parse(localIso) - c.utcOffsetMin * 60_000).toISOString().replace('.000', '');
    const speedKmh = sportType === 'VirtualRide' ? 30 : 27;
    return {
      id: Number(date.replace(/-/g, '')) * 10,
      name: RIDE_NAMES[Math.floor(uniform(c.seed, date, 'name') * RIDE_NAMES.length)],
      sport_type: sportType,
      type: sportType,
      start_date: utcIso,
      start_date_local: localIso,
      timezone: `(GMT${offsetText(c.utcOffsetMin)}) Synthetic/Local`,
      moving_time: movingTime,
      elapsed_time: movingTime + Math.round(uniform(c.seed, date, 'ride-stop-0') * 600),
      distance: round1(speedKmh * (0.8 + 0.4 * IF) * hours * 1000),
      total_elevation_gain: sportType === 'VirtualRide' ? 0 : Math.round(hours * 400),
      average_watts: round1(np * 0.93),
      weighted_average_watts: Math.round(np),
      kilojoules: round1((np * 0.93 * movingTime) / 1000),
      device_watts: true,
      trainer: sportType === 'VirtualRide',
      has_heartrate: true,
      average_heartrate: avgHr,
      max_heartrate: Math.round(Math.min(p.maxHr, avgHr + 15 + 10 * IF)),
      suffer_score: Math.round(tss * 0.6),
    };
  }
}

function prescriptionMap(list: readonly Prescription[]): Map<IsoDate, number> {
  const out = new Map<IsoDate, number>();
  for (const p of list) {
    assertIsoDate(p.date, 'prescription date');
    if (!(typeof p.tss === 'number' && Number.isFinite(p.tss) && p.tss >= 0)) {
      throw new RangeError(`prescription for ${p.date}: TSS must be a number ≥ 0, got ${p.tss}`);
    }
    out.set(p.date, p.tss);
  }
  return out;
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

// ---------------------------------------------------------------- small helpers

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
function score(x: number): number {
  return Math.round(clamp(x, 1, 100));
}
function round1(x: number): number {
  return roundTo(x, 1);
}
function round2(x: number): number {
  return roundTo(x, 2);
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
