/**
 * A mission written as TOML text → the mission schema's document → `MissionConfig`, or a
 * `MissionConfigError` listing every problem of the text at once, each with its line.
 */
import { parse, TomlDate, TomlError } from 'smol-toml';
import type { MissionConfig } from '../domain/types';
import type { KeyPath } from './key-path';
import { wholeFileError } from './mission-errors';
import { MissionProblems } from './mission-problems';
import { checkMissionDocument } from './mission-schema';
import { isTable, type Table } from './schema-vocabulary';
import { removeSecrets } from './secret-keys';
import { textFault } from './text-encoding';
import { locateKeys, type TomlLocations } from './toml-locations';

/** Parses and validates a mission written as TOML; `sourceName` names it in messages (a file path). */
export function parseMissionText(text: string, sourceName: string): MissionConfig {
  const fault = textFault(text);
  if (fault) throw wholeFileError(sourceName, 'not_utf8', fault.message, fault.line);
  let parsed: Table;
  try {
    parsed = parse(text) as Table;
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const reason = err.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
    throw wholeFileError(sourceName, 'toml_syntax', `TOML syntax error at column ${err.column}: ${reason}`, err.line);
  }
  const locations = locateKeys(text);
  const problems = new MissionProblems({ file: sourceName, locations });
  const document = asWritten(parsed, [], locations, problems) as Table;
  removeSecrets(document, [], problems);
  return checkMissionDocument(document, problems);
}

/**
 * A plain copy of the parsed TOML in which local dates and times are the strings written in the
 * file: smol-toml rolls 2025-02-30 over to 2025-03-02, and the text as written keeps the mistake
 * visible so it can be reported. A key named `__proto__` cannot be a mission key: it is refused
 * here, since a plain object cannot hold it.
 */
function asWritten(value: unknown, path: (string | number)[], locations: TomlLocations, problems: MissionProblems): unknown {
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
  if (Array.isArray(value)) return value.map((item, i) => asWritten(item, [...path, i], locations, problems));
  if (isTable(value)) {
    const out: Table = {};
    for (const [key, item] of Object.entries(value)) {
      const at: KeyPath = [...path, key];
      if (key === '__proto__') problems.add(at, 'unknown_key', '"__proto__" is not a mission key; accepted: the keys of docs/missions.md', { found: '"__proto__"' });
      else out[key] = asWritten(item, [...at], locations, problems);
    }
    return out;
  }
  return value;
}
