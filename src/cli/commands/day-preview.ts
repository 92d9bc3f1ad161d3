/**
 * What the coach would see and decide for one date, computed outside the workflow and writing
 * nothing: the same modules the daily-cycle activities use (observation sources chosen by
 * `dataSourceMode`, `observeDay`, `loadWithHistory`, `decideDay`, `planWorkout`, `matchClasses`).
 * With a database configured it reads the athlete's stored daily load (so CTL is the cycle's and the
 * dashboard's) and, for the synthetic athlete, what the mission prescribed; it does not read the
 * recent days, reflections or learned parameters the decision uses.
 */
import { Pool } from 'pg';
import type { ClassSuggestion, Decision, DayObservation, IsoDate, LoadFigures, MissionConfig, MissionDay, Workout } from '../../domain/types';
import { dayForDate } from '../../mission';
import { createObservationSources, loadWithHistory, observeDay, type DailyLoadRow, type Prescription, type SourceFailure, type WellnessPoint } from '../../observation';
import { InMemoryTokenStore, PgTokenStore, loadSecretKey } from '../../secrets';
import { MemoryStore, migrate } from '../../memory';
import { decideDay, loadOfflineCatalogue, matchClasses, planWorkout, plannerFromEnv, recentPlannerContext, type ClassLibrary } from '../../coaching';
import { dataSourceMode, prescriptionsFromHistory, syntheticAthleteFor } from '../../activities/data-sources';
import { readUpState } from '../cli-support';
import { HISTORY_DAYS } from '../../activities';
import { UserError } from '../../infra/user-error';
import { addDays } from '../../domain/iso-date';

export interface ObservePreview {
  missionId: string;
  athlete: string;
  date: IsoDate;
  /** The mission day on that date, or null when the date is outside the mission. */
  day: Pick<MissionDay, 'index' | 'stage' | 'name' | 'type'> | null;
  sources: 'synthetic' | { oura: boolean; strava: boolean };
  observation: DayObservation;
  load: LoadFigures;
  /** Source calls that failed (the observation names the missing parts too). */
  errors: SourceFailure[];
  /**
   * Where the load figures come from: the athlete's daily load stored in PostgreSQL (as the day's
   * cycle and the dashboard read it), extended by this observation in memory, and the rides pulled
   * from the source when the stored history was short (first day, days held, what was pulled).
   */
  loadHistory: { stored: number; from: IsoDate | null; days: number; pulled: { from: IsoDate; to: IsoDate } | null; notes: string[] };
  wellness: WellnessPoint[];
}

export interface CoachPreview extends Omit<ObservePreview, 'wellness'> {
  decision: Decision;
  workout: Workout;
  classes: ClassSuggestion[];
  classSource: string | null;
  degraded: string[];
}

/** The database URL for the token store of real sources; a clear error when none is set. */
function tokenDatabaseUrl(env: NodeJS.ProcessEnv): string {
  const url = env.DATABASE_URL;
  if (!url) {
    throw new UserError(
      'Oura/Strava are configured but DATABASE_URL is not set: their tokens live in the encrypted token store in PostgreSQL',
      'set DATABASE_URL (and LANTERNE_SECRET_KEY), or LANTERNE_DATA_SOURCE=synthetic to use the synthetic athlete',
    );
  }
  return url;
}

/** The database the other commands use (DATABASE_URL, else the running `lanterne up`'s), or null. */
function configuredDatabase(env: NodeJS.ProcessEnv): string | null {
  const url = env.DATABASE_URL?.trim();
  if (url) return url;
  if (env.DATABASE_URL === '') return null;
  return readUpState()?.databaseUrl ?? null;
}

/** What PostgreSQL holds for the mission's athlete: the daily load and, for the synthetic athlete, the mission's start and what was prescribed. */
async function storedContext(pool: Pool, mission: MissionConfig, date: IsoDate): Promise<{ load: DailyLoadRow[]; missionStart: IsoDate | null; prescriptions: Prescription[] }> {
  try {
    await migrate(pool);
  } catch (err) {
    throw new UserError(`the database does not answer: ${(err as Error).message}`, 'check DATABASE_URL, or start `lanterne up`');
  }
  const memory = new MemoryStore(pool);
  const scope = { athlete: mission.athlete.handle, missionId: mission.id };
  const load = await memory.loads.all(scope.athlete);
  const record = await memory.missions.getMission(scope);
  const stored = record ? await memory.missions.getConfig(scope, record.configHash) : null;
  const missionStart = stored?.days[0]?.date ?? null;
  const past = missionStart && missionStart < date ? await memory.reads.history(scope, missionStart, addDays(date, -1)) : [];
  return { load, missionStart, prescriptions: prescriptionsFromHistory(past.map((r) => ({ date: r.date, plannedTss: r.plan?.targetTss ?? null }))) };
}

/** The synced Peloton library in the configured database (null without a database or a sync). */
async function storedLibrary(env: NodeJS.ProcessEnv): Promise<ClassLibrary | null> {
  const url = configuredDatabase(env);
  if (!url) return null;
  const pool = new Pool({ connectionString: url, max: 1 });
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
    return await new MemoryStore(pool).peloton.library();
  } finally {
    await pool.end();
  }
}

export async function observePreview(mission: MissionConfig, date: IsoDate, env: NodeJS.ProcessEnv): Promise<ObservePreview> {
  const mode = dataSourceMode(env);
  const day = dayForDate(mission, date);
  let pool: Pool | null = null;
  try {
    let sources;
    const dbUrl = mode.mode === 'synthetic' ? configuredDatabase(env) : tokenDatabaseUrl(env);
    if (dbUrl) {
      pool = new Pool({ connectionString: dbUrl, max: 2 });
      pool.on('error', () => undefined);
    }
    const stored = pool ? await storedContext(pool, mission, date) : { load: [], missionStart: null, prescriptions: [] };
    if (mode.mode === 'synthetic') {
      const missionStart = stored.missionStart ?? (day ? addDays(date, -day.index) : mission.startDate);
      sources = createObservationSources({
        athlete: mission.athlete.handle,
        store: new InMemoryTokenStore(), // the synthetic athlete needs no tokens
        synthetic: syntheticAthleteFor({ missionId: mission.id, profile: mission.athlete, timezone: mission.timezone, missionStart, date, prescriptions: stored.prescriptions }),
      });
    } else {
      const key = loadSecretKey(env);
      const store = new PgTokenStore(pool!, key);
      sources = createObservationSources({ athlete: mission.athlete.handle, store, oura: mode.oura, strava: mode.strava, env });
    }
    const result = await observeDay(sources, mission.athlete, date, HISTORY_DAYS);
    const config = result.errors.find((e) => e.type === 'ObservationConfig');
    if (config) throw new UserError(`${config.source}: ${config.message}`);
    // The same load as the day's cycle: the stored history, extended in memory (nothing is written).
    const history = await loadWithHistory({ date, athlete: mission.athlete, observed: result, windowDays: HISTORY_DAYS, stored: stored.load, sources });
    return {
      missionId: mission.id,
      athlete: mission.athlete.handle,
      date,
      day: day ? { index: day.index, stage: day.stage, name: day.name, type: day.type } : null,
      sources: mode.mode === 'synthetic' ? 'synthetic' : { oura: mode.oura, strava: mode.strava },
      observation: result.observation,
      load: history.load,
      errors: [...result.errors, ...history.errors],
      loadHistory: { stored: stored.load.length, ...history.history, notes: history.degraded },
      wellness: result.wellness,
    };
  } finally {
    if (pool) await pool.end();
  }
}

/** observe → assess → reason → negotiate → plan → match, for a mission day, recording nothing. */
export async function coachPreview(mission: MissionConfig, date: IsoDate, env: NodeJS.ProcessEnv): Promise<CoachPreview> {
  const day = dayForDate(mission, date);
  if (!day) {
    const first = mission.days[0]?.date;
    const last = mission.days[mission.days.length - 1]?.date;
    throw new UserError(`--date ${date} is not a day of mission ${mission.id}`, `pick a date from ${first} to ${last}`);
  }
  const observed = await observePreview(mission, date, env);
  const { decision } = decideDay({
    day,
    mission: { athlete: mission.athlete, goals: mission.goals, days: mission.days, planner: mission.planner },
    observation: observed.observation,
    load: observed.load,
    reflections: [],
    recentDays: [],
    weekMinutesSoFar: 0,
  });
  const setup = plannerFromEnv(mission.planner, env);
  const workout = await planWorkout(
    {
      day,
      decision,
      athlete: mission.athlete,
      weeklyRemainingMin: Math.floor(mission.goals.weeklyHoursCap * 60),
      recent: recentPlannerContext({ reflections: [], recentDays: [] }),
      language: mission.planner.language,
      redact: [mission.athlete.handle],
    },
    setup,
  );
  const match = await matchClasses(
    { decision, stageType: day.type, disciplines: mission.athlete.disciplines, targetDurationMin: workout.durationMin > 0 ? workout.durationMin : undefined },
    { offline: loadOfflineCatalogue(), library: await storedLibrary(env) },
  );
  const modelWasAsked = setup.llm !== null && decision.decision !== 'rest' && decision.maxDurationMin > 0;
  const degraded = [...decision.degraded];
  if (modelWasAsked && workout.source === 'fallback') degraded.push(`planner fell back to a template: ${workout.fallbackReason}`);
  const { wellness: _wellness, ...rest } = observed;
  void _wellness;
  return { ...rest, decision, workout, classes: match.suggestions, classSource: match.note, degraded };
}
