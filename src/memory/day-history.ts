import type { Pool } from 'pg';
import type { IsoDate } from '../domain/types';
import { addDays, assertIsoDate } from '../domain/iso-date';
import { compactRecentDays } from './recent-context';
import { DAY, checkScope, emptyDay, inTransaction, iso, toDayRun, toNotification, toOverride, toReflection } from './pg-support';
import type { CompactDay, DayRecord, MissionScope } from './records';

const DAY_RUN_COLUMNS = 'status, degraded_reasons, workflow_id, config_hash, started_at, finished_at';
const NOTIFICATION_COLUMNS = 'channel, status, attempts, claimed_at, sent_at, detail, provider_message_id';
const REFLECTION_COLUMNS = 'rpe, legs, mood, sleep_quality, completed, note';

/** Reads across a mission's tables: one day, a range of days, the compact recent past. */
export class DayHistory {
  constructor(private readonly pool: Pool) {}

  /** Everything recorded for one day (parts not recorded are null or empty). */
  async getDay(scope: MissionScope, date: IsoDate): Promise<DayRecord> {
    assertIsoDate(date, 'getDay date');
    const [rec] = await this.history(scope, date, date);
    return rec ?? emptyDay(date);
  }

  /** How many of the mission's days have run to an end (ok, degraded or failed). */
  async finishedDays(scope: MissionScope): Promise<number> {
    checkScope(scope);
    const { rows } = await this.pool.query(`SELECT count(*)::int AS n FROM day_runs WHERE athlete = $1 AND mission_id = $2 AND status <> 'running'`, [scope.athlete, scope.missionId]);
    return rows[0].n as number;
  }

  /** Day records from `from` to `to` inclusive, oldest first; only days with something recorded. */
  async history(scope: MissionScope, from: IsoDate, to: IsoDate): Promise<DayRecord[]> {
    checkScope(scope);
    assertIsoDate(from, 'history from');
    assertIsoDate(to, 'history to');
    const days = new Map<IsoDate, DayRecord>();
    const at = (d: IsoDate): DayRecord => {
      let rec = days.get(d);
      if (!rec) days.set(d, (rec = emptyDay(d)));
      return rec;
    };
    // One read-only snapshot: a day being written meanwhile is seen either before or after, never half.
    const [runs, observations, loads, decisions, plans, classes, reflections, overrides, notifications, reports] =
      await inTransaction(this.pool, async (client) => {
        const select = async (table: string, columns: string, order = 'day') =>
          (
            await client.query(
              `SELECT ${columns}, ${DAY} FROM ${table}
               WHERE athlete = $1 AND mission_id = $2 AND day BETWEEN $3 AND $4 ORDER BY ${order}`,
              [scope.athlete, scope.missionId, from, to],
            )
          ).rows;
        return [
          await select('day_runs', DAY_RUN_COLUMNS),
          await select('observations', 'observation'),
          await select('load_metrics', 'figures'),
          await select('decisions', 'payload, config_hash'),
          await select('plans', 'workout'),
          await select('class_suggestions', 'suggestions'),
          await select('reflections', REFLECTION_COLUMNS),
          await select('overrides', 'request_id, kind, payload, recorded_at', 'day, seq'),
          await select('notifications', NOTIFICATION_COLUMNS, 'day, channel'),
          await select('reports', 'paths, formats, recorded_at'),
        ];
      }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
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
