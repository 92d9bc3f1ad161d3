import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type {
  Channel,
  ClassSuggestion,
  DayObservation,
  Decision,
  IsoDate,
  LoadFigures,
  Reflection,
  Workout,
} from '../domain/types';
import { compactRecentDays } from './recent-context';
import {
  MISSION_STATUSES,
  type ClaimResult,
  type AdaptationRecord,
  type ConfigVersionRecord,
  type DayRecord,
  type DayRunOutcome,
  type DayRunRecord,
  type MissionRecord,
  type MissionScope,
  type MissionStatus,
  type NotificationRecord,
  type NotificationStatus,
  type NewOverride,
  type OverrideRecord,
  type CompactDay,
  type ReportInput,
} from './records';
import { addDays, assertIsoDate } from '../domain/iso-date';

export interface MemoryStoreOptions {
  /**
   * How long a notification may stay `sending` before a retry may claim it again (ms). A sender
   * that crashed after claiming (or after the provider accepted the message but before
   * markNotificationSent) blocks the channel for that long; after it, the next claim re-sends.
   * Default 10 minutes.
   */
  notificationStaleAfterMs?: number;
  /** Clock for notification timestamps and the stale test; default: the database's `now()`. */
  clock?: () => Date;
}

export const DEFAULT_NOTIFICATION_STALE_AFTER_MS = 10 * 60_000;

/** Rows carry the day as `YYYY-MM-DD` text: pg would otherwise turn `date` into a local-time Date. */
const DAY = `to_char(day, 'YYYY-MM-DD') AS day`;
const DAY_RUN_COLUMNS = 'status, degraded_reasons, workflow_id, config_hash, started_at, finished_at';
const NOTIFICATION_COLUMNS = 'channel, status, attempts, claimed_at, sent_at, detail, provider_message_id';
const REFLECTION_COLUMNS = 'rpe, legs, mood, sleep_quality, completed, note';

/**
 * The mission memory in PostgreSQL. Every method takes a {@link MissionScope} and filters on both the
 * athlete and the mission id, so no call can read or write another athlete's rows. Writes are
 * idempotent upserts keyed by (athlete, mission, day[, step]): repeating one leaves one row, updated.
 * Call `migrate(pool)` once before use. Day-keyed writes need the mission stored first (upsertMission).
 *
 * Outbox use in a notify activity (one row per mission/day/channel):
 * ```ts
 * const claim = await memory.claimNotification(scope, day, 'email');
 * if (!claim.claimed) return claim.status;              // sent, skipped, or another sender owns it
 * try {
 *   const id = await mailer.send(message);
 *   await memory.markNotificationSent(scope, day, 'email', { providerMessageId: id });
 * } catch (err) {
 *   await memory.markNotificationFailed(scope, day, 'email', String(err)); // claimable by the retry
 *   throw err;
 * }
 * ```
 * The pool is the caller's: give it a `pool.on('error', ...)` handler, since an idle client whose
 * connection the server closes emits an error on the pool.
 */
export class MemoryStore {
  private readonly staleAfterMs: number;
  private readonly clock: (() => Date) | null;

  constructor(
    private readonly pool: Pool,
    options: MemoryStoreOptions = {},
  ) {
    this.staleAfterMs = options.notificationStaleAfterMs ?? DEFAULT_NOTIFICATION_STALE_AFTER_MS;
    if (!Number.isFinite(this.staleAfterMs) || this.staleAfterMs < 0) {
      throw new Error(`notificationStaleAfterMs must be a number of milliseconds >= 0, got ${options.notificationStaleAfterMs}`);
    }
    this.clock = options.clock ?? null;
  }

  // ------------------------------------------------------------------ missions and config

  /** Create or update the mission row (name, current config hash; status only when given). */
  async upsertMission(
    scope: MissionScope,
    mission: { name: string; configHash: string; status?: MissionStatus },
  ): Promise<MissionRecord> {
    checkScope(scope);
    if (mission.status !== undefined) checkMissionStatus(mission.status);
    const { rows } = await this.pool.query(
      `INSERT INTO missions AS m (athlete, id, name, config_hash, status)
       VALUES ($1, $2, $3, $4, coalesce($5, 'active'))
       ON CONFLICT (athlete, id) DO UPDATE
         SET name = EXCLUDED.name, config_hash = EXCLUDED.config_hash,
             status = coalesce($5, m.status), updated_at = now()
       RETURNING *`,
      [scope.athlete, scope.missionId, mission.name, mission.configHash, mission.status ?? null],
    );
    return toMission(rows[0]);
  }

  /** Set the mission's status (active, paused, completed, cancelled); throws if the mission is not stored. */
  async setMissionStatus(scope: MissionScope, status: MissionStatus): Promise<MissionRecord> {
    checkScope(scope);
    checkMissionStatus(status);
    const { rows } = await this.pool.query(
      `UPDATE missions SET status = $3, updated_at = now() WHERE athlete = $1 AND id = $2 RETURNING *`,
      [scope.athlete, scope.missionId, status],
    );
    if (rows.length === 0) throw missingMission(scope);
    return toMission(rows[0]);
  }

  /** The mission row, or null when not stored. */
  async getMission(scope: MissionScope): Promise<MissionRecord | null> {
    checkScope(scope);
    const { rows } = await this.pool.query(`SELECT * FROM missions WHERE athlete = $1 AND id = $2`, [
      scope.athlete,
      scope.missionId,
    ]);
    return rows.length ? toMission(rows[0]) : null;
  }

  /** Missions, ordered by athlete then id; only the given athlete's when `athlete` is set. */
  async listMissions(athlete?: string): Promise<MissionRecord[]> {
    const { rows } =
      athlete === undefined
        ? await this.pool.query(`SELECT * FROM missions ORDER BY athlete, id`)
        : await this.pool.query(`SELECT * FROM missions WHERE athlete = $1 ORDER BY id`, [athlete]);
    return rows.map(toMission);
  }

  /** Store a config version once per (mission, hash); `created` is false when it was already stored. */
  async storeConfigVersion(
    scope: MissionScope,
    canonicalJson: string,
    hash: string,
  ): Promise<{ hash: string; created: boolean }> {
    checkScope(scope);
    if (!hash) throw new Error('storeConfigVersion: hash must be a non-empty string');
    try {
      JSON.parse(canonicalJson);
    } catch (err) {
      throw new Error(`storeConfigVersion: canonicalJson for hash ${hash} is not valid JSON: ${(err as Error).message}`);
    }
    const inserted = await this.write(
      scope,
      `INSERT INTO config_versions (athlete, mission_id, hash, canonical_json, config)
       VALUES ($1, $2, $3, $4::text, $4::text::jsonb)
       ON CONFLICT (athlete, mission_id, hash) DO NOTHING
       RETURNING hash`,
      [hash, canonicalJson],
    );
    if (inserted.length === 1) return { hash, created: true };
    const existing = await this.getConfigVersion(scope, hash);
    if (existing && existing.canonicalJson !== canonicalJson) {
      throw new Error(
        `config hash ${hash} of mission ${scope.missionId} is already stored for a different config: the hash does not identify the config`,
      );
    }
    return { hash, created: false };
  }

  /** The stored config version with this hash, or null. */
  async getConfigVersion(scope: MissionScope, hash: string): Promise<ConfigVersionRecord | null> {
    checkScope(scope);
    const { rows } = await this.pool.query(
      `SELECT hash, canonical_json, created_at FROM config_versions WHERE athlete = $1 AND mission_id = $2 AND hash = $3`,
      [scope.athlete, scope.missionId, hash],
    );
    return rows.length ? { hash: rows[0].hash, canonicalJson: rows[0].canonical_json, createdAt: iso(rows[0].created_at) } : null;
  }

  // ------------------------------------------------------------------ day runs

  /** Mark the day's run as started (status `running`); a repeat restarts the same row. */
  async recordDayRun(
    scope: MissionScope,
    day: IsoDate,
    run: { workflowId: string | null; configHash: string | null },
  ): Promise<DayRunRecord> {
    assertIsoDate(day, 'recordDayRun day');
    const rows = await this.write(
      scope,
      `INSERT INTO day_runs AS r (athlete, mission_id, day, status, workflow_id, config_hash)
       VALUES ($1, $2, $3, 'running', $4, $5)
       ON CONFLICT (athlete, mission_id, day) DO UPDATE
         SET status = 'running', degraded_reasons = '[]'::jsonb, workflow_id = EXCLUDED.workflow_id,
             config_hash = EXCLUDED.config_hash, started_at = now(), finished_at = NULL
       RETURNING ${DAY_RUN_COLUMNS}, ${DAY}`,
      [day, run.workflowId, run.configHash],
    );
    return toDayRun(rows[0]);
  }

  /** Record how the day's run ended (ok, degraded with reasons, failed) and when. */
  async finishDayRun(
    scope: MissionScope,
    day: IsoDate,
    outcome: { status: DayRunOutcome; degradedReasons: string[] },
  ): Promise<DayRunRecord> {
    assertIsoDate(day, 'finishDayRun day');
    if (!['ok', 'degraded', 'failed'].includes(outcome.status)) {
      throw new Error(`finishDayRun status must be ok, degraded or failed, got ${JSON.stringify(outcome.status)}`);
    }
    const rows = await this.write(
      scope,
      `INSERT INTO day_runs AS r (athlete, mission_id, day, status, degraded_reasons, finished_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, now())
       ON CONFLICT (athlete, mission_id, day) DO UPDATE
         SET status = EXCLUDED.status, degraded_reasons = EXCLUDED.degraded_reasons, finished_at = now()
       RETURNING ${DAY_RUN_COLUMNS}, ${DAY}`,
      [day, outcome.status, JSON.stringify(outcome.degradedReasons)],
    );
    return toDayRun(rows[0]);
  }

  // ------------------------------------------------------------------ daily steps

  /** Store the day's observation (keyed by `observation.date`); a repeat replaces it. */
  async recordObservation(scope: MissionScope, observation: DayObservation): Promise<void> {
    assertIsoDate(observation.date, 'observation.date');
    await this.write(
      scope,
      `INSERT INTO observations (athlete, mission_id, day, observation) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (athlete, mission_id, day) DO UPDATE
         SET observation = EXCLUDED.observation, recorded_at = now()`,
      [observation.date, JSON.stringify(observation)],
    );
  }

  /** Store the day's load figures (keyed by `figures.date`); a repeat replaces them. */
  async recordLoad(scope: MissionScope, figures: LoadFigures): Promise<void> {
    assertIsoDate(figures.date, 'load figures date');
    await this.write(
      scope,
      `INSERT INTO load_metrics (athlete, mission_id, day, ctl, atl, tsb, yesterday_tss, figures)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
       ON CONFLICT (athlete, mission_id, day) DO UPDATE
         SET ctl = EXCLUDED.ctl, atl = EXCLUDED.atl, tsb = EXCLUDED.tsb,
             yesterday_tss = EXCLUDED.yesterday_tss, figures = EXCLUDED.figures, recorded_at = now()`,
      [figures.date, figures.ctl, figures.atl, figures.tsb, figures.yesterdayTss, JSON.stringify(figures)],
    );
  }

  /** Store the day's decision (keyed by `decision.date`) with the config hash it was made under. */
  async recordDecision(scope: MissionScope, decision: Decision, configHash: string): Promise<void> {
    assertIsoDate(decision.date, 'decision.date');
    await this.write(
      scope,
      `INSERT INTO decisions (athlete, mission_id, day, state, decision, confidence, rationale, negotiation, config_hash, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10::jsonb)
       ON CONFLICT (athlete, mission_id, day) DO UPDATE
         SET state = EXCLUDED.state, decision = EXCLUDED.decision, confidence = EXCLUDED.confidence,
             rationale = EXCLUDED.rationale, negotiation = EXCLUDED.negotiation,
             config_hash = EXCLUDED.config_hash, payload = EXCLUDED.payload, recorded_at = now()`,
      [
        decision.date,
        decision.state,
        decision.decision,
        decision.confidence,
        JSON.stringify(decision.rationale),
        decision.negotiation === null ? null : JSON.stringify(decision.negotiation),
        configHash,
        JSON.stringify(decision),
      ],
    );
  }

  /** Store the day's planned workout (source, token usage); a repeat replaces it. */
  async recordPlan(scope: MissionScope, day: IsoDate, workout: Workout): Promise<void> {
    assertIsoDate(day, 'recordPlan day');
    const usage = workout.tokenUsage;
    await this.write(
      scope,
      `INSERT INTO plans (athlete, mission_id, day, source, fallback_reason, target_tss, duration_min,
                          prompt_tokens, completion_tokens, total_tokens, workout)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)
       ON CONFLICT (athlete, mission_id, day) DO UPDATE
         SET source = EXCLUDED.source, fallback_reason = EXCLUDED.fallback_reason,
             target_tss = EXCLUDED.target_tss, duration_min = EXCLUDED.duration_min,
             prompt_tokens = EXCLUDED.prompt_tokens, completion_tokens = EXCLUDED.completion_tokens,
             total_tokens = EXCLUDED.total_tokens, workout = EXCLUDED.workout, recorded_at = now()`,
      [
        day,
        workout.source,
        workout.fallbackReason,
        workout.targetTss,
        workout.durationMin,
        usage?.prompt ?? null,
        usage?.completion ?? null,
        usage?.total ?? null,
        JSON.stringify(workout),
      ],
    );
  }

  /** Store the day's class suggestions (the whole list, best first); a repeat replaces the list. */
  async recordClassSuggestions(scope: MissionScope, day: IsoDate, suggestions: ClassSuggestion[]): Promise<void> {
    assertIsoDate(day, 'recordClassSuggestions day');
    await this.write(
      scope,
      `INSERT INTO class_suggestions (athlete, mission_id, day, suggestions) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (athlete, mission_id, day) DO UPDATE
         SET suggestions = EXCLUDED.suggestions, recorded_at = now()`,
      [day, JSON.stringify(suggestions)],
    );
  }

  /** Store the coach's adaptive parameters after `day` (what changed and any week re-plan); a repeat replaces them. */
  async recordAdaptation(scope: MissionScope, day: IsoDate, adaptation: AdaptationRecord): Promise<void> {
    assertIsoDate(day, 'recordAdaptation day');
    await this.write(
      scope,
      `INSERT INTO adaptations (athlete, mission_id, day, parameters, changes, replan) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb)
       ON CONFLICT (athlete, mission_id, day) DO UPDATE
         SET parameters = EXCLUDED.parameters, changes = EXCLUDED.changes, replan = EXCLUDED.replan, recorded_at = now()`,
      [day, JSON.stringify(adaptation.parameters), JSON.stringify(adaptation.changes), adaptation.replan === null ? null : JSON.stringify(adaptation.replan)],
    );
  }

  /** The newest adaptation recorded strictly before `day`, or null. */
  async latestAdaptationBefore(scope: MissionScope, day: IsoDate): Promise<AdaptationRecord | null> {
    assertIsoDate(day, 'latestAdaptationBefore day');
    const rows = await this.write(
      scope,
      `SELECT parameters, changes, replan FROM adaptations WHERE athlete = $1 AND mission_id = $2 AND day < $3 ORDER BY day DESC LIMIT 1`,
      [day],
    );
    return rows.length === 0 ? null : { parameters: rows[0].parameters, changes: rows[0].changes, replan: rows[0].replan };
  }

  /** Store the athlete's reflection for `reflection.date`; a later one for the same date replaces it. */
  async recordReflection(scope: MissionScope, reflection: Reflection): Promise<void> {
    assertIsoDate(reflection.date, 'reflection.date');
    await this.write(
      scope,
      `INSERT INTO reflections (athlete, mission_id, day, rpe, legs, mood, sleep_quality, completed, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (athlete, mission_id, day) DO UPDATE
         SET rpe = EXCLUDED.rpe, legs = EXCLUDED.legs, mood = EXCLUDED.mood,
             sleep_quality = EXCLUDED.sleep_quality, completed = EXCLUDED.completed,
             note = EXCLUDED.note, recorded_at = now()`,
      [
        reflection.date,
        reflection.rpe,
        reflection.legs,
        reflection.mood,
        reflection.sleepQuality,
        reflection.completed,
        reflection.note,
      ],
    );
  }

  /** Append an override; the same `requestId` again stores nothing (`created: false`). */
  async recordOverride(scope: MissionScope, override: NewOverride): Promise<{ created: boolean }> {
    if (!override.requestId) throw new Error('recordOverride: requestId must be a non-empty string');
    if (override.day !== null) assertIsoDate(override.day, 'override.day');
    const rows = await this.write(
      scope,
      `INSERT INTO overrides (athlete, mission_id, request_id, day, kind, payload)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)
       ON CONFLICT (athlete, mission_id, request_id) DO NOTHING
       RETURNING request_id`,
      [override.requestId, override.day, override.kind, JSON.stringify(override.payload ?? null)],
    );
    return { created: rows.length === 1 };
  }

  /** All overrides of the mission in the order they were recorded. */
  async listOverrides(scope: MissionScope): Promise<OverrideRecord[]> {
    checkScope(scope);
    const { rows } = await this.pool.query(
      `SELECT request_id, to_char(day, 'YYYY-MM-DD') AS day, kind, payload, recorded_at FROM overrides
       WHERE athlete = $1 AND mission_id = $2 ORDER BY seq`,
      [scope.athlete, scope.missionId],
    );
    return rows.map(toOverride);
  }

  /** Store where the day's report was written (paths and formats); a repeat replaces them. */
  async recordReport(scope: MissionScope, day: IsoDate, report: ReportInput): Promise<void> {
    assertIsoDate(day, 'recordReport day');
    await this.write(
      scope,
      `INSERT INTO reports (athlete, mission_id, day, paths, formats) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (athlete, mission_id, day) DO UPDATE
         SET paths = EXCLUDED.paths, formats = EXCLUDED.formats, recorded_at = now()`,
      [day, report.paths, report.formats],
    );
  }

  // ------------------------------------------------------------------ notification outbox

  /** Create the day's outbox row for `channel` as `pending` unless it exists; returns the row. */
  async enqueueNotification(scope: MissionScope, day: IsoDate, channel: Channel): Promise<NotificationRecord> {
    assertIsoDate(day, 'enqueueNotification day');
    await this.write(
      scope,
      `INSERT INTO notifications (athlete, mission_id, day, channel, status) VALUES ($1, $2, $3, $4, 'pending')
       ON CONFLICT (athlete, mission_id, day, channel) DO NOTHING`,
      [day, channel],
    );
    return (await this.getNotification(scope, day, channel))!;
  }

  /**
   * Claim the right to send the day's message on `channel`. Atomic: of any number of concurrent
   * callers at most one gets `claimed: true`. A row is claimable when absent, `pending`, `failed`,
   * or `sending` for longer than the stale timeout (its sender is presumed dead). `sent` and
   * `skipped` rows are never claimed again. Delivery is at-least-once only across that stale window:
   * a sender that crashes after the provider accepted the message but before markNotificationSent
   * leads to a second send once the timeout has passed.
   */
  async claimNotification(scope: MissionScope, day: IsoDate, channel: Channel): Promise<ClaimResult> {
    assertIsoDate(day, 'claimNotification day');
    const claimed = await this.write(
      scope,
      `INSERT INTO notifications AS n (athlete, mission_id, day, channel, status, attempts, claimed_at, updated_at)
       SELECT $1, $2, $3, $4, 'sending', 1, t, t FROM (SELECT coalesce($5::timestamptz, now()) AS t) AS clock
       ON CONFLICT (athlete, mission_id, day, channel) DO UPDATE
         SET status = 'sending', attempts = n.attempts + 1,
             claimed_at = EXCLUDED.claimed_at, updated_at = EXCLUDED.updated_at
         WHERE n.status IN ('pending', 'failed')
            OR (n.status = 'sending' AND n.claimed_at <= EXCLUDED.claimed_at - make_interval(secs => $6::double precision / 1000))
       RETURNING n.status, n.attempts`,
      [day, channel, this.now(), this.staleAfterMs],
    );
    if (claimed.length === 1) return { claimed: true, status: claimed[0].status, attempts: claimed[0].attempts };
    const current = await this.getNotification(scope, day, channel);
    if (!current) throw new Error(`claimNotification: outbox row ${scope.missionId}/${day}/${channel} vanished`);
    return { claimed: false, status: current.status, attempts: current.attempts };
  }

  /** Mark the message sent (terminal: it is never claimed again), with the provider's message id. */
  async markNotificationSent(
    scope: MissionScope,
    day: IsoDate,
    channel: Channel,
    result: { providerMessageId?: string | null; detail?: string | null } = {},
  ): Promise<NotificationRecord> {
    assertIsoDate(day, 'markNotificationSent day');
    const rows = await this.write(
      scope,
      `INSERT INTO notifications AS n (athlete, mission_id, day, channel, status, sent_at, updated_at, provider_message_id, detail)
       SELECT $1, $2, $3, $4, 'sent', t, t, $6, $7 FROM (SELECT coalesce($5::timestamptz, now()) AS t) AS clock
       ON CONFLICT (athlete, mission_id, day, channel) DO UPDATE
         SET status = 'sent', sent_at = EXCLUDED.sent_at, updated_at = EXCLUDED.updated_at,
             provider_message_id = EXCLUDED.provider_message_id, detail = EXCLUDED.detail
       RETURNING ${NOTIFICATION_COLUMNS}, ${DAY}`,
      [day, channel, this.now(), result.providerMessageId ?? null, result.detail ?? null],
    );
    return toNotification(rows[0]);
  }

  /** Mark the send failed with why; the row becomes claimable again. A `sent`/`skipped` row is left as is. */
  async markNotificationFailed(
    scope: MissionScope,
    day: IsoDate,
    channel: Channel,
    detail: string,
  ): Promise<NotificationRecord> {
    return this.markEnd(scope, day, channel, 'failed', detail, ['pending', 'sending', 'failed']);
  }

  /** Mark the message skipped (channel off, nothing to say) with why; terminal unless already sent. */
  async markNotificationSkipped(
    scope: MissionScope,
    day: IsoDate,
    channel: Channel,
    detail: string,
  ): Promise<NotificationRecord> {
    return this.markEnd(scope, day, channel, 'skipped', detail, ['pending', 'sending', 'failed', 'skipped']);
  }

  /** The outbox row for (day, channel), or null. */
  async getNotification(scope: MissionScope, day: IsoDate, channel: Channel): Promise<NotificationRecord | null> {
    checkScope(scope);
    const { rows } = await this.pool.query(
      `SELECT ${NOTIFICATION_COLUMNS}, ${DAY} FROM notifications WHERE athlete = $1 AND mission_id = $2 AND day = $3 AND channel = $4`,
      [scope.athlete, scope.missionId, day, channel],
    );
    return rows.length ? toNotification(rows[0]) : null;
  }

  private async markEnd(
    scope: MissionScope,
    day: IsoDate,
    channel: Channel,
    status: 'failed' | 'skipped',
    detail: string,
    from: NotificationStatus[],
  ): Promise<NotificationRecord> {
    assertIsoDate(day, `markNotification ${status} day`);
    await this.write(
      scope,
      `INSERT INTO notifications AS n (athlete, mission_id, day, channel, status, detail, updated_at)
       SELECT $1, $2, $3, $4, $5, $6, t FROM (SELECT coalesce($7::timestamptz, now()) AS t) AS clock
       ON CONFLICT (athlete, mission_id, day, channel) DO UPDATE
         SET status = EXCLUDED.status, detail = EXCLUDED.detail, updated_at = EXCLUDED.updated_at
         WHERE n.status = ANY($8::text[])`,
      [day, channel, status, detail, this.now(), from],
    );
    return (await this.getNotification(scope, day, channel))!;
  }

  // ------------------------------------------------------------------ reads

  /** Everything recorded for one day (parts not recorded are null or empty). */
  async getDay(scope: MissionScope, date: IsoDate): Promise<DayRecord> {
    assertIsoDate(date, 'getDay date');
    const [rec] = await this.history(scope, date, date);
    return rec ?? emptyDay(date);
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
      await this.snapshot(async (client) => {
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
      });
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

  /**
   * Delete every mission of the athlete and everything recorded for them (the athlete asked to be
   * forgotten, or deauthorised the app). Tokens live in the token store: remove them there.
   */
  async forgetAthlete(athlete: string): Promise<{ missions: number }> {
    if (typeof athlete !== 'string' || athlete === '') {
      throw new Error(`forgetAthlete: athlete must be a non-empty handle, got ${JSON.stringify(athlete)}`);
    }
    const { rowCount } = await this.pool.query(`DELETE FROM missions WHERE athlete = $1`, [athlete]);
    return { missions: rowCount ?? 0 };
  }

  // ------------------------------------------------------------------ internals

  private async snapshot<T>(read: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await read(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private now(): string | null {
    return this.clock ? this.clock().toISOString() : null;
  }

  /** Run a scoped write; `$1`/`$2` are the athlete and mission id, `params` follow from `$3`. */
  private async write(scope: MissionScope, sql: string, params: unknown[]): Promise<QueryResultRow[]> {
    checkScope(scope);
    try {
      return (await this.pool.query(sql, [scope.athlete, scope.missionId, ...params])).rows;
    } catch (err) {
      if ((err as { code?: string }).code === '23503') throw missingMission(scope);
      throw err;
    }
  }
}

// -------------------------------------------------------------------- row mapping

function checkScope(scope: MissionScope): void {
  if (!scope || typeof scope.athlete !== 'string' || scope.athlete === '' ||
      typeof scope.missionId !== 'string' || scope.missionId === '') {
    throw new Error(
      `a mission scope needs a non-empty athlete and missionId, got ${JSON.stringify(scope)}`,
    );
  }
}

function checkMissionStatus(status: string): void {
  if (!(MISSION_STATUSES as readonly string[]).includes(status)) {
    throw new Error(`mission status must be one of ${MISSION_STATUSES.join(', ')}, got ${JSON.stringify(status)}`);
  }
}

function missingMission(scope: MissionScope): Error {
  return new Error(
    `mission "${scope.missionId}" of athlete "${scope.athlete}" is not stored: call upsertMission before recording its days`,
  );
}

function emptyDay(date: IsoDate): DayRecord {
  return {
    date,
    run: null,
    observation: null,
    load: null,
    decision: null,
    plan: null,
    classSuggestions: null,
    reflection: null,
    overrides: [],
    notifications: [],
    report: null,
  };
}

function iso(value: Date): string {
  return value.toISOString();
}

function isoOrNull(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

type Row = QueryResultRow;

function toMission(r: Row): MissionRecord {
  return {
    id: r.id,
    athlete: r.athlete,
    name: r.name,
    configHash: r.config_hash,
    status: r.status,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

function toDayRun(r: Row): DayRunRecord {
  return {
    date: r.day,
    status: r.status,
    degradedReasons: r.degraded_reasons,
    workflowId: r.workflow_id,
    configHash: r.config_hash,
    startedAt: iso(r.started_at),
    finishedAt: isoOrNull(r.finished_at),
  };
}

function toReflection(r: Row): Reflection {
  return {
    date: r.day,
    rpe: r.rpe,
    legs: r.legs,
    mood: r.mood,
    sleepQuality: r.sleep_quality,
    completed: r.completed,
    note: r.note,
  };
}

function toOverride(r: Row): OverrideRecord {
  return { requestId: r.request_id, kind: r.kind, day: r.day, payload: r.payload, recordedAt: iso(r.recorded_at) };
}

function toNotification(r: Row): NotificationRecord {
  return {
    date: r.day,
    channel: r.channel,
    status: r.status,
    attempts: r.attempts,
    claimedAt: isoOrNull(r.claimed_at),
    sentAt: isoOrNull(r.sent_at),
    detail: r.detail,
    providerMessageId: r.provider_message_id,
  };
}
