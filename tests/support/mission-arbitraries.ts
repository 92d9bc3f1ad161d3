/**
 * fast-check arbitraries for mission files: valid missions (as a document, as TOML text and as
 * canonical data), mutations of each, planted secrets, TOML-ish text and raw bytes. Shared by the
 * unit properties (tests/unit/mission/mission-fuzz.test.ts) and longer fuzz runs.
 */
import fc from 'fast-check';
import { stringify, TomlDate } from 'smol-toml';
import { CHANNELS, DISCIPLINES, IMPORTANCE_LEVELS } from '../../src/domain/types';
import { addDays } from '../../src/domain/iso-date';
import { canonicalMissionJson, parseMissionText } from '../../src/mission';
import { looksLikeSecretValue } from '../../src/mission/secret-keys';

/** A value shaped like an API key (built here so that no key-shaped literal sits in the repository). */
const SECRET_LOOKING = `sk-${'test'.repeat(8)}`;

export type Doc = Record<string, unknown>;

/** A valid mission: the document written to TOML, and facts the loaded mission must show. */
export interface ValidMission {
  document: Doc;
  text: string;
  expected: { id: string; startDate: string; days: number };
}

const ZONES = ['Europe/Paris', 'europe/paris', 'America/Denver', 'UTC', 'Asia/Tokyo', 'Australia/Sydney', 'America/Sao_Paulo', 'Pacific/Auckland'];
const TRAINING_TYPES = ['flat', 'hilly', 'mountain', 'itt', 'ttt'] as const;
const DEFAULT_MINUTES: Record<string, number> = { flat: 75, hilly: 90, mountain: 120, itt: 50, ttt: 60, rest: 0 };

/** Text a mission accepts: not blank, no lone surrogate, nothing that looks like a token. */
const text = (maxLength: number): fc.Arbitrary<string> =>
  fc
    .oneof(fc.string({ minLength: 1, maxLength }), fc.string({ minLength: 1, maxLength, unit: 'grapheme' }))
    .filter((s) => s.trim() !== '' && !looksLikeSecretValue(s));

const clockTime = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const isoDate = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2032-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

/** A date written as a TOML date or as a quoted string. */
const writtenDate = (date: string): fc.Arbitrary<unknown> => fc.constantFrom<unknown>(date, new TomlDate(date));

/** `key = value` when `value` is not undefined. */
function compact(doc: Record<string, unknown>): Doc {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));
}

const athlete = fc.integer({ min: 100, max: 220 }).chain((threshold) =>
  fc
    .record({
      handle: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,31}$/),
      ftp_w: fc.integer({ min: 50, max: 600 }),
      weight_kg: fc.oneof(fc.integer({ min: 30, max: 200 }), fc.double({ min: 30, max: 200, noNaN: true })),
      threshold_hr: fc.constant(threshold),
      max_hr: fc.integer({ min: Math.max(120, threshold + 1), max: 230 }),
      resting_hr: fc.option(fc.integer({ min: 30, max: Math.min(100, threshold - 1) }), { nil: undefined }),
      disciplines: fc.option(fc.uniqueArray(fc.constantFrom(...DISCIPLINES), { minLength: 1 }), { nil: undefined }),
    })
    .map(compact),
);

interface DayPlan {
  type: string;
  stage: boolean;
  mode: string | undefined;
  duration: number | undefined;
  byOffset: boolean;
  extras: Doc;
}

const dayPlan: fc.Arbitrary<DayPlan> = fc
  .record({
    rest: fc.boolean(),
    type: fc.constantFrom(...TRAINING_TYPES),
    stage: fc.boolean(),
    mode: fc.constantFrom(undefined, 'indoor', 'outdoor', 'rest'),
    duration: fc.option(fc.integer({ min: 10, max: 300 }), { nil: undefined }),
    zero: fc.boolean(),
    byOffset: fc.boolean(),
    extras: fc
      .record(
        {
          name: text(120),
          start: text(120),
          finish: text(120),
          distance_km: fc.double({ min: 0, max: 400, noNaN: true }),
          elevation_m: fc.integer({ min: 0, max: 10_000 }),
          importance: fc.constantFrom(...IMPORTANCE_LEVELS),
          focus: text(200),
          notes: text(1000),
        },
        { requiredKeys: [] },
      )
      .map(compact),
  })
  .map(({ rest, type, stage, mode, duration, zero, byOffset, extras }) => {
    if (rest) return { type: 'rest', stage: false, mode: zero ? 'rest' : undefined, duration: zero ? 0 : undefined, byOffset, extras };
    if (mode === 'rest') return { type, stage, mode, duration: zero ? 0 : undefined, byOffset, extras };
    return { type, stage, mode, duration, byOffset, extras };
  });

const minutesOf = (p: DayPlan): number => p.duration ?? (p.type === 'rest' || p.mode === 'rest' ? 0 : DEFAULT_MINUTES[p.type]);

/** A weekly cap from just above `needed` hours (`share` 0) to 40 (`share` 1), in tenths of an hour. */
const capAbove = (needed: number, share: number): number => {
  const low = Math.max(1, Math.ceil(needed * 10 + 1) / 10);
  return Math.round((low + (40 - low) * share) * 10) / 10;
};

function busiestWeekHours(plans: DayPlan[]): number {
  let most = 0;
  for (let i = 0; i < plans.length; i++) most = Math.max(most, plans.slice(i, i + 7).reduce((s, p) => s + minutesOf(p), 0));
  return most / 60;
}

/** A valid mission (keys as in the file, every rule across keys holding) and its TOML text. */
export const validMission: fc.Arbitrary<ValidMission> = fc
  .record({
    id: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,40}$/),
    name: text(120),
    timezone: fc.constantFrom(...ZONES),
    runTime: fc.option(clockTime, { nil: undefined }),
    startDate: isoDate,
    writeStart: fc.boolean(),
    athlete,
    plans: fc.array(dayPlan, { minLength: 1, maxLength: 30 }),
    goals: fc.record(
      {
        summary: text(500),
        max_consecutive_hard_days: fc.integer({ min: 1, max: 7 }),
        keyPicks: fc.uniqueArray(fc.nat(), { maxLength: 4 }),
        taper: fc.nat(),
        cap: fc.double({ min: 0, max: 1, noNaN: true }),
      },
      { requiredKeys: [] },
    ),
    notifications: fc.option(
      fc.record(
        {
          channels: fc.uniqueArray(fc.constantFrom(...CHANNELS)),
          quiet_hours: fc.tuple(clockTime, clockTime).filter(([a, b]) => a !== b).map(([start, end]) => ({ start, end })),
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
    planner: fc.option(
      fc.record(
        {
          use_llm: fc.boolean(),
          model: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,30}$/),
          language: fc.constantFrom('en', 'fr', 'en-GB', 'de', 'pt-BR', 'en-gb'),
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
  })
  .chain((m) => {
    const anyOffset = m.plans.some((p) => p.byOffset);
    const writeStart = m.writeStart || anyOffset;
    let stageNumber = 0;
    const stages: number[] = [];
    const days = m.plans.map((p, i) => {
      const stage = p.stage && p.type !== 'rest' ? ++stageNumber : undefined;
      if (stage !== undefined) stages.push(stage);
      const date = addDays(m.startDate, i);
      return compact({
        stage,
        ...(p.byOffset ? { day: i } : { date }),
        type: p.type,
        mode: p.mode,
        duration_min: p.duration,
        ...p.extras,
      });
    });
    const stageMission = stages.length > 0;
    const candidates = stageMission ? stages : m.plans.map((_, i) => i);
    const keyStages = [...new Set(m.goals.keyPicks?.map((k) => candidates[k % candidates.length]) ?? [])];
    for (const key of keyStages) {
      const day = days[stageMission ? days.findIndex((d) => d.stage === key) : key];
      if (day.importance !== undefined && day.importance !== 'key') day.importance = 'key';
    }
    const needed = busiestWeekHours(m.plans);
    const goals = compact({
      summary: m.goals.summary,
      max_consecutive_hard_days: m.goals.max_consecutive_hard_days,
      key_stages: m.goals.keyPicks === undefined ? undefined : keyStages,
      taper_days: m.goals.taper === undefined ? undefined : m.goals.taper % Math.min(29, m.plans.length),
      weekly_hours_cap: m.goals.cap === undefined || needed > 39.8 ? undefined : capAbove(needed, m.goals.cap),
    });
    return fc.tuple(writtenDate(m.startDate), fc.tuple(...days.map((d) => (d.date === undefined ? fc.constant(undefined) : writtenDate(d.date as string))))).map(
      ([start, dates]): ValidMission => {
        const document = compact({
          id: m.id,
          name: m.name,
          timezone: m.timezone,
          run_time: m.runTime,
          start_date: writeStart ? start : undefined,
          athlete: m.athlete,
          goals: Object.keys(goals).length > 0 ? goals : undefined,
          notifications: m.notifications,
          planner: m.planner,
          days: days.map((d, i) => (d.date === undefined ? d : { ...d, date: dates[i] })),
        });
        return { document, text: stringify(document), expected: { id: m.id, startDate: m.startDate, days: days.length } };
      },
    );
  });

/** The document (keys as in the file) of a valid mission. */
export const validMissionDocument: fc.Arbitrary<Doc> = validMission.map((m) => m.document);

// ------------------------------------------------------------------ mutations

/** Values a TOML document can hold, including ones no mission key accepts. */
export const tomlValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.integer(),
    fc.integer({ min: -1000, max: 1000 }),
    fc.double(),
    fc.boolean(),
    fc.constantFrom('2025-02-30', '2025-07-05', '06:30', '24:00', 'hily', 'rest', 'email', 'Europe/Pari', '', ' ', SECRET_LOOKING),
    fc.constantFrom(new TomlDate('2025-07-05'), new TomlDate('07:15:00'), new TomlDate('2025-07-05T09:00:00'), new TomlDate('2025-07-05T09:00:00Z')),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('type', 'date', 'start', 'end', 'token', 'stage')), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

/** A deep copy that keeps TOML dates as they are (structuredClone would make them plain Dates). */
function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)])) as T;
  return value;
}

/** Every path to a value in a document, tables and lists included. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const here = [at];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  if (isObject(value)) {
    return [...here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
  }
  return here;
}

type Edit =
  | { op: 'delete'; pick: number }
  | { op: 'set'; pick: number; value: unknown }
  | { op: 'add'; pick: number; key: string; value: unknown }
  | { op: 'duplicate'; pick: number };

/** Edits of a document or a data value, setting and adding values drawn from `values`. */
const edit = (values: fc.Arbitrary<unknown>): fc.Arbitrary<Edit> =>
  fc.oneof(
    fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
    fc.record({ op: fc.constant('set' as const), pick: fc.nat(), value: values }),
    fc.record({
      op: fc.constant('add' as const),
      pick: fc.nat(),
      key: fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('ftp', 'typ', 'dates', 'api_key', 'day', 'date', 'stage', 'importance', 'ftp_w', 'durationMin', '__proto__')),
      value: values,
    }),
    fc.record({ op: fc.constant('duplicate' as const), pick: fc.nat() }),
  );

const valueAt = (doc: unknown, path: (string | number)[]): unknown => path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], doc);

function applyEdit(doc: Doc, e: Edit): void {
  const all = paths(doc).filter((p) => p.length > 0);
  if (all.length === 0) return;
  const path = all[e.pick % all.length];
  const parent = valueAt(doc, path.slice(0, -1)) as Record<string | number, unknown> | unknown[];
  const key = path[path.length - 1];
  const target = (parent as Record<string | number, unknown>)[key];
  if (e.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete (parent as Record<string | number, unknown>)[key];
  } else if (e.op === 'set') {
    (parent as Record<string | number, unknown>)[key] = e.value;
  } else if (e.op === 'add') {
    if (isObject(target)) target[e.key] = e.value;
    else if (Array.isArray(target)) target.push(e.value);
  } else if (Array.isArray(parent)) {
    parent.splice(key as number, 0, clone(target));
  }
}

/** A valid mission document after a few arbitrary edits (delete, replace, add, duplicate), as TOML text. */
export const mutatedMissionText: fc.Arbitrary<string> = fc.tuple(validMissionDocument, fc.array(edit(tomlValue), { minLength: 1, maxLength: 4 })).map(([doc, edits]) => {
  const copy = clone(doc);
  for (const e of edits) applyEdit(copy, e);
  try {
    return stringify(copy);
  } catch {
    return stringify(doc); // stringify refuses some shapes (e.g. mixed arrays): keep the valid text then
  }
});

/** A valid mission as canonical data: `JSON.parse(canonicalMissionJson(mission))`. */
export const canonicalMissionData: fc.Arbitrary<Doc> = validMission.map((m) => JSON.parse(canonicalMissionJson(parseMissionText(m.text, 'generated.toml'))) as Doc);

/** Canonical mission data after a few arbitrary edits with JSON values. */
export const mutatedMissionData: fc.Arbitrary<Doc> = fc
  .tuple(canonicalMissionData, fc.array(edit(fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(null, 0, -1, 'rest', '2025-02-30', 'UTC'))), { minLength: 1, maxLength: 3 }))
  .map(([data, edits]) => {
    const copy = clone(data);
    for (const e of edits) applyEdit(copy, e);
    return copy;
  });

const SECRET_KEYS = ['access_token', 'refresh_token', 'api_key', 'openai_api_key', 'password', 'client_secret', 'athlete_id', 'auth_token', 'bearer'];

/** A valid mission with a secret key, or a token-looking text, planted somewhere; `secret` is its value. */
export const secretPlantedMission: fc.Arbitrary<{ text: string; secret: string }> = fc
  .tuple(validMissionDocument, fc.boolean(), fc.nat(), fc.constantFrom(...SECRET_KEYS), fc.stringMatching(/^[A-Za-z0-9]{24}$/))
  .map(([doc, asKey, pick, key, token]) => {
    const copy = clone(doc);
    const all = paths(copy);
    const secret = `sk-CANARY${token}`;
    const tables = all.filter((p) => isObject(valueAt(copy, p)));
    const strings = all.filter((p) => typeof valueAt(copy, p) === 'string');
    if (asKey || strings.length === 0) {
      (valueAt(copy, tables[pick % tables.length]) as Doc)[key] = secret;
    } else {
      const at = strings[pick % strings.length];
      (valueAt(copy, at.slice(0, -1)) as Record<string | number, unknown>)[at[at.length - 1]] = secret;
    }
    return { text: stringify(copy), secret };
  });

/** Lines and fragments of TOML, well-formed or not, that mission files are made of. */
const TOML_FRAGMENTS = [
  '[athlete]', '[[days]]', '[goals]', '[notifications]', '[planner]', '[[athlete]]', '[days]', '[notifications.quiet_hours]', '[a.b.c]', '[', ']]',
  'id = "x"', 'name = "N"', 'timezone = "UTC"', 'run_time = "06:30"', 'run_time = 06:30:00', 'start_date = 2025-07-05', 'start_date = 2025-02-30',
  'handle = "rider"', 'ftp_w = 250', 'weight_kg = 72.5', 'threshold_hr = 165', 'max_hr = 185', 'resting_hr = 50', 'disciplines = ["cycling"]',
  'date = 2025-07-05', 'date = 2025-07-06', 'day = 1', 'day = -1', 'type = "flat"', 'type = "rest"', 'stage = 1', 'mode = "rest"', 'duration_min = 0',
  'key_stages = [1, 2]', 'taper_days = 99', 'weekly_hours_cap = 1', 'channels = ["email", "email"]', 'quiet_hours = { start = "22:00", end = "22:00" }',
  'a.b.c = 1', '"quoted key" = 1', "'lit' = 'x'", 'x = """\nmulti\n"""', "y = '''\nraw\n'''", 'n = inf', 'n = nan', 'n = 1e400', 'n = 0x1F', 'n = 1_000',
  'n = 9007199254740993', 't = 2025-07-05T09:00:00Z', 't = 07:15', 'arr = [1, "two", [3]]', 'inline = { a = 1, b = { c = 2 } }', 'access_token = "abc"',
  '# comment', '', ' ', '=', '= 1', 'key =', '"unterminated', "'", '\\', '\t', '\r\n', 'é', '日本', '🚴',
];

/** What a UTF-8 TOML file cannot hold: drawn rarely, since the loader stops at the first. */
const ENCODING_FAULTS = ['\u0000', '\uFEFF', '\uD800', '\uDC00x'];

const fragment = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...TOML_FRAGMENTS) },
  { weight: 5, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(...ENCODING_FAULTS) },
);

/** Text built from TOML fragments and arbitrary characters, one fragment per line or run together. */
export const tomlishText: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 20, arbitrary: fragment }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) }), { maxLength: 40 })
  .chain((parts) => fc.constantFrom('\n', '', ' ').map((sep) => parts.join(sep)));

/** A valid mission's text with characters deleted, inserted or replaced here and there. */
export const editedMissionText: fc.Arbitrary<string> = fc
  .tuple(validMission, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fragment), { minLength: 1, maxLength: 5 }))
  .map(([m, edits]) =>
    edits.reduce((t, [at, remove, insert]) => {
      const i = t.length === 0 ? 0 : at % t.length;
      return t.slice(0, i) + insert + t.slice(i + remove);
    }, m.text),
  );

/** Bytes of a valid mission with a few bytes replaced (often making it invalid UTF-8), or random bytes. */
export const missionBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.tuple(validMission, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 })).map(([m, flips]) => {
    const bytes = new Uint8Array(Buffer.from(m.text, 'utf8'));
    for (const [at, b] of flips) if (bytes.length > 0) bytes[at % bytes.length] = b;
    return bytes;
  }),
);
