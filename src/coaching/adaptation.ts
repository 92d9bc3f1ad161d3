/**
 * The Reflection agent: the athlete's reflections (RPE against the intended intensity, soreness,
 * completion) adjust the per-athlete parameters within bounds, each change explained in one
 * sentence; a trend rule re-plans the rest of the week when strain accumulates.
 * Pure and deterministic.
 */
import type { DecisionKind, IsoDate, MissionDay, MissionGoals, ReadinessState, Reflection } from '../domain/types';
import { type AthleteParameters, type BoundedParameter, type CoachedDay, clampParameter } from './athlete-parameters';
import { isKeyDay } from './negotiation';
import { expectedRpe } from './readiness';
import { addDays, daysBetween, isoWeekday } from '../domain/iso-date';

export interface ParameterChange {
  parameter: BoundedParameter | 'easeUntil';
  from: number | string | null;
  to: number | string | null;
  /** One sentence for the report. */
  why: string;
}

export interface WeekReplan {
  from: IsoDate;
  until: IsoDate;
  why: string;
  /** The mission days re-planned and the most each may do now. */
  days: { date: IsoDate; name: string; cap: DecisionKind }[];
}

export interface AdaptationResult {
  parameters: AthleteParameters;
  changes: ParameterChange[];
  replan: WeekReplan | null;
}

/** Reflections in the last this-many days are weighed together. */
export const ADAPTATION_WINDOW_DAYS = 7;
/** Strained or sick days within the last five (today included) that trigger the week re-plan. */
export const STRAIN_TREND = { days: 5, strained: 3 } as const;

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2));

function adjust(
  params: AthleteParameters,
  changes: ParameterChange[],
  name: BoundedParameter,
  delta: number,
  because: string,
  meaning: string,
): AthleteParameters {
  const from = params[name];
  const to = clampParameter(name, from + delta);
  if (to === from) return params;
  changes.push({ parameter: name, from, to, why: `${because}, so ${meaning} goes from ${fmt(from)} to ${fmt(to)}.` });
  return { ...params, [name]: to };
}

/** Adjust parameters from reflections not yet taken into account. */
export function adaptFromReflections(
  params: AthleteParameters,
  reflections: Reflection[],
  recentDays: CoachedDay[],
  today: IsoDate,
): { parameters: AthleteParameters; changes: ParameterChange[] } {
  const changes: ParameterChange[] = [];
  const seen = params.adaptedThrough;
  const before = reflections.filter((r) => r.date < today).sort((a, b) => a.date.localeCompare(b.date));
  const fresh = before.filter((r) => seen === null || r.date > seen);
  if (fresh.length === 0) return { parameters: params, changes };

  const since = addDays(today, -ADAPTATION_WINDOW_DAYS);
  const window = before.filter((r) => r.date >= since);
  const byDate = new Map(recentDays.map((d) => [d.date, d]));
  const isFresh = (r: Reflection): boolean => seen === null || r.date > seen;
  let p = params;

  // 1. RPE against the intended intensity
  const rated = window
    .map((r) => {
      const day = byDate.get(r.date);
      const expected = expectedRpe(day?.intendedIf ?? null, day?.decision ?? null);
      return expected === null ? null : { r, expected, gap: r.rpe - expected };
    })
    .filter((x): x is { r: Reflection; expected: number; gap: number } => x !== null);
  const lastRated = rated.slice(-3);
  if (lastRated.length >= 2 && lastRated.some((x) => isFresh(x.r))) {
    const meanGap = lastRated.reduce((s, x) => s + x.gap, 0) / lastRated.length;
    const detail = `RPE ${lastRated.map((x) => x.r.rpe).join(', ')} where about ${lastRated.map((x) => x.expected).join(', ')} was expected`;
    if (meanGap >= 1.5) {
      p = adjust(p, changes, 'intensityScale', -0.05, `Your last ${lastRated.length} sessions felt harder than intended (${detail})`, 'the intensity scale');
    } else if (meanGap <= -1.5 && lastRated.every((x) => x.r.completed === 'yes')) {
      p = adjust(p, changes, 'intensityScale', 0.03, `Your last ${lastRated.length} sessions felt easier than intended (${detail}) and you completed them`, 'the intensity scale');
    }
  }

  // 2. Completion
  const lastFour = window.slice(-4);
  const unfinished = lastFour.filter((r) => r.completed !== 'yes');
  if (unfinished.length >= 2 && unfinished.some(isFresh)) {
    p = adjust(
      p,
      changes,
      'intensityScale',
      -0.03,
      `You did not fully complete ${unfinished.length} of your last ${lastFour.length} sessions (${unfinished.map((r) => `${r.date}: ${r.completed}`).join(', ')})`,
      'the intensity scale',
    );
  }

  // 3. Soreness: recovery speed and how deep a TSB is tolerated
  const lastThree = window.slice(-3);
  const sore = lastThree.filter((r) => r.legs <= 2);
  if (sore.length >= 2 && sore.some(isFresh)) {
    const because = `Your legs were sore on ${sore.length} of your last ${lastThree.length} reflections (legs ${sore.map((r) => `${r.legs}/5`).join(', ')})`;
    p = adjust(p, changes, 'recoverySpeed', -0.1, because, 'your recovery speed');
    p = adjust(p, changes, 'tsbFloor', 3, because, 'the lowest form (TSB) tolerated');
  } else if (
    lastThree.length === 3 &&
    lastThree.every((r) => r.legs >= 4 && r.completed === 'yes' && !rated.some((x) => x.r === r && x.gap > 1)) &&
    lastThree.some(isFresh)
  ) {
    p = adjust(p, changes, 'recoverySpeed', 0.05, `Your legs felt fresh on your last 3 reflections (legs ${lastThree.map((r) => `${r.legs}/5`).join(', ')})`, 'your recovery speed');
  }

  // 4. HRV drop tolerance, from how rides went on days with and without an HRV dip
  const tol = p.hrvDropTolerance;
  const good: string[] = [];
  const bad: string[] = [];
  for (const x of rated) {
    const drop = byDate.get(x.r.date)?.hrvDropPct ?? null;
    if (drop === null) continue;
    if (drop >= tol && x.gap <= 0 && x.r.legs >= 4 && x.r.completed === 'yes') good.push(`${x.r.date} (HRV ${Math.round(drop * 100)}% down, RPE ${x.r.rpe})`);
    // A tolerated dip (between half the tolerance and the tolerance) before a bad ride: HRV warned, we did not listen.
    if (drop >= tol / 2 && drop < tol && (x.gap >= 2 || x.r.completed === 'no' || x.r.legs <= 2)) bad.push(`${x.r.date} (HRV ${Math.round(drop * 100)}% down, RPE ${x.r.rpe})`);
  }
  if (good.length >= 2 && fresh.length > 0) {
    p = adjust(p, changes, 'hrvDropTolerance', 0.02, `You rode well despite an HRV dip on ${good.join(' and ')}`, 'the HRV drop you tolerate');
  } else if (bad.length >= 2 && fresh.length > 0) {
    p = adjust(p, changes, 'hrvDropTolerance', -0.02, `Rides went badly after HRV dips you were allowed to ride through on ${bad.join(' and ')}`, 'the HRV drop you tolerate');
  }

  return { parameters: { ...p, adaptedThrough: fresh[fresh.length - 1].date }, changes };
}

/**
 * The trend rule: when strain accumulates (3 strained or sick days in the last 5, today included)
 * the rest of the week is re-planned easy, and the parameters carry the easing to the next days.
 */
export function strainTrend(
  params: AthleteParameters,
  recentDays: CoachedDay[],
  today: { date: IsoDate; state: ReadinessState },
  missionDays: MissionDay[],
  goals: Pick<MissionGoals, 'keyStages'> | null,
): { parameters: AthleteParameters; changes: ParameterChange[]; replan: WeekReplan | null } {
  const since = addDays(today.date, -(STRAIN_TREND.days - 1));
  const window = recentDays.filter((d) => d.date >= since && d.date < today.date).map((d) => ({ date: d.date, state: d.state }));
  window.push(today);
  const strained = window.filter((d) => d.state === 'strained' || d.state === 'sick');
  if (strained.length < STRAIN_TREND.strained) return { parameters: params, changes: [], replan: null };

  const sunday = addDays(today.date, 7 - isoWeekday(today.date));
  const until = daysBetween(today.date, sunday) >= 2 ? sunday : addDays(today.date, 2);
  if (params.easeUntil !== null && params.easeUntil >= until) return { parameters: params, changes: [], replan: null };

  const why = `${strained.length} strained or sick days in the last ${STRAIN_TREND.days} (${strained.map((d) => d.date).join(', ')})`;
  const days = missionDays
    .filter((d) => d.date > today.date && d.date <= until)
    .map((d) => {
      const rest = d.type === 'rest' || d.training.mode === 'rest' || d.training.durationMin <= 0;
      const key = goals !== null && isKeyDay(d, { keyStages: goals.keyStages } as MissionGoals);
      const cap: DecisionKind = rest ? 'rest' : key ? 'reduce_volume' : 'modify_intensity';
      return { date: d.date, name: d.name, cap };
    });
  const sentence = `${why}: the rest of the week until ${until} is re-planned easy — no intensity except shortened key stages.`;
  return {
    parameters: { ...params, easeUntil: until, easeReason: why },
    changes: [{ parameter: 'easeUntil', from: params.easeUntil, to: until, why: sentence }],
    replan: { from: addDays(today.date, 1), until, why: sentence, days },
  };
}
