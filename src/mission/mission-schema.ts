/**
 * The mission schema: one zod schema for a mission document (the TOML file's tables and keys, in
 * the file's `snake_case`). It checks every key's type and bounds and the rules across keys,
 * reports every problem at once, and turns a valid document into the normalised `MissionConfig`
 * (camelCase, every day resolved to a date, every default filled in).
 *
 * Mission files are parsed into such a document (mission-text.ts); a canonical mission received as
 * data is mapped back into one (mission-data.ts), so both are checked by this same schema.
 */
import * as z from 'zod';
import { CHANNELS, DISCIPLINES, type Channel, type Discipline, type IsoDate, type MissionConfig, type MissionDay } from '../domain/types';
import { KEYS } from './mission-keys';
import { athleteRules, busiestWeek, dayRules, missionRules, QUIET_HOURS_ACCEPTED, quietHoursRules, resolveDates } from './cross-field-rules';
import type { MissionProblems } from './mission-problems';
import { isTable, list, problemIssue, table, tableRule, type ProblemParams } from './schema-vocabulary';
import {
  DEFAULT_CHANNELS,
  DEFAULT_DISCIPLINES,
  DEFAULT_LANGUAGE,
  DEFAULT_LLM_MODEL,
  DEFAULT_MAX_CONSECUTIVE_HARD_DAYS,
  DEFAULT_RUN_TIME,
  DEFAULT_TRAINING_MODE,
  defaultImportance,
  TRAINING_DEFAULTS,
} from './training-defaults';

const athleteShape = {
  handle: KEYS.handle,
  ftp_w: KEYS.ftpW,
  weight_kg: KEYS.weightKg,
  threshold_hr: KEYS.thresholdHr,
  max_hr: KEYS.maxHr,
  resting_hr: KEYS.restingHr.optional(),
  disciplines: list(KEYS.discipline, { accepted: `a list of one or more of: ${DISCIPLINES.join(', ')}`, unique: 'discipline', nonEmpty: true }).optional(),
};

const goalsShape = {
  summary: KEYS.summary.optional(),
  weekly_hours_cap: KEYS.weeklyHoursCap.optional(),
  max_consecutive_hard_days: KEYS.maxConsecutiveHardDays.optional(),
  key_stages: list(KEYS.keyStage, { accepted: 'a list of stage numbers (day indexes in missions without stages)', unique: 'stage' }).optional(),
  taper_days: KEYS.taperDays.optional(),
};

const quietHoursShape = { start: KEYS.clockTime, end: KEYS.clockTime };
const quietHours = table(quietHoursShape, { where: 'quiet_hours', accepted: QUIET_HOURS_ACCEPTED }).check(tableRule(quietHoursRules));

const notificationsShape = {
  channels: list(KEYS.channel, { accepted: `a list of: ${CHANNELS.join(', ')} (may be empty)`, unique: 'channel' }).optional(),
  quiet_hours: quietHours.optional(),
};

const plannerShape = {
  use_llm: KEYS.useLlm.optional(),
  model: KEYS.model.optional(),
  language: KEYS.language.optional(),
};

/** The keys of a [[days]] table that `MissionConfig` groups under `training`. */
export const TRAINING_KEYS = ['mode', 'duration_min', 'focus'] as const;

const dayShape = {
  stage: KEYS.stage.optional(),
  date: KEYS.date.optional(),
  day: KEYS.dayOffset.optional(),
  name: KEYS.dayName.optional(),
  start: KEYS.place.optional(),
  finish: KEYS.place.optional(),
  distance_km: KEYS.distanceKm.optional(),
  elevation_m: KEYS.elevationM.optional(),
  type: KEYS.stageType,
  importance: KEYS.importance.optional(),
  mode: KEYS.mode.optional(),
  duration_min: KEYS.durationMin.optional(),
  focus: KEYS.focus.optional(),
  notes: KEYS.notes.optional(),
};

const DAYS_ACCEPTED = 'one or more [[days]] tables';

const day = table(dayShape, { where: '[[days]]', accepted: DAYS_ACCEPTED }).check(tableRule(dayRules));

/** `[[days]]`: a list of tables, written with two pairs of brackets. */
const days = z
  .unknown()
  .check(
    z.superRefine((input, ctx) => {
      const report = (params: ProblemParams) => ctx.addIssue(problemIssue(params));
      if (input === undefined) report({ code: 'missing', what: 'is required', accepted: DAYS_ACCEPTED, found: null });
      else if (!Array.isArray(input) && isTable(input)) {
        report({ code: 'wrong_type', what: 'is a single table', accepted: `${DAYS_ACCEPTED}, written with two pairs of brackets`, found: { text: '[days]' } });
      } else if (!Array.isArray(input) || !input.every(isTable)) {
        report({ code: 'wrong_type', what: 'is not a list of tables', accepted: DAYS_ACCEPTED, found: { value: input } });
      } else if (input.length === 0) {
        report({ code: 'missing', what: 'is empty', accepted: DAYS_ACCEPTED, found: { value: input } });
      }
    }),
  )
  .pipe(z.array(day));

const sectionInfo = (key: string, shape: object) => ({ where: `[${key}]`, accepted: `an [${key}] table with ${Object.keys(shape).join(', ')}`, single: key });

/** The tables of a mission document and the keys each accepts, in the order the documentation lists them. */
export const MISSION_TABLES = {
  top: {
    id: KEYS.id,
    name: KEYS.name,
    timezone: KEYS.timezone,
    run_time: KEYS.runTime.optional(),
    earliest_time: KEYS.runTime.optional(),
    start_date: KEYS.startDate.optional(),
    athlete: table(athleteShape, sectionInfo('athlete', athleteShape)).check(tableRule(athleteRules)),
    goals: table(goalsShape, sectionInfo('goals', goalsShape)).optional(),
    notifications: table(notificationsShape, sectionInfo('notifications', notificationsShape)).optional(),
    planner: table(plannerShape, sectionInfo('planner', plannerShape)).optional(),
    days,
  },
  athlete: athleteShape,
  goals: goalsShape,
  notifications: notificationsShape,
  quietHours: quietHoursShape,
  planner: plannerShape,
  days: dayShape,
};

const missionDocument = table(MISSION_TABLES.top, { where: 'the top level', accepted: 'a mission: a TOML document of keys and tables' }).check(tableRule(missionRules));
type MissionDocument = z.output<typeof missionDocument>;

/** A mission document (keys as in the file) → `MissionConfig`, or every problem as zod issues. */
export const missionSchema: z.ZodType<MissionConfig> = missionDocument.transform(toMissionConfig);

/** The defaults of docs/missions.md, applied to a valid document. */
function toMissionConfig(doc: MissionDocument): MissionConfig {
  const stageMission = doc.days.some((d) => d.stage !== undefined);
  const { start, dates } = resolveDates(
    doc.days.map((d) => ({ dateKey: d.date !== undefined ? 'date' : 'day', date: d.date, offset: d.day })),
    doc.start_date,
    doc.start_date !== undefined,
  );
  const listedKeys = doc.goals?.key_stages ?? [];
  const keyOf = (d: (typeof doc.days)[number], index: number): number | undefined => (stageMission ? d.stage : index);
  const days: MissionDay[] = doc.days.map((d, index) => {
    const type = d.type;
    const mode = d.mode ?? (type === 'rest' ? 'rest' : DEFAULT_TRAINING_MODE);
    const id = keyOf(d, index);
    return {
      index,
      date: dates[index] as IsoDate,
      stage: d.stage ?? null,
      name: d.name ?? (d.stage !== undefined ? `Stage ${d.stage}` : type === 'rest' ? 'Rest day' : `Day ${index + 1}`),
      start: d.start ?? null,
      finish: d.finish ?? null,
      distanceKm: d.distance_km ?? 0,
      elevationM: d.elevation_m ?? 0,
      type,
      importance: d.importance ?? defaultImportance(type, id !== undefined && listedKeys.includes(id)),
      training: {
        mode,
        durationMin: d.duration_min ?? (mode === 'rest' ? 0 : TRAINING_DEFAULTS[type].durationMin),
        focus: d.focus ?? (mode === 'rest' ? TRAINING_DEFAULTS.rest.focus : TRAINING_DEFAULTS[type].focus),
      },
      notes: d.notes ?? null,
    };
  });
  const keyStages = new Set(listedKeys);
  days.forEach((d, index) => {
    const id = keyOf(doc.days[index], index);
    if (d.importance === 'key' && id !== undefined) keyStages.add(id);
  });
  const week = busiestWeek(days.map((d) => ({ date: d.date, minutes: d.training.durationMin })));
  const athlete = doc.athlete;
  return {
    id: doc.id,
    name: doc.name,
    athlete: {
      handle: athlete.handle,
      ftpW: athlete.ftp_w,
      weightKg: athlete.weight_kg,
      thresholdHr: athlete.threshold_hr,
      maxHr: athlete.max_hr,
      restingHr: athlete.resting_hr ?? null,
      disciplines: (athlete.disciplines ?? [...DEFAULT_DISCIPLINES]) as Discipline[],
    },
    timezone: doc.timezone,
    runTime: doc.run_time ?? DEFAULT_RUN_TIME,
    ...(doc.earliest_time !== undefined ? { earliestTime: doc.earliest_time } : {}),
    startDate: start as IsoDate,
    days,
    goals: {
      summary: doc.goals?.summary ?? doc.name,
      weeklyHoursCap: doc.goals?.weekly_hours_cap ?? Math.max(1, Math.ceil((week?.minutes ?? 0) / 30) / 2),
      maxConsecutiveHardDays: doc.goals?.max_consecutive_hard_days ?? DEFAULT_MAX_CONSECUTIVE_HARD_DAYS,
      keyStages: [...keyStages].sort((a, b) => a - b),
      taperDays: doc.goals?.taper_days ?? 0,
    },
    notifications: {
      channels: (doc.notifications?.channels ?? [...DEFAULT_CHANNELS]) as Channel[],
      quietHours: doc.notifications?.quiet_hours ? { start: doc.notifications.quiet_hours.start, end: doc.notifications.quiet_hours.end } : null,
    },
    planner: {
      useLlm: doc.planner?.use_llm ?? true,
      model: doc.planner?.model ?? DEFAULT_LLM_MODEL,
      language: doc.planner?.language ?? DEFAULT_LANGUAGE,
    },
  };
}

/**
 * Runs the schema on a document. Returns the `MissionConfig`, or throws `MissionConfigError` with
 * the schema's problems and those `problems` already holds (found before the schema ran).
 */
export function checkMissionDocument(document: unknown, problems: MissionProblems): MissionConfig {
  const result = missionSchema.safeParse(document);
  if (!result.success) {
    problems.addIssues(result.error.issues);
    if (problems.count === 0) problems.add([], 'bad_format', 'is not a mission');
  }
  problems.throwIfAny();
  return result.data as MissionConfig;
}
