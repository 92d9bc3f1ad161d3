import type { MissionActivities } from '../../src/shared/activity-api';
import type { DayContext } from '../../src/shared/day-context';
import type { MissionConfig, MissionDay } from '../../src/domain/types';
import type { DayResult } from '../../src/shared/day-result';
import { addDays } from '../../src/domain/iso-date';

/**
 * Typed fake activities for workflow tests on the time-skipping server: they record what each
 * day's cycle received and when (in workflow time), so tests can assert order, timing and inputs.
 * The real activities are covered by their own tests and the integration tests.
 */
export interface DayCall {
  date: string;
  ctx: DayContext;
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

/** Temporal takes an error's type from its class name; this one is non-retryable in our policies. */
class ConfigurationError extends Error {}

export function fakeActivities(mission: MissionConfig, now: () => Promise<number>, opts: { failOn?: string[] } = {}) {
  const calls: DayCall[] = [];
  const failures: string[] = [];
  const overrides: string[] = [];
  const reflections: string[] = [];
  const acts: MissionActivities = {
    async loadMission(input) {
      if (input.startDate === 'today' || input.startDate) {
        const { localDate } = await import('../../src/domain/schedule');
        const { daysBetween } = await import('../../src/domain/iso-date');
        const start = input.startDate === 'today' ? localDate(input.nowMs, mission.timezone) : input.startDate;
        const shift = daysBetween(mission.startDate, start);
        return {
          mission: { ...mission, startDate: start, days: mission.days.map((d) => ({ ...d, date: addDays(d.date, shift) })) },
          configHash: 'hash-test',
        };
      }
      return { mission, configHash: 'hash-test' };
    },
    async beginDay(ctx) {
      calls.push({ date: ctx.date, ctx, atMs: await now() });
      if (opts.failOn?.includes(ctx.date)) throw new ConfigurationError(`boom on ${ctx.date}`);
    },
    async observe(ctx) {
      return { observation: { date: ctx.date, readiness: null, sleep: null, hrv: null, rides: [], missing: [] }, wellness: [] };
    },
    async assessLoad(ctx) {
      return { date: ctx.date, yesterdayTss: 0, yesterdayTssMethod: null, ctl: calls.length, atl: 0, tsb: 0, acwr: null, acwrSpike: false, hrv7dMean: null, hrvNormalLow: null, hrvNormalHigh: null, restingHrDeviation: null };
    },
    async reason(ctx) {
      const rest = ctx.day.training.mode === 'rest';
      return { date: ctx.date, state: 'ready', decision: rest ? 'rest' : 'as_planned', rationale: ['test'], confidence: 1, negotiation: null, tssBand: { min: 0, max: 100 }, maxDurationMin: ctx.day.training.durationMin, degraded: [] };
    },
    async plan(ctx) {
      return { workout: { title: `Workout ${ctx.date}`, sport: 'cycling', durationMin: ctx.day.training.durationMin, targetTss: 0, intervals: [], notes: '', source: 'fallback', fallbackReason: null, tokenUsage: null }, degraded: null };
    },
    async matchClasses() {
      return [];
    },
    async recordDay() {},
    async writeReport(ctx) {
      return { paths: [`output/${ctx.missionId}/${ctx.date}.md`] };
    },
    async notify() {
      return { outcomes: [], deferredUntil: null };
    },
    async finishDay(_ctx: DayContext, _result: DayResult) {},
    async recordDayFailure(ctx, message) {
      failures.push(`${ctx.date}: ${message}`);
    },
    async recordReflection(_scope, r) {
      if (r) reflections.push(r.date);
    },
    async recordOverride(_scope, o) {
      overrides.push(o.changed);
    },
    async summarizeMission(scope, state) {
      return { missionId: scope.missionId, name: state.mission.name, days: state.outcomes.length, ok: state.outcomes.filter((o) => o.status === 'ok').length, degraded: 0, failed: state.outcomes.filter((o) => o.status === 'failed').length, skipped: state.outcomes.filter((o) => o.status === 'skipped').length, decisions: {}, firstDate: null, lastDate: null, ctlStart: null, ctlEnd: null, summaryPaths: [] };
    },
  };
  return { acts, calls, failures, overrides, reflections };
}
