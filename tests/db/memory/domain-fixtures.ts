import type { ClassSuggestion, DayObservation, Decision, LoadFigures, Reflection, Workout } from '../../../src/domain/types';

/** Small, realistic domain values for the memory tests; `over` replaces fields. */

export function observation(date: string, over: Partial<DayObservation> = {}): DayObservation {
  return {
    date,
    readiness: {
      source: 'oura',
      score: 78,
      temperatureDeviation: -0.1,
      temperatureTrendDeviation: 0.05,
      contributors: {
        activityBalance: 80,
        bodyTemperature: 98,
        hrvBalance: 72,
        previousDayActivity: 65,
        previousNight: 81,
        recoveryIndex: 90,
        restingHeartRate: 88,
        sleepBalance: 76,
        sleepRegularity: null,
      },
    },
    sleep: { source: 'oura', score: 82, totalSleepS: 27_000, efficiency: 91 },
    hrv: { source: 'oura', averageHrvMs: 54, lowestHeartRate: 46, averageHeartRate: 51 },
    rides: [
      {
        source: 'strava',
        date,
        name: 'Morning ride',
        sportType: 'Ride',
        movingTimeS: 3600,
        distanceM: 31_000,
        elevationGainM: 420,
        averageWatts: 190,
        weightedAverageWatts: 205,
        devicePower: true,
        averageHeartrate: 142,
        maxHeartrate: 171,
      },
    ],
    missing: [{ part: 'activity', source: 'oura', reason: 'no daily_activity document for the day' }],
    ...over,
  };
}

export function load(date: string, over: Partial<LoadFigures> = {}): LoadFigures {
  return {
    date,
    yesterdayTss: 64.5,
    yesterdayTssMethod: 'power',
    ctl: 52.1,
    atl: 60.3,
    tsb: -8.2,
    acwr: 1.16,
    acwrSpike: false,
    hrv7dMean: 55.4,
    hrvNormalLow: 49,
    hrvNormalHigh: 61,
    restingHrDeviation: 1.5,
    ...over,
  };
}

export function decision(date: string, over: Partial<Decision> = {}): Decision {
  return {
    date,
    state: 'caution',
    decision: 'modify_intensity',
    rationale: ['HRV 48 ms is below the normal range 49–61 ms.', 'TSB is -8.2.'],
    confidence: 0.8,
    negotiation: {
      reasoningProposed: 'recovery',
      missionProposed: 'modify_intensity',
      prevailed: 'mission',
      why: 'stage 4 is a key stage',
    },
    tssBand: { min: 40, max: 60 },
    maxDurationMin: 75,
    degraded: [],
    ...over,
  };
}

export function workout(over: Partial<Workout> = {}): Workout {
  return {
    title: 'Tempo over-unders',
    sport: 'cycling',
    durationMin: 60,
    targetTss: 55,
    intervals: [
      { durationMin: 15, targetPctFtp: 0.55, hrZone: null, targetWatts: 143, targetHr: null, cadenceRpm: 90, cue: 'easy spin' },
      { durationMin: 30, targetPctFtp: 0.82, hrZone: null, targetWatts: 213, targetHr: null, cadenceRpm: 88, cue: 'tempo' },
      { durationMin: 15, targetPctFtp: null, hrZone: 1, targetWatts: null, targetHr: { low: 100, high: 120 }, cadenceRpm: null, cue: 'cool down' },
    ],
    notes: 'Keep it smooth.',
    source: 'llm',
    fallbackReason: null,
    tokenUsage: { prompt: 812, completion: 240, total: 1052 },
    ...over,
  };
}

export function classes(): ClassSuggestion[] {
  return [
    { id: 'c1', title: '45 min Climb Ride', durationMin: 45, classType: 'climb', score: 0.91, why: 'matches the tempo focus' },
    { id: 'c2', title: '30 min Power Zone Endurance', durationMin: 30, classType: 'power_zone', score: 0.77, why: 'shorter option' },
  ];
}

export function reflection(date: string, over: Partial<Reflection> = {}): Reflection {
  return { date, rpe: 6, legs: 3, mood: 4, sleepQuality: 3, completed: 'yes', note: 'felt fine', ...over };
}
