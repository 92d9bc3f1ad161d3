import type { MemoryStore } from '../../../src/memory';
import type { Decision, DecisionKind, IsoDate, MissionConfig, ReadinessState } from '../../../src/domain/types';
import { addDays } from '../../../src/domain/iso-date';
import { canonicalMissionJson, missionHash } from '../../../src/mission';
import { missionWorkflowId } from '../../../src/shared/mission-api';
import { fakeMission } from '../../support/fake-activities';

/**
 * Several athletes for the coach view and the token scopes. Coach Bo has anna, ben and dora; cleo
 * has another coach. anna and ben run the same mission file (same mission id, two workflows).
 * Relative to `today` (the dashboard's today in Europe/Paris):
 * - anna: coached five days, strained then sick today (rest), no reflection at all;
 * - ben: three ready days, a reflection yesterday;
 * - dora: one strained day yesterday, run degraded (no HRV that night);
 * - cleo: one ready day today.
 */
export const COACH_BO = 'coach-bo';
export const COACH_CY = 'coach-cy';
export const SPRING = { id: 'spring-block', name: 'Spring block' };

export interface SeededMission {
  athlete: string;
  missionId: string;
  name: string;
  config: MissionConfig;
  athleteId: string;
  workflowId: string;
  path: string;
}

export interface CoachSeed {
  anna: SeededMission;
  ben: SeededMission;
  dora: SeededMission;
  cleo: SeededMission;
}

function decision(date: IsoDate, state: ReadinessState, kind: DecisionKind, degraded: string[] = []): Decision {
  return {
    date,
    state,
    decision: kind,
    rationale: [`${state} on ${date}`],
    confidence: 0.8,
    negotiation: null,
    tssBand: { min: 0, max: 60 },
    maxDurationMin: 60,
    degraded,
  };
}

async function mission(memory: MemoryStore, handle: string, coach: string, m: { id: string; name: string }, first: IsoDate, days: number): Promise<SeededMission> {
  const athlete = await memory.athletes.add(handle, { timezone: 'Europe/Paris', ftpW: 240, coach });
  const config = fakeMission({ id: m.id, name: m.name, athlete: { handle, ftpW: 240, weightKg: 64, thresholdHr: 168, maxHr: 190, restingHr: 48, disciplines: ['cycling'] } }, days, first);
  const hash = missionHash(config);
  const workflowId = missionWorkflowId(athlete.id, m.id);
  const scope = { athlete: handle, missionId: m.id };
  await memory.missions.recordStart(scope, { name: m.name, configHash: hash, workflowId });
  await memory.missions.storeConfigVersion(scope, canonicalMissionJson(config), hash);
  return { athlete: handle, missionId: m.id, name: m.name, config, athleteId: athlete.id, workflowId, path: `/missions/${handle}/${m.id}` };
}

async function day(memory: MemoryStore, s: SeededMission, date: IsoDate, d: Decision, status: 'ok' | 'degraded' = 'ok'): Promise<void> {
  const scope = { athlete: s.athlete, missionId: s.missionId };
  const hash = missionHash(s.config);
  await memory.days.recordDayRun(scope, date, { workflowId: `${s.workflowId}-day-${date}`, configHash: hash });
  await memory.days.finishDayRun(scope, date, { status, degradedReasons: d.degraded });
  await memory.days.recordDecision(scope, d, hash);
}

export async function seedCoachMissions(memory: MemoryStore, today: IsoDate): Promise<CoachSeed> {
  const anna = await mission(memory, 'anna', COACH_BO, SPRING, addDays(today, -4), 12);
  const states: [ReadinessState, DecisionKind][] = [
    ['ready', 'as_planned'],
    ['ready', 'as_planned'],
    ['caution', 'modify_intensity'],
    ['strained', 'reduce_volume'],
    ['sick', 'rest'],
  ];
  for (const [i, [state, kind]] of states.entries()) await day(memory, anna, addDays(today, i - 4), decision(addDays(today, i - 4), state, kind));

  const ben = await mission(memory, 'ben', COACH_BO, SPRING, addDays(today, -2), 12);
  for (const i of [-2, -1, 0]) await day(memory, ben, addDays(today, i), decision(addDays(today, i), 'ready', 'as_planned'));
  await memory.input.recordReflection({ athlete: 'ben', missionId: SPRING.id }, { date: addDays(today, -1), rpe: 6, legs: 2, mood: 4, sleepQuality: 4, completed: 'yes', note: 'good legs' });

  const dora = await mission(memory, 'dora', COACH_BO, { id: 'base-8w', name: 'Base 8 weeks' }, addDays(today, -1), 56);
  await day(memory, dora, addDays(today, -1), decision(addDays(today, -1), 'strained', 'reduce_volume', ['no HRV from Oura for the night']), 'degraded');

  const cleo = await mission(memory, 'cleo', COACH_CY, { id: 'cleo-block', name: 'Cleo block' }, today, 10);
  await day(memory, cleo, today, decision(today, 'ready', 'as_planned'));
  return { anna, ben, dora, cleo };
}
