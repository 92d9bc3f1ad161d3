/**
 * A mission received as data: the canonical mission (the JSON that `canonicalMissionJson` writes,
 * parsed), e.g. a workflow's input sent by a client that validated the file. It is checked by the
 * same schema as a file: mapped back to the document it stands for (the file's key names,
 * `training` written flat, nulls left out), validated, and then required to come out exactly as
 * received, so data is accepted only when a valid mission file gives it.
 */
import type { MissionConfig } from '../domain/types';
import type { KeyPath } from './key-path';
import { canonicalMissionJson } from './mission-hash';
import { MissionProblems } from './mission-problems';
import { checkMissionDocument, MISSION_TABLES, TRAINING_KEYS } from './mission-schema';
import { isTable, type Table } from './schema-vocabulary';
import { removeSecrets } from './secret-keys';

/** `ftp_w` → `ftpW`: a file key as `MissionConfig` names it. */
const camel = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const isTrainingKey = (key: unknown): boolean => (TRAINING_KEYS as readonly unknown[]).includes(key);

/** A document path as the data names it: `days[2].duration_min` → `days[2].training.durationMin`. */
export function dataPath(documentPath: KeyPath): KeyPath {
  const out = documentPath.map((seg) => (typeof seg === 'string' ? camel(seg) : seg));
  if (documentPath[0] === 'days' && typeof documentPath[1] === 'number' && isTrainingKey(documentPath[2])) out.splice(2, 0, 'training');
  return out;
}

function plainCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainCopy);
  if (isTable(value)) {
    const out: Table = {};
    for (const key of Object.keys(value)) Object.defineProperty(out, key, { value: plainCopy(value[key]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

type Nested = Record<string, (value: unknown, at: KeyPath) => unknown>;

/**
 * The data table `data` at data path `at` as a document table with `documentKeys`: keys renamed,
 * nulls left out, `nested` tables mapped in turn; a key the data may not have is a problem.
 */
function documentTable(data: Table, at: KeyPath, documentKeys: readonly string[], problems: MissionProblems, nested: Nested = {}, into: Table = {}): Table {
  const byDataKey = new Map(documentKeys.map((k) => [camel(k), k]));
  for (const key of Object.keys(data)) {
    const documentKey = byDataKey.get(key);
    const here = [...at, key];
    const inner = Object.hasOwn(nested, key) ? nested[key] : undefined;
    if (documentKey === undefined && inner === undefined) {
      const accepted = [...byDataKey.keys(), ...Object.keys(nested)].join(', ');
      problems.add(here, 'unknown_key', `${JSON.stringify(key)} is not a key of a canonical mission here; accepted: ${accepted}`, { found: JSON.stringify(key), accepted });
    } else if (data[key] !== null) {
      const value = inner ? inner(data[key], here) : data[key];
      if (documentKey !== undefined) into[documentKey] = value;
    }
  }
  return into;
}

function toDocument(data: Table, problems: MissionProblems): Table {
  const t = MISSION_TABLES;
  const section = (keys: readonly string[], nested: Nested = {}) => (value: unknown, at: KeyPath) => (isTable(value) ? documentTable(value, at, keys, problems, nested) : value);
  const dayKeys = Object.keys(t.days).filter((k) => k !== 'day' && !isTrainingKey(k));
  const day = (value: unknown, at: KeyPath): unknown => {
    if (!isTable(value)) return value;
    const out: Table = {};
    const training = (v: unknown, here: KeyPath): unknown => {
      if (isTable(v)) documentTable(v, here, TRAINING_KEYS, problems, {}, out);
      else problems.add(here, 'wrong_type', `${JSON.stringify(v)} is not a table; accepted: { mode, durationMin, focus }`);
      return undefined;
    };
    // `index` is the day's place in the list: checked when the result is compared with the data.
    return documentTable(value, at, dayKeys, problems, { training, index: () => undefined }, out);
  };
  return documentTable(data, [], Object.keys(t.top), problems, {
    athlete: section(Object.keys(t.athlete)),
    goals: section(Object.keys(t.goals)),
    notifications: section(Object.keys(t.notifications), { quietHours: section(Object.keys(t.quietHours)) }),
    planner: section(Object.keys(t.planner)),
    days: (value: unknown, at: KeyPath) => (Array.isArray(value) ? value.map((d, i) => day(d, [...at, i])) : value),
  });
}

/** The first place where `actual` differs from `expected` (plain JSON values), or null. */
function firstDifference(expected: unknown, actual: unknown, at: KeyPath): { path: KeyPath; expected: unknown; actual: unknown } | null {
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    for (let i = 0; i < expected.length; i++) {
      const d = firstDifference(expected[i], actual[i], [...at, i]);
      if (d) return d;
    }
    return null;
  }
  if (isTable(expected) && isTable(actual)) {
    for (const key of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
      const d = firstDifference(expected[key], actual[key], [...at, key]);
      if (d) return d;
    }
    return null;
  }
  return JSON.stringify(expected) === JSON.stringify(actual) ? null : { path: at, expected, actual };
}

/**
 * Validates a canonical mission value (`JSON.parse(canonicalMissionJson(m))`) with the mission
 * schema and returns it as a `MissionConfig`; throws `MissionConfigError` with every problem, each
 * naming its key path in the data (`days[2].training.durationMin`). `sourceName` names the data in
 * messages (e.g. `workflow input`).
 */
export function missionFromData(value: unknown, sourceName: string): MissionConfig {
  const problems = new MissionProblems({ file: sourceName, locations: null, showPath: dataPath });
  if (!isTable(value)) {
    problems.add([], 'wrong_type', 'is not a mission; accepted: a canonical mission, the JSON object that canonicalMissionJson writes');
    problems.throwIfAny();
  }
  const data = plainCopy(value) as Table;
  removeSecrets(data, [], problems);
  const config = checkMissionDocument(toDocument(data, problems), problems);
  const difference = firstDifference(JSON.parse(canonicalMissionJson(config)), value, []);
  if (difference) {
    const expected = JSON.stringify(difference.expected) ?? 'nothing';
    const found = difference.actual === undefined ? undefined : problems.render([], difference.actual);
    const message = `${found === undefined ? 'is missing' : `${found} is not canonical`}; accepted: ${expected}, what the mission's rules make of it`;
    problems.add(difference.path, 'not_canonical', message, { found, accepted: expected });
  }
  problems.throwIfAny();
  return config;
}
