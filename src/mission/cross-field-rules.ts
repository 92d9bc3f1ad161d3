/**
 * Rules across keys of a mission: heart rates in order, a calendar of one day per date with no
 * gaps, rest days without a stage or a workout, key stages that exist, a weekly cap the plan fits.
 * Each rule reads values with `valid()`, so a value that failed its own check is not compared and
 * every other problem of the file is still found.
 */
import type { IsoDate, MissionDay, StageType, TrainingMode } from '../domain/types';
import { addDays, daysBetween } from '../domain/iso-date';
import { KEYS } from './mission-keys';
import { isTable, valid, type Report, type Table } from './schema-vocabulary';
import { DEFAULT_RUN_TIME, DEFAULT_TRAINING_MODE, MAX_DAY_MINUTES, MIN_TRAINING_MINUTES, TRAINING_DEFAULTS } from './training-defaults';

// ------------------------------------------------------------------ one table

export function athleteRules(t: Table, report: Report): void {
  const thresholdHr = valid(KEYS.thresholdHr, t.threshold_hr);
  const maxHr = valid(KEYS.maxHr, t.max_hr);
  const restingHr = valid(KEYS.restingHr, t.resting_hr);
  if (thresholdHr === undefined) return;
  if (maxHr !== undefined && maxHr <= thresholdHr) {
    report({ code: 'inconsistent', what: `is not above threshold_hr (${thresholdHr})`, accepted: 'a max_hr higher than threshold_hr', found: { value: maxHr } }, ['max_hr']);
  }
  if (restingHr !== undefined && restingHr >= thresholdHr) {
    report({ code: 'inconsistent', what: `is not below threshold_hr (${thresholdHr})`, accepted: 'a resting_hr lower than threshold_hr', found: { value: restingHr } }, ['resting_hr']);
  }
}

export const QUIET_HOURS_ACCEPTED = 'a table { start = "HH:MM", end = "HH:MM" } of two different times (may cross midnight)';

export function quietHoursRules(t: Table, report: Report): void {
  const start = valid(KEYS.clockTime, t.start);
  if (start !== undefined && start === valid(KEYS.clockTime, t.end)) {
    report({ code: 'inconsistent', what: 'starts and ends at the same time', accepted: QUIET_HOURS_ACCEPTED, found: { value: t } });
  }
}

/** A day's date given once; no stage or workout on a rest day; a training day with enough time. */
export function dayRules(t: Table, report: Report): void {
  if (t.date !== undefined && t.day !== undefined) {
    const accepted = 'either date = YYYY-MM-DD or day = <days after start_date>, not both';
    report({ code: 'inconsistent', what: 'has both date and day', accepted, found: null, lineKey: 'day' });
  } else if (t.date === undefined && t.day === undefined) {
    report({ code: 'missing', what: 'has neither date nor day', accepted: 'date = YYYY-MM-DD or day = <days after start_date>', found: null });
  }
  const type = valid(KEYS.stageType, t.type);
  const stage = valid(KEYS.stage, t.stage);
  const mode = valid(KEYS.mode, t.mode);
  const durationMin = valid(KEYS.durationMin, t.duration_min);
  if (type === 'rest') {
    if (stage !== undefined) report({ code: 'inconsistent', what: 'is set on a rest day', accepted: 'no stage on a day with type = "rest"', found: { value: stage } }, ['stage']);
    if (mode !== undefined && mode !== 'rest') {
      report({ code: 'inconsistent', what: 'is a workout on a rest day', accepted: '"rest" or leave mode out (type = "rest" means no workout)', found: { value: mode } }, ['mode']);
    }
    if (durationMin !== undefined && durationMin > 0) {
      const accepted = '0 or leave duration_min out (type = "rest" means no workout)';
      report({ code: 'inconsistent', what: 'minutes of workout on a rest day', accepted, found: { value: durationMin } }, ['duration_min']);
    }
  } else if (type !== undefined && durationMin !== undefined) {
    const trainedAs = mode ?? DEFAULT_TRAINING_MODE;
    if (trainedAs === 'rest' && durationMin > 0) {
      const accepted = '0 when mode = "rest", or mode = "indoor" or "outdoor" for a workout';
      report({ code: 'inconsistent', what: 'minutes of workout with mode = "rest"', accepted, found: { value: durationMin } }, ['duration_min']);
    } else if (trainedAs !== 'rest' && durationMin < MIN_TRAINING_MINUTES) {
      report(
        {
          code: 'inconsistent',
          what: `minutes is too short for a training day (mode = "${trainedAs}")`,
          accepted: `${MIN_TRAINING_MINUTES} to ${MAX_DAY_MINUTES} minutes, or mode = "rest" for a day off`,
          found: { value: durationMin },
        },
        ['duration_min'],
      );
    }
  }
}

// ------------------------------------------------------------------ the whole mission

/** What the mission-wide rules need of one [[days]] table: its valid values only. */
interface DayFacts {
  /** Which key gave the date: `date`, `day`, or neither usable (both or none written). */
  dateKey: 'date' | 'day' | null;
  date: IsoDate | undefined;
  offset: number | undefined;
  stage: number | undefined;
  type: StageType | undefined;
  importance: MissionDay['importance'] | undefined;
  mode: TrainingMode | undefined;
  durationMin: number | undefined;
}

function dayFacts(t: Table): DayFacts {
  const both = t.date !== undefined && t.day !== undefined;
  return {
    dateKey: both ? null : t.date !== undefined ? 'date' : t.day !== undefined ? 'day' : null,
    date: both ? undefined : valid(KEYS.date, t.date),
    offset: both ? undefined : valid(KEYS.dayOffset, t.day),
    stage: valid(KEYS.stage, t.stage),
    type: valid(KEYS.stageType, t.type),
    importance: valid(KEYS.importance, t.importance),
    mode: valid(KEYS.mode, t.mode),
    durationMin: valid(KEYS.durationMin, t.duration_min),
  };
}

/**
 * The mission's start: `start_date`, else (when it is not written) the first day's date. Days given
 * by offset get their date from it. Shared with the transform to `MissionConfig`.
 */
export function resolveDates(
  days: readonly { dateKey: 'date' | 'day' | null; date: IsoDate | undefined; offset: number | undefined }[],
  startDate: IsoDate | undefined,
  startDateWritten: boolean,
): { start: IsoDate | undefined; dates: (IsoDate | undefined)[] } {
  const start = startDate ?? (startDateWritten ? undefined : days[0]?.dateKey === 'date' ? days[0].date : undefined);
  const dates = days.map((d) => (d.dateKey === 'day' ? (start !== undefined && d.offset !== undefined ? addDays(start, d.offset) : undefined) : d.date));
  return { start, dates };
}

/** Planned minutes of a day as the defaults will make it. */
export function plannedMinutes(type: StageType, mode: TrainingMode | undefined, durationMin: number | undefined): number {
  const trainedAs = mode ?? (type === 'rest' ? 'rest' : DEFAULT_TRAINING_MODE);
  return durationMin ?? (trainedAs === 'rest' ? 0 : TRAINING_DEFAULTS[type].durationMin);
}

/** The busiest 7 consecutive days: minutes planned and the first and last date. */
export function busiestWeek(days: { date: IsoDate | undefined; minutes: number }[]): { minutes: number; from: IsoDate; to: IsoDate } | null {
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

const hours = (minutes: number): string => `${Math.round((minutes / 60) * 10) / 10}`;

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

/** Rules across the whole document: the calendar, stage numbers, key stages, taper and weekly cap. */
export function missionRules(doc: Table, report: Report): void {
  const rawDays = doc.days;
  if (!Array.isArray(rawDays) || rawDays.length === 0 || !rawDays.every(isTable)) return;
  const facts = rawDays.map(dayFacts);
  const startGiven = valid(KEYS.startDate, doc.start_date);

  const firstOffset = facts.findIndex((d) => d.dateKey === 'day');
  if (firstOffset >= 0 && doc.start_date === undefined) {
    const accepted = 'start_date = YYYY-MM-DD at the top of the file';
    report({ code: 'missing', what: `is required because days use day offsets (first at days[${firstOffset}])`, accepted, found: null }, ['start_date']);
  }
  const { dates } = resolveDates(facts, startGiven, doc.start_date !== undefined);
  facts.forEach((d, i) => (d.date = dates[i]));

  const earliest = valid(KEYS.runTime, doc.earliest_time);
  const runTime = valid(KEYS.runTime, doc.run_time) ?? DEFAULT_RUN_TIME;
  if (earliest !== undefined && earliest > runTime) {
    const accepted = `a time at or before run_time (${runTime}): the day may start this early when the night's data lands, the run time stays the latest`;
    report({ code: 'inconsistent', what: `is after run_time (${runTime})`, accepted, found: { value: earliest } }, ['earliest_time']);
  }

  checkCalendar(facts, startGiven, report);
  checkStages(facts, report);
  checkGoals(isTable(doc.goals) ? doc.goals : undefined, facts, report);
}

function dateFound(d: DayFacts): string {
  return d.dateKey === 'day' ? `day = ${d.offset} (${d.date})` : (d.date as string);
}

/** One [[days]] per date, in date order, from start_date with no gaps. */
function checkCalendar(days: DayFacts[], startGiven: IsoDate | undefined, report: Report): void {
  const byDate = new Map<IsoDate, number>();
  let latest: { date: IsoDate; index: number } | null = null;
  /** A day without a usable date since `latest`: it may be the missing one, so gaps are not reported. */
  let unknownSinceLatest = false;
  days.forEach((d, i) => {
    if (d.date === undefined || d.dateKey === null) {
      unknownSinceLatest = true;
      return;
    }
    const path = ['days', i, d.dateKey];
    const found = { text: dateFound(d) };
    if (i === 0 && startGiven !== undefined && d.date !== startGiven) {
      report({ code: 'calendar', what: `is not start_date (${startGiven})`, accepted: 'the first [[days]] on start_date', found }, path);
    } else if (byDate.has(d.date)) {
      report({ code: 'calendar', what: `is the same date as days[${byDate.get(d.date)}]`, accepted: 'one [[days]] per date, in date order', found }, path);
    } else if (latest !== null && d.date < latest.date) {
      const what = `comes after days[${latest.index}] (${latest.date}) in the file but is earlier`;
      report({ code: 'calendar', what, accepted: 'days in date order, one per date', found }, path);
    } else if (latest !== null && !unknownSinceLatest && d.date > addDays(latest.date, 1)) {
      const from = addDays(latest.date, 1);
      const to = addDays(d.date, -1);
      const what = `leaves ${from === to ? from : `${from} to ${to}`} without a day`;
      report({ code: 'calendar', what, accepted: 'consecutive dates (add a [[days]] with type = "rest" for a day off)', found }, path);
    }
    if (!byDate.has(d.date)) byDate.set(d.date, i);
    if (latest === null || d.date > latest.date) {
      latest = { date: d.date, index: i };
      unknownSinceLatest = false;
    }
  });
}

/** Each stage number once (rest days have none: dayRules says so). */
function checkStages(days: DayFacts[], report: Report): void {
  const stages = new Map<number, number>();
  days.forEach((d, i) => {
    if (d.stage === undefined || d.type === 'rest') return;
    const first = stages.get(d.stage);
    if (first !== undefined) {
      report({ code: 'inconsistent', what: `is already days[${first}]`, accepted: 'each stage number once', found: { value: d.stage } }, ['days', i, 'stage']);
    } else {
      stages.set(d.stage, i);
    }
  });
}

function checkGoals(goals: Table | undefined, days: DayFacts[], report: Report): void {
  const stageMission = days.some((d) => d.stage !== undefined);
  const keyStages = new Set<number>();
  const listed = Array.isArray(goals?.key_stages) ? (goals.key_stages as unknown[]) : [];
  const stageNumbers = days.map((d) => d.stage).filter((s): s is number => s !== undefined);
  const seen = new Set<number>();
  listed.forEach((raw, i) => {
    const key = valid(KEYS.keyStage, raw);
    if (key === undefined || seen.has(key)) return;
    seen.add(key);
    if (stageMission ? stageNumbers.includes(key) : key < days.length) {
      keyStages.add(key);
      return;
    }
    const accepted = stageMission
      ? `the stage numbers of this mission's [[days]]: ${describeNumbers(stageNumbers)}`
      : `day indexes 0 to ${days.length - 1} (0 is the first [[days]]), since no day has a stage number`;
    report({ code: 'inconsistent', what: stageMission ? 'is not a stage of this mission' : 'is not a day of this mission', accepted, found: { value: key } }, ['goals', 'key_stages', i]);
  });
  days.forEach((d, i) => {
    const id = stageMission ? d.stage : i;
    if (id === undefined) return;
    if (keyStages.has(id) && d.importance !== undefined && d.importance !== 'key') {
      const what = `but ${stageMission ? `stage ${id}` : `day ${id}`} is in goals.key_stages`;
      report({ code: 'inconsistent', what, accepted: '"key" or leave importance out', found: { value: d.importance } }, ['days', i, 'importance']);
    }
  });

  const taper = valid(KEYS.taperDays, goals?.taper_days);
  if (taper !== undefined && taper >= days.length) {
    report({ code: 'inconsistent', what: `is not shorter than the mission (${days.length} days)`, accepted: `0 to ${days.length - 1}`, found: { value: taper } }, ['goals', 'taper_days']);
  }
  const cap = valid(KEYS.weeklyHoursCap, goals?.weekly_hours_cap);
  if (cap !== undefined && days.every((d) => d.date !== undefined)) {
    const week = busiestWeek(days.map((d) => ({ date: d.date, minutes: d.type === undefined ? 0 : plannedMinutes(d.type, d.mode, d.durationMin) })));
    if (week !== null && week.minutes > cap * 60) {
      report(
        {
          code: 'inconsistent',
          what: `is less than the ${hours(week.minutes)} h planned from ${week.from} to ${week.to}`,
          accepted: `at least ${hours(week.minutes)} (hours per 7 days), or shorter days`,
          found: { value: cap },
        },
        ['goals', 'weekly_hours_cap'],
      );
    }
  }
}
