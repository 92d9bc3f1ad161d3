/**
 * The Reasoning agent: from the morning's observation, the training load, recent reflections and
 * the athlete's adaptive parameters, decide how ready the athlete is and what the day should be.
 * Pure and deterministic; every sentence of the rationale cites the figures behind it.
 */
import type {
  AthleteProfile,
  Decision,
  HrvTrend,
  DecisionKind,
  IsoDate,
  DayObservation,
  LoadFigures,
  MissionDay,
  ReadinessState,
  Reflection,
} from '../domain/types';
import { type AthleteParameters, type CoachedDay, DEFAULT_PARAMETERS, reflectionLookbackDays } from './athlete-parameters';
import { dayTargets } from './day-targets';
import { addDays } from '../domain/iso-date';

/** 0 fine, 1 caution, 2 strained, 3 sick. */
export type Severity = 0 | 1 | 2 | 3;

export type SignalKey =
  | 'temperature'
  | 'hrv'
  | 'resting_hr'
  | 'readiness'
  | 'sleep'
  | 'tsb'
  | 'acwr'
  | 'reflection'
  | 'ease'
  | 'data';

export interface Signal {
  key: SignalKey;
  severity: Severity;
  /** 'load' signals (form, load spikes) call for less volume; 'body' signals for less intensity. */
  kind: 'body' | 'load';
  sentence: string;
}

export interface ReadinessAssessment {
  state: ReadinessState;
  signals: Signal[];
  confidence: number;
  /** Inputs that were not available, in words ("nightly HRV"). */
  missing: string[];
  /** Last night's HRV below the baseline (0.22 = 22 % below), null when unknown. */
  hrvDropPct: number | null;
  /**
   * No readiness data this morning (neither a readiness score nor a nightly HRV): the day is
   * coached from load and reflections, never `ready`, and its intensity stays capped — the
   * mission's negotiation may not lift the cap. Null when the data is there.
   */
  dataCap: string | null;
}

export interface ReasoningInput {
  day: MissionDay;
  observation: DayObservation;
  load: LoadFigures;
  /** Recent reflections (any order); only those before the day and inside the look-back count. */
  reflections: Reflection[];
  /** Recent days as decided, for the intended intensity of the rides reflected upon. */
  recentDays?: CoachedDay[];
  athlete: Pick<AthleteProfile, 'restingHr'>;
  params?: AthleteParameters;
  /** Minutes available today; defaults to the mission day's training time. */
  availableMin?: number;
}

/** Reflection scales assumed here: RPE 1–10 (Borg CR-10); legs, mood and sleep quality 1–5, 5 = best. */
export const REFLECTION_SCALES = { rpe: 10, legs: 5, mood: 5, sleepQuality: 5 } as const;

const fmtPct = (x: number): string => `${Math.round(Math.abs(x) * 100)}%`;
const signed = (x: number, digits = 1): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
const signedInt = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(Math.round(x))}`;

/** RPE a ride of this intensity usually earns (IF 0.55 ≈ 2, 0.75 ≈ 4, 0.85 ≈ 6, 1.0 ≈ 8). */
export function expectedRpe(intendedIf: number | null, decision: DecisionKind | null): number | null {
  if (intendedIf !== null && intendedIf > 0) return Math.min(10, Math.max(1, Math.round((intendedIf - 0.45) * 14 + 1e-9)));
  switch (decision) {
    case 'rest':
      return 1;
    case 'recovery':
      return 2;
    case 'modify_intensity':
      return 3;
    case 'reduce_volume':
      return 5;
    case 'as_planned':
      return 6;
    default:
      return null;
  }
}

const CONTRIBUTOR_LABELS: Record<string, string> = {
  activityBalance: 'activity balance',
  bodyTemperature: 'body temperature',
  hrvBalance: 'HRV balance',
  previousDayActivity: 'previous-day activity',
  previousNight: 'previous night',
  recoveryIndex: 'recovery index',
  restingHeartRate: 'resting heart rate',
  sleepBalance: 'sleep balance',
  sleepRegularity: 'sleep regularity',
};

export function assessReadiness(input: ReasoningInput): ReadinessAssessment {
  const params = input.params ?? DEFAULT_PARAMETERS;
  const { observation: obs, load } = input;
  const signals: Signal[] = [];
  const missing: string[] = [];
  let confidence = 1;

  // ---- HRV: the 7-day ln rMSSD trend against its baseline (training-load.ts, hrvFigures)
  const hrv = obs.hrv?.averageHrvMs ?? null;
  const trend = load.hrvTrend ?? null;
  const tol = params.hrvDropTolerance;
  const hrvRule = hrvSignal(hrv, trend, tol);
  const hrvDropPct = hrvRule.nightDropPct;
  if (hrv === null) {
    missing.push('nightly HRV');
    confidence -= 0.2;
  } else if (trend === null) {
    missing.push('an HRV baseline (3 nights this week and 14 before it)');
    confidence -= 0.1;
  }
  if (hrvRule.signal) signals.push(hrvRule.signal);

  // ---- Resting heart rate
  let rhrDev = load.restingHrDeviation;
  if (rhrDev === null && obs.hrv?.lowestHeartRate != null && input.athlete.restingHr !== null) {
    rhrDev = obs.hrv.lowestHeartRate - input.athlete.restingHr;
  }
  if (rhrDev !== null) {
    const dev = Math.round(rhrDev);
    if (dev >= 8) signals.push({ key: 'resting_hr', severity: 2, kind: 'body', sentence: `Resting heart rate is ${dev} bpm above your normal (8 bpm or more means strain).` });
    else if (dev >= 5) signals.push({ key: 'resting_hr', severity: 1, kind: 'body', sentence: `Resting heart rate is ${dev} bpm above your normal.` });
  }

  // ---- Temperature: the fever signal, and an illness under way
  const temp = obs.readiness?.temperatureDeviation ?? null;
  if (temp === null) {
    if (obs.readiness !== null) {
      missing.push('body-temperature deviation');
      confidence -= 0.1;
    }
  } else if (temp >= TEMP_FEVER_C) {
    signals.push({ key: 'temperature', severity: 3, kind: 'body', sentence: `Body temperature is ${signed(temp)} °C above your baseline: a fever signal.` });
  } else if (temp >= TEMP_RAISED_C) {
    const hrvCrash = hrvRule.crash;
    const rhrUp = rhrDev !== null && rhrDev >= 5;
    if (hrvCrash || rhrUp) {
      const withWhat = [hrvCrash ? `HRV ${fmtPct(hrvDropPct ?? 0)} down` : null, rhrUp ? `resting HR ${signedInt(rhrDev ?? 0)} bpm` : null].filter(Boolean).join(' and ');
      signals.push({ key: 'temperature', severity: 3, kind: 'body', sentence: `Body temperature is ${signed(temp)} °C above your baseline together with ${withWhat}: likely illness.` });
    } else {
      signals.push({ key: 'temperature', severity: 2, kind: 'body', sentence: `Body temperature is ${signed(temp)} °C above your baseline: often the first sign of an illness, so no intensity today.` });
    }
  }
  const illness = illnessUnderWay(input.day.date, temp, input.recentDays ?? []);
  if (illness) signals.push(illness);

  // ---- Oura readiness score and its weakest contributors
  const score = obs.readiness?.score ?? null;
  if (score === null) {
    missing.push('Oura readiness score');
    confidence -= 0.2;
    if (obs.readiness === null) {
      missing.push('body-temperature deviation');
      confidence -= 0.1;
    }
  } else {
    const weak = Object.entries(obs.readiness?.contributors ?? {})
      .filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] < 50)
      .sort((a, b) => a[1] - b[1])
      .slice(0, 3)
      .map(([k, v]) => `${CONTRIBUTOR_LABELS[k] ?? k} ${v}`);
    const weakText = weak.length ? `; weakest contributors: ${weak.join(', ')}` : '';
    if (score < 50) signals.push({ key: 'readiness', severity: 2, kind: 'body', sentence: `Readiness score ${score} is far below 70${weakText}.` });
    else if (score < 65) signals.push({ key: 'readiness', severity: 1, kind: 'body', sentence: `Readiness score ${score} is below 70${weakText}.` });
    else signals.push({ key: 'readiness', severity: 0, kind: 'body', sentence: `Readiness score ${score}${score >= 85 ? ' (well recovered)' : ''}${weakText}.` });
  }

  // ---- Sleep
  if (obs.sleep === null || (obs.sleep.score === null && obs.sleep.totalSleepS === null)) {
    missing.push('sleep');
    confidence -= 0.1;
  } else {
    const s = obs.sleep.score;
    const hours = obs.sleep.totalSleepS !== null ? obs.sleep.totalSleepS / 3600 : null;
    const parts = [s !== null ? `sleep score ${s}` : null, hours !== null ? `${hours.toFixed(1)} h asleep` : null].filter(Boolean).join(' with ');
    if ((s !== null && s < 60) || (hours !== null && hours < 6)) {
      signals.push({ key: 'sleep', severity: 1, kind: 'body', sentence: `Short or poor sleep: ${parts}.` });
    }
  }

  // ---- Training load: form (TSB) and acute:chronic spike
  const floor = params.tsbFloor;
  const tsb = Math.round(load.tsb);
  if (load.tsb < floor - 10) {
    signals.push({ key: 'tsb', severity: 2, kind: 'load', sentence: `Form (TSB) is ${signedInt(tsb)}, more than 10 below your floor of ${signedInt(floor)} (CTL ${Math.round(load.ctl)}, ATL ${Math.round(load.atl)}).` });
  } else if (load.tsb < floor) {
    signals.push({ key: 'tsb', severity: 1, kind: 'load', sentence: `Form (TSB) is ${signedInt(tsb)}, below your floor of ${signedInt(floor)} (CTL ${Math.round(load.ctl)}, ATL ${Math.round(load.atl)}).` });
  } else {
    signals.push({ key: 'tsb', severity: 0, kind: 'load', sentence: `Form (TSB) is ${signedInt(tsb)} (CTL ${Math.round(load.ctl)}, ATL ${Math.round(load.atl)}), above your floor of ${signedInt(floor)}.` });
  }
  if (load.acwrSpike) {
    const ratio = load.acwr !== null ? `Acute:chronic load ratio ${load.acwr.toFixed(2)}` : 'The acute:chronic load ratio';
    signals.push({ key: 'acwr', severity: 1, kind: 'load', sentence: `${ratio} is a load spike (1.5 or more); yesterday scored ${Math.round(load.yesterdayTss)} TSS.` });
  }
  if (load.yesterdayTssMethod === 'duration-estimate') {
    missing.push("power or heart rate for yesterday's ride (TSS estimated from duration)");
    confidence -= 0.05;
  }

  // ---- Reflections of the last days
  const lookback = reflectionLookbackDays(params);
  const since = addDays(input.day.date, -lookback);
  const recent = input.reflections
    .filter((r) => r.date >= since && r.date < input.day.date)
    .sort((a, b) => a.date.localeCompare(b.date));
  if (recent.length === 0) {
    missing.push(`a reflection from the last ${lookback} day${lookback > 1 ? 's' : ''}`);
    confidence -= 0.05;
  }
  const recentByDate = new Map((input.recentDays ?? []).map((d) => [d.date, d]));
  let highRpe = 0;
  for (const r of recent) {
    const intended = recentByDate.get(r.date);
    const expected = expectedRpe(intended?.intendedIf ?? null, intended?.decision ?? null);
    const isHigh = r.rpe >= 8 && (expected === null || r.rpe - expected >= 2);
    if (isHigh) highRpe += 1;
    const flags: string[] = [];
    let severity: Severity = 0;
    if (isHigh) {
      flags.push(`RPE ${r.rpe}/10${expected !== null ? ` where about ${expected} was expected` : ''}`);
      severity = 1;
    }
    if (r.legs <= 2) {
      flags.push(`legs ${r.legs}/5`);
      severity = r.legs <= 1 ? 2 : (Math.max(severity, 1) as Severity);
    }
    if (r.mood <= 2) {
      flags.push(`mood ${r.mood}/5`);
      severity = Math.max(severity, 1) as Severity;
    }
    // A ride not done is a warning with another sign (hard, heavy legs, low mood); alone it is
    // a missed session, which leaves the athlete fresher, not less ready.
    const notDone = r.completed === 'no' && (intended?.decision ?? 'as_planned') !== 'rest';
    if (notDone) flags.push('ride not completed');
    if (severity > 0) {
      signals.push({ key: 'reflection', severity, kind: 'body', sentence: `Your reflection for ${r.date}: ${flags.join(', ')}.` });
    } else if (notDone) {
      signals.push({ key: 'reflection', severity: 0, kind: 'body', sentence: `Your reflection for ${r.date}: ride not completed, with no sign of strain (RPE ${r.rpe}, legs ${r.legs}/5, mood ${r.mood}/5).` });
    }
  }
  if (highRpe >= 2) {
    const rpes = recent.map((r) => r.rpe).join(', ');
    signals.push({ key: 'reflection', severity: 2, kind: 'body', sentence: `${highRpe} of your last ${recent.length} rides felt much harder than intended (RPE ${rpes}).` });
  }

  // ---- Days without readiness data: no `ready` verdict, intensity capped until the data returns
  const dataCap = obs.readiness?.score == null && hrv === null ? noDataSentence(obs) : null;
  if (dataCap) signals.push({ key: 'data', severity: 1, kind: 'body', sentence: dataCap });

  // ---- State
  const worst = signals.reduce<Severity>((m, s) => (s.severity > m ? s.severity : m), 0);
  // Missing data caps the day but is no sign of strain: it does not count towards the three warnings.
  const cautions = signals.filter((s) => s.severity === 1 && s.key !== 'data').length;
  let state: ReadinessState = worst === 3 ? 'sick' : worst === 2 ? 'strained' : worst === 1 ? 'caution' : 'ready';
  if (state === 'caution' && cautions >= 3) {
    state = 'strained';
    signals.push({ key: 'readiness', severity: 2, kind: 'body', sentence: `${cautions} warning signs at once add up to strain.` });
  }

  return { state, signals, confidence: Math.max(0.2, Math.round(confidence * 100) / 100), missing, hrvDropPct, dataCap };
}

/** Body-temperature deviations (°C, Oura's nightly figure against the athlete's baseline). */
export const TEMP_FEVER_C = 1.0;
/** Raised: alone, no intensity (strained); with an HRV crash or resting HR up, likely illness (sick). */
export const TEMP_RAISED_C = 0.5;
/** Back to normal below this, after a raised temperature. */
export const TEMP_NORMAL_C = 0.3;
/** How far back a raised temperature counts as an illness under way. */
export const ILLNESS_MEMORY_DAYS = 3;

/**
 * An illness under way, from the temperatures of the last mornings (what the coach observed; the
 * rules of docs/readiness-rules.md): after a morning at +0.5 °C or more in the last three days, a
 * temperature that has not come back under +0.3 °C (or is not known) keeps the day easy
 * (strained: an easy spin at most); the first morning back under +0.3 °C is one more easy day
 * (strained: an easy spin at most) before training again. Null when no such morning is recent, or when
 * today's own temperature is raised (the temperature rule speaks for today).
 */
export function illnessUnderWay(date: IsoDate, temp: number | null, recentDays: readonly Pick<CoachedDay, 'date' | 'temperatureDeviation'>[]): Signal | null {
  if (temp !== null && temp >= TEMP_RAISED_C) return null;
  const since = addDays(date, -ILLNESS_MEMORY_DAYS);
  const recent = recentDays.filter((d) => d.date >= since && d.date < date).sort((a, b) => a.date.localeCompare(b.date));
  const raised = recent.filter((d) => typeof d.temperatureDeviation === 'number' && d.temperatureDeviation >= TEMP_RAISED_C);
  if (raised.length === 0) return null;
  const last = raised[raised.length - 1];
  const lastTemp = last.temperatureDeviation as number;
  if (temp === null || temp >= TEMP_NORMAL_C) {
    const now = temp === null ? 'is not known this morning' : `is still ${signed(temp)} °C`;
    return { key: 'temperature', severity: 2, kind: 'body', sentence: `Your temperature was ${signed(lastTemp)} °C on ${last.date} and ${now}: the illness may not be over, so an easy spin at most until it is back under ${signed(TEMP_NORMAL_C)} °C.` };
  }
  const backBefore = recent.some((d) => d.date > last.date && typeof d.temperatureDeviation === 'number' && d.temperatureDeviation < TEMP_NORMAL_C);
  if (backBefore) return null;
  return { key: 'temperature', severity: 2, kind: 'body', sentence: `Your temperature is back to normal (${signed(temp)} °C) after ${signed(lastTemp)} °C on ${last.date}: one more easy day (an easy spin at most) before training again.` };
}

/**
 * The HRV rule (Plews et al. 2012–2014; Javaloyes et al. 2019; Vesterinen et al. 2016): the
 * 7-day rolling mean of nightly ln rMSSD against the baseline of the 60 nights before that week.
 * A drop counts when it is larger than both the smallest worthwhile change (0.5 × baseline SD:
 * smaller is noise) and the athlete's tolerance (a real change the athlete rides well through):
 * one threshold T = max(SWC, −ln(1 − tolerance)). The 7-day mean more than T below the baseline
 * is caution, more than 2T strained; a single night more than 2T below (an acute drop the weekly
 * mean has not caught yet) is caution. Anything smaller — a night 3 % down inside a 10 %
 * tolerance — changes nothing.
 */
export function hrvSignal(
  hrvMs: number | null,
  trend: HrvTrend | null,
  tolerance: number,
): { signal: Signal | null; nightDropPct: number | null; crash: boolean } {
  if (trend === null) {
    const signal: Signal | null = hrvMs === null ? null : { key: 'hrv', severity: 0, kind: 'body', sentence: `HRV ${Math.round(hrvMs)} ms, with no baseline yet to compare it to.` };
    return { signal, nightDropPct: null, crash: false };
  }
  const threshold = Math.max(trend.swc, -Math.log(1 - tolerance));
  const baseMs = Math.exp(trend.lnBaseline);
  const weekMs = Math.exp(trend.lnMean7d);
  const weekDrop = trend.lnBaseline - trend.lnMean7d;
  const nightDrop = hrvMs !== null && hrvMs > 0 ? trend.lnBaseline - Math.log(hrvMs) : null;
  const nightDropPct = nightDrop === null ? null : Math.round((1 - Math.exp(-nightDrop)) * 1000) / 1000;
  const pct = (ln: number) => fmtPct(1 - Math.exp(-ln));
  const limit = `the ${pct(threshold)} that counts for you (the larger of your tolerance of ${fmtPct(tolerance)} and the smallest worthwhile change of ${pct(trend.swc)})`;
  const week = `Your 7-day HRV of ${Math.round(weekMs)} ms is ${pct(Math.abs(weekDrop))} ${weekDrop >= 0 ? 'below' : 'above'} your baseline of ${Math.round(baseMs)} ms`;
  const crash = weekDrop > 2 * threshold || (nightDrop !== null && nightDrop > 2 * threshold);
  if (weekDrop > 2 * threshold) {
    return { signal: { key: 'hrv', severity: 2, kind: 'body', sentence: `${week}, more than twice ${limit}.` }, nightDropPct, crash };
  }
  if (weekDrop > threshold) {
    return { signal: { key: 'hrv', severity: 1, kind: 'body', sentence: `${week}, more than ${limit}.` }, nightDropPct, crash };
  }
  if (nightDrop !== null && nightDrop > 2 * threshold) {
    return {
      signal: { key: 'hrv', severity: 1, kind: 'body', sentence: `Last night's HRV of ${Math.round(hrvMs as number)} ms is ${pct(nightDrop)} below your baseline of ${Math.round(baseMs)} ms, more than twice ${limit}, although the 7-day trend holds.` },
      nightDropPct,
      crash,
    };
  }
  const night = hrvMs !== null ? ` (last night ${Math.round(hrvMs)} ms)` : '';
  return { signal: { key: 'hrv', severity: 0, kind: 'body', sentence: `${week}${night}, within ${limit}.` }, nightDropPct, crash };
}

/** What is missing this morning, why, and what the athlete can do about it. */
export function noDataSentence(obs: DayObservation): string {
  const parts = obs.missing.filter((m) => m.part === 'readiness' || m.part === 'hrv' || m.part === 'sleep');
  const reasons = [...new Set(parts.map((m) => m.reason))];
  const why = reasons.length ? ` (${reasons.join('; ')})` : '';
  let fix: string;
  if (reasons.some((r) => /lanterne connect/.test(r))) fix = 'To fix it: run `lanterne connect oura` to reconnect Oura.';
  else if (reasons.some((r) => /no Oura source is configured/.test(r))) fix = 'To fix it: set OURA_CLIENT_ID and OURA_CLIENT_SECRET, then run `lanterne connect oura`.';
  else if (reasons.some((r) => /not have synced|no daily_readiness record|no long_sleep|no sleep recorded/.test(r))) fix = 'To fix it: wear the ring overnight and open the Oura app so it syncs.';
  else fix = 'Nothing to do on your side if Oura is down: tomorrow morning reads it again.';
  return `No readiness data this morning${why}: today is coached from your training load and reflections, with intensity capped until the data returns. ${fix}`;
}

export const DECISION_WORDS: Record<DecisionKind, string> = {
  as_planned: 'train as planned',
  modify_intensity: 'keep the time but lower the intensity',
  reduce_volume: 'keep the intensity but shorten the session',
  recovery: 'an easy recovery spin only',
  rest: 'rest',
};

/** The decision the readiness state calls for, before the mission has its say. */
export function proposeDecision(assessment: ReadinessAssessment): DecisionKind {
  const { state, signals } = assessment;
  if (state === 'sick') return 'rest';
  if (state === 'strained') return signals.filter((s) => s.severity >= 2).length >= 2 ? 'rest' : 'recovery';
  if (state === 'caution') {
    const flagged = signals.filter((s) => s.severity === 1);
    return flagged.every((s) => s.kind === 'load') ? 'reduce_volume' : 'modify_intensity';
  }
  return 'as_planned';
}

/**
 * The Reasoning agent's decision for the day, without the mission's negotiation
 * (negotiation.ts takes it from there).
 */
export interface ReasoningResult {
  decision: Decision;
  assessment: ReadinessAssessment;
}

export function reason(input: ReasoningInput): ReasoningResult {
  const params = input.params ?? DEFAULT_PARAMETERS;
  const assessment = assessReadiness(input);
  let decision = proposeDecision(assessment);
  const rationale = assessment.signals.map((s) => s.sentence);

  if (params.easeUntil !== null && input.day.date <= params.easeUntil && decision === 'as_planned') {
    decision = 'modify_intensity';
    rationale.push(`The week was re-planned to ease off until ${params.easeUntil}${params.easeReason ? ` (${params.easeReason})` : ''}, so intensity stays low today.`);
  }

  const available = input.availableMin ?? input.day.training.durationMin;
  const targets = dayTargets(decision, input.day, available, params.intensityScale);
  rationale.push(`Readiness is ${assessment.state}: ${DECISION_WORDS[decision]}.`);
  if (assessment.missing.length > 0) {
    rationale.push(`Confidence ${assessment.confidence.toFixed(2)} because these are missing: ${assessment.missing.join(', ')}.`);
  }

  const degraded = input.observation.missing.map((m) => `${m.part} from ${m.source} missing: ${m.reason}`);
  return {
    decision: {
      date: input.day.date,
      state: assessment.state,
      decision,
      rationale,
      confidence: assessment.confidence,
      negotiation: null,
      tssBand: targets.tssBand,
      maxDurationMin: targets.maxDurationMin,
      degraded,
    },
    assessment,
  };
}
