/**
 * Mission files: TOML text → validated, normalised `MissionConfig` (every day resolved to a date),
 * or a `MissionConfigError` listing every problem of the file at once.
 */
import { parse, TomlDate, TomlError } from 'smol-toml';
import type {
  Channel,
  Discipline,
  Importance,
  IsoDate,
  MissionConfig,
  MissionDay,
  StageType,
  TrainingMode,
} from '../domain/types';
import { canonicalTimezone, knownTimezones } from './timezones';
import { closestMatch } from './closest-match';
import type { KeyPath } from './key-path';
import { missionConfigSchema } from './mission-config-schema';
import { MissionConfigError } from './mission-errors';
import { KNOWN_KEYS, rules, type ValueRule } from './mission-rules';
import { isTable, ProblemCollector, type Table } from './problem-collector';
import { isSecretKey, looksLikeSecretValue, whereSecretBelongs } from './secret-keys';
import { locateKeys, type TomlLocations } from './toml-locations';
import {
  DEFAULT_CHANNELS,
  DEFAULT_DISCIPLINES,
  DEFAULT_LANGUAGE,
  DEFAULT_LLM_MODEL,
  DEFAULT_MAX_CONSECUTIVE_HARD_DAYS,
  DEFAULT_RUN_TIME,
  DEFAULT_TRAINING_MODE,
  defaultImportance,
  MAX_DAY_MINUTES,
  MIN_TRAINING_MINUTES,
  TRAINING_DEFAULTS,
} from './training-defaults';
import { addDays, daysBetween } from '../domain/iso-date';

/** Parses and validates a mission; `fileLabel` names the file in error messages. */
export function parseMission(text: string, fileLabel: string): MissionConfig {
  let document: Table;
  try {
    document = parse(text) as Table;
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = err.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
      throw new MissionConfigError([
        {
          file: fileLabel,
          line: err.line,
          path: '',
          message: `TOML syntax error at column ${err.column}: ${reason}`,
          code: 'toml_syntax',
        },
      ]);
    }
    throw err;
  }
  const locations = locateKeys(text);
  const problems = new ProblemCollector(fileLabel, locations);
  const tree = normalise(document, [], locations) as Table;
  removeSecrets(tree, [], problems);
  const config = readMission(tree, problems);
  if (problems.count > 0 || config === null) throw new MissionConfigError(problems.sorted());
  return missionConfigSchema.parse(config);
}

// ------------------------------------------------------------------ preparation

/**
 * A plain copy of the parsed document in which TOML local dates and times become the strings
 * written in the file. smol-toml rolls 2025-02-30 over to 2025-03-02; the text as written keeps
 * the mistake visible so it can be reported.
 */
function normalise(value: unknown, path: (string | number)[], locations: TomlLocations): unknown {
  if (value instanceof TomlDate) {
    const raw = locations.rawOf(path);
    if (value.isDate()) return raw && /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : value.toISOString().slice(0, 10);
    if (value.isTime()) {
      const written = raw ?? value.toISOString();
      const m = /^(\d{2}:\d{2})(?::00(?:\.0+)?)?$/.exec(written);
      return m ? m[1] : written;
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => normalise(item, [...path, i], locations));
  if (isTable(value)) {
    const out: Table = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalise(v, [...path, k], locations);
    return out;
  }
  return value;
}

/**
 * Reports and removes every secret-looking key, and reports secret-looking text, anywhere.
 * A table left empty by the removal goes too (`[strava]` holding only a token is one mistake, not two).
 * Returns true when `value` is a table that only held secrets.
 */
function removeSecrets(value: unknown, path: (string | number)[], problems: ProblemCollector): boolean {
  if (Array.isArray(value)) {
    value.forEach((item, i) => removeSecrets(item, [...path, i], problems));
  } else if (isTable(value)) {
    let removed = false;
    for (const key of Object.keys(value)) {
      const here = [...path, key];
      if (isSecretKey(key)) {
        const keyNames = here.filter((seg): seg is string => typeof seg === 'string');
        problems.markSecret(here);
        problems.add(here, 'secret', `secrets and account ids do not belong in mission files (value not shown); ${whereSecretBelongs(keyNames)}`);
        delete value[key];
        removed = true;
      } else if (removeSecrets(value[key], here, problems)) {
        delete value[key];
        removed = true;
      }
    }
    return removed && Object.keys(value).length === 0;
  } else if (typeof value === 'string' && looksLikeSecretValue(value)) {
    problems.markSecret(path);
    problems.add(
      path,
      'secret',
      'this text looks like an API key or access token (value not shown); remove it: keys belong in environment variables such as OPENAI_API_KEY, account tokens in `lanterne connect`',
    );
  }
  return false;
}

// ------------------------------------------------------------------ reading

/** A table of the document: the table when it is one, undefined (with a problem) otherwise. */
function section(tree: Table, key: 'athlete' | 'goals' | 'notifications' | 'planner', problems: ProblemCollector, required: boolean): Table | undefined {
  const value = tree[key];
  const known: readonly string[] = KNOWN_KEYS[key];
  const accepted = `an [${key}] table with ${known.join(', ')}`;
  if (value === undefined) {
    if (required && !problems.wasSuggested([key])) problems.add([key], 'missing', `is required; accepted: ${accepted}`, { accepted });
    return undefined;
  }
  if (!isTable(value)) {
    if (Array.isArray(value) && value.every(isTable)) {
      problems.add([key], 'wrong_type', `[[${key}]] is a list of tables; accepted: a single table [${key}] (one pair of brackets)`, {
        found: `[[${key}]]`,
        accepted: `a single table [${key}]`,
      });
    } else {
      problems.addFound([key], 'wrong_type', value, 'is not a table', accepted);
    }
    return undefined;
  }
  problems.unknownKeys(value, [key], known, `[${key}]`);
  return value;
}

interface DraftDay {
  path: KeyPath;
  /** Where the date came from, for messages: `date` or `day`. */
  dateKey: 'date' | 'day' | null;
  date: IsoDate | undefined;
  offset: number | undefined;
  stage: number | undefined;
  name: string | undefined;
  start: string | undefined;
  finish: string | undefined;
  distanceKm: number | undefined;
  elevationM: number | undefined;
  type: StageType | undefined;
  importance: Importance | undefined;
  mode: TrainingMode | undefined;
  durationMin: number | undefined;
  focus: string | undefined;
  notes: string | undefined;
}

function readMission(tree: Table, problems: ProblemCollector): MissionConfig | null {
  problems.unknownKeys(tree, [], KNOWN_KEYS.top, 'the top level');
  const id = problems.value(tree, [], 'id', rules.id, true);
  const name = problems.value(tree, [], 'name', rules.name, true);
  const timezone = readTimezone(tree, problems);
  const runTime = problems.value(tree, [], 'run_time', rules.clockTime) ?? (tree.run_time === undefined ? DEFAULT_RUN_TIME : undefined);
  const startDateGiven = problems.value(tree, [], 'start_date', rules.isoDate);

  const athleteTable = section(tree, 'athlete', problems, true);
  const athlete = readAthlete(athleteTable, problems);
  const goalsTable = section(tree, 'goals', problems, false);
  const notifications = readNotifications(section(tree, 'notifications', problems, false), problems);
  const planner = readPlanner(section(tree, 'planner', problems, false), problems);

  const drafts = readDays(tree, problems);
  const startDate = resolveDates(drafts, startDateGiven, tree.start_date !== undefined, problems);
  checkCalendar(drafts, startDateGiven, problems);
  checkDays(drafts, problems);
  const goals = readGoals(goalsTable, drafts, name, problems);

  if (
    problems.count > 0 ||
    id === undefined || name === undefined || timezone === undefined || runTime === undefined ||
    startDate === undefined || athlete === null || goals === null || notifications === null || planner === null
  ) {
    return null;
  }
  const keySet = new Set(goals.keyStages);
  const stageMission = drafts.some((d) => d.stage !== undefined);
  const days: MissionDay[] = drafts.map((d, index) => {
    const type = d.type as StageType;
    const mode = d.mode ?? (type === 'rest' ? 'rest' : DEFAULT_TRAINING_MODE);
    const isKey = keySet.has(stageMission ? (d.stage ?? -1) : index);
    return {
      index,
      date: d.date as IsoDate,
      stage: d.stage ?? null,
      name: d.name ?? (d.stage !== undefined ? `Stage ${d.stage}` : type === 'rest' ? 'Rest day' : `Day ${index + 1}`),
      start: d.start ?? null,
      finish: d.finish ?? null,
      distanceKm: d.distanceKm ?? 0,
      elevationM: d.elevationM ?? 0,
      type,
      importance: d.importance ?? defaultImportance(type, isKey),
      training: {
        mode,
        durationMin: d.durationMin ?? (mode === 'rest' ? 0 : TRAINING_DEFAULTS[type].durationMin),
        focus: d.focus ?? (mode === 'rest' ? TRAINING_DEFAULTS.rest.focus : TRAINING_DEFAULTS[type].focus),
      },
      notes: d.notes ?? null,
    };
  });
  return {
    id,
    name,
    athlete,
    timezone,
    runTime,
    startDate,
    days,
    goals: { ...goals, weeklyHoursCap: goals.weeklyHoursCap ?? defaultWeeklyCap(days) },
    notifications,
    planner,
  };
}

function readTimezone(tree: Table, problems: ProblemCollector): string | undefined {
  const written = problems.value(tree, [], 'timezone', rules.timezone, true);
  if (written === undefined) return undefined;
  const canonical = canonicalTimezone(written);
  if (canonical !== null) return canonical;
  const guess = closestMatch(written, [...knownTimezones(), 'UTC']);
  const accepted = `${rules.timezone.accepted}${guess ? ` (did you mean "${guess}"?)` : ''}`;
  problems.addFound(['timezone'], 'bad_timezone', written, 'is not an IANA timezone', accepted);
  return undefined;
}

function readAthlete(table: Table | undefined, problems: ProblemCollector): MissionConfig['athlete'] | null {
  if (table === undefined) return null;
  const at = ['athlete'];
  const handle = problems.value(table, at, 'handle', rules.handle, true);
  const ftpW = problems.value(table, at, 'ftp_w', rules.ftpW, true);
  const weightKg = problems.value(table, at, 'weight_kg', rules.weightKg, true);
  const thresholdHr = problems.value(table, at, 'threshold_hr', rules.thresholdHr, true);
  const maxHr = problems.value(table, at, 'max_hr', rules.maxHr, true);
  const restingHr = problems.value(table, at, 'resting_hr', rules.restingHr);
  const disciplines = problems.valueList(table, at, 'disciplines', rules.discipline, `a list of one or more of: ${rules.discipline.accepted}`, { noun: 'discipline' });
  if (disciplines !== undefined && disciplines.length === 0 && Array.isArray(table.disciplines)) {
    problems.add([...at, 'disciplines'], 'out_of_range', `is empty; accepted: a list of one or more of: ${rules.discipline.accepted}`, { found: '[]' });
  }
  if (maxHr !== undefined && thresholdHr !== undefined && maxHr <= thresholdHr) {
    problems.addFound([...at, 'max_hr'], 'inconsistent', maxHr, `is not above threshold_hr (${thresholdHr})`, 'a max_hr higher than threshold_hr');
  }
  if (restingHr !== undefined && thresholdHr !== undefined && restingHr >= thresholdHr) {
    problems.addFound([...at, 'resting_hr'], 'inconsistent', restingHr, `is not below threshold_hr (${thresholdHr})`, 'a resting_hr lower than threshold_hr');
  }
  if (handle === undefined || ftpW === undefined || weightKg === undefined || thresholdHr === undefined || maxHr === undefined) return null;
  if (table.resting_hr !== undefined && restingHr === undefined) return null;
  if (table.disciplines !== undefined && (disciplines === undefined || disciplines.length === 0)) return null;
  return {
    handle,
    ftpW,
    weightKg,
    thresholdHr,
    maxHr,
    restingHr: restingHr ?? null,
    disciplines: (disciplines ?? [...DEFAULT_DISCIPLINES]) as Discipline[],
  };
}

function readNotifications(table: Table | undefined, problems: ProblemCollector): MissionConfig['notifications'] | null {
  const at = ['notifications'];
  const channels = problems.valueList(table, at, 'channels', rules.channel, `a list of: ${rules.channel.accepted} (may be empty)`, { noun: 'channel' });
  let quietHours: MissionConfig['notifications']['quietHours'] = null;
  let ok = table?.channels === undefined || channels !== undefined;
  const quiet = table?.quiet_hours;
  if (quiet !== undefined) {
    const qPath = [...at, 'quiet_hours'];
    const accepted = 'a table { start = "HH:MM", end = "HH:MM" } of two different times (may cross midnight)';
    if (!isTable(quiet)) {
      problems.addFound(qPath, 'wrong_type', quiet, `is ${Array.isArray(quiet) ? 'a list' : 'not a table'}`, accepted);
      ok = false;
    } else {
      problems.unknownKeys(quiet, qPath, KNOWN_KEYS.quietHours, 'quiet_hours');
      const start = problems.value(quiet, qPath, 'start', rules.clockTime, true);
      const end = problems.value(quiet, qPath, 'end', rules.clockTime, true);
      if (start !== undefined && end !== undefined && start === end) {
        problems.addFound(qPath, 'inconsistent', quiet, `starts and ends at the same time`, accepted);
      }
      if (start === undefined || end === undefined || start === end) ok = false;
      else quietHours = { start, end };
    }
  }
  if (!ok) return null;
  return { channels: (channels ?? [...DEFAULT_CHANNELS]) as Channel[], quietHours };
}

function readPlanner(table: Table | undefined, problems: ProblemCollector): MissionConfig['planner'] | null {
  const at = ['planner'];
  const useLlm = problems.value(table, at, 'use_llm', rules.useLlm);
  const model = problems.value(table, at, 'model', rules.model);
  const language = problems.value(table, at, 'language', rules.language);
  if ((table?.use_llm !== undefined && useLlm === undefined) || (table?.model !== undefined && model === undefined) || (table?.language !== undefined && language === undefined)) {
    return null;
  }
  return {
    useLlm: useLlm ?? true,
    model: model ?? DEFAULT_LLM_MODEL,
    language: language ? Intl.getCanonicalLocales(language)[0] : DEFAULT_LANGUAGE,
  };
}

function readDays(tree: Table, problems: ProblemCollector): DraftDay[] {
  const raw = tree.days;
  const accepted = 'one or more [[days]] tables';
  if (raw === undefined) {
    problems.add(['days'], 'missing', `is required; accepted: ${accepted}`, { accepted });
    return [];
  }
  if (!Array.isArray(raw) || raw.some((d) => !isTable(d))) {
    if (isTable(raw)) {
      problems.add(['days'], 'wrong_type', `[days] is a single table; accepted: ${accepted}, written with two pairs of brackets`, {
        found: '[days]',
        accepted,
      });
    } else {
      problems.addFound(['days'], 'wrong_type', raw, 'is not a list of tables', accepted);
    }
    return [];
  }
  if (raw.length === 0) {
    problems.addFound(['days'], 'missing', raw, 'is empty', accepted);
    return [];
  }
  return (raw as Table[]).map((table, i) => {
    const at: KeyPath = ['days', i];
    problems.unknownKeys(table, at, KNOWN_KEYS.days, '[[days]]');
    const val = <T>(key: string, rule: Parameters<ProblemCollector['value']>[3], required = false): T | undefined =>
      problems.value(table, at, key, rule, required) as T | undefined;
    const draft: DraftDay = {
      path: at,
      dateKey: table.date !== undefined ? 'date' : table.day !== undefined ? 'day' : null,
      date: val('date', rules.isoDate),
      offset: val('day', rules.dayOffset),
      stage: val('stage', rules.stage),
      name: val('name', rules.dayName),
      start: val('start', rules.place),
      finish: val('finish', rules.place),
      distanceKm: val('distance_km', rules.distanceKm),
      elevationM: val('elevation_m', rules.elevationM),
      type: val('type', rules.stageType, true),
      importance: val('importance', rules.importance),
      mode: val('mode', rules.mode),
      durationMin: val('duration_min', rules.durationMin),
      focus: val('focus', rules.focus),
      notes: val('notes', rules.notes),
    };
    if (table.date !== undefined && table.day !== undefined) {
      const accepted = 'either date = YYYY-MM-DD or day = <days after start_date>, not both';
      problems.add(at, 'inconsistent', `has both date and day; accepted: ${accepted}`, { accepted, linePath: [...at, 'day'] });
      draft.date = undefined;
      draft.offset = undefined;
      draft.dateKey = null;
    } else if (table.date === undefined && table.day === undefined) {
      const accepted = 'date = YYYY-MM-DD or day = <days after start_date>';
      problems.add(at, 'missing', `has neither date nor day; accepted: ${accepted}`, { accepted });
    }
    return draft;
  });
}

/** Resolves day offsets to dates; returns the mission's start date when it can be known. */
function resolveDates(drafts: DraftDay[], startDateGiven: string | undefined, startDateWritten: boolean, problems: ProblemCollector): IsoDate | undefined {
  const firstOffset = drafts.findIndex((d) => d.dateKey === 'day');
  if (firstOffset >= 0 && !startDateWritten) {
    const accepted = 'start_date = YYYY-MM-DD at the top of the file';
    problems.add(['start_date'], 'missing', `is required because days use day offsets (first at days[${firstOffset}]); accepted: ${accepted}`, { accepted });
  }
  const start = startDateGiven ?? (startDateWritten ? undefined : drafts[0]?.dateKey === 'date' ? drafts[0].date : undefined);
  for (const d of drafts) {
    if (d.dateKey === 'day') d.date = start !== undefined && d.offset !== undefined ? addDays(start, d.offset) : undefined;
  }
  return start;
}

function dateFound(d: DraftDay): string {
  return d.dateKey === 'day' ? `day = ${d.offset} (${d.date})` : (d.date as string);
}

/** One [[days]] per date, in date order, from start_date with no gaps. */
function checkCalendar(drafts: DraftDay[], startDateGiven: string | undefined, problems: ProblemCollector): void {
  const byDate = new Map<IsoDate, number>();
  let latest: { date: IsoDate; index: number } | null = null;
  /** A day without a usable date since `latest`: it may be the missing one, so gaps are not reported. */
  let unknownSinceLatest = false;
  drafts.forEach((d, i) => {
    if (d.date === undefined || d.dateKey === null) {
      unknownSinceLatest = true;
      return;
    }
    const path = [...d.path, d.dateKey];
    const found = dateFound(d);
    if (i === 0 && startDateGiven !== undefined && d.date !== startDateGiven) {
      problems.add(path, 'calendar', `${found} is not start_date (${startDateGiven}); accepted: the first [[days]] on start_date`, {
        found,
        accepted: 'the first [[days]] on start_date',
      });
    } else if (byDate.has(d.date)) {
      const accepted = 'one [[days]] per date, in date order';
      problems.add(path, 'calendar', `${found} is the same date as days[${byDate.get(d.date)}]; accepted: ${accepted}`, { found, accepted });
    } else if (latest !== null && d.date < latest.date) {
      const accepted = 'days in date order, one per date';
      problems.add(path, 'calendar', `${found} comes after days[${latest.index}] (${latest.date}) in the file but is earlier; accepted: ${accepted}`, { found, accepted });
    } else if (latest !== null && !unknownSinceLatest && d.date > addDays(latest.date, 1)) {
      const from = addDays(latest.date, 1);
      const to = addDays(d.date, -1);
      const missing = from === to ? from : `${from} to ${to}`;
      const accepted = 'consecutive dates (add a [[days]] with type = "rest" for a day off)';
      problems.add(path, 'calendar', `${found} leaves ${missing} without a day; accepted: ${accepted}`, { found, accepted });
    }
    if (!byDate.has(d.date)) byDate.set(d.date, i);
    if (latest === null || d.date > latest.date) {
      latest = { date: d.date, index: i };
      unknownSinceLatest = false;
    }
  });
}

/** Stage numbers once each; rest days without stage or workout; training days with time. */
function checkDays(drafts: DraftDay[], problems: ProblemCollector): void {
  const stages = new Map<number, number>();
  drafts.forEach((d, i) => {
    const at = d.path;
    if (d.stage !== undefined) {
      if (d.type === 'rest') {
        problems.addFound([...at, 'stage'], 'inconsistent', d.stage, 'is set on a rest day', 'no stage on a day with type = "rest"');
      } else if (stages.has(d.stage)) {
        problems.addFound([...at, 'stage'], 'inconsistent', d.stage, `is already days[${stages.get(d.stage)}]`, 'each stage number once');
      } else {
        stages.set(d.stage, i);
      }
    }
    if (d.type === 'rest') {
      if (d.mode !== undefined && d.mode !== 'rest') {
        problems.addFound([...at, 'mode'], 'inconsistent', d.mode, 'is a workout on a rest day', '"rest" or leave mode out (type = "rest" means no workout)');
      }
      if (d.durationMin !== undefined && d.durationMin > 0) {
        problems.addFound([...at, 'duration_min'], 'inconsistent', d.durationMin, 'minutes of workout on a rest day', '0 or leave duration_min out (type = "rest" means no workout)');
      }
    } else if (d.type !== undefined) {
      const mode = d.mode ?? DEFAULT_TRAINING_MODE;
      if (mode === 'rest' && d.durationMin !== undefined && d.durationMin > 0) {
        problems.addFound([...at, 'duration_min'], 'inconsistent', d.durationMin, 'minutes of workout with mode = "rest"', '0 when mode = "rest", or mode = "indoor" or "outdoor" for a workout');
      } else if (mode !== 'rest' && d.durationMin !== undefined && d.durationMin < MIN_TRAINING_MINUTES) {
        problems.addFound([...at, 'duration_min'], 'inconsistent', d.durationMin, `minutes is too short for a training day (mode = "${mode}")`, `${MIN_TRAINING_MINUTES} to ${MAX_DAY_MINUTES} minutes, or mode = "rest" for a day off`);
      }
    }
  });
}

function plannedMinutes(d: Pick<DraftDay, 'type' | 'mode' | 'durationMin'>): number {
  if (d.type === undefined) return 0;
  const mode = d.mode ?? (d.type === 'rest' ? 'rest' : DEFAULT_TRAINING_MODE);
  return d.durationMin ?? (mode === 'rest' ? 0 : TRAINING_DEFAULTS[d.type].durationMin);
}

/** The busiest 7 consecutive days: minutes planned and the first date. */
function busiestWeek(days: { date: IsoDate | undefined; minutes: number }[]): { minutes: number; from: IsoDate; to: IsoDate } | null {
  let best: { minutes: number; from: IsoDate; to: IsoDate } | null = null;
  for (let i = 0; i < days.length; i++) {
    const from = days[i].date;
    if (from === undefined) continue;
    let minutes = 0;
    for (let j = i; j < days.length && j < i + 7; j++) {
      const date = days[j].date;
      if (date !== undefined && daysBetween(from, date) < 7) minutes += days[j].minutes;
    }
    if (best === null || minutes > best.minutes) best = { minutes, from, to: addDays(from, 6) };
  }
  return best;
}

function defaultWeeklyCap(days: MissionDay[]): number {
  const week = busiestWeek(days.map((d) => ({ date: d.date, minutes: d.training.durationMin })));
  return Math.max(1, Math.ceil((week?.minutes ?? 0) / 30) / 2);
}

const hours = (minutes: number): string => `${Math.round((minutes / 60) * 10) / 10}`;

function readGoals(
  table: Table | undefined,
  drafts: DraftDay[],
  missionName: string | undefined,
  problems: ProblemCollector,
): (Omit<MissionConfig['goals'], 'weeklyHoursCap'> & { weeklyHoursCap: number | undefined }) | null {
  const at = ['goals'];
  const summary = problems.value(table, at, 'summary', rules.summary);
  const cap = problems.value(table, at, 'weekly_hours_cap', rules.weeklyHoursCap);
  const hard = problems.value(table, at, 'max_consecutive_hard_days', rules.maxConsecutiveHardDays);
  const listed = problems.valueList(table, at, 'key_stages', rules.keyStage, 'a list of stage numbers (day indexes in missions without stages)', { noun: 'stage' });
  const taper = problems.value(table, at, 'taper_days', rules.taperDays);
  let ok = [['summary', summary], ['weekly_hours_cap', cap], ['max_consecutive_hard_days', hard], ['key_stages', listed], ['taper_days', taper]].every(
    ([key, value]) => table?.[key as string] === undefined || value !== undefined,
  );

  // key stages must exist; days listed as key may not say otherwise.
  const stageMission = drafts.some((d) => d.stage !== undefined);
  const keyStages = new Set<number>();
  const rawList = Array.isArray(table?.key_stages) ? (table?.key_stages as unknown[]) : [];
  if (listed !== undefined && drafts.length > 0) {
    const stageNumbers = drafts.map((d) => d.stage).filter((s): s is number => s !== undefined);
    rawList.forEach((value, i) => {
      if (typeof value !== 'number' || !listed.includes(value)) return;
      const exists = stageMission ? stageNumbers.includes(value) : value < drafts.length;
      if (!exists) {
        const accepted = stageMission
          ? `the stage numbers of this mission's [[days]]: ${describeNumbers(stageNumbers)}`
          : `day indexes 0 to ${drafts.length - 1} (0 is the first [[days]]), since no day has a stage number`;
        problems.addFound([...at, 'key_stages', i], 'inconsistent', value, stageMission ? 'is not a stage of this mission' : 'is not a day of this mission', accepted);
        ok = false;
      } else {
        keyStages.add(value);
      }
    });
  }
  drafts.forEach((d, i) => {
    const id = stageMission ? d.stage : i;
    if (id === undefined) return;
    if (keyStages.has(id) && d.importance !== undefined && d.importance !== 'key') {
      problems.addFound([...d.path, 'importance'], 'inconsistent', d.importance, `but ${stageMission ? `stage ${id}` : `day ${id}`} is in goals.key_stages`, '"key" or leave importance out');
      ok = false;
    }
    if (d.importance === 'key') keyStages.add(id);
  });

  if (taper !== undefined && drafts.length > 0 && taper >= drafts.length) {
    problems.addFound([...at, 'taper_days'], 'inconsistent', taper, `is not shorter than the mission (${drafts.length} days)`, `0 to ${drafts.length - 1}`);
    ok = false;
  }
  if (cap !== undefined && drafts.every((d) => d.date !== undefined)) {
    const week = busiestWeek(drafts.map((d) => ({ date: d.date, minutes: plannedMinutes(d) })));
    if (week !== null && week.minutes > cap * 60) {
      problems.addFound(
        [...at, 'weekly_hours_cap'],
        'inconsistent',
        cap,
        `is less than the ${hours(week.minutes)} h planned from ${week.from} to ${week.to}`,
        `at least ${hours(week.minutes)} (hours per 7 days), or shorter days`,
      );
      ok = false;
    }
  }
  if (!ok) return null;
  return {
    summary: summary ?? missionName ?? '',
    weeklyHoursCap: cap,
    maxConsecutiveHardDays: hard ?? DEFAULT_MAX_CONSECUTIVE_HARD_DAYS,
    keyStages: [...keyStages].sort((a, b) => a - b),
    taperDays: taper ?? 0,
  };
}

/** `1–21` for a run, else a comma list. */
function describeNumbers(values: number[]): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (sorted.length === 0) return 'none';
  const runs: string[] = [];
  let from = sorted[0];
  let prev = sorted[0];
  for (const n of [...sorted.slice(1), Infinity]) {
    if (n === prev + 1) {
      prev = n;
      continue;
    }
    runs.push(from === prev ? `${from}` : `${from}–${prev}`);
    from = n;
    prev = n;
  }
  return runs.join(', ');
}
