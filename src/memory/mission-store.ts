import type { MissionConfig } from '../domain/types';
import { ScopedPg, type Queryable, checkMissionStatus, checkScope, iso, missingMission, toMission } from './pg-support';
import type { ConfigVersionRecord, MissionRecord, MissionScope, MissionStatus } from './records';

/** Missions and their config versions (the canonical mission JSON, by hash). */
export class MissionStore extends ScopedPg {
  constructor(db: Queryable) {
    super(db);
  }

  /** Create or update the mission row (name, current config hash; status only when given). */
  async upsertMission(
    scope: MissionScope,
    mission: { name: string; configHash: string; status?: MissionStatus; workflowId?: string | null },
  ): Promise<MissionRecord> {
    checkScope(scope);
    if (mission.status !== undefined) checkMissionStatus(mission.status);
    const { rows } = await this.db.query(
      `INSERT INTO missions AS m (athlete, id, name, config_hash, status, workflow_id)
       VALUES ($1, $2, $3, $4, coalesce($5, 'active'), $6)
       ON CONFLICT (athlete, id) DO UPDATE
         SET name = EXCLUDED.name, config_hash = EXCLUDED.config_hash,
             status = coalesce($5, m.status), workflow_id = coalesce($6, m.workflow_id), updated_at = now()
       RETURNING *`,
      [scope.athlete, scope.missionId, mission.name, mission.configHash, mission.status ?? null, mission.workflowId ?? null],
    );
    return toMission(rows[0]);
  }

  /**
   * A client started the mission's workflow: the row exists (with the client's config hash if it
   * is new) and names the workflow; a config hash the worker recorded meanwhile is kept.
   */
  async recordStart(scope: MissionScope, start: { name: string; configHash: string; workflowId: string }): Promise<MissionRecord> {
    checkScope(scope);
    const { rows } = await this.db.query(
      `INSERT INTO missions AS m (athlete, id, name, config_hash, status, workflow_id) VALUES ($1, $2, $3, $4, 'active', $5)
       ON CONFLICT (athlete, id) DO UPDATE SET workflow_id = EXCLUDED.workflow_id, status = 'active', updated_at = now()
       RETURNING *`,
      [scope.athlete, scope.missionId, start.name, start.configHash, start.workflowId],
    );
    return toMission(rows[0]);
  }

  /** Set the mission's status (active, paused, completed, cancelled); throws if the mission is not stored. */
  async setMissionStatus(scope: MissionScope, status: MissionStatus): Promise<MissionRecord> {
    checkScope(scope);
    checkMissionStatus(status);
    const { rows } = await this.db.query(
      `UPDATE missions SET status = $3, updated_at = now() WHERE athlete = $1 AND id = $2 RETURNING *`,
      [scope.athlete, scope.missionId, status],
    );
    if (rows.length === 0) throw missingMission(scope);
    return toMission(rows[0]);
  }

  /** The mission row, or null when not stored. */
  async getMission(scope: MissionScope): Promise<MissionRecord | null> {
    checkScope(scope);
    const { rows } = await this.db.query(`SELECT * FROM missions WHERE athlete = $1 AND id = $2`, [
      scope.athlete,
      scope.missionId,
    ]);
    return rows.length ? toMission(rows[0]) : null;
  }

  /** Missions, ordered by athlete then id; only the given athlete's when `athlete` is set. */
  async listMissions(athlete?: string): Promise<MissionRecord[]> {
    const { rows } =
      athlete === undefined
        ? await this.db.query(`SELECT * FROM missions ORDER BY athlete, id`)
        : await this.db.query(`SELECT * FROM missions WHERE athlete = $1 ORDER BY id`, [athlete]);
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

  /** The mission config stored under this hash (its canonical JSON, parsed), or null. */
  async getConfig(scope: MissionScope, hash: string): Promise<MissionConfig | null> {
    const version = await this.getConfigVersion(scope, hash);
    return version ? (JSON.parse(version.canonicalJson) as MissionConfig) : null;
  }

  /** Make `hash` the mission's current config (after an override changed it). */
  async setConfigHash(scope: MissionScope, hash: string): Promise<void> {
    const rows = await this.write(scope, `UPDATE missions SET config_hash = $3, updated_at = now() WHERE athlete = $1 AND id = $2 RETURNING id`, [hash]);
    if (rows.length === 0) throw missingMission(scope);
  }

  /** The stored config version with this hash, or null. */
  async getConfigVersion(scope: MissionScope, hash: string): Promise<ConfigVersionRecord | null> {
    checkScope(scope);
    const { rows } = await this.db.query(
      `SELECT hash, canonical_json, created_at FROM config_versions WHERE athlete = $1 AND mission_id = $2 AND hash = $3`,
      [scope.athlete, scope.missionId, hash],
    );
    return rows.length ? { hash: rows[0].hash, canonicalJson: rows[0].canonical_json, createdAt: iso(rows[0].created_at) } : null;
  }

  /**
   * Delete every mission of the athlete and everything recorded for them (the athlete asked to be
   * forgotten, or deauthorised the app). Tokens live in the token store: remove them there.
   */
  async forgetAthlete(athlete: string): Promise<{ missions: number }> {
    if (typeof athlete !== 'string' || athlete === '') {
      throw new Error(`forgetAthlete: athlete must be a non-empty handle, got ${JSON.stringify(athlete)}`);
    }
    const { rowCount } = await this.db.query(`DELETE FROM missions WHERE athlete = $1`, [athlete]);
    return { missions: rowCount ?? 0 };
  }
}
