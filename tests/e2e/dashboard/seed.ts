import fs from 'node:fs';
import path from 'node:path';
import type { MemoryStore } from '../../../src/memory';
import type { DayObservation, Decision, LoadFigures, MissionConfig, RideSummary, Workout } from '../../../src/domain/types';
import { addDays } from '../../../src/domain/iso-date';
import { canonicalMissionJson, missionHash, parseMissionText, shiftMission } from '../../../src/mission';
import { projectRoot } from '../../../src/infra/project-paths';

/** Stored days for the dashboard tests: one mission of alice (with a workflow) and one of bob. */
export const ALICE = { athlete: 'alice', missionId: 'tdf-dash' };
export const BOB = { athlete: 'bob', missionId: 'bob-block' };
/** The default recorded days of alice (the browser test records days relative to the test server's today). */
export const ALICE_DAYS = ['2025-07-05', '2025-07-06', '2025-07-07'];
export const ALICE_RATIONALE = 'HRV 47 ms is under the usual 50–62 ms band (alice-marker)';
export const ALICE_NOTE_ATTACK = '<img src=x data-attack="1"> legs like lead';
/** A mission whose workflow runs but has no worker to answer. */
export const CAROL = { athlete: 'carol', missionId: 'carol-block' };
export const BOB_RATIONALE = 'Bob slept 9 hours (bob-marker)';
/** Alice's load history goes back this many days before her mission's first day. */
export const ALICE_HISTORY_DAYS = 60;
/** Alice's mission: the first two weeks of the shipped Tour de France simulation (stages 1–13 and a rest day). */
export const ALICE_MISSION_DAYS = 14;
const TDF = parseMissionText(fs.readFileSync(path.join(projectRoot(), 'missions', 'tdf_sim_2025.toml'), 'utf8'), 'missions/tdf_sim_2025.toml');

/**
 * Alice's mission as its config is stored: the TdF simulation's first 14 days from `first`, with
 * alice's profile; stage 10 (the first mountain stage) is a key stage. The browser test's
 * workflow runs this same mission.
 */
export function aliceMission(first: string): MissionConfig {
  const m = shiftMission({ ...TDF, days: TDF.days.slice(0, ALICE_MISSION_DAYS) }, first);
  return {
    ...m,
    id: ALICE.missionId,
    name: 'Tour 2025 (alice)',
    athlete: { handle: ALICE.athlete, ftpW: 250, weightKg: 70, thresholdHr: 165, maxHr: 190, restingHr: 50, disciplines: ['cycling'] },
    days: m.days.map((d) => (d.stage === 10 ? { ...d, importance: 'key' } : d)),
  };
}

function obs(date: string, score: number, hrv: number, rides: RideSummary[] = []): DayObservation {
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
    rides,
    missing: [],
  };
}

/** An hour at 200 W weighted (power meter): 64 TSS at FTP 250. */
export function historyRide(date: string): RideSummary {
  return { source: 'synthetic', date, name: `Base ride ${date}`, sportType: 'Ride', movingTimeS: 3600, distanceM: 32_000, elevationGainM: 300, averageWatts: 190, weightedAverageWatts: 200, devicePower: true, averageHeartrate: 140, maxHeartrate: 170 };
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

/**
 * Alice: her mission's config stored, three recorded days (the first observation holds her rides
 * of the 60 days before, every other day), a reflection and a rest-day override on day 5.
 * Bob: one day. Carol: a mission row only.
 */
export async function seedMissions(memory: MemoryStore, aliceDays: readonly string[] = ALICE_DAYS): Promise<void> {
  const config = aliceMission(aliceDays[0]!);
  const hash = missionHash(config);
  await memory.missions.upsertMission(ALICE, { name: config.name, configHash: hash });
  await memory.missions.storeConfigVersion(ALICE, canonicalMissionJson(config), hash);
  const rides = Array.from({ length: ALICE_HISTORY_DAYS / 2 }, (_, i) => historyRide(addDays(aliceDays[0]!, -ALICE_HISTORY_DAYS + 2 * i)));
  const figures: [number, number, number, number][] = [
    [72, 58, 50, 40],
    [64, 47, 51, 55],
    [81, 60, 52, 52],
  ];
  for (const [i, date] of aliceDays.entries()) {
    const [score, hrv, ctl, tss] = figures[i]!;
    await memory.days.recordDayRun(ALICE, date, { workflowId: `mission-${ALICE.missionId}-day-${date}`, configHash: hash });
    await memory.days.finishDayRun(ALICE, date, { status: 'ok', degradedReasons: [] });
    await memory.days.recordObservation(ALICE, obs(date, score, hrv, i === 0 ? rides : []));
    await memory.days.recordLoad(ALICE, load(date, ctl, ctl + 6, tss));
    await memory.days.recordDecision(ALICE, decision(date, i === 2 ? ALICE_RATIONALE : `day ${i + 1} rationale`), hash);
    await memory.days.recordPlan(ALICE, date, workout(i === 2 ? 'Tempo blocks for alice' : `Ride ${i + 1}`));
    await memory.days.recordClassSuggestions(ALICE, date, [
      { id: 'c1', title: '45 min Climb Ride', durationMin: 45, classType: 'climb', score: 0.9, why: 'matches the tempo focus' },
    ]);
  }
  await memory.input.recordReflection(ALICE, { date: aliceDays[0]!, rpe: 8, legs: 4, mood: 3, sleepQuality: 3, completed: 'partly', note: ALICE_NOTE_ATTACK });
  const restDay = config.days[4]!.date;
  await memory.input.recordOverride(ALICE, { requestId: 'seed-rest', kind: 'rest-day', day: restDay, payload: { input: { kind: 'rest-day', date: restDay, reason: 'family visit' }, changed: `${restDay} is now a rest day` } });

  await memory.missions.upsertMission(CAROL, { name: 'Carol block', configHash: 'hash-carol' });
  await memory.missions.upsertMission(BOB, { name: 'Bob base block', configHash: 'hash-bob' });
  await memory.days.recordObservation(BOB, obs('2025-07-06', 90, 70));
  await memory.days.recordDecision(BOB, { ...decision('2025-07-06', BOB_RATIONALE), state: 'ready', decision: 'as_planned', negotiation: null }, 'hash-bob');
  await memory.days.recordPlan(BOB, '2025-07-06', workout('Bob endurance'));
}
