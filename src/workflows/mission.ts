import {
  allHandlersFinished,
  ApplicationFailure,
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
import type { LegacyMissionActivities, MissionActivities } from '../shared/activity-api';
import type { ClockTime, IsoDate, MissionConfig } from '../domain/types';
import { dayTiming, localDate, localTime, zonedInstant } from '../domain/schedule';
import { parseClockTime } from '../domain/iso-date';
import {
  dataReadySignal,
  dayWorkflowId,
  legacyMissionWorkflowId,
  overrideUpdate,
  reflectSignal,
  runNowUpdate,
  statusQuery,
  upcomingQuery,
  type DataReadyInput,
  type DayOutcome,
  type MissionPhase,
  type MissionStatus,
  type OverrideInput,
  type OverrideResult,
  type ReflectInput,
  type RunNowResult,
} from '../shared/mission-api';
import { assertValid, overrideProblems, reflectionProblems, runNowProblems } from '../shared/message-validation';
import { dataReadyProblems } from '../shared/data-ready-validation';
import { applyOverride, checkOverride, effectiveDay, RUNNING } from '../shared/mission-overrides';
import { ATHLETE, DAY, DECISION, MISSION_ID, PHASE, STAGE } from '../shared/search-attributes';
import { countOutcomes, initialState, rememberEvent, toReflection, withReflection, OVERRIDES_KEPT, type MissionState } from '../shared/mission-state';
import type { DayKey } from '../shared/day-key';
import type { MissionSummary } from '../shared/mission-summary';
import { dailyCycleWorkflow } from './daily-cycle';
import { MISSIONS_AS_DATA } from './patches';
import { MISSION_NON_RETRYABLE, MISSION_STORE_OPTIONS } from './activity-options';

type Activities = MissionActivities & LegacyMissionActivities;

/** The mission's writes to PostgreSQL: retried without a limit (see activity-options.ts). */
const store = proxyActivities<Activities>(MISSION_STORE_OPTIONS);

/** Recording an override: someone waits for the answer, so a bounded retry, then a clear refusal. */
const commit = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 6, nonRetryableErrorTypes: MISSION_NON_RETRYABLE },
});

/** Calls to the providers that a webhook event asks for: a few tries, then the day goes on as planned. */
const provider = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 4, nonRetryableErrorTypes: [...MISSION_NON_RETRYABLE, 'AuthenticationError'] },
});

export interface MissionWorkflowOptions {
  /** Continue-as-new after this many days in one run (bounds history). Default 30. */
  maxDaysPerRun?: number;
}

export interface MissionWorkflowInput {
  /** The canonical mission, validated by the client (first run). */
  mission?: MissionConfig;
  /** The client's hash of `mission`. */
  configHash?: string;
  /** The athlete's opaque id (workflow ids, search attributes). */
  athleteId?: string;
  /** Move the mission's calendar to start on this date; 'today' = the local date in its timezone. */
  startDate?: IsoDate | 'today';
  /**
   * Legacy: a mission file the worker read. Only histories of missions started before missions
   * travelled as data have it; the activity now refuses it.
   */
  file?: string;
  /** The state carried through continue-as-new. */
  state?: MissionState;
  options?: MissionWorkflowOptions;
}

const DEFAULT_MAX_DAYS_PER_RUN = 30;
/** Without `earliestTime`, an event may start the day this long before its run time. */
const DEFAULT_EARLY_WINDOW_MIN = 120;

/** The innermost message of a Temporal failure chain (child → activity → application error). */
function rootCauseMessage(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/** The earliest local time an event may start the day: the mission's, else two hours before the run time. */
export function earliestTimeOf(mission: Pick<MissionConfig, 'runTime' | 'earliestTime'>): ClockTime {
  if (mission.earliestTime) return mission.earliestTime <= mission.runTime ? mission.earliestTime : mission.runTime;
  const { hour, minute } = parseClockTime(mission.runTime);
  const at = Math.max(0, hour * 60 + minute - DEFAULT_EARLY_WINDOW_MIN);
  return `${String(Math.floor(at / 60)).padStart(2, '0')}:${String(at % 60).padStart(2, '0')}`;
}

/**
 * One long-lived workflow per mission (id `mission-<athleteId>-<missionId>`): it sleeps until each
 * day's run time in the mission's timezone — or starts earlier when a webhook says the night's data
 * has landed —, runs the day as a child workflow, listens to the athlete (reflections, overrides,
 * run-now) and continues as new to keep its history small.
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
  const scope = () => ({ missionId: mission().id, athlete: mission().athlete.handle });

  let phase: MissionPhase = 'waiting';
  /** Bumped by anything that changes the schedule, so a waiting loop re-computes its timer. */
  let scheduleVersion = 0;
  /** Bumped by each new Oura event: the waiting loop checks whether today's data has landed. */
  let dataVersion = 0;
  /** Legacy (histories before missions travelled as data): the run-now request lived here, not in the state. */
  let legacyRunNow: { date: IsoDate; force: boolean } | null = null;
  /** Index of the day whose cycle is running right now (a first run or a re-run), else null. */
  let runningIndex: number | null = null;
  /** Writes started by message handlers that have not finished; a day waits for them. */
  let pendingWrites = 0;
  /** An override is being recorded: the next one waits, so each is checked against the state it changes. */
  let committing = false;

  const setPhase = (p: MissionPhase) => {
    phase = p;
    upsertSearchAttributes([{ key: PHASE, value: p }]);
  };
  const today = () => localDate(Date.now(), tz());
  const dayIndexOf = (date: IsoDate) => mission().days.findIndex((d) => d.date === date);
  /** The pending run-now request (no patched() call: queries read it too). */
  const runNowRequest = () => st().runNow ?? legacyRunNow;
  const setRunNow = (r: { date: IsoDate; force: boolean } | null) => {
    if (v3()) {
      st().runNow = r;
      legacyRunNow = null;
    } else legacyRunNow = r;
  };
  const logOverride = (kind: string, changed: string) => {
    st().overridesLog = [...st().overridesLog, { at: new Date(Date.now()).toISOString(), kind, changed }].slice(-OVERRIDES_KEPT);
    scheduleVersion++;
  };
  /**
   * Histories recorded before missions travelled as data replay through the old branches; once a
   * run is live on this code, the new ones apply. Never called from a query or a validator.
   */
  const v3 = () => patched(MISSIONS_AS_DATA);

  // ---------------------------------------------------------------- messages

  setHandler(reflectSignal, async (input) => {
    const problems = reflectionProblems(input);
    if (problems.length > 0) {
      log.warn('reflection ignored', { problems });
      return;
    }
    // Kept at once (or as soon as the mission loads), so the status query shows it.
    if (loaded) loaded.reflections = withReflection(loaded.reflections, input);
    else earlyReflections.push(input);
    pendingWrites++;
    try {
      await condition(() => loaded !== undefined);
      // Record the reflection that was sent (not the newest by date, which may be another one).
      await store.recordReflection(scope(), toReflection(input));
    } catch (err) {
      // Only a non-retryable error gets here: the reflection stays in the state; the mission goes on.
      log.error('reflection not recorded', { missionId: mission().id, date: input.date, error: rootCauseMessage(err) });
    } finally {
      pendingWrites--;
    }
  });

  setHandler(dataReadySignal, async (event: DataReadyInput) => {
    const problems = dataReadyProblems(event);
    if (problems.length > 0 || !loaded) {
      log.warn('data event ignored', { problems: problems.length ? problems : ['the mission is still loading'] });
      return;
    }
    if (!rememberEvent(st(), event.eventId)) return; // redelivered: already handled
    if (st().paused) {
      log.info('data event ignored: the mission is paused', { missionId: mission().id, provider: event.provider });
      return;
    }
    if (event.provider === 'oura') {
      if (event.eventType !== 'delete') dataVersion++;
      return;
    }
    if (event.aspect === 'delete') return;
    pendingWrites++;
    try {
      await provider.recordRide(scope(), event, { nowMs: Date.now() });
    } catch (err) {
      log.warn('ride not recorded', { missionId: mission().id, error: rootCauseMessage(err) });
    } finally {
      pendingWrites--;
    }
  });

  setHandler(
    overrideUpdate,
    async (o: OverrideInput): Promise<OverrideResult> => {
      // The update id is unique per accepted update of this workflow (a client retry reuses it),
      // so the memory store records each override once, however long the log has grown.
      const requestId = `${workflowInfo().workflowId}:${currentUpdateInfo()?.id ?? workflowInfo().runId}`;
      if (!v3()) {
        // Legacy order (applied, then recorded): kept only so recorded histories replay.
        const applied = applyOverride(st(), o);
        loaded = applied.state;
        logOverride(o.kind, applied.changed);
        await commit.recordOverride(scope(), { requestId, kind: o.kind, input: o, changed: applied.changed });
        return { accepted: true, kind: o.kind, changed: applied.changed };
      }
      await condition(() => !committing);
      committing = true;
      try {
        // Checked again: another override may have changed the state while this one waited.
        try {
          checkOverride(st(), o, { today: today(), runningIndex });
        } catch (err) {
          throw ApplicationFailure.nonRetryable((err as Error).message, 'OverrideRefused');
        }
        const applied = applyOverride(st(), o);
        let configHash: string | null;
        try {
          ({ configHash } = await commit.commitOverride(scope(), {
            requestId,
            kind: o.kind,
            input: o,
            changed: applied.changed,
            mission: applied.missionChanged ? applied.state.mission : null,
          }));
        } catch (err) {
          throw ApplicationFailure.nonRetryable(`the change could not be recorded (${rootCauseMessage(err)}); nothing changed — try again`, 'OverrideNotRecorded');
        }
        // Recorded: now it applies, in the same step (nothing ran in between that could see half of it).
        loaded = { ...applied.state, configHash: configHash ?? st().configHash };
        logOverride(o.kind, applied.changed);
        return { accepted: true, kind: o.kind, changed: applied.changed };
      } finally {
        committing = false;
      }
    },
    {
      validator: (o: OverrideInput) => {
        assertValid(overrideProblems(o));
        checkOverride(st(), o, { today: today(), runningIndex });
      },
    },
  );

  setHandler(
    runNowUpdate,
    (input): RunNowResult => {
      const date = today();
      const i = dayIndexOf(date);
      setRunNow({ date, force: Boolean(input?.force) });
      scheduleVersion++;
      return { date, dayWorkflowId: dayWorkflowId(workflowInfo().workflowId, date), rerun: i < st().nextIndex };
    },
    {
      validator: (input) => {
        assertValid(runNowProblems(input));
        const date = today();
        const i = dayIndexOf(date);
        if (phase === 'done') throw new Error(`the mission ${mission().id} has finished`);
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
      athleteId: st().athleteId ?? null,
      timezone: tz(),
      runTime: mission().runTime,
      earliestTime: earliestTimeOf(mission()),
      phase,
      paused: st().paused,
      pauseReason: st().pauseReason,
      nextDay: next ? { date: next.date, stage: next.stage, name: next.name } : null,
      nextRunAt: next && !st().paused ? new Date(Math.max(zonedInstant(next.date, mission().runTime, tz()), Date.now())).toISOString() : null,
      runNowPending: runNowRequest() !== null,
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
        const eff = effectiveDay(d, st().restDays.includes(d.date));
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

  // ---------------------------------------------------------------- load, then the days

  if (!loaded) {
    const nowMs = Date.now();
    let result: { mission: MissionConfig; configHash: string };
    if (input.mission && input.configHash) {
      v3(); // marks this run as one that started from data (the marker is the first command)
      result = await store.registerMission({ mission: input.mission, configHash: input.configHash, startDate: input.startDate, nowMs });
    } else if (input.file) {
      result = await store.loadMission({ file: input.file, startDate: input.startDate, nowMs });
    } else {
      throw ApplicationFailure.nonRetryable('missionWorkflow needs a mission (with its hash) or a carried state', 'MissionConfigError');
    }
    const fresh = initialState(result.mission, result.configHash, localDate(nowMs, result.mission.timezone), input.athleteId ?? null);
    for (const r of earlyReflections) fresh.reflections = withReflection(fresh.reflections, r);
    loaded = fresh;
  }
  phase = st().paused ? 'paused' : 'waiting';
  const athleteId = st().athleteId ?? null;
  upsertSearchAttributes([
    { key: MISSION_ID, value: mission().id },
    // The opaque id, never the handle: search attributes are stored in clear.
    ...(v3() ? (athleteId ? [{ key: ATHLETE, value: athleteId }] : []) : [{ key: ATHLETE, value: mission().athlete.handle }]),
    { key: PHASE, value: phase },
  ]);

  async function runDay(index: number, late: boolean, rerun: boolean, early: string | null): Promise<void> {
    const m = mission();
    const d = m.days[index];
    setPhase('running-day');
    runningIndex = index;
    // The day reads reflections from PostgreSQL: those sent before it started are recorded first.
    const current = v3();
    if (current) await condition(() => pendingWrites === 0);
    // Days of missions started before athletes had ids keep their ids (`mission-<missionId>-day-…`).
    const childId = dayWorkflowId(current ? workflowInfo().workflowId : legacyMissionWorkflowId(m.id), d.date);
    const key: DayKey = {
      missionId: m.id,
      athlete: m.athlete.handle,
      configHash: st().configHash,
      date: d.date,
      dayIndex: index,
      dayWorkflowId: childId,
      restDay: st().restDays.includes(d.date),
      overrides: st().dayOverrides[d.date] ?? [],
      late,
      early,
      timezone: m.timezone,
      quietHours: m.notifications.quietHours,
    };
    const ranAtLocal = localTime(Date.now(), tz());
    let outcome: DayOutcome;
    try {
      const result = await executeChild(dailyCycleWorkflow, {
        workflowId: key.dayWorkflowId,
        args: [current ? key : legacyDayContext(index, late, childId)],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        memo: { missionName: m.name },
        typedSearchAttributes: [
          { key: MISSION_ID, value: m.id },
          ...(current ? (athleteId ? [{ key: ATHLETE, value: athleteId }] : []) : [{ key: ATHLETE, value: m.athlete.handle }]),
          { key: DAY, value: d.date },
          ...(d.stage !== null ? [{ key: STAGE, value: d.stage }] : []),
        ],
      });
      st().load = result.load;
      const note = [rerun ? 'rerun' : null, early].filter(Boolean).join('; ') || null;
      outcome = { date: d.date, status: result.status, decision: result.decision, state: result.state, ranAtLocal, late, note };
    } catch (err) {
      const message = rootCauseMessage(err);
      log.error('day failed', { missionId: m.id, date: d.date, error: message });
      try {
        await store.recordDayFailure(key, message);
      } catch (recordErr) {
        log.error('day failure not recorded', { missionId: m.id, date: d.date, error: rootCauseMessage(recordErr) });
      }
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

  /** Legacy: the whole day's context, as days of missions started before missions travelled as data received it. */
  function legacyDayContext(index: number, late: boolean, childId: string) {
    const m = mission();
    const d = effectiveDay(m.days[index], st().restDays.includes(m.days[index].date));
    return {
      missionId: m.id,
      missionName: m.name,
      athlete: m.athlete.handle,
      configHash: st().configHash,
      date: d.date,
      dayWorkflowId: childId,
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
  }

  function skipDay(index: number, why: string): void {
    const d = mission().days[index];
    st().outcomes = [...st().outcomes, { date: d.date, status: 'skipped', decision: null, state: null, ranAtLocal: null, late: false, note: why }];
    st().nextIndex = index + 1;
  }

  /** A forced re-run of a day that already ran, if one was asked for. */
  async function runRequestedRerun(): Promise<boolean> {
    const request = runNowRequest();
    if (!request) return false;
    const i = dayIndexOf(request.date);
    if (i < 0 || i >= st().nextIndex) return false;
    setRunNow(null);
    await runDay(i, false, true, null);
    return true;
  }

  /**
   * Waits for the day's run time, cut short by a schedule change, a pause, a run-now, or — when
   * the night's data has landed (webhook event, checked with the provider) — at or after the
   * earliest time. Returns why the wait ended.
   */
  async function waitForDay(index: number, runAt: number): Promise<'changed' | 'time' | { early: string }> {
    const version = scheduleVersion;
    const changed = () => scheduleVersion !== version || st().paused;
    let seenData = dataVersion;
    for (;;) {
      const woken = await condition(() => changed() || dataVersion !== seenData, runAt - Date.now());
      if (!woken) return 'time';
      if (changed()) return 'changed';
      seenData = dataVersion;
      const d = mission().days[index];
      // An event counts for the morning of its own date: one that lands the evening before is about that day.
      if (localDate(Date.now(), tz()) !== d.date) continue;
      const earliestAt = zonedInstant(d.date, earliestTimeOf(mission()), tz());
      if (Date.now() < earliestAt) {
        // Too early: wait for the earliest time (still listening), then look at the data.
        if (await condition(changed, Math.min(earliestAt, runAt) - Date.now())) return 'changed';
        if (Date.now() >= runAt) return 'time';
      }
      const key = { missionId: mission().id, athlete: mission().athlete.handle, configHash: st().configHash, date: d.date, dayIndex: index, dayWorkflowId: dayWorkflowId(workflowInfo().workflowId, d.date), restDay: false, overrides: [], late: false, early: null, timezone: tz(), quietHours: null };
      try {
        const data = await provider.dayDataReady(key);
        if (data.ready) return { early: `started at ${localTime(Date.now(), tz())}: ${data.why}` };
        log.info('data event: not ready yet', { missionId: mission().id, date: d.date, why: data.why });
      } catch (err) {
        log.warn('data event: could not check the data', { missionId: mission().id, error: rootCauseMessage(err) });
      }
    }
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

    if (await runRequestedRerun()) continue;

    const index = st().nextIndex;
    const day = mission().days[index];
    const timing = dayTiming(day, mission().runTime, tz(), Date.now(), st().startedOn);
    if (timing.kind === 'before-start') {
      skipDay(index, `before the mission started (${st().startedOn})`);
      continue;
    }
    const request = runNowRequest();
    const runNowForThisDay = request !== null && request.date === day.date;
    let early: string | null = null;
    if (timing.kind === 'wait' && !runNowForThisDay) {
      if (v3()) {
        const ended = await waitForDay(index, timing.at);
        if (ended === 'changed') continue; // re-evaluate pause, schedule and run-now
        if (ended !== 'time') early = ended.early;
      } else {
        const version = scheduleVersion;
        const woken = await condition(() => scheduleVersion !== version || st().paused, timing.at - Date.now());
        if (woken) continue; // something changed: re-evaluate pause, schedule and run-now
      }
    }
    if (runNowForThisDay) setRunNow(null);
    const late = timing.kind === 'run-late' && Date.now() - timing.at > 60_000;
    await runDay(index, late, false, early);
    daysThisRun++;

    if (st().nextIndex < mission().days.length && (workflowInfo().continueAsNewSuggested || daysThisRun >= maxDaysPerRun)) {
      await condition(allHandlersFinished);
      st().continuedAsNew++;
      return await continueAsNew<typeof missionWorkflow>({ state: st(), options });
    }
  }

  // A re-run accepted while the last day ran is not dropped.
  if (v3()) while (await runRequestedRerun());
  setPhase('done');
  await condition(allHandlersFinished);
  const summaryInput = { configHash: st().configHash, outcomes: st().outcomes };
  try {
    return await store.summarizeMission(scope(), summaryInput);
  } catch (err) {
    // Only a non-retryable error gets here: the mission still ends, with counts and no summary files.
    log.error('mission summary not written', { missionId: mission().id, error: rootCauseMessage(err) });
    const c = countOutcomes(st().outcomes);
    return { missionId: mission().id, name: mission().name, days: st().outcomes.length, ...c, decisions: {}, firstDate: mission().days[0]?.date ?? null, lastDate: mission().days[mission().days.length - 1]?.date ?? null, ctlStart: null, ctlEnd: null, summaryPaths: [] };
  }
}
