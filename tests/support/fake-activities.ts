import type { MissionActivities } from '../../src/shared/activity-api';
import type { DayKey } from '../../src/shared/day-key';
import type { AthleteProfile, MissionConfig, MissionDay, Reflection } from '../../src/domain/types';
import type { DataReadyInput } from '../../src/shared/mission-api';
import { addDays, daysBetween } from '../../src/domain/iso-date';
import { localDate } from '../../src/domain/schedule';
import { effectiveDay } from '../../src/shared/mission-overrides';

/**
 * Typed fake activities for workflow tests on the time-skipping server: they keep the mission's
 * config versions and the reflections they were sent (as the real ones keep them in PostgreSQL),
 * and record what each day's cycle saw by its key and when (in workflow time), so tests can assert
 * order, timing and inputs. The real activities are covered by their own tests and the
 * integration tests.
 */
export interface DaySeen {
  /** The day as it ran (the config under the key's hash, the rest-day override applied). */
  day: MissionDay;
  profile: AthleteProfile;
  /** Reflections recorded before the day started, oldest first. */
  reflections: Reflection[];
  overrides: string[];
  totalDays: number;
}

export interface DayCall {
  date: string;
  key: DayKey;
  seen: DaySeen;
  /** Instant (test-server time) at which the day began. */
  atMs: number;
}

export function fakeMission(over: Partial<MissionConfig> = {}, days = 5, start = '2025-07-05'): MissionConfig {
  const list: MissionDay[] = Array.from({ length: days }, (_, i) => ({
    index: i,
    date: addDays(start, i),
    stage: i + 1,
    name: `Stage ${i + 1}`,
    start: 'A',
    finish: 'B',
    distanceKm: 150,
    elevationM: 1200,
    type: i % 4 === 3 ? 'rest' : 'flat',
    importance: 'normal',
    training: i % 4 === 3 ? { mode: 'rest', durationMin: 0, focus: 'rest' } : { mode: 'indoor', durationMin: 60, focus: 'endurance' },
    notes: null,
  }));
  return {
    id: 'wf_test',
    name: 'Workflow test mission',
    athlete: { handle: 'rider', ftpW: 250, weightKg: 70, thresholdHr: 165, maxHr: 190, restingHr: 50, disciplines: ['cycling'] },
    timezone: 'Europe/Paris',
    runTime: '06:30',
    startDate: start,
    days: list,
    goals: { summary: 'test', weeklyHoursCap: 10, maxConsecutiveHardDays: 2, keyStages: [], taperDays: 0 },
    notifications: { channels: ['email'], quietHours: null },
    planner: { useLlm: false, model: 'test', language: 'en' },
    ...over,
  };
}

/** The workflow input for `mission` (as a client sends it; the fake does not check the hash). */
export function missionArgs(mission: MissionConfig, extra: { startDate?: string; athleteId?: string; options?: { maxDaysPerRun?: number } } = {}) {
  return { mission, configHash: 'hash-test', athleteId: extra.athleteId ?? 'ath_testtesttest', startDate: extra.startDate, options: extra.options };
}

/** Temporal takes an error's type from its class name; this one is non-retryable in our policies. */
class ConfigurationError extends Error {}

export interface FakeOptions {
  failOn?: string[];
  /** What dayDataReady answers (after a webhook event); default: ready. */
  dataReady?: (key: DayKey) => { ready: boolean; why: string };
}

export function fakeActivities(mission: MissionConfig, now: () => Promise<number>, opts: FakeOptions = {}) {
  const calls: DayCall[] = [];
  const failures: string[] = [];
  const overrides: string[] = [];
  const reflections: string[] = [];
  const recorded: Reflection[] = [];
  const dataChecks: { date: string; atMs: number }[] = [];
  const rides: DataReadyInput[] = [];
  const configs = new Map<string, MissionConfig>();
  let versions = 0;

  const configOf = (key: DayKey): MissionConfig => {
    const m = configs.get(key.configHash);
    if (!m) throw new ConfigurationError(`no config ${key.configHash}`);
    return m;
  };

  const acts: MissionActivities = {
    // The mission is the one the fake was made with (the input's is the client's copy of it).
    async registerMission(input) {
      let m = mission;
      if (input.startDate) {
        const start = input.startDate === 'today' ? localDate(input.nowMs, m.timezone) : input.startDate;
        const shift = daysBetween(m.startDate, start);
        m = { ...m, startDate: start, days: m.days.map((d) => ({ ...d, date: addDays(d.date, shift) })) };
      }
      configs.set('hash-test', m);
      return { mission: m, configHash: 'hash-test' };
    },
    async loadMission() {
      throw new ConfigurationError('legacy loadMission is not used by new runs');
    },
    async observeDay(key) {
      const m = configOf(key);
      const seen: DaySeen = {
        day: effectiveDay(m.days[key.dayIndex], key.restDay),
        profile: m.athlete,
        reflections: recorded.filter((r) => r.date < key.date).sort((a, b) => a.date.localeCompare(b.date)),
        overrides: key.overrides,
        totalDays: m.days.length,
      };
      calls.push({ date: key.date, key, seen, atMs: await now() });
      if (opts.failOn?.includes(key.date)) throw new ConfigurationError(`boom on ${key.date}`);
      return {
        load: { date: key.date, yesterdayTss: 0, yesterdayTssMethod: null, ctl: calls.length, atl: 0, tsb: 0, acwr: null, acwrSpike: false, hrv7dMean: null, hrvNormalLow: null, hrvNormalHigh: null, restingHrDeviation: null },
        degraded: [],
      };
    },
    async decideDay(key) {
      const rest = effectiveDay(configOf(key).days[key.dayIndex], key.restDay).training.mode === 'rest';
      return { state: 'ready', decision: rest ? 'rest' : 'as_planned', degraded: [] };
    },
    async planDay(key) {
      const day = effectiveDay(configOf(key).days[key.dayIndex], key.restDay);
      return { workoutTitle: `Workout ${key.date}`, durationMin: day.training.durationMin, degraded: null };
    },
    async deliverDay(key) {
      return { status: 'ok', degraded: [], notifications: [], reportPaths: [`output/${key.athlete}/${key.missionId}/${key.date}.md`] };
    },
    async dayDataReady(key) {
      dataChecks.push({ date: key.date, atMs: await now() });
      return opts.dataReady ? opts.dataReady(key) : { ready: true, why: 'test data is there' };
    },
    async recordRide(_scope, event) {
      rides.push(event);
      return { asked: event.provider === 'strava' && event.aspect === 'create' };
    },
    async recordDayFailure(key, message) {
      failures.push(`${key.date}: ${message}`);
    },
    async recordReflection(_scope, r) {
      if (!r) return;
      reflections.push(r.date);
      const i = recorded.findIndex((x) => x.date === r.date);
      if (i >= 0) recorded[i] = r;
      else recorded.push(r);
    },
    async commitOverride(_scope, o) {
      overrides.push(o.changed);
      if (!o.mission) return { configHash: null };
      const hash = `hash-v${++versions}`;
      configs.set(hash, o.mission);
      return { configHash: hash };
    },
    async summarizeMission(scope, input) {
      const count = (s: string) => input.outcomes.filter((o) => o.status === s).length;
      return { missionId: scope.missionId, name: mission.name, days: input.outcomes.length, ok: count('ok'), degraded: 0, failed: count('failed'), skipped: count('skipped'), decisions: {}, firstDate: null, lastDate: null, ctlStart: null, ctlEnd: null, summaryPaths: [] };
    },
  };
  return { acts, calls, failures, overrides, reflections, dataChecks, rides };
}
