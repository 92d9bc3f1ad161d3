import {
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  ParentClosePolicy,
} from '@temporalio/workflow';
import type { MissionActivities } from '../activities/activity-api';
import type { IsoDate, MissionDay } from '../domain/types';
import { addDays, dayTiming, localDate, localTime, zonedInstant } from '../domain/schedule';
import {
  dayWorkflowId,
  overrideUpdate,
  reflectSignal,
  runNowUpdate,
  statusQuery,
  upcomingQuery,
  type DayOutcome,
  type MissionPhase,
  type MissionStatus,
  type OverrideInput,
  type OverrideResult,
  type RunNowResult,
} from '../shared/mission-api';
import { assertValid, overrideProblems, reflectionProblems } from '../shared/message-validation';
import { ATHLETE, DAY, MISSION_ID, PHASE, STAGE } from '../shared/search-attributes';
import { countOutcomes, initialState, withReflection, OVERRIDES_KEPT, type MissionState } from './mission-state';
import { dailyCycleWorkflow } from './daily-cycle';
import type { DayContext } from './day-context';
import type { MissionSummary } from '../activities/mission-summary';

type Activities = MissionActivities;

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['MissionConfigError', 'ConfigurationError', 'UserError'],
  },
});

export interface MissionWorkflowOptions {
  /** Continue-as-new after this many days in one run (bounds history). Default 30. */
  maxDaysPerRun?: number;
}

export interface MissionWorkflowInput {
  /** A mission file to load (first run); absent when continuing as new with `state`. */
  file?: string;
  /** Move the mission's calendar to start on this date; 'today' = the local date in its timezone. */
  startDate?: IsoDate | 'today';
  state?: MissionState;
  options?: MissionWorkflowOptions;
}

const DEFAULT_MAX_DAYS_PER_RUN = 30;

/** The innermost message of a Temporal failure chain (child → activity → application error). */
function rootCauseMessage(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/**
 * One long-lived workflow per mission (id `mission-<missionId>`): it sleeps until each day's run
 * time in the mission's timezone, runs the day as a child workflow, listens to the athlete
 * (reflections, overrides, run-now) and continues as new to keep its history small.
 */
export async function missionWorkflow(input: MissionWorkflowInput): Promise<MissionSummary> {
  let state: MissionState;
  if (input.state) {
    state = input.state;
  } else {
    if (!input.file) throw new Error('missionWorkflow needs a mission file or a carried state');
    const loaded = await acts.loadMission({ file: input.file, startDate: input.startDate, nowMs: Date.now() });
    state = initialState(loaded.mission, loaded.configHash, localDate(Date.now(), loaded.mission.timezone));
  }
  const options = input.options ?? {};
  const maxDaysPerRun = options.maxDaysPerRun ?? DEFAULT_MAX_DAYS_PER_RUN;
  const mission = () => state.mission;
  const tz = () => state.mission.timezone;

  let phase: MissionPhase = state.paused ? 'paused' : 'waiting';
  /** Bumped by anything that changes the schedule, so a waiting loop re-computes its timer. */
  let scheduleVersion = 0;
  let runNowRequest: { date: IsoDate; force: boolean } | null = null;

  const setPhase = (p: MissionPhase) => {
    phase = p;
    upsertSearchAttributes([{ key: PHASE, value: p }]);
  };
  upsertSearchAttributes([
    { key: MISSION_ID, value: mission().id },
    { key: ATHLETE, value: mission().athlete.handle },
    { key: PHASE, value: phase },
  ]);

  const today = () => localDate(Date.now(), tz());
  const dayIndexOf = (date: IsoDate) => mission().days.findIndex((d) => d.date === date);
  const logOverride = (kind: string, changed: string) => {
    state.overridesLog = [...state.overridesLog, { at: new Date(Date.now()).toISOString(), kind, changed }].slice(-OVERRIDES_KEPT);
    scheduleVersion++;
  };
  const pendingDay = (date: IsoDate, what: string): number => {
    const i = dayIndexOf(date);
    if (i < 0) {
      const days = mission().days;
      throw new Error(`${what}: ${date} is not a day of mission ${mission().id} (${days[0]?.date} to ${days[days.length - 1]?.date})`);
    }
    if (i < state.nextIndex) throw new Error(`${what}: ${date} has already run`);
    return i;
  };

  // ---------------------------------------------------------------- messages

  setHandler(reflectSignal, async (input) => {
    const problems = reflectionProblems(input);
    if (problems.length > 0) {
      log.warn('reflection ignored', { problems });
      return;
    }
    state.reflections = withReflection(state.reflections, input);
    await acts.recordReflection({ missionId: mission().id, athlete: mission().athlete.handle }, state.reflections[state.reflections.length - 1] ?? null);
  });

  setHandler(
    overrideUpdate,
    async (o: OverrideInput): Promise<OverrideResult> => {
      const changed = applyOverride(o);
      logOverride(o.kind, changed);
      await acts.recordOverride(
        { missionId: mission().id, athlete: mission().athlete.handle },
        { requestId: `${workflowInfo().runId}:${state.overridesLog.length}:${state.continuedAsNew}`, kind: o.kind, input: o, changed },
      );
      return { accepted: true, kind: o.kind, changed };
    },
    {
      validator: (o: OverrideInput) => {
        assertValid(overrideProblems(o));
        checkOverrideAgainstMission(o);
      },
    },
  );

  setHandler(
    runNowUpdate,
    (input): RunNowResult => {
      const date = today();
      const i = dayIndexOf(date);
      runNowRequest = { date, force: Boolean(input?.force) };
      scheduleVersion++;
      return { date, dayWorkflowId: dayWorkflowId(mission().id, date), rerun: i < state.nextIndex };
    },
    {
      validator: (input) => {
        const date = today();
        const i = dayIndexOf(date);
        if (state.paused) throw new Error('the mission is paused; resume it before running a day');
        if (i < 0) throw new Error(`today (${date}) is not a day of mission ${mission().id}`);
        const outcome = state.outcomes.find((o) => o.date === date && o.status !== 'skipped');
        if (i < state.nextIndex && outcome && !input?.force) {
          throw new Error(`today's cycle (${date}) already ran (${outcome.status}); use force to run it again`);
        }
        if (phase === 'running-day') throw new Error('a day is running right now; try again when it has finished');
      },
    },
  );

  setHandler(statusQuery, (): MissionStatus => {
    const next = mission().days[state.nextIndex] ?? null;
    const c = countOutcomes(state.outcomes);
    return {
      missionId: mission().id,
      name: mission().name,
      athlete: mission().athlete.handle,
      timezone: tz(),
      runTime: mission().runTime,
      phase,
      paused: state.paused,
      pauseReason: state.pauseReason,
      nextDay: next ? { date: next.date, stage: next.stage, name: next.name } : null,
      nextRunAt: next && !state.paused ? new Date(Math.max(zonedInstant(next.date, mission().runTime, tz()), Date.now())).toISOString() : null,
      daysTotal: mission().days.length,
      daysDone: state.outcomes.filter((o) => o.status !== 'skipped').length,
      counters: { ...c, continuedAsNew: state.continuedAsNew },
      lastDay: state.outcomes[state.outcomes.length - 1] ?? null,
      load: state.load,
      ftpW: mission().athlete.ftpW,
      channels: mission().notifications.channels,
      configHash: state.configHash,
      reflections: state.reflections,
    };
  });

  setHandler(upcomingQuery, (n?: number) =>
    mission()
      .days.slice(state.nextIndex, state.nextIndex + (n ?? 7))
      .map((d) => {
        const eff = effectiveDay(d);
        return {
          date: d.date,
          stage: d.stage,
          name: d.name,
          type: eff.type,
          durationMin: eff.training.durationMin,
          override: (state.dayOverrides[d.date] ?? []).join('; ') || null,
        };
      }),
  );

  function checkOverrideAgainstMission(o: OverrideInput): void {
    switch (o.kind) {
      case 'rest-day':
        pendingDay(o.date, 'rest-day');
        return;
      case 'swap-days':
        pendingDay(o.date, 'swap-days');
        pendingDay(o.otherDate, 'swap-days');
        return;
      case 'pause':
        if (state.paused) throw new Error('the mission is already paused');
        return;
      case 'resume':
        if (!state.paused) throw new Error('the mission is not paused');
        return;
      case 'shift': {
        const first = mission().days[state.nextIndex];
        if (!first) throw new Error('shift: the mission has no remaining days');
        const newFirst = addDays(first.date, o.days);
        const lastRun = state.nextIndex > 0 ? mission().days[state.nextIndex - 1].date : null;
        if (newFirst < today()) throw new Error(`shift: the next day would move to ${newFirst}, before today (${today()})`);
        if (lastRun && newFirst <= lastRun) throw new Error(`shift: the next day would move to ${newFirst}, on or before the last day that ran (${lastRun})`);
        return;
      }
      default:
        return;
    }
  }

  function applyOverride(o: OverrideInput): string {
    const m = mission();
    switch (o.kind) {
      case 'rest-day': {
        state.restDays = [...new Set([...state.restDays, o.date])];
        const note = `rest day requested by the athlete${o.reason ? `: ${o.reason}` : ''}`;
        state.dayOverrides[o.date] = [...(state.dayOverrides[o.date] ?? []), note];
        return `${o.date} is now a rest day`;
      }
      case 'swap-days': {
        const i = dayIndexOf(o.date);
        const j = dayIndexOf(o.otherDate);
        const a = m.days[i];
        const b = m.days[j];
        const days = [...m.days];
        days[i] = { ...b, index: a.index, date: a.date };
        days[j] = { ...a, index: b.index, date: b.date };
        state.mission = { ...m, days };
        return `${o.date} now rides "${b.name}" and ${o.otherDate} rides "${a.name}"`;
      }
      case 'set-ftp': {
        const before = m.athlete.ftpW;
        state.mission = { ...m, athlete: { ...m.athlete, ftpW: o.ftpW } };
        return `FTP ${before} W → ${o.ftpW} W`;
      }
      case 'pause':
        state.paused = true;
        state.pauseReason = o.reason ?? null;
        return `mission paused${o.reason ? ` (${o.reason})` : ''}; days that pass while paused are skipped`;
      case 'resume':
        state.paused = false;
        state.pauseReason = null;
        return 'mission resumed';
      case 'shift': {
        const days = m.days.map((d, idx) => (idx >= state.nextIndex ? { ...d, date: addDays(d.date, o.days) } : d));
        const moved: Record<IsoDate, string[]> = {};
        for (const [date, notes] of Object.entries(state.dayOverrides)) {
          const idx = dayIndexOf(date);
          moved[idx >= state.nextIndex ? addDays(date, o.days) : date] = notes;
        }
        state.dayOverrides = moved;
        state.restDays = state.restDays.map((d) => (dayIndexOf(d) >= state.nextIndex ? addDays(d, o.days) : d));
        state.mission = { ...m, days };
        return `remaining ${days.length - state.nextIndex} days moved by ${o.days > 0 ? '+' : ''}${o.days} days (next: ${days[state.nextIndex].date})`;
      }
      case 'set-run-time': {
        const before = m.runTime;
        state.mission = { ...m, runTime: o.runTime };
        return `daily run time ${before} → ${o.runTime} (${m.timezone})`;
      }
      case 'set-channels': {
        const before = m.notifications.channels.join(', ') || 'none';
        state.mission = { ...m, notifications: { ...m.notifications, channels: [...o.channels] } };
        return `notification channels ${before} → ${o.channels.join(', ')}`;
      }
    }
  }

  /** The day as it will run, with the athlete's rest-day override applied. */
  function effectiveDay(d: MissionDay): MissionDay {
    if (!state.restDays.includes(d.date)) return d;
    return { ...d, type: 'rest', training: { mode: 'rest', durationMin: 0, focus: 'rest (athlete override)' } };
  }

  // ---------------------------------------------------------------- days

  async function runDay(index: number, late: boolean, rerun: boolean): Promise<void> {
    const m = mission();
    const d = effectiveDay(m.days[index]);
    const ctx: DayContext = {
      missionId: m.id,
      missionName: m.name,
      athlete: m.athlete.handle,
      configHash: state.configHash,
      date: d.date,
      dayWorkflowId: dayWorkflowId(m.id, d.date),
      day: d,
      profile: m.athlete,
      goals: m.goals,
      planner: m.planner,
      timezone: m.timezone,
      runTime: m.runTime,
      channels: m.notifications.channels,
      quietHours: m.notifications.quietHours,
      reflections: state.reflections.filter((r) => r.date < d.date),
      overrides: state.dayOverrides[d.date] ?? [],
      missionDays: m.days.slice(Math.max(0, index - 42), index + 15).map((x) => (x.date === d.date ? d : x)),
      totalDays: m.days.length,
      late,
    };
    setPhase('running-day');
    const ranAtLocal = localTime(Date.now(), tz());
    let outcome: DayOutcome;
    try {
      const result = await executeChild(dailyCycleWorkflow, {
        workflowId: ctx.dayWorkflowId,
        args: [ctx],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        memo: { missionName: m.name },
        typedSearchAttributes: [
          { key: MISSION_ID, value: m.id },
          { key: ATHLETE, value: m.athlete.handle },
          { key: DAY, value: d.date },
          ...(d.stage !== null ? [{ key: STAGE, value: d.stage }] : []),
        ],
      });
      state.load = result.load;
      outcome = { date: d.date, status: result.status, decision: result.decision, state: result.state, ranAtLocal, late, note: rerun ? 'rerun' : null };
    } catch (err) {
      const message = rootCauseMessage(err);
      log.error('day failed', { missionId: m.id, date: d.date, error: message });
      await acts.recordDayFailure(ctx, message);
      outcome = { date: d.date, status: 'failed', decision: null, state: null, ranAtLocal, late, note: message };
    }
    state.outcomes = [...state.outcomes.filter((o) => o.date !== d.date), outcome];
    setPhase(state.paused ? 'paused' : 'waiting');
  }

  function skipDay(index: number, why: string): void {
    const d = mission().days[index];
    state.outcomes = [...state.outcomes, { date: d.date, status: 'skipped', decision: null, state: null, ranAtLocal: null, late: false, note: why }];
    state.nextIndex = index + 1;
  }

  let daysThisRun = 0;
  while (state.nextIndex < mission().days.length) {
    if (state.paused) {
      setPhase('paused');
      const pausedAt = Date.now();
      await condition(() => !state.paused);
      setPhase('waiting');
      // Days whose run time passed during the pause are skipped, not caught up.
      while (state.nextIndex < mission().days.length) {
        const d = mission().days[state.nextIndex];
        const at = zonedInstant(d.date, mission().runTime, tz());
        if (at < pausedAt || at > Date.now()) break;
        skipDay(state.nextIndex, 'mission paused');
      }
      continue;
    }

    // A forced re-run of a day that already ran.
    const request = runNowRequest as { date: IsoDate; force: boolean } | null;
    if (request && dayIndexOf(request.date) >= 0 && dayIndexOf(request.date) < state.nextIndex) {
      runNowRequest = null;
      await runDay(dayIndexOf(request.date), false, true);
      continue;
    }

    const index = state.nextIndex;
    const day = mission().days[index];
    const timing = dayTiming(day, mission().runTime, tz(), Date.now(), state.startedOn);
    if (timing.kind === 'before-start') {
      skipDay(index, `before the mission started (${state.startedOn})`);
      continue;
    }
    const runNowForThisDay = request !== null && request.date === day.date;
    if (timing.kind === 'wait' && !runNowForThisDay) {
      const version = scheduleVersion;
      const woken = await condition(() => scheduleVersion !== version || state.paused, timing.at - Date.now());
      if (woken) continue; // something changed: re-evaluate pause, schedule and run-now
    }
    if (runNowForThisDay) runNowRequest = null;
    const late = timing.kind === 'run-late' && Date.now() - timing.at > 60_000;
    await runDay(index, late, false);
    state.nextIndex = index + 1;
    daysThisRun++;

    if (state.nextIndex < mission().days.length && (workflowInfo().continueAsNewSuggested || daysThisRun >= maxDaysPerRun)) {
      await condition(allHandlersFinished);
      state.continuedAsNew++;
      return await continueAsNew<typeof missionWorkflow>({ state, options });
    }
  }

  setPhase('done');
  await condition(allHandlersFinished);
  return await acts.summarizeMission({ missionId: mission().id, athlete: mission().athlete.handle }, state);
}
