/**
 * Collects the problems of one mission file: knows the file name and where each key is written,
 * renders found values as written, and checks values against their rules.
 */
import { closestMatch } from './closest-match';
import { formatKeyPath, type KeyPath } from './key-path';
import type { MissionProblem, ProblemCode } from './mission-errors';
import type { ValueRule } from './mission-rules';
import type { TomlLocations } from './toml-locations';

export type Table = Record<string, unknown>;

export function isTable(value: unknown): value is Table {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

const MAX_FOUND = 60;

export interface ProblemDetails {
  found?: string;
  accepted?: string;
  /** Key path whose line to report, when it differs from `path`. */
  linePath?: KeyPath;
}

export class ProblemCollector {
  private readonly list: MissionProblem[] = [];
  /** Paths that hold secrets: nothing else is reported there, so no message can echo them. */
  private readonly secretPaths = new Set<string>();
  /** Known keys suggested for an unknown key: their absence is not reported a second time. */
  private readonly suggested = new Set<string>();

  constructor(
    readonly file: string,
    readonly locations: TomlLocations,
  ) {}

  get count(): number {
    return this.list.length;
  }

  /** Problems by line (file-level ones without a line first), then in the order found. */
  sorted(): MissionProblem[] {
    return this.list
      .map((p, order) => ({ p, order }))
      .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || a.order - b.order)
      .map(({ p }) => p);
  }

  /** True when an unknown key was taken for a typo of this path. */
  wasSuggested(path: KeyPath): boolean {
    return this.suggested.has(formatKeyPath(path));
  }

  markSecret(path: KeyPath): void {
    this.secretPaths.add(formatKeyPath(path));
  }

  private isUnderSecret(path: string): boolean {
    for (const secret of this.secretPaths) {
      if (path === secret || path.startsWith(`${secret}.`) || path.startsWith(`${secret}[`)) return true;
    }
    return false;
  }

  /** Adds a problem; `message` is the full sentence after the key path. */
  add(path: KeyPath, code: ProblemCode, message: string, details: ProblemDetails = {}): void {
    const shown = formatKeyPath(path);
    if (code !== 'secret' && this.isUnderSecret(shown)) return;
    const problem: MissionProblem = {
      file: this.file,
      line: this.locations.lineOf(details.linePath ?? path),
      path: shown,
      message,
      code,
    };
    if (details.found !== undefined) problem.found = details.found;
    if (details.accepted !== undefined) problem.accepted = details.accepted;
    this.list.push(problem);
  }

  /** Adds `<found> <what>; accepted: <accepted>` with the found value as written. */
  addFound(path: KeyPath, code: ProblemCode, value: unknown, what: string, accepted: string, details: ProblemDetails = {}): void {
    const found = details.found ?? this.render(path, value);
    this.add(path, code, `${found} ${what}; accepted: ${accepted}`, { ...details, found, accepted });
  }

  /** The value as written in the file (shortened), or as JSON when it is not written as such. */
  render(path: KeyPath, value: unknown): string {
    const raw = this.locations.rawOf(path);
    let shown = raw !== null && raw !== '' ? raw.replace(/\s*\n\s*/g, ' ') : isTable(value) ? 'a table' : JSON.stringify(value) ?? String(value);
    if (shown.length > MAX_FOUND) shown = `${shown.slice(0, MAX_FOUND - 1)}…`;
    return shown;
  }

  /**
   * The value of `table[key]` checked against `rule`: the value when it passes, undefined when it
   * is absent (a problem when `required`) or does not pass (a problem naming value and rule).
   */
  value<T>(table: Table | undefined, tablePath: KeyPath, key: string, rule: ValueRule<T>, required = false): T | undefined {
    const path = [...tablePath, key];
    const raw = table?.[key];
    if (raw === undefined) {
      if (required && table !== undefined && !this.suggested.has(formatKeyPath(path))) this.add(path, 'missing', `is required; accepted: ${rule.accepted}`, { accepted: rule.accepted });
      return undefined;
    }
    return this.check(path, raw, rule);
  }

  /** Checks one value (also used for array elements). */
  check<T>(path: KeyPath, raw: unknown, rule: ValueRule<T>): T | undefined {
    const result = rule.schema.safeParse(raw);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const code: ProblemCode =
      issue.code === 'invalid_type'
        ? issue.expected === 'int'
          ? 'out_of_range'
          : 'wrong_type'
        : issue.code === 'too_small' || issue.code === 'too_big'
          ? 'out_of_range'
          : issue.code === 'invalid_value'
            ? 'not_accepted'
            : issue.code === 'custom'
              ? (rule.customCode ?? 'bad_format')
              : 'bad_format';
    let accepted = rule.accepted;
    if (rule.choices && typeof raw === 'string') {
      const guess = closestMatch(raw, rule.choices);
      if (guess) accepted += ` (did you mean "${guess}"?)`;
    }
    this.addFound(path, code === 'wrong_type' && typeof raw === 'number' && !Number.isFinite(raw) ? 'out_of_range' : code, raw, issue.message, accepted);
    return undefined;
  }

  /**
   * A list of values, each checked against `rule`; returns the valid ones (undefined when the key
   * is absent or not a list). Repeated values are a problem when `unique`.
   */
  valueList<T>(table: Table | undefined, tablePath: KeyPath, key: string, rule: ValueRule<T>, accepted: string, unique: { noun: string } | null): T[] | undefined {
    const path = [...tablePath, key];
    const raw = table?.[key];
    if (raw === undefined) return undefined;
    if (!Array.isArray(raw)) {
      this.addFound(path, 'wrong_type', raw, `is ${describe(raw)}`, accepted);
      return undefined;
    }
    const out: T[] = [];
    const seen = new Map<unknown, number>();
    raw.forEach((item, i) => {
      const value = this.check([...path, i], item, rule);
      if (value === undefined) return;
      if (unique && seen.has(value)) {
        this.addFound([...path, i], 'inconsistent', item, `is listed twice`, `each ${unique.noun} once`);
        return;
      }
      seen.set(value, i);
      out.push(value);
    });
    return out;
  }

  /** Reports keys of `table` that are not in `known`, suggesting the closest known key. */
  unknownKeys(table: Table, tablePath: KeyPath, known: readonly string[], where: string): void {
    for (const key of Object.keys(table)) {
      if (known.includes(key)) continue;
      const guess = closestMatch(key, known);
      if (guess !== null && table[guess] === undefined) this.suggested.add(formatKeyPath([...tablePath, guess]));
      const accepted = `${known.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}`;
      this.addFound([...tablePath, key], 'unknown_key', key, `is not a key of ${where}`, accepted, { found: JSON.stringify(key) });
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return 'a string, not a list';
  if (typeof value === 'number') return 'a number, not a list';
  if (typeof value === 'boolean') return 'a boolean, not a list';
  if (isTable(value)) return 'a table, not a list';
  return 'not a list';
}
