import {
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  executeChild,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  ParentClosePolicy,
} from '@temporalio/workflow';
import type { MissionActivities } from '../shared/activity-api';
import type { IsoDate, MissionDay } from '../domain/types';
import { dayTiming, localDate, localTime, zonedInstant } from '../domain/schedule';
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
  type ReflectInput,
  type RunNowResult,
} from '../shared/mission-api';
import { assertValid, overrideProblems, reflectionProblems } from '../shared/message-validation';
import { ATHLETE, DAY, DECISION, MISSION_ID, PHASE, STAGE } from '../shared/search-attributes';
import { countOutcomes, initialState, toReflection, withReflection, OVERRIDES_KEPT, type MissionState } from '../shared/mission-state';
import { dailyCycleWorkflow } from './daily-cycle';
import type { DayContext } from '../shared/day-context';
import type { MissionSummary } from '../shared/mission-summary';
import { addDays } from '../domain/iso-date';

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
  // Handlers are registered before the first await so no message finds the workflow deaf; until
  // the mission is loaded, queries fail and update validators refuse with NOT_LOADED, and
  // reflections are kept aside.
  let loaded: MissionState | undefined = input.state;
  const NOT_LOADED = 'the mission is still loading; try again in a moment';
  /** The state, once loaded; before that it throws NOT_LOADED (the message callers see). */
  const st = (): MissionState => {
    if (!loaded) throw new Error(NOT_LOADED);
    return loaded;
  };
  /** Reflections that arrived before the mission loaded (e.g. with signal-with-start). */
  const earlyReflections: ReflectInput[] = [];
  const options = input.options ?? {};
  const maxDaysPerRun = options.maxDaysPerRun ?? DEFAULT_MAX_DAYS_PER_RUN;
  const mission = () => st().mission;
  const tz = () => st().mission.timezone;

  let phase: MissionPhase = 'waiting';
  /** Bumped by anything that changes the schedule, so a waiting loop re-computes its timer. */
  let scheduleVersion = 0;
  let runNowRequest: { date: IsoDate; force: boolean } | null = null;
  /** Index of the day whose cycle is running right now (a first run or a re-run), else null. */
  let runningIndex: number | null = null;
  const RUNNING = 'a day is running right now; try again when it has finished';

  const setPhase = (p: MissionPhase) => {
    phase = p;
    upsertSearchAttributes([{ key: PHASE, value: p }]);
  };
  const today = () => localDate(Date.now(), tz());
  const dayIndexOf = (date: IsoDate) => mission().days.findIndex((d) => d.date === date);
  const logOverride = (kind: string, changed: string) => {
    st().overridesLog = [...st().overridesLog, { at: new Date(Date.now()).toISOString(), kind, changed }].slice(-OVERRIDES_KEPT);
    scheduleVersion++;
  };
  const pendingDay = (date: IsoDate, what: string): number => {
    const i = dayIndexOf(date);
    if (i < 0) {
      const days = mission().days;
      throw new Error(`${what}: ${date} is not a day of mission ${mission().id} (${days[0]?.date} to ${days[days.length - 1]?.date})`);
    }
    if (i < st().nextIndex) throw new Error(`${what}: ${date} has already run`);
    // Its cycle has its context already: a change now would be reported but never applied.
    if (i === runningIndex) throw new Error(`${what}: ${date} is running right now; try again when it has finished`);
    return i;
  };

  // ---------------------------------------------------------------- messages

  setHandler(reflectSignal, async (input) => {
    const problems = reflectionProblems(input);
    if (problems.length > 0) {
      log.warn('reflection ignored', { problems });
      return;
    }
    // Stored at once (or as soon as the mission loads), so the next day's context already has it.
    if (loaded) loaded.reflections = withReflection(loaded.reflections, input);
    else earlyReflections.push(input);
    await condition(() => loaded !== undefined);
    // Record the reflection that was sent (not the newest by date, which may be another one).
    await acts.recordReflection({ missionId: mission().id, athlete: mission().athlete.handle }, toReflection(input));
  });

  setHandler(
    overrideUpdate,
    async (o: OverrideInput): Promise<OverrideResult> => {
      // The update id is unique per accepted update of this workflow (a client retry reuses it),
      // so the memory store records each override once, however long the log has grown.
      const requestId = `${workflowInfo().workflowId}:${currentUpdateInfo()?.id ?? workflowInfo().runId}`;
      const changed = applyOverride(o);
      logOverride(o.kind, changed);
      await acts.recordOverride(
        { missionId: mission().id, athlete: mission().athlete.handle },
        { requestId, kind: o.kind, input: o, changed },
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
      return { date, dayWorkflowId: dayWorkflowId(mission().id, date), rerun: i < st().nextIndex };
    },
    {
      validator: (input) => {
        const date = today();
        const i = dayIndexOf(date);
        if (st().paused) throw new Error('the mission is paused; resume it before running a day');
        if (i < 0) throw new Error(`today (${date}) is not a day of mission ${mission().id}`);
        const outcome = st().outcomes.find((o) => o.date === date && o.status !== 'skipped');
        if (i < st().nextIndex && outcome && !input?.force) {
          throw new Error(`today's cycle (${date}) already ran (${outcome.status}); use force to run it again`);
        }
        if (runningIndex !== null) throw new Error(RUNNING);
      },
    },
  );

  setHandler(statusQuery, (): MissionStatus => {
    const next = mission().days[st().nextIndex] ?? null;
    const c = countOutcomes(st().outcomes);
    return {
      missionId: mission().id,
      name: mission().name,
      athlete: mission().athlete.handle,
      timezone: tz(),
      runTime: mission().runTime,
      phase,
      paused: st().paused,
      pauseReason: st().pauseReason,
      nextDay: next ? { date: next.date, stage: next.stage, name: next.name } : null,
      nextRunAt: next && !st().paused ? new Date(Math.max(zonedInstant(next.date, mission().runTime, tz()), Date.now())).toISOString() : null,
      daysTotal: mission().days.length,
      daysDone: st().outcomes.filter((o) => o.status !== 'skipped').length,
      counters: { ...c, continuedAsNew: st().continuedAsNew },
      lastDay: st().outcomes[st().outcomes.length - 1] ?? null,
      load: st().load,
      ftpW: mission().athlete.ftpW,
      channels: mission().notifications.channels,
      configHash: st().configHash,
      reflections: st().reflections,
    };
  });

  setHandler(upcomingQuery, (n?: number) =>
    mission()
      .days.slice(st().nextIndex, st().nextIndex + (n ?? 7))
      .map((d) => {
        const eff = effectiveDay(d);
        return {
          date: d.date,
          stage: d.stage,
          name: d.name,
          type: eff.type,
          durationMin: eff.training.durationMin,
          override: (st().dayOverrides[d.date] ?? []).join('; ') || null,
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
        if (st().paused) throw new Error('the mission is already paused');
        return;
      case 'resume':
        if (!st().paused) throw new Error('the mission is not paused');
        return;
      case 'shift': {
        // The running day would move under its own cycle (its outcome keeps the old date).
        if (runningIndex !== null && runningIndex >= st().nextIndex) throw new Error(`shift: ${RUNNING}`);
        const first = mission().days[st().nextIndex];
        if (!first) throw new Error('shift: the mission has no remaining days');
        const newFirst = addDays(first.date, o.days);
        const lastRun = st().nextIndex > 0 ? mission().days[st().nextIndex - 1].date : null;
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
        st().restDays = [...new Set([...st().restDays, o.date])];
        const note = `rest day requested by the athlete${o.reason ? `: ${o.reason}` : ''}`;
        st().dayOverrides[o.date] = [...(st().dayOverrides[o.date] ?? []), note];
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
        st().mission = { ...m, days };
        return `${o.date} now rides "${b.name}" and ${o.otherDate} rides "${a.name}"`;
      }
      case 'set-ftp': {
        const before = m.athlete.ftpW;
        st().mission = { ...m, athlete: { ...m.athlete, ftpW: o.ftpW } };
        return `FTP ${before} W → ${o.ftpW} W`;
      }
      case 'pause':
        st().paused = true;
        st().pauseReason = o.reason ?? null;
        return `mission paused${o.reason ? ` (${o.reason})` : ''}; days that pass while paused are skipped`;
      case 'resume':
        st().paused = false;
        st().pauseReason = null;
        return 'mission resumed';
      case 'shift': {
        const days = m.days.map((d, idx) => (idx >= st().nextIndex ? { ...d, date: addDays(d.date, o.days) } : d));
        const moved: Record<IsoDate, string[]> = {};
        for (const [date, notes] of Object.entries(st().dayOverrides)) {
          const idx = dayIndexOf(date);
          moved[idx >= st().nextIndex ? addDays(date, o.days) : date] = notes;
        }
        st().dayOverrides = moved;
        st().restDays = st().restDays.map((d) => (dayIndexOf(d) >= st().nextIndex ? addDays(d, o.days) : d));
        st().mission = { ...m, days };
        return `remaining ${days.length - st().nextIndex} days moved by ${o.days > 0 ? '+' : ''}${o.days} days (next: ${days[st().nextIndex].date})`;
      }
      case 'set-run-time': {
        const before = m.runTime;
        st().mission = { ...m, runTime: o.runTime };
        return `daily run time ${before} → ${o.runTime} (${m.timezone})`;
      }
      case 'set-channels': {
        const before = m.notifications.channels.join(', ') || 'none';
        st().mission = { ...m, notifications: { ...m.notifications, channels: [...o.channels] } };
        return `notification channels ${before} → ${o.channels.join(', ')}`;
      }
    }
  }

  /** The day as it will run, with the athlete's rest-day override applied. */
  function effectiveDay(d: MissionDay): MissionDay {
    if (!st().restDays.includes(d.date)) return d;
    return { ...d, type: 'rest', training: { mode: 'rest', durationMin: 0, focus: 'rest (athlete override)' } };
  }

  // ---------------------------------------------------------------- load, then the days

  if (!loaded) {
    if (!input.file) throw new Error('missionWorkflow needs a mission file or a carried state');
    const result = await acts.loadMission({ file: input.file, startDate: input.startDate, nowMs: Date.now() });
    const fresh = initialState(result.mission, result.configHash, localDate(Date.now(), result.mission.timezone));
    for (const r of earlyReflections) fresh.reflections = withReflection(fresh.reflections, r);
    loaded = fresh;
  }
  const state = loaded;
  phase = state.paused ? 'paused' : 'waiting';
  upsertSearchAttributes([
    { key: MISSION_ID, value: state.mission.id },
    { key: ATHLETE, value: state.mission.athlete.handle },
    { key: PHASE, value: phase },
  ]);

  async function runDay(index: number, late: boolean, rerun: boolean): Promise<void> {
    const m = mission();
    const d = effectiveDay(m.days[index]);
    const ctx: DayContext = {
      missionId: m.id,
      missionName: m.name,
      athlete: m.athlete.handle,
      configHash: st().configHash,
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
      reflections: st().reflections.filter((r) => r.date < d.date),
      overrides: st().dayOverrides[d.date] ?? [],
      missionDays: m.days.slice(Math.max(0, index - 42), index + 15).map((x) => (x.date === d.date ? d : x)),
      totalDays: m.days.length,
      late,
    };
    setPhase('running-day');
    runningIndex = index;
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
      st().load = result.load;
      outcome = { date: d.date, status: result.status, decision: result.decision, state: result.state, ranAtLocal, late, note: rerun ? 'rerun' : null };
    } catch (err) {
      const message = rootCauseMessage(err);
      log.error('day failed', { missionId: m.id, date: d.date, error: message });
      await acts.recordDayFailure(ctx, message);
      outcome = { date: d.date, status: 'failed', decision: null, state: null, ranAtLocal, late, note: message };
    }
    st().outcomes = [...st().outcomes.filter((o) => o.date !== d.date), outcome];
    // v2: the mission workflow also carries the latest day's decision, so the Temporal UI can list
    // missions by today's decision. Missions started before this change replay without it
    // (tests/fixtures/histories); see "Changing workflow code" in the README.
    if (patched('mission-decision-search-attribute')) {
      upsertSearchAttributes([{ key: DECISION, value: outcome.decision ?? outcome.status }]);
    }
    // Mark the day done in the same step that ends "running", so no message sees it in between.
    if (!rerun) st().nextIndex = index + 1;
    runningIndex = null;
    setPhase(st().paused ? 'paused' : 'waiting');
  }

  function skipDay(index: number, why: string): void {
    const d = mission().days[index];
    st().outcomes = [...st().outcomes, { date: d.date, status: 'skipped', decision: null, state: null, ranAtLocal: null, late: false, note: why }];
    st().nextIndex = index + 1;
  }

  let daysThisRun = 0;
  while (st().nextIndex < mission().days.length) {
    if (st().paused) {
      setPhase('paused');
      const pausedAt = Date.now();
      await condition(() => !st().paused);
      setPhase('waiting');
      // Days whose run time passed during the pause are skipped, not caught up.
      while (st().nextIndex < mission().days.length) {
        const d = mission().days[st().nextIndex];
        const at = zonedInstant(d.date, mission().runTime, tz());
        if (at < pausedAt || at > Date.now()) break;
        skipDay(st().nextIndex, 'mission paused');
      }
      continue;
    }

    // A forced re-run of a day that already ran.
    const request = runNowRequest as { date: IsoDate; force: boolean } | null;
    if (request && dayIndexOf(request.date) >= 0 && dayIndexOf(request.date) < st().nextIndex) {
      runNowRequest = null;
      await runDay(dayIndexOf(request.date), false, true);
      continue;
    }

    const index = st().nextIndex;
    const day = mission().days[index];
    const timing = dayTiming(day, mission().runTime, tz(), Date.now(), st().startedOn);
    if (timing.kind === 'before-start') {
      skipDay(index, `before the mission started (${st().startedOn})`);
      continue;
    }
    const runNowForThisDay = request !== null && request.date === day.date;
    if (timing.kind === 'wait' && !runNowForThisDay) {
      const version = scheduleVersion;
      const woken = await condition(() => scheduleVersion !== version || st().paused, timing.at - Date.now());
      if (woken) continue; // something changed: re-evaluate pause, schedule and run-now
    }
    if (runNowForThisDay) runNowRequest = null;
    const late = timing.kind === 'run-late' && Date.now() - timing.at > 60_000;
    await runDay(index, late, false);
    daysThisRun++;

    if (st().nextIndex < mission().days.length && (workflowInfo().continueAsNewSuggested || daysThisRun >= maxDaysPerRun)) {
      await condition(allHandlersFinished);
      st().continuedAsNew++;
      return await continueAsNew<typeof missionWorkflow>({ state, options });
    }
  }

  setPhase('done');
  await condition(allHandlersFinished);
  return await acts.summarizeMission({ missionId: mission().id, athlete: mission().athlete.handle }, state);
}
