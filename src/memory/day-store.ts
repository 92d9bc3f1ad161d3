import type { Pool } from 'pg';
import type {
  ClassSuggestion,
  DayObservation,
  Decision,
  IsoDate,
  LoadFigures,
  Workout,
} from '../domain/types';
import { assertIsoDate } from '../domain/iso-date';
import { DAY, ScopedPg, toDayRun, type Queryable } from './pg-support';
import type { AdaptationRecord, DayRunOutcome, DayRunRecord, MissionScope, ReportInput } from './records';

const DAY_RUN_COLUMNS = 'status, degraded_reasons, workflow_id, config_hash, started_at, finished_at';

/**
 * What a mission day writes, one table a step: the run (started, finished), observation, load
 * figures, decision, plan, class suggestions, adaptation and report. Every write is an upsert keyed
 * by (athlete, mission, day): repeating one leaves one row, holding the last write.
 */
export class DayStore extends ScopedPg {
  constructor(db: Queryable) {
    super(db);
  }

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
}
