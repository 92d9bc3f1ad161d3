import path from 'node:path';
import fs from 'node:fs';
import { Context, ApplicationFailure } from '@temporalio/activity';
import type { IsoDate, MissionConfig, Workout } from '../domain/types';
import { localDate } from '../domain/schedule';
import { canonicalMissionJson, isMissionConfigError, loadMissionFile, missionHash, shiftMission } from '../mission';
import type { MemoryStore, MissionScope, DayRecord } from '../memory';
import { computeLoad, createObservationSources, observeDay, type StravaRateLimiter, type WellnessPoint } from '../observation';
import type { TokenStore } from '../secrets';
import {
  decideDay,
  loadOfflineCatalogue,
  matchClasses as matchPelotonClasses,
  planWorkout,
  plannerFromEnv,
  recentPlannerContext,
  type AthleteParameters,
  type PelotonClass,
  type CoachedDay,
} from '../coaching';
import {
  renderBlockSummary,
  renderDayReport,
  summariseObservation,
  writeReportFiles,
  type BlockDay,
  type DayReport,
  createNotifier,
  outboxFromStore,
  type Notifier,
  type NotifyConfig,
  type Outbox,
  type NotificationOutcome,
} from '../communication';
import { projectRoot } from '../infra/project-paths';
import type { DayContext } from '../shared/day-context';
import type { MissionState } from '../shared/mission-state';
import type { MissionActivities, ObservedDay, Scope } from '../shared/activity-api';
import type { DayResult, DayNotification } from '../shared/day-result';
import type { MissionSummary } from '../shared/mission-summary';
import { dataSourceMode, doneTssFromHistory, syntheticAthleteFor } from './data-sources';
import { addDays } from '../domain/iso-date';
import { activityAttemptOwner } from './claim-owner';

export type { MissionActivities } from '../shared/activity-api';

/** What the activities need from the process: built once by the worker, replaced in tests. */
export interface ActivityDeps {
  memory: MemoryStore;
  tokens: TokenStore;
  /** Notification settings from the environment (validated once at worker start). */
  notify: NotifyConfig;
  /** Replaces the notifier built from `notify` (tests that inject a failing mailer, for instance). */
  notifier?: (outbox: Outbox) => Notifier;
  outputDir: string;
  env: NodeJS.ProcessEnv;
  /** Temporal UI base URL for links in reports, when a UI runs. */
  temporalUiUrl: string | null;
  namespace: string;
  stravaLimiter?: StravaRateLimiter;
  /** The offline Peloton catalogue (loaded once). */
  catalogue?: PelotonClass[];
}

/** Days of history the observation reads (rides and nightly HRV) for the load model. */
export const HISTORY_DAYS = 90;

const scopeOf = (ctx: { missionId: string; athlete: string }): MissionScope => ({ missionId: ctx.missionId, athlete: ctx.athlete });

/** Keeps a long call alive in Temporal's eyes: heartbeats every 10 s until it settles. */
async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const ctx = Context.current();
    timer = setInterval(() => ctx.heartbeat(), 10_000);
  } catch {
    /* not inside an activity (direct calls in tests / dry runs) */
  }
  try {
    return await work();
  } finally {
    if (timer) clearInterval(timer);
  }
}

function attempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/** The intensity factor a plan implies: TSS = h × IF² × 100. */
function impliedIf(w: Workout | null): number | null {
  if (!w || w.durationMin <= 0 || w.targetTss <= 0) return null;
  return Math.round(Math.sqrt(w.targetTss / ((w.durationMin / 60) * 100)) * 100) / 100;
}

export function createActivities(deps: ActivityDeps): MissionActivities {
  const { memory } = deps;
  const catalogue = () => (deps.catalogue ??= loadOfflineCatalogue());

  async function history(scope: MissionScope, date: IsoDate, days: number): Promise<DayRecord[]> {
    return memory.reads.history(scope, addDays(date, -days), addDays(date, -1));
  }

  function coachRecentDays(ctx: DayContext, records: DayRecord[]): CoachedDay[] {
    const byDate = new Map(ctx.missionDays.map((d) => [d.date, d]));
    return records
      .filter((r) => r.decision)
      .map((r) => {
        const hrv = r.observation?.hrv?.averageHrvMs ?? null;
        const mean = r.load?.hrv7dMean ?? null;
        return {
          date: r.date,
          state: r.decision!.decision.state,
          decision: r.decision!.decision.decision,
          stageType: byDate.get(r.date)?.type ?? 'flat',
          intendedIf: impliedIf(r.plan),
          plannedTss: r.plan?.targetTss ?? null,
          hrvDropPct: hrv !== null && mean ? Math.round(((mean - hrv) / mean) * 1000) / 1000 : null,
        };
      });
  }

  function weekMinutesSoFar(records: DayRecord[], date: IsoDate): number {
    const from = addDays(date, -6);
    return records.filter((r) => r.date >= from && r.date < date).reduce((sum, r) => sum + (r.plan?.durationMin ?? 0), 0);
  }

  async function buildReport(ctx: DayContext, notifications: NotificationOutcome[]): Promise<DayReport> {
    const scope = scopeOf(ctx);
    const day = await memory.reads.getDay(scope, ctx.date);
    if (!day.decision) throw ApplicationFailure.nonRetryable(`no decision recorded for ${ctx.date}: the record step must run first`, 'StateError');
    const past = await memory.reads.history(scope, addDays(ctx.date, -27), ctx.date);
    const adaptation = await memory.days.latestAdaptationBefore(scope, addDays(ctx.date, 1));
    const changes = Array.isArray(adaptation?.changes) ? (adaptation!.changes as { why?: string }[]).map((c) => c.why ?? '').filter(Boolean) : [];
    const replan = (adaptation?.replan as { why?: string } | null)?.why;
    return {
      mission: { id: ctx.missionId, name: ctx.missionName },
      athlete: { handle: ctx.athlete },
      date: ctx.date,
      day: ctx.day,
      totalDays: ctx.totalDays,
      decision: day.decision.decision,
      workout: day.plan,
      classes: day.classSuggestions ?? [],
      load: day.load,
      observation: summariseObservation(day.observation ?? { date: ctx.date, readiness: null, sleep: null, hrv: null, rides: [], missing: [] }),
      history: past.map((r) => ({
        date: r.date,
        readiness: r.observation?.readiness?.score ?? null,
        hrv: r.observation?.hrv?.averageHrvMs ?? null,
        ctl: r.load?.ctl ?? null,
        atl: r.load?.atl ?? null,
        tsb: r.load?.tsb ?? null,
      })),
      adaptations: [...changes, ...(replan ? [replan] : [])],
      notifications,
      temporalUiUrl: deps.temporalUiUrl ? `${deps.temporalUiUrl}/namespaces/${deps.namespace}/workflows/${encodeURIComponent(ctx.dayWorkflowId)}` : null,
    };
  }

  async function writeReportFor(ctx: DayContext, notifications: NotificationOutcome[]): Promise<string[]> {
    const report = await buildReport(ctx, notifications);
    const files = await writeReportFiles(deps.outputDir, ctx.missionId, ctx.date, renderDayReport(report));
    const paths = [files.markdown, files.html, files.json];
    await memory.days.recordReport(scopeOf(ctx), ctx.date, { paths, formats: ['md', 'html', 'json'] });
    return paths;
  }

  return {
    async loadMission({ file, startDate, nowMs }) {
      const resolved = path.isAbsolute(file) || fs.existsSync(file) ? path.resolve(file) : path.join(projectRoot(), file);
      let mission: MissionConfig;
      try {
        mission = await loadMissionFile(resolved);
      } catch (err) {
        if (isMissionConfigError(err)) throw ApplicationFailure.nonRetryable((err as Error).message, 'MissionConfigError');
        throw err;
      }
      if (startDate) mission = shiftMission(mission, startDate === 'today' ? localDate(nowMs, mission.timezone) : startDate);
      const configHash = missionHash(mission);
      const scope = { missionId: mission.id, athlete: mission.athlete.handle };
      await memory.missions.upsertMission(scope, { name: mission.name, configHash, status: 'active' });
      await memory.missions.storeConfigVersion(scope, canonicalMissionJson(mission), configHash);
      return { mission, configHash };
    },

    async beginDay(ctx) {
      await memory.days.recordDayRun(scopeOf(ctx), ctx.date, { workflowId: ctx.dayWorkflowId, configHash: ctx.configHash });
    },

    async observe(ctx): Promise<ObservedDay> {
      const scope = scopeOf(ctx);
      const source = dataSourceMode(deps.env);
      let sources;
      if (source.mode === 'synthetic') {
        const past = await memory.reads.history(scope, ctx.missionDays[0]?.date ?? ctx.date, addDays(ctx.date, -1));
        const done = doneTssFromHistory(past.map((r) => ({ date: r.date, plannedTss: r.plan?.targetTss ?? null, completed: r.reflection?.completed ?? null })));
        const missionStart = addDays(ctx.date, -ctx.day.index);
        sources = createObservationSources({
          athlete: ctx.athlete,
          store: deps.tokens,
          synthetic: syntheticAthleteFor({ missionId: ctx.missionId, profile: ctx.profile, timezone: ctx.timezone, missionStart, date: ctx.date, done, historyDays: HISTORY_DAYS }),
        });
      } else {
        sources = createObservationSources({
          athlete: ctx.athlete,
          store: deps.tokens,
          oura: source.oura,
          strava: source.strava,
          env: deps.env,
          stravaLimiter: deps.stravaLimiter,
        });
      }
      const result = await heartbeating(() => observeDay(sources, ctx.profile, ctx.date, HISTORY_DAYS));
      const config = result.errors.find((e) => e.type === 'ObservationConfig');
      if (config) throw ApplicationFailure.nonRetryable(config.message, 'ConfigurationError');
      // A passing outage is retried twice; after that the day goes on, degraded, with the reason.
      const passing = result.errors.filter((e) => e.retryable);
      if (passing.length > 0 && attempt() < 3) {
        throw ApplicationFailure.retryable(passing.map((e) => `${e.source}: ${e.message}`).join('; '), 'SourceUnavailable');
      }
      return { observation: result.observation, wellness: result.wellness };
    },

    async assessLoad(ctx, observed) {
      return computeLoad({
        date: ctx.date,
        athlete: ctx.profile,
        rides: observed.observation.rides,
        wellness: observed.wellness as WellnessPoint[],
        historyStart: addDays(ctx.date, -HISTORY_DAYS),
      });
    },

    async reason(ctx, observed, load) {
      const scope = scopeOf(ctx);
      const records = await history(scope, ctx.date, 14);
      const stored = await memory.days.latestAdaptationBefore(scope, ctx.date);
      const { decision, adaptation } = decideDay({
        day: ctx.day,
        mission: { athlete: ctx.profile, goals: ctx.goals, days: ctx.missionDays, planner: ctx.planner },
        observation: observed.observation,
        load,
        reflections: ctx.reflections,
        recentDays: coachRecentDays(ctx, records),
        weekMinutesSoFar: weekMinutesSoFar(records, ctx.date),
        params: (stored?.parameters as AthleteParameters | undefined) ?? undefined,
      });
      await memory.days.recordAdaptation(scope, ctx.date, { parameters: adaptation.parameters, changes: adaptation.changes, replan: adaptation.replan });
      const overrides = ctx.overrides.map((o) => `Athlete override: ${o}.`);
      return { ...decision, rationale: [...overrides, ...decision.rationale] };
    },

    async plan(ctx, decision) {
      const records = await history(scopeOf(ctx), ctx.date, 14);
      const weeklyRemainingMin = Math.max(0, Math.floor(ctx.goals.weeklyHoursCap * 60 - weekMinutesSoFar(records, ctx.date)));
      const setup = plannerFromEnv(ctx.planner, deps.env);
      const workout = await heartbeating(() =>
        planWorkout(
          {
            day: ctx.day,
            decision,
            athlete: ctx.profile,
            weeklyRemainingMin,
            recent: recentPlannerContext({ reflections: ctx.reflections, recentDays: coachRecentDays(ctx, records) }),
            language: ctx.planner.language,
            redact: [ctx.athlete],
          },
          setup,
        ),
      );
      // A model that is off (not configured, switched off) or a rest day is not a degradation; a
      // configured model that failed or answered something invalid is.
      const modelWasAsked = setup.llm !== null && decision.decision !== 'rest' && decision.maxDurationMin > 0;
      const degraded = modelWasAsked && workout.source === 'fallback' ? `planner fell back to a template: ${workout.fallbackReason}` : null;
      return { workout, degraded };
    },

    async matchClasses(ctx, decision, workout) {
      const match = await matchPelotonClasses(
        { decision, stageType: ctx.day.type, disciplines: ctx.profile.disciplines, targetDurationMin: workout.durationMin > 0 ? workout.durationMin : undefined },
        { offline: catalogue(), env: deps.env },
      );
      return match.suggestions;
    },

    async recordDay(ctx, record) {
      const scope = scopeOf(ctx);
      await memory.days.recordObservation(scope, record.observation);
      await memory.days.recordLoad(scope, record.load);
      await memory.days.recordDecision(scope, record.decision, ctx.configHash);
      await memory.days.recordPlan(scope, ctx.date, record.workout);
      await memory.days.recordClassSuggestions(scope, ctx.date, record.classes);
    },

    async writeReport(ctx) {
      return { paths: await writeReportFor(ctx, []) };
    },

    async notify(ctx) {
      const report = await buildReport(ctx, []);
      // The outbox row (claimed before sending, marked after) is what makes a retry never send twice.
      const outbox = outboxFromStore(memory.outbox, () => scopeOf(ctx), activityAttemptOwner());
      const notifier = deps.notifier ? deps.notifier(outbox) : createNotifier({ config: deps.notify, outbox });
      let result;
      try {
        result = await heartbeating(() =>
          notifier.notifyDay({
            missionId: ctx.missionId,
            date: ctx.date,
            channels: ctx.channels,
            report,
            quiet: { timezone: ctx.timezone, quietHours: ctx.quietHours },
          }),
        );
      } finally {
        notifier.close();
      }
      if (result.retryable && attempt() < 3) {
        throw ApplicationFailure.retryable(`some channels failed and may succeed later: ${result.channels.filter((c) => c.status === 'failed').map((c) => `${c.channel}: ${c.reason}`).join('; ')}`, 'NotificationRetry');
      }
      if (result.summary !== 'deferred') await writeReportFor(ctx, result.channels);
      const outcomes: DayNotification[] = result.channels.map((c) => ({
        channel: c.channel,
        status: c.status === 'already_sent' ? 'already-sent' : c.status === 'in_progress' ? 'deferred' : c.status,
        detail: c.reason ?? (c.status === 'sent' ? `sent via ${c.transport}` : ''),
      }));
      return { outcomes, deferredUntil: result.deferredUntil };
    },

    async finishDay(ctx, result: DayResult) {
      await memory.days.finishDayRun(scopeOf(ctx), ctx.date, { status: result.status, degradedReasons: result.degraded });
    },

    async recordDayFailure(ctx, message) {
      await memory.days.recordDayRun(scopeOf(ctx), ctx.date, { workflowId: ctx.dayWorkflowId, configHash: ctx.configHash });
      await memory.days.finishDayRun(scopeOf(ctx), ctx.date, { status: 'failed', degradedReasons: [message] });
    },

    async recordReflection(scope: Scope, reflection) {
      if (reflection) await memory.input.recordReflection(scope, reflection);
    },

    async recordOverride(scope: Scope, o) {
      const day = 'date' in o.input ? o.input.date : null;
      await memory.input.recordOverride(scope, { requestId: o.requestId, kind: o.kind, day, payload: { input: o.input, changed: o.changed } });
    },

    async summarizeMission(scope: Scope, state: MissionState): Promise<MissionSummary> {
      const m = state.mission;
      const first = m.days[0]?.date;
      const last = m.days[m.days.length - 1]?.date;
      const records = first && last ? await memory.reads.history(scope, first, last) : [];
      const byDate = new Map(records.map((r) => [r.date, r]));
      const days: BlockDay[] = [];
      for (const d of m.days) {
        const r = byDate.get(d.date);
        if (!r?.decision) continue;
        const next = byDate.get(addDays(d.date, 1));
        days.push({
          date: d.date,
          stage: d.stage,
          decision: r.decision.decision.decision,
          plannedTss: r.plan?.targetTss ?? null,
          actualTss: next?.load?.yesterdayTss ?? null,
          ctl: r.load?.ctl ?? null,
          atl: r.load?.atl ?? null,
          tsb: r.load?.tsb ?? null,
          completed: r.reflection?.completed ?? null,
        });
      }
      const rendered = renderBlockSummary({ mission: { id: m.id, name: m.name }, athlete: { handle: m.athlete.handle }, days });
      const files = await writeReportFiles(deps.outputDir, m.id, 'summary', rendered);
      await memory.missions.setMissionStatus(scope, 'completed');
      const count = (s: string) => state.outcomes.filter((o) => o.status === s).length;
      return {
        missionId: m.id,
        name: m.name,
        days: state.outcomes.length,
        ok: count('ok'),
        degraded: count('degraded'),
        failed: count('failed'),
        skipped: count('skipped'),
        decisions: rendered.summary.decisions,
        firstDate: first ?? null,
        lastDate: last ?? null,
        ctlStart: rendered.summary.ctlStart,
        ctlEnd: rendered.summary.ctlEnd,
        summaryPaths: [files.markdown, files.html, files.json],
      };
    },
  };
}
