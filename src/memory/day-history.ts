import type { Pool, QueryResultRow } from 'pg';
import type { IsoDate } from '../domain/types';
import { addDays, assertIsoDate } from '../domain/iso-date';
import { compactRecentDays } from './recent-context';
import { DAY, checkScope, emptyDay, iso, toDayRun, toNotification, toOverride, toReflection } from './pg-support';
import type { CompactDay, DayRecord, MissionScope } from './records';

const DAY_RUN_COLUMNS = 'status, degraded_reasons, workflow_id, config_hash, started_at, finished_at';

/** The parts of a day record, each read from its own table. */
export const DAY_PARTS = ['run', 'observation', 'load', 'decision', 'plan', 'classSuggestions', 'reflection', 'overrides', 'notifications', 'report'] as const;
export type DayPart = (typeof DAY_PARTS)[number];

export interface HistoryOptions {
  /** Read only these parts (the others stay null or empty): fewer round trips. Default: every part. */
  parts?: readonly DayPart[];
  /**
   * Observations of days before this date are read without their rides (`rides: []`: each one
   * holds the 90 days of rides before it, which past days' readers — readiness, sleep, HRV — do
   * not use). Default: every observation whole.
   */
  observationRidesFrom?: IsoDate;
}
const NOTIFICATION_COLUMNS = 'channel, status, attempts, claimed_at, sent_at, detail, provider_message_id';
const REFLECTION_COLUMNS = 'rpe, legs, mood, sleep_quality, completed, note';

/** Where each part is read from: table, columns, order, and the timestamp columns (JSON gives them as text). */
const PART_QUERIES: Record<DayPart, { table: string; columns: string; order: string; timestamps: string[]; extra?: string }> = {
  run: { table: 'day_runs', columns: DAY_RUN_COLUMNS, order: 't.day', timestamps: ['started_at', 'finished_at'] },
  observation: { table: 'observations', columns: 'observation', order: 't.day', timestamps: [] },
  load: { table: 'load_metrics', columns: 'figures', order: 't.day', timestamps: [] },
  decision: { table: 'decisions', columns: 'payload, config_hash', order: 't.day', timestamps: [] },
  plan: { table: 'plans', columns: 'workout', order: 't.day', timestamps: [] },
  classSuggestions: { table: 'class_suggestions', columns: 'suggestions', order: 't.day', timestamps: [] },
  reflection: { table: 'reflections', columns: REFLECTION_COLUMNS, order: 't.day', timestamps: [] },
  overrides: { table: 'overrides', columns: 'request_id, kind, payload, recorded_at', order: 't.day, t.seq', timestamps: ['recorded_at'], extra: 'seq' },
  notifications: { table: 'notifications', columns: NOTIFICATION_COLUMNS, order: 't.day, t.channel', timestamps: ['claimed_at', 'sent_at'] },
  report: { table: 'reports', columns: 'paths, formats, recorded_at', order: 't.day', timestamps: ['recorded_at'] },
};

/** A row from JSON with its timestamp columns as Dates again, as a row read directly has them. */
function withDates(r: QueryResultRow, timestamps: readonly string[]): QueryResultRow {
  if (timestamps.length === 0) return r;
  const out = { ...r };
  for (const c of timestamps) if (typeof out[c] === 'string') out[c] = new Date(out[c] as string);
  return out;
}

/** Reads across a mission's tables: one day, a range of days, the compact recent past. */
export class DayHistory {
  constructor(private readonly pool: Pool) {}

  /** Everything recorded for one day (parts not recorded are null or empty); `parts` as in `history`. */
  async getDay(scope: MissionScope, date: IsoDate, parts?: readonly DayPart[]): Promise<DayRecord> {
    assertIsoDate(date, 'getDay date');
    const [rec] = await this.history(scope, date, date, { parts });
    return rec ?? emptyDay(date);
  }

  /** How many of the mission's days have run to an end (ok, degraded or failed). */
  async finishedDays(scope: MissionScope): Promise<number> {
    checkScope(scope);
    const { rows } = await this.pool.query(`SELECT count(*)::int AS n FROM day_runs WHERE athlete = $1 AND mission_id = $2 AND status <> 'running'`, [scope.athlete, scope.missionId]);
    return rows[0].n as number;
  }

  /** Day records from `from` to `to` inclusive, oldest first; only days with something recorded (in the parts read). */
  async history(scope: MissionScope, from: IsoDate, to: IsoDate, options: HistoryOptions = {}): Promise<DayRecord[]> {
    checkScope(scope);
    assertIsoDate(from, 'history from');
    assertIsoDate(to, 'history to');
    if (options.observationRidesFrom !== undefined) assertIsoDate(options.observationRidesFrom, 'history observationRidesFrom');
    const wanted = new Set<DayPart>(options.parts ?? DAY_PARTS);
    for (const p of wanted) if (!DAY_PARTS.includes(p)) throw new Error(`history part ${JSON.stringify(p)} is not one of ${DAY_PARTS.join(', ')}`);
    const observationColumn = options.observationRidesFrom
      ? `CASE WHEN day < $5 THEN jsonb_set(observation, '{rides}', '[]'::jsonb) ELSE observation END AS observation`
      : 'observation';
    const days = new Map<IsoDate, DayRecord>();
    const at = (d: IsoDate): DayRecord => {
      let rec = days.get(d);
      if (!rec) days.set(d, (rec = emptyDay(d)));
      return rec;
    };
    // One statement, so one round trip and one snapshot (a day being written meanwhile is seen
    // either before or after, never half): each part's rows come back as one JSON array.
    const params: unknown[] = [scope.athlete, scope.missionId, from, to];
    if (options.observationRidesFrom && wanted.has('observation')) params.push(options.observationRidesFrom);
    const selected = DAY_PARTS.filter((p) => wanted.has(p));
    const columns = selected.map((part) => {
      const q = PART_QUERIES[part];
      const cols = part === 'observation' ? observationColumn : q.columns;
      return `(SELECT coalesce(json_agg(t ORDER BY ${q.order}), '[]'::json) FROM (
                 SELECT ${cols}, ${DAY}${q.extra ? `, ${q.extra}` : ''} FROM ${q.table}
                 WHERE athlete = $1 AND mission_id = $2 AND day BETWEEN $3 AND $4) t) AS "${part}"`;
    });
    const row = (await this.pool.query(`SELECT ${columns.join(',\n')}`, params)).rows[0] as Partial<Record<DayPart, QueryResultRow[]>>;
    const rows = (part: DayPart): QueryResultRow[] => (row[part] ?? []).map((r) => withDates(r, PART_QUERIES[part].timestamps));
    const [runs, observations, loads, decisions, plans, classes, reflections, overrides, notifications, reports] = DAY_PARTS.map(rows);
    for (const r of runs) at(r.day).run = toDayRun(r);
    for (const r of observations) at(r.day).observation = r.observation;
    for (const r of loads) at(r.day).load = r.figures;
    for (const r of decisions) at(r.day).decision = { decision: r.payload, configHash: r.config_hash };
    for (const r of plans) at(r.day).plan = r.workout;
    for (const r of classes) at(r.day).classSuggestions = r.suggestions;
    for (const r of reflections) at(r.day).reflection = toReflection(r);
    for (const r of overrides) at(r.day).overrides.push(toOverride(r));
    for (const r of notifications) at(r.day).notifications.push(toNotification(r));
    for (const r of reports) at(r.day).report = { paths: r.paths, formats: r.formats, recordedAt: iso(r.recorded_at) };
    return [...days.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  /**
   * The `n` calendar days before `date` in compact form (oldest first; empty days have null
   * fields): readiness, HRV, decision, planned and done TSS, reflection and compliance.
   */
  async recentContext(scope: MissionScope, date: IsoDate, n: number): Promise<CompactDay[]> {
    assertIsoDate(date, 'recentContext date');
    if (!Number.isInteger(n) || n < 0 || n > 366) {
      throw new Error(`recentContext n must be a whole number of days from 0 to 366, got ${n}`);
    }
    if (n === 0) return [];
    const records = await this.history(scope, addDays(date, -n), date);
    return compactRecentDays(date, n, records);
  }
}
