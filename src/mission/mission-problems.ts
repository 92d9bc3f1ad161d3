/**
 * The problems of one mission source (a file, a text or a data value): each with the file, the line
 * where the key is written, the key path, the value as found and what is accepted. Built from the
 * schema's zod issues and from what is found before the schema runs (syntax, encoding, secrets).
 */
import type * as z from 'zod';
import { formatKeyPath, type KeyPath } from './key-path';
import { MissionConfigError, type MissionProblem, type ProblemCode } from './mission-errors';
import { isTable, problemOf, type ProblemParams } from './schema-vocabulary';
import type { TomlLocations } from './toml-locations';

export interface ProblemSource {
  /** The file (or source name) as the user named it. */
  file: string;
  /** Where each key is written, for a parsed file; null for data, which has no lines. */
  locations: TomlLocations | null;
  /**
   * The key path as the reader knows it, for a path of the schema's document: data is shown with
   * its own key names. Problems found outside the schema are added at paths as shown already.
   */
  showPath?: (documentPath: KeyPath) => KeyPath;
}

const MAX_FOUND = 60;

function shorten(text: string): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length > MAX_FOUND ? `${oneLine.slice(0, MAX_FOUND - 1)}…` : oneLine;
}

function asJson(value: unknown): string {
  if (isTable(value)) return 'a table';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const toKeyPath = (path: readonly PropertyKey[]): KeyPath => path.map((seg) => (typeof seg === 'number' ? seg : String(seg)));

export class MissionProblems {
  private readonly list: MissionProblem[] = [];
  /** Paths that hold secrets: nothing else is reported there, so no message can echo them. */
  private readonly secretPaths: string[] = [];

  constructor(readonly source: ProblemSource) {}

  get count(): number {
    return this.list.length;
  }

  /** Problems by line (those without a line first), then in the order found. */
  sorted(): MissionProblem[] {
    return this.list
      .map((p, order) => ({ p, order }))
      .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || a.order - b.order)
      .map(({ p }) => p);
  }

  /** Throws a `MissionConfigError` with every problem, if there is any. */
  throwIfAny(): void {
    if (this.list.length > 0) throw new MissionConfigError(this.sorted());
  }

  markSecret(path: KeyPath): void {
    this.secretPaths.push(formatKeyPath(path));
  }

  private isUnderSecret(shown: string): boolean {
    return this.secretPaths.some((s) => shown === s || shown.startsWith(`${s}.`) || shown.startsWith(`${s}[`));
  }

  /** Adds a problem at a key path as shown; `message` is the whole sentence after the key path. */
  add(path: KeyPath, code: ProblemCode, message: string, details: { found?: string; accepted?: string; linePath?: KeyPath } = {}): void {
    const shown = formatKeyPath(path);
    if (code !== 'secret' && this.isUnderSecret(shown)) return;
    const problem: MissionProblem = {
      file: this.source.file,
      line: this.source.locations?.lineOf(details.linePath ?? path) ?? null,
      path: shown,
      message,
      code,
    };
    if (details.found !== undefined) problem.found = details.found;
    if (details.accepted !== undefined) problem.accepted = details.accepted;
    this.list.push(problem);
  }

  /** The value as written in the file (shortened), or as JSON when it is not written as such. */
  render(path: KeyPath, value: unknown): string {
    const raw = this.source.locations?.rawOf(path) ?? null;
    return shorten(raw !== null && raw !== '' ? raw : asJson(value));
  }

  private shown(documentPath: KeyPath): KeyPath {
    return this.source.showPath ? this.source.showPath(documentPath) : documentPath;
  }

  /** Adds a problem the schema described at a document path: `<found> <what>; accepted: <accepted>`. */
  private addParams(path: KeyPath, params: ProblemParams): void {
    const found = params.found === null ? undefined : 'text' in params.found ? shorten(params.found.text) : this.render(path, params.found.value);
    const message = `${found === undefined ? '' : `${found} `}${params.what}; accepted: ${params.accepted}`;
    const linePath = params.lineKey === undefined ? undefined : [...path, params.lineKey];
    this.add(this.shown(path), params.code, message, { found, accepted: params.accepted, linePath });
  }

  /** Adds the schema's issues. A key taken for a typo of an unknown key is not reported missing too. */
  addIssues(issues: readonly z.core.$ZodIssue[]): void {
    const suggested = new Set<string>();
    for (const issue of issues) {
      const params = problemOf(issue);
      if (params?.suggests !== undefined) suggested.add(formatKeyPath([...toKeyPath(issue.path).slice(0, -1), params.suggests]));
    }
    for (const issue of issues) {
      const path = toKeyPath(issue.path);
      const params = problemOf(issue);
      if (params === null) this.add(this.shown(path), 'bad_format', issue.message);
      else if (!(params.code === 'missing' && suggested.has(formatKeyPath(path)))) this.addParams(path, params);
    }
  }
}
