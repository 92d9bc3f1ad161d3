import type { MemoryStore } from '../../../src/memory';
import type { DayObservation, Decision, LoadFigures, Workout } from '../../../src/domain/types';

/** Stored days for the dashboard tests: one mission of alice (with a workflow) and one of bob. */
export const ALICE = { athlete: 'alice', missionId: 'tdf-dash' };
export const BOB = { athlete: 'bob', missionId: 'bob-block' };
export const ALICE_DAYS = ['2025-07-05', '2025-07-06', '2025-07-07'];
export const ALICE_RATIONALE = 'HRV 47 ms is under the usual 50–62 ms band (alice-marker)';
export const ALICE_NOTE_ATTACK = '<img src=x data-attack="1"> legs like lead';
/** A mission whose workflow runs but has no worker to answer. */
export const CAROL = { athlete: 'carol', missionId: 'carol-block' };
export const BOB_RATIONALE = 'Bob slept 9 hours (bob-marker)';

function obs(date: string, score: number, hrv: number): DayObservation {
  return {
    date,
    readiness: {
      source: 'synthetic',
      score,
      temperatureDeviation: 0,
      temperatureTrendDeviation: 0,
      contributors: { activityBalance: null, bodyTemperature: null, hrvBalance: null, previousDayActivity: null, previousNight: null, recoveryIndex: null, restingHeartRate: null, sleepBalance: null, sleepRegularity: null },
    },
    sleep: { source: 'synthetic', score: 80, totalSleepS: 27_000, efficiency: 90 },
    hrv: { source: 'synthetic', averageHrvMs: hrv, lowestHeartRate: 46, averageHeartRate: 51 },
    rides: [],
    missing: [],
  };
}

function load(date: string, ctl: number, atl: number, yesterdayTss: number): LoadFigures {
  return { date, yesterdayTss, yesterdayTssMethod: 'power', ctl, atl, tsb: ctl - atl, acwr: 1.1, acwrSpike: false, hrv7dMean: 55, hrvNormalLow: 50, hrvNormalHigh: 62, restingHrDeviation: 0 };
}

function decision(date: string, rationale: string): Decision {
  return {
    date,
    state: 'caution',
    decision: 'modify_intensity',
    rationale: [rationale, 'TSB is -6.0.'],
    confidence: 0.8,
    negotiation: { reasoningProposed: 'recovery', missionProposed: 'modify_intensity', prevailed: 'mission', why: 'stage 4 is a key stage' },
    tssBand: { min: 40, max: 60 },
    maxDurationMin: 75,
    degraded: [],
  };
}

function workout(title: string): Workout {
  return {
    title,
    sport: 'cycling',
    durationMin: 60,
    targetTss: 55,
    intervals: [
      { durationMin: 15, targetPctFtp: 0.55, hrZone: null, targetWatts: 138, targetHr: null, cadenceRpm: 90, cue: 'easy spin' },
      { durationMin: 30, targetPctFtp: 0.82, hrZone: null, targetWatts: 205, targetHr: null, cadenceRpm: 88, cue: 'tempo blocks' },
      { durationMin: 15, targetPctFtp: null, hrZone: 1, targetWatts: null, targetHr: { low: 100, high: 120 }, cadenceRpm: null, cue: 'cool down' },
    ],
    notes: 'Keep it smooth.',
    source: 'fallback',
    fallbackReason: 'planner switched off',
    tokenUsage: null,
  };
}

export async function seedMissions(memory: MemoryStore): Promise<void> {
  await memory.missions.upsertMission(ALICE, { name: 'Tour 2025 (alice)', configHash: 'hash-alice' });
  const figures: [number, number, number, number][] = [
    [72, 58, 50, 40],
    [64, 47, 51, 55],
    [81, 60, 52, 52],
  ];
  for (const [i, date] of ALICE_DAYS.entries()) {
    const [score, hrv, ctl, tss] = figures[i]!;
    await memory.days.recordDayRun(ALICE, date, { workflowId: `mission-${ALICE.missionId}-day-${date}`, configHash: 'hash-alice' });
    await memory.days.finishDayRun(ALICE, date, { status: 'ok', degradedReasons: [] });
    await memory.days.recordObservation(ALICE, obs(date, score, hrv));
    await memory.days.recordLoad(ALICE, load(date, ctl, ctl + 6, tss));
    await memory.days.recordDecision(ALICE, decision(date, i === 2 ? ALICE_RATIONALE : `day ${i + 1} rationale`), 'hash-alice');
    await memory.days.recordPlan(ALICE, date, workout(i === 2 ? 'Tempo blocks for alice' : `Ride ${i + 1}`));
    await memory.days.recordClassSuggestions(ALICE, date, [
      { id: 'c1', title: '45 min Climb Ride', durationMin: 45, classType: 'climb', score: 0.9, why: 'matches the tempo focus' },
    ]);
  }
  await memory.input.recordReflection(ALICE, { date: ALICE_DAYS[0]!, rpe: 8, legs: 4, mood: 3, sleepQuality: 3, completed: 'partly', note: ALICE_NOTE_ATTACK });

  await memory.missions.upsertMission(CAROL, { name: 'Carol block', configHash: 'hash-carol' });
  await memory.missions.upsertMission(BOB, { name: 'Bob base block', configHash: 'hash-bob' });
  await memory.days.recordObservation(BOB, obs('2025-07-06', 90, 70));
  await memory.days.recordDecision(BOB, { ...decision('2025-07-06', BOB_RATIONALE), state: 'ready', decision: 'as_planned', negotiation: null }, 'hash-bob');
  await memory.days.recordPlan(BOB, '2025-07-06', workout('Bob endurance'));
}
