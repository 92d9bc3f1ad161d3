/**
 * The Mission agent's say on the day: key stages, taper, the weekly hours cap and the limit on
 * consecutive hard days may push back on the Reasoning agent's proposal — never against safety
 * (a sick or strained athlete gets recovery or rest whatever the calendar). A rest day in the
 * mission stays a rest day. Every disagreement is recorded as a `Negotiation`.
 */
import type { Decision, DecisionKind, MissionDay, MissionGoals, Negotiation } from '../domain/types';
import { type AthleteParameters, type CoachedDay, DEFAULT_PARAMETERS, consecutiveHardDaysBefore, isHardStage } from './athlete-parameters';
import { dayTargets } from './day-targets';
import { DECISION_WORDS } from './readiness';
import { daysBetween } from '../domain/iso-date';

export interface NegotiationInput {
  /** The Reasoning agent's decision (negotiation null). */
  reasoning: Decision;
  day: MissionDay;
  goals: MissionGoals;
  /** All days of the mission, to see key stages ahead (taper). */
  days: MissionDay[];
  /** Days before today as decided (for the hard-day streak). */
  recentDays: CoachedDay[];
  /** Minutes already trained (or planned) this week before today, for the weekly hours cap. */
  weekMinutesSoFar: number;
  params?: AthleteParameters;
  /** Set when the morning has no readiness data: the mission may not bring intensity back (readiness.ts). */
  dataCap?: string | null;
}

/** Decisions that keep the stage's intensity. */
const WITH_INTENSITY: readonly DecisionKind[] = ['as_planned', 'reduce_volume'];

/** How far a decision backs off from the plan: rest is the most conservative. */
export const CONSERVATISM: Record<DecisionKind, number> = {
  as_planned: 0,
  reduce_volume: 1,
  modify_intensity: 1,
  recovery: 2,
  rest: 3,
};

export function isKeyDay(day: MissionDay, goals: MissionGoals): boolean {
  if (day.importance === 'key') return true;
  return goals.keyStages.includes(day.stage !== null ? day.stage : day.index);
}

function dayLabel(day: MissionDay): string {
  return day.stage !== null ? `stage ${day.stage} (${day.name})` : day.name;
}

interface MissionView {
  proposal: DecisionKind;
  reason: string;
}

/** What the mission would like today, given what the reasoning proposed. */
export function missionProposal(input: NegotiationInput, availableMin: number): MissionView {
  const { day, goals, reasoning } = input;
  const proposed = reasoning.decision;
  if (day.type === 'rest' || day.training.mode === 'rest' || day.training.durationMin <= 0) {
    return { proposal: 'rest', reason: `${day.name} is a rest day in the mission, and a rest day stays a rest day whatever the readiness` };
  }
  if (availableMin <= 0) {
    return { proposal: 'rest', reason: `the weekly cap of ${goals.weeklyHoursCap} h is used up (${Math.round(input.weekMinutesSoFar)} min this week)` };
  }
  const key = isKeyDay(day, goals);
  if (key) {
    if (proposed === 'as_planned') return { proposal: 'as_planned', reason: `${dayLabel(day)} is a key stage` };
    return { proposal: 'reduce_volume', reason: `${dayLabel(day)} is a key stage worth keeping, with its intensity and less volume` };
  }
  const nextKey = input.days.find((d) => d.date > day.date && isKeyDay(d, goals));
  if (nextKey && goals.taperDays > 0 && daysBetween(day.date, nextKey.date) <= goals.taperDays && proposed === 'as_planned') {
    return { proposal: 'reduce_volume', reason: `taper: key ${dayLabel(nextKey)} is ${daysBetween(day.date, nextKey.date)} day(s) away (taper of ${goals.taperDays} days)` };
  }
  const streak = consecutiveHardDaysBefore(day.date, input.recentDays);
  if (isHardStage(day.type) && streak >= goals.maxConsecutiveHardDays && (proposed === 'as_planned' || proposed === 'reduce_volume')) {
    return { proposal: 'modify_intensity', reason: `${streak} hard days in a row already; the mission allows at most ${goals.maxConsecutiveHardDays}` };
  }
  return { proposal: proposed, reason: 'no mission priority applies' };
}

/** The day's final decision: the reasoning's proposal after the mission has had its say. */
export function negotiate(input: NegotiationInput): Decision {
  const params = input.params ?? DEFAULT_PARAMETERS;
  const { reasoning, day, goals } = input;
  const rationale = [...reasoning.rationale];

  const capMin = goals.weeklyHoursCap * 60;
  const remaining = Math.max(0, Math.floor(capMin - input.weekMinutesSoFar));
  const available = Math.min(day.training.durationMin, remaining);
  if (remaining < day.training.durationMin && day.training.durationMin > 0 && day.type !== 'rest') {
    rationale.push(`The weekly cap of ${goals.weeklyHoursCap} h leaves ${remaining} min this week (${Math.round(input.weekMinutesSoFar)} min done), so today is capped at ${available} of the ${day.training.durationMin} min planned.`);
  }

  const mission = missionProposal(input, available);
  let final = reasoning.decision;
  let negotiation: Negotiation | null = null;
  if (mission.proposal !== reasoning.decision) {
    const safetyCase = reasoning.state === 'sick' || reasoning.state === 'strained';
    if (safetyCase && CONSERVATISM[mission.proposal] <= CONSERVATISM[reasoning.decision]) {
      final = reasoning.decision;
      negotiation = {
        reasoningProposed: reasoning.decision,
        missionProposed: mission.proposal,
        prevailed: 'safety',
        why: `Readiness is ${reasoning.state}, and safety comes before the calendar: ${DECISION_WORDS[reasoning.decision]}, although the mission wanted ${DECISION_WORDS[mission.proposal]} (${mission.reason}).`,
      };
    } else if (input.dataCap && WITH_INTENSITY.includes(mission.proposal) && !WITH_INTENSITY.includes(reasoning.decision)) {
      final = reasoning.decision;
      negotiation = {
        reasoningProposed: reasoning.decision,
        missionProposed: mission.proposal,
        prevailed: 'safety',
        why: `Without readiness data the intensity stays capped: ${DECISION_WORDS[reasoning.decision]}, although the mission wanted ${DECISION_WORDS[mission.proposal]} (${mission.reason}).`,
      };
    } else {
      final = mission.proposal;
      negotiation = {
        reasoningProposed: reasoning.decision,
        missionProposed: mission.proposal,
        prevailed: 'mission',
        why: `The mission prevails: ${mission.reason}, so ${DECISION_WORDS[mission.proposal]} (readiness alone proposed: ${DECISION_WORDS[reasoning.decision]}).`,
      };
    }
    rationale.push(negotiation.why);
  }

  const targets = dayTargets(final, day, available, params.intensityScale);
  if (final !== 'rest') {
    rationale.push(`Today: ${DECISION_WORDS[final]}, up to ${targets.maxDurationMin} min, ${targets.tssBand.min}–${targets.tssBand.max} TSS.`);
  }
  return {
    ...reasoning,
    decision: final,
    rationale,
    negotiation,
    tssBand: targets.tssBand,
    maxDurationMin: targets.maxDurationMin,
  };
}
