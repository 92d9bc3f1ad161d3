/** Problems found in a mission file, and the error that carries all of them at once. */
import { UserError } from '../infra/user-error';

export const PROBLEM_CODES = [
  'file_not_found',
  'file_unreadable',
  'file_too_large',
  'not_utf8',
  'toml_syntax',
  'secret',
  'unknown_key',
  'missing',
  'wrong_type',
  'out_of_range',
  'not_accepted',
  'bad_format',
  'nonexistent_date',
  'bad_timezone',
  'calendar',
  'inconsistent',
  'not_canonical',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface MissionProblem {
  /** The file as the user named it, e.g. `missions/x.toml`. */
  file: string;
  /** 1-based line of the key (or its table) when known. */
  line: number | null;
  /** Key path such as `days[3].type` (0-based indexes); `""` for the file as a whole. */
  path: string;
  /** What is wrong, in a sentence that ends with what is accepted. */
  message: string;
  /** The value found (never shown for secrets). */
  found?: string;
  /** What would be accepted. */
  accepted?: string;
  /** Kind of problem, for programs. */
  code: ProblemCode;
}

/** Codes whose message names the file itself (`mission file not found: missions/x.toml`). */
const WHOLE_FILE_MESSAGES = new Set<ProblemCode>(['file_not_found', 'file_unreadable', 'file_too_large']);

/** True for a problem with the file as a whole that names it in its message (no count follows it). */
export function isWholeFileProblem(problem: MissionProblem): boolean {
  return WHOLE_FILE_MESSAGES.has(problem.code);
}

/** One line: `missions/x.toml:12: days[3].type: "hily" is not a stage type; accepted: ...`. */
export function formatProblem(problem: MissionProblem): string {
  if (isWholeFileProblem(problem)) return problem.message;
  const where = problem.line === null ? problem.file : `${problem.file}:${problem.line}`;
  return problem.path === '' ? `${where}: ${problem.message}` : `${where}: ${problem.path}: ${problem.message}`;
}

export function formatProblems(problems: readonly MissionProblem[]): string {
  return problems.map(formatProblem).join('\n');
}

/** Thrown by the mission loader; `problems` holds every problem of the file. */
export class MissionConfigError extends UserError {
  readonly problems: MissionProblem[];

  constructor(problems: MissionProblem[]) {
    super(formatProblems(problems));
    this.name = 'MissionConfigError';
    this.problems = problems;
  }
}

export function isMissionConfigError(err: unknown): err is MissionConfigError {
  return err instanceof MissionConfigError;
}

/** The error for a problem with the file as a whole (not found, not UTF-8, not TOML, ...). */
export function wholeFileError(file: string, code: ProblemCode, message: string, line: number | null = null): MissionConfigError {
  return new MissionConfigError([{ file, line, path: '', message, code }]);
}
