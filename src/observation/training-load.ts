/**
 * Training-load model: pure functions, no I/O.
 *
 * - NP: 30-s rolling mean of power, 4th power, mean, 4th root (Coggan). IF = NP / FTP.
 *   TSS = hours × IF² × 100. With only a Strava summary, `weighted_average_watts` stands in for NP
 *   (power-meter rides only).
 * - Without power: hrTSS = TRIMP(session) / TRIMP(one hour at threshold HR) × 100 (Banister TRIMP,
 *   the HRSS construction), so one hour at threshold HR scores 100 like one hour at FTP. The
 *   0.64 gain cancels in the ratio; only the exponent (1.92 men / 1.67 women) matters.
 * - No power and no HR: a duration estimate at an assumed intensity per sport, marked as such.
 * - CTL (42 d) / ATL (7 d): X_t = X_{t−1} + (TSS_t − X_{t−1}) × (1 − e^(−1/N)), as GoldenCheetah
 *   and intervals.icu do, starting from 0 unless seeded, over the whole daily history given
 *   (`LoadInput.history`, e.g. the daily_load table) and the rides of the observation window:
 *   LOAD_WARMUP_DAYS (six CTL time constants) of history leave less than 0.25 % of a wrong start.
 *   TSB = yesterday's CTL − yesterday's ATL.
 * - ACWR = mean TSS of the last 7 days / mean of the last 28 days: a spike warning (> 1.5) only.
 * - HRV (Plews et al. 2012–2014, Javaloyes et al. 2019): the 7-day rolling mean of nightly
 *   ln rMSSD against the baseline of the 60 nights before that week, with the smallest worthwhile
 *   change SWC = 0.5 × SD of the baseline nights (see `hrvTrend`). Resting HR: last night's lowest
 *   HR minus the mean of the 60 nights before.
 */
import type { AthleteProfile, HrvTrend, IsoDate, LoadFigures, RideSummary, TssMethod } from '../domain/types';
import type { WellnessPoint } from './normalisers';
import { addDays, dateRange } from '../domain/iso-date';
import { roundTo } from '../domain/rounding';

export const CTL_DAYS = 42;
export const ATL_DAYS = 7;
export const ACWR_SPIKE = 1.5;
export const NP_WINDOW_S = 30;

// ---------------------------------------------------------------- power

/**
 * Normalized power of a power series sampled every `sampleIntervalS` seconds (default 1 s).
 * Null when the series is shorter than the 30-s window. Missing samples should be passed as 0
 * (coasting), as head units record them.
 */
export function normalizedPower(watts: readonly number[], sampleIntervalS = 1): number | null {
  if (!(sampleIntervalS > 0)) throw new RangeError(`sampleIntervalS must be > 0, got ${sampleIntervalS}`);
  const window = Math.max(1, Math.round(NP_WINDOW_S / sampleIntervalS));
  if (watts.length < window) return null;
  let sum = 0;
  for (let i = 0; i < window; i++) sum += watts[i];
  let fourth = (sum / window) ** 4;
  let count = 1;
  for (let i = window; i < watts.length; i++) {
    sum += watts[i] - watts[i - window];
    fourth += (sum / window) ** 4;
    count += 1;
  }
  return (fourth / count) ** 0.25;
}

export function intensityFactor(np: number, ftpW: number): number {
  if (!(ftpW > 0)) throw new RangeError(`FTP must be > 0 W, got ${ftpW}`);
  return np / ftpW;
}

/** TSS = hours × IF² × 100. */
export function tssFromPower(durationS: number, np: number, ftpW: number): number {
  const IF = intensityFactor(np, ftpW);
  return (durationS / 3600) * IF * IF * 100;
}

// ---------------------------------------------------------------- heart rate

export interface HeartRateProfile {
  thresholdHr: number;
  maxHr: number;
  restingHr: number;
}

/** Banister TRIMP of a session: minutes × HRr × 0.64·e^(b·HRr), b = 1.92 (men) or 1.67 (women). */
export function banisterTrimp(
  durationMin: number,
  averageHr: number,
  hr: { restingHr: number; maxHr: number },
  sex: 'male' | 'female' = 'male',
): number {
  const reserve = hr.maxHr - hr.restingHr;
  if (!(reserve > 0)) throw new RangeError(`max HR (${hr.maxHr}) must be above resting HR (${hr.restingHr})`);
  const hrr = Math.min(1, Math.max(0, (averageHr - hr.restingHr) / reserve));
  const [k, b] = sex === 'female' ? [0.86, 1.67] : [0.64, 1.92];
  return durationMin * hrr * k * Math.exp(b * hrr);
}

/** hrTSS: the session's TRIMP over the TRIMP of one hour at threshold HR, × 100. */
export function hrTss(durationS: number, averageHr: number, hr: HeartRateProfile, sex: 'male' | 'female' = 'male'): number {
  const hour = banisterTrimp(60, hr.thresholdHr, hr, sex);
  if (!(hour > 0)) throw new RangeError(`threshold HR (${hr.thresholdHr}) must be above resting HR (${hr.restingHr})`);
  return (banisterTrimp(durationS / 60, averageHr, hr, sex) / hour) * 100;
}

// ---------------------------------------------------------------- duration estimate

/** Assumed intensity factor per sport when neither power nor HR exists. */
export function assumedIntensity(sportType: string): number {
  if (/ride|cycl|velomobile|handcycle|run/i.test(sportType) && !/ebike|e-bike/i.test(sportType)) return 0.65;
  if (/walk|hike|yoga|ebike|e-bike/i.test(sportType)) return 0.5;
  return 0.55;
}

/** TSS for a session with no power and no heart rate: hours × assumed IF² × 100. */
export function durationEstimateTss(durationS: number, sportType: string): number {
  const IF = assumedIntensity(sportType);
  return (durationS / 3600) * IF * IF * 100;
}

// ---------------------------------------------------------------- one ride

export interface RideLoad {
  tss: number;
  method: TssMethod;
}

/**
 * TSS of one activity by the best method its data allows: power (weighted average watts from a
 * power meter, else average watts from a power meter as a lower bound), heart rate, duration.
 * `restingHr` overrides the profile's resting HR (e.g. the observed nightly lowest HR).
 */
export function rideTss(ride: RideSummary, athlete: AthleteProfile, restingHr: number | null = athlete.restingHr): RideLoad {
  const seconds = ride.movingTimeS;
  if (ride.devicePower && athlete.ftpW > 0) {
    const np = ride.weightedAverageWatts ?? ride.averageWatts;
    if (np !== null && np > 0) return { tss: tssFromPower(seconds, np, athlete.ftpW), method: 'power' };
  }
  if (
    ride.averageHeartrate !== null &&
    restingHr !== null &&
    athlete.maxHr > restingHr &&
    athlete.thresholdHr > restingHr
  ) {
    return {
      tss: hrTss(seconds, ride.averageHeartrate, { thresholdHr: athlete.thresholdHr, maxHr: athlete.maxHr, restingHr }),
      method: 'heart-rate',
    };
  }
  return { tss: durationEstimateTss(seconds, ride.sportType), method: 'duration-estimate' };
}

const METHOD_RANK: Record<TssMethod, number> = { power: 0, 'heart-rate': 1, 'duration-estimate': 2 };

export interface DailyTss {
  date: IsoDate;
  tss: number;
  /** The least reliable method among the day's activities; null on a day without activities. */
  method: TssMethod | null;
  /** Number of activities that day. */
  rides: number;
}

/** One entry per day from `start` to `end` (both included); days without activities score 0. */
export function dailyTssSeries(
  rides: readonly RideSummary[],
  athlete: AthleteProfile,
  start: IsoDate,
  end: IsoDate,
  restingHr: number | null = athlete.restingHr,
): DailyTss[] {
  const byDate = new Map<IsoDate, DailyTss>();
  for (const date of dateRange(start, end)) byDate.set(date, { date, tss: 0, method: null, rides: 0 });
  for (const ride of rides) {
    const day = byDate.get(ride.date);
    if (!day) continue;
    const load = rideTss(ride, athlete, restingHr);
    day.tss += load.tss;
    day.rides += 1;
    if (day.method === null || METHOD_RANK[load.method] > METHOD_RANK[day.method]) day.method = load.method;
  }
  return [...byDate.values()];
}

// ---------------------------------------------------------------- performance manager

export interface PmcDay {
  date: IsoDate;
  tss: number;
  /** After the day's training. */
  ctl: number;
  atl: number;
  /** Form on this day: the previous day's CTL − ATL. */
  tsb: number;
}

export interface PmcOptions {
  ctlDays?: number;
  atlDays?: number;
  /** CTL and ATL at the end of the day before the series starts (default 0 / 0). */
  seed?: { ctl: number; atl: number };
}

/** Per-day factor of the exponential convention: 1 − e^(−1/N). */
export function decayFactor(days: number): number {
  return 1 - Math.exp(-1 / days);
}

export function performanceManager(series: readonly { date: IsoDate; tss: number }[], opts: PmcOptions = {}): PmcDay[] {
  const kCtl = decayFactor(opts.ctlDays ?? CTL_DAYS);
  const kAtl = decayFactor(opts.atlDays ?? ATL_DAYS);
  let ctl = opts.seed?.ctl ?? 0;
  let atl = opts.seed?.atl ?? 0;
  return series.map(({ date, tss }) => {
    const tsb = ctl - atl;
    ctl += (tss - ctl) * kCtl;
    atl += (tss - atl) * kAtl;
    return { date, tss, ctl, atl, tsb };
  });
}

// ---------------------------------------------------------------- ACWR

/**
 * Acute:chronic ratio on the morning of `date`: mean daily TSS of the 7 days before over the mean
 * of the 28 days before. Null without 28 days of history or with no chronic load.
 */
export function acuteChronicRatio(series: readonly { date: IsoDate; tss: number }[], date: IsoDate): number | null {
  const byDate = new Map(series.map((d) => [d.date, d.tss]));
  const window = (days: number): number[] | null => {
    const out: number[] = [];
    for (let i = 1; i <= days; i++) {
      const v = byDate.get(addDays(date, -i));
      if (v === undefined) return null;
      out.push(v);
    }
    return out;
  };
  const acute = window(7);
  const chronic = window(28);
  if (!acute || !chronic) return null;
  const chronicMean = mean(chronic);
  if (!(chronicMean > 0)) return null;
  return mean(acute) / chronicMean;
}

// ---------------------------------------------------------------- HRV and resting HR

export const HRV_MEAN_DAYS = 7;
export const HRV_MIN_NIGHTS_7D = 3;
export const BASELINE_DAYS = 60;
export const HRV_MIN_NIGHTS_BASELINE = 14;
export const RHR_MIN_NIGHTS_BASELINE = 7;
/** Smallest worthwhile change of ln rMSSD, in SDs of the baseline nights (Plews 2012; Javaloyes 2019; Vesterinen 2016). */
export const HRV_SWC_SD = 0.5;

/** HRV figures of a morning: the 7-day ln rMSSD trend and the baseline it is judged against. */
export interface HrvFigures {
  /** Mean ln rMSSD of `date` and the 6 nights before (needs ≥ 3 nights), and how many nights it has. */
  lnMean7d: number | null;
  nights7d: number;
  /** Mean and sample SD of ln rMSSD over the 60 nights before that week (needs ≥ 14 nights). */
  lnBaseline: number | null;
  lnSd: number | null;
  nightsBaseline: number;
}

/**
 * HRV trend (choice documented here and in docs/physiology-model.md): nightly rMSSD is
 * log-transformed (its distribution is skewed; Plews et al. 2012), averaged over a rolling 7 days
 * (decisions on weekly means, ≥ 3 valid nights suffice: Plews et al. 2013, 2014), and compared with
 * a baseline: the mean and SD of the 60 nights before that week, so the week judged is not part of
 * its own reference (the HRV-guided trials used a 4-week baseline: Vesterinen 2016, Javaloyes
 * 2019). The smallest worthwhile change is 0.5 × that SD (`HRV_SWC_SD`).
 */
export function hrvFigures(wellness: readonly WellnessPoint[], date: IsoDate): HrvFigures {
  const lnValues = (from: IsoDate, to: IsoDate): number[] =>
    wellness
      .filter((w) => w.date >= from && w.date <= to && w.averageHrvMs !== null && w.averageHrvMs > 0)
      .map((w) => Math.log(w.averageHrvMs as number));
  const week = lnValues(addDays(date, -(HRV_MEAN_DAYS - 1)), date);
  const base = lnValues(addDays(date, -(HRV_MEAN_DAYS - 1) - BASELINE_DAYS), addDays(date, -HRV_MEAN_DAYS));
  const enoughBase = base.length >= HRV_MIN_NIGHTS_BASELINE;
  return {
    lnMean7d: week.length >= HRV_MIN_NIGHTS_7D ? mean(week) : null,
    nights7d: week.length,
    lnBaseline: enoughBase ? mean(base) : null,
    lnSd: enoughBase ? sampleSd(base) : null,
    nightsBaseline: base.length,
  };
}

/** The trend as carried in the load figures (null without a 7-day mean or without a baseline). */
export function hrvTrend(f: HrvFigures): HrvTrend | null {
  if (f.lnMean7d === null || f.lnBaseline === null || f.lnSd === null) return null;
  return {
    lnMean7d: round(f.lnMean7d, 4),
    lnBaseline: round(f.lnBaseline, 4),
    lnSd: round(f.lnSd, 4),
    swc: round(HRV_SWC_SD * f.lnSd, 4),
    nights7d: f.nights7d,
    nightsBaseline: f.nightsBaseline,
  };
}

/** Last night's lowest HR minus the mean of the 60 nights before (needs ≥ 7 nights); null otherwise. */
export function restingHrDeviation(wellness: readonly WellnessPoint[], date: IsoDate): number | null {
  const today = wellness.find((w) => w.date === date)?.lowestHeartRate ?? null;
  if (today === null) return null;
  const from = addDays(date, -BASELINE_DAYS);
  const to = addDays(date, -1);
  const base = wellness
    .filter((w) => w.date >= from && w.date <= to && w.lowestHeartRate !== null)
    .map((w) => w.lowestHeartRate as number);
  if (base.length < RHR_MIN_NIGHTS_BASELINE) return null;
  return today - mean(base);
}

// ---------------------------------------------------------------- figures for a day

export interface LoadInput {
  /** The morning the figures are for. */
  date: IsoDate;
  athlete: AthleteProfile;
  /** Activities before `date` (an observation's `rides`); others are ignored. */
  rides: readonly RideSummary[];
  /** Nightly HRV / lowest HR (observeDay's `wellness`). */
  wellness?: readonly WellnessPoint[];
  /** First day of the rides' TSS series (default 90 days before `date`). */
  historyStart?: IsoDate;
  /**
   * Daily TSS of earlier days (one entry per day, e.g. the daily_load table): entries before
   * `historyStart` come first in the series, from the oldest one on (days missing in between
   * count 0); later entries are ignored, the rides decide those days. Give at least
   * LOAD_WARMUP_DAYS, or all there is. With `historyStart` = `date` (no rides window), the
   * history alone gives every day, yesterday included.
   */
  history?: readonly StoredDailyTss[];
  /** CTL/ATL at the end of the day before the series starts (default 0 / 0, as GoldenCheetah). */
  seed?: { ctl: number; atl: number };
}

/** One stored day of the load history: its TSS and, when known, the least reliable method behind it. */
export interface StoredDailyTss {
  date: IsoDate;
  tss: number;
  method?: TssMethod | null;
}

/** Days of daily TSS the load model needs to be warm: six CTL time constants (e^−6 < 0.25 % of a wrong start). */
export const LOAD_WARMUP_DAYS = 6 * CTL_DAYS;

/** The stored daily TSS before `start`, one entry per day from the oldest (0 where a day is missing). */
function storedSeries(history: readonly StoredDailyTss[], start: IsoDate): { date: IsoDate; tss: number; method: TssMethod | null }[] {
  const before = history.filter((d) => d.date < start);
  if (before.length === 0) return [];
  const byDate = new Map<IsoDate, StoredDailyTss>();
  for (const d of before) {
    if (!(typeof d.tss === 'number' && Number.isFinite(d.tss) && d.tss >= 0)) throw new RangeError(`load history ${d.date}: TSS must be a number ≥ 0, got ${d.tss}`);
    byDate.set(d.date, d);
  }
  const first = [...byDate.keys()].sort()[0];
  return dateRange(first, addDays(start, -1)).map((date) => ({ date, tss: byDate.get(date)?.tss ?? 0, method: byDate.get(date)?.method ?? null }));
}

/** The resting HR hrTSS uses: the profile's, else the median observed nightly lowest HR (null without either). */
export function restingHrForTss(athlete: Pick<AthleteProfile, 'restingHr'>, wellness: readonly WellnessPoint[]): number | null {
  return athlete.restingHr ?? median(wellness.map((w) => w.lowestHeartRate).filter(isNum));
}

/**
 * The load figures for the morning of `date`: CTL and ATL after yesterday's training, TSB from
 * those (yesterday's CTL − yesterday's ATL), yesterday's TSS and method, ACWR, HRV trend and
 * resting-HR deviation. CTL/ATL/TSB/TSS are rounded to 0.1, ACWR to 0.01, HRV/HR to 0.1 (the
 * 7-day HRV mean and the normal range e^(baseline ± SWC) in ms; the ln figures to 0.0001).
 * Without a profile resting HR, the median observed nightly lowest HR is used for hrTSS.
 */
export function computeLoad(input: LoadInput): LoadFigures {
  const { date, athlete } = input;
  const wellness = input.wellness ?? [];
  const yesterday = addDays(date, -1);
  const start = input.historyStart ?? addDays(date, -90);
  const restingHr = restingHrForTss(athlete, wellness);
  const recent = start <= yesterday ? dailyTssSeries(input.rides, athlete, start, yesterday, restingHr) : [];
  const series: { date: IsoDate; tss: number; method: TssMethod | null }[] = [...storedSeries(input.history ?? [], start), ...recent];
  const pmc = performanceManager(series, { seed: input.seed });
  const last = pmc.length > 0 ? pmc[pmc.length - 1] : null;
  const ctl = last ? last.ctl : (input.seed?.ctl ?? 0);
  const atl = last ? last.atl : (input.seed?.atl ?? 0);
  const lastDay = series.length > 0 ? series[series.length - 1] : null;
  const yesterdayEntry = lastDay !== null && lastDay.date === yesterday ? lastDay : null;
  const ratio = acuteChronicRatio(series, date);
  const hrv = hrvFigures(wellness, date);
  const trend = hrvTrend(hrv);
  const rhr = restingHrDeviation(wellness, date);
  return {
    date,
    yesterdayTss: round(yesterdayEntry?.tss ?? 0, 1),
    yesterdayTssMethod: yesterdayEntry?.method ?? null,
    ctl: round(ctl, 1),
    atl: round(atl, 1),
    tsb: round(ctl - atl, 1),
    acwr: ratio === null ? null : round(ratio, 2),
    acwrSpike: ratio !== null && ratio > ACWR_SPIKE,
    hrv7dMean: hrv.lnMean7d === null ? null : round(Math.exp(hrv.lnMean7d), 1),
    hrvNormalLow: trend ? round(Math.exp((hrv.lnBaseline as number) - HRV_SWC_SD * (hrv.lnSd as number)), 1) : null,
    hrvNormalHigh: trend ? round(Math.exp((hrv.lnBaseline as number) + HRV_SWC_SD * (hrv.lnSd as number)), 1) : null,
    hrvTrend: trend,
    restingHrDeviation: roundOrNull(rhr, 1),
  };
}

// ---------------------------------------------------------------- small maths

function isNum(v: number | null): v is number {
  return v !== null;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const round = roundTo;

function roundOrNull(x: number | null, digits: number): number | null {
  return x === null ? null : round(x, digits);
}
