/**
 * The deterministic planner: a small library of workout templates per stage type × decision,
 * fitted to the day's time and TSS band. Used when the model is off, fails, or is overruled by
 * validation; it must always produce a workout that passes the same validation.
 */
import type { Decision, DecisionKind, Discipline, StageType, Workout } from '../domain/types';
import { computeTss } from './training-zones';
import { INTENSITY_CAPS, type PlannedWorkout, type ValidationContext, personaliseInterval, validatePlan } from './workout-validation';

interface Block {
  min: number;
  pct: number;
  cadence: number | null;
  cue: string;
  /** Fixed blocks (warm-up, cool-down) keep their intensity when the template is fitted to the band. */
  fixed?: boolean;
}

interface MainSet {
  title: string;
  /** A work/recovery pair repeated, or null for a steady ride. */
  repeat: { on: Omit<Block, 'min'> & { min: number }; off: Omit<Block, 'min'> & { min: number }; max: number } | null;
  /** The steady block that fills the remaining time. */
  fill: Omit<Block, 'min'>;
  notes: string;
}

const ENDURANCE: Omit<Block, 'min'> = { pct: 0.68, cadence: 90, cue: 'Steady endurance, conversational effort' };

const STAGE_SETS: Record<Exclude<StageType, 'rest'>, MainSet> = {
  flat: {
    title: 'Flat stage: tempo in the bunch',
    repeat: {
      on: { min: 12, pct: 0.85, cadence: 95, cue: 'Tempo as if pulling on the front, smooth high cadence' },
      off: { min: 8, pct: 0.65, cadence: 90, cue: 'Sit in the wheels, easy endurance' },
      max: 4,
    },
    fill: ENDURANCE,
    notes: 'Rehearses a flat stage: long endurance with tempo pulls. Fuel every 20 minutes.',
  },
  hilly: {
    title: 'Hilly stage: punchy climbs',
    repeat: {
      on: { min: 5, pct: 1.02, cadence: 85, cue: 'Punchy climb at threshold, stay seated, stand for the last 30 s' },
      off: { min: 5, pct: 0.6, cadence: 90, cue: 'Roll over the top and recover' },
      max: 6,
    },
    fill: ENDURANCE,
    notes: 'Rehearses a hilly stage: short repeated climbs at threshold between endurance riding.',
  },
  mountain: {
    title: 'Mountain stage: long climbs',
    repeat: {
      on: { min: 12, pct: 0.92, cadence: 75, cue: 'Long climb around threshold, low cadence, steady breathing' },
      off: { min: 6, pct: 0.6, cadence: 90, cue: 'Descent: spin easy and eat' },
      max: 4,
    },
    fill: ENDURANCE,
    notes: 'Rehearses a mountain stage: sustained sub-threshold climbs with easy descents.',
  },
  itt: {
    title: 'Time trial: race-pace blocks',
    repeat: {
      on: { min: 8, pct: 0.98, cadence: 95, cue: 'Time-trial effort: aero, even power, no surges' },
      off: { min: 4, pct: 0.55, cadence: 90, cue: 'Easy spin' },
      max: 4,
    },
    fill: ENDURANCE,
    notes: 'Rehearses a time trial: blocks at threshold with full recoveries.',
  },
  ttt: {
    title: 'Team time trial: turns on the front',
    repeat: {
      on: { min: 3, pct: 1.05, cadence: 95, cue: 'Hard turn on the front' },
      off: { min: 3, pct: 0.7, cadence: 95, cue: 'Back in the line, recover at speed' },
      max: 8,
    },
    fill: ENDURANCE,
    notes: 'Rehearses a team time trial: hard turns alternating with fast recovery.',
  },
};

const EASY_SET: MainSet = {
  title: 'Endurance ride with cadence drills',
  repeat: {
    on: { min: 3, pct: 0.68, cadence: 105, cue: 'High-cadence drill, same easy power' },
    off: { min: 7, pct: 0.65, cadence: 90, cue: 'Steady endurance' },
    max: 6,
  },
  fill: { pct: 0.65, cadence: 90, cue: 'Steady endurance, nose breathing' },
  notes: 'Time in the saddle without intensity: everything stays in endurance.',
};

const RECOVERY_SET: MainSet = {
  title: 'Recovery spin',
  repeat: null,
  fill: { pct: 0.5, cadence: 90, cue: 'Very easy spin, legs only turning over' },
  notes: 'Recovery only: easy enough to chat throughout. Stop if anything hurts.',
};

function mainSetFor(decision: DecisionKind, stage: StageType): MainSet {
  if (decision === 'recovery' || decision === 'rest') return RECOVERY_SET;
  if (decision === 'modify_intensity' || stage === 'rest') return EASY_SET;
  return STAGE_SETS[stage];
}

function layout(total: number, set: MainSet, easy: boolean): Block[] {
  const blocks: Block[] = [];
  const warm = total >= 40 ? 10 : total >= 20 ? 5 : 0;
  const cool = total >= 40 ? 5 : total >= 25 ? 3 : 0;
  if (warm) blocks.push({ min: warm, pct: easy ? 0.5 : 0.55, cadence: 90, cue: 'Warm up, build gradually', fixed: true });
  let main = total - warm - cool;
  if (set.repeat) {
    const pair = set.repeat.on.min + set.repeat.off.min;
    // Keep at least a quarter of the main time as steady riding.
    const reps = Math.min(set.repeat.max, Math.floor((main * 0.75) / pair));
    const lead = Math.floor((main - reps * pair) / 2);
    if (lead > 0) blocks.push({ min: lead, ...set.fill });
    for (let r = 0; r < reps; r += 1) {
      blocks.push({ ...set.repeat.on, cue: `${set.repeat.on.cue} (${r + 1}/${reps})` });
      blocks.push({ ...set.repeat.off });
    }
    main -= lead + reps * pair;
  }
  if (main > 0) blocks.push({ min: main, ...set.fill });
  if (cool) blocks.push({ min: cool, pct: 0.5, cadence: 85, cue: 'Cool down', fixed: true });
  return blocks;
}

/** Scale the non-fixed blocks' intensity so the computed TSS lands at the target, within caps. */
function fitToTss(blocks: Block[], target: number, capPct: number): Block[] {
  const scaled = (k: number): Block[] =>
    blocks.map((b) => (b.fixed ? b : { ...b, pct: Math.round(Math.min(capPct, Math.max(0.45, b.pct * k)) * 100) / 100 }));
  const tssOf = (bs: Block[]): number => computeTss(bs.map((b) => ({ durationMin: b.min, targetPctFtp: b.pct, hrZone: null })));
  let lo = 0.5;
  let hi = 1.6;
  for (let n = 0; n < 40; n += 1) {
    const mid = (lo + hi) / 2;
    if (tssOf(scaled(mid)) < target) lo = mid;
    else hi = mid;
  }
  return scaled((lo + hi) / 2);
}

function toPlan(title: string, sport: Discipline, blocks: Block[], notes: string): PlannedWorkout {
  return {
    title,
    sport,
    durationMin: blocks.reduce((s, b) => s + b.min, 0),
    intervals: blocks.map((b) => ({ durationMin: b.min, targetPctFtp: b.pct, hrZone: null, cadenceRpm: b.cadence, cue: b.cue })),
    notes,
    estimatedTss: null,
  };
}

export interface TemplateRequest {
  stageType: StageType;
  decision: Pick<Decision, 'decision' | 'tssBand' | 'maxDurationMin'>;
  ctx: ValidationContext;
  sport?: Discipline;
}

/** The deterministic workout for the day, marked as a fallback with the reason. */
export function planFromTemplate(req: TemplateRequest, fallbackReason: string, tokenUsage: Workout['tokenUsage'] = null): Workout {
  const { decision } = req;
  const sport: Discipline = req.sport ?? (req.ctx.athlete.disciplines.includes('cycling') ? 'cycling' : req.ctx.athlete.disciplines[0] ?? 'cycling');
  const meta = { source: 'fallback' as const, fallbackReason, tokenUsage };
  const weekly = req.ctx.weeklyRemainingMin ?? Number.POSITIVE_INFINITY;
  const total = Math.floor(Math.min(decision.maxDurationMin, weekly));
  if (decision.decision === 'rest' || total <= 0) {
    return {
      title: 'Rest day',
      sport,
      durationMin: 0,
      targetTss: 0,
      intervals: [],
      notes: 'Full rest today. A short walk or gentle mobility is fine; no training.',
      ...meta,
    };
  }
  const set = mainSetFor(decision.decision, req.stageType);
  const cap = INTENSITY_CAPS[decision.decision].pctFtp;
  const target = (decision.tssBand.min + decision.tssBand.max) / 2;
  const blocks = fitToTss(layout(total, set, decision.decision === 'recovery'), target, cap);
  const title = `${total} min ${set.title}`;
  const checked = validatePlan(toPlan(title, sport, blocks, set.notes), req.ctx, meta);
  if (checked.ok) return checked.workout;
  // Last resort: one steady block at the intensity that hits the middle of the band.
  const steadyIf = Math.min(cap, Math.max(0.45, Math.sqrt(target / ((total / 60) * 100)) || 0.5));
  const steady = toPlan(`${total} min steady ride`, sport, [{ min: total, pct: Math.round(steadyIf * 100) / 100, cadence: 90, cue: 'Steady, even effort' }], set.notes);
  const again = validatePlan(steady, req.ctx, meta);
  if (again.ok) return again.workout;
  // Validation still disagrees (e.g. an impossible band): return the steady ride and say why.
  return {
    title: steady.title,
    sport: steady.sport,
    durationMin: steady.durationMin,
    notes: steady.notes,
    targetTss: Math.round(computeTss(steady.intervals)),
    intervals: steady.intervals.map((i) => personaliseInterval(i, req.ctx.athlete)),
    ...meta,
    fallbackReason: `${fallbackReason}; the template could not meet every check (${again.problems.join('; ')})`,
  };
}
