import type { Pool } from 'pg';

/**
 * The database schema as an ordered list of SQL migrations. `migrate()` applies the ones a database
 * has not seen yet, inside one transaction guarded by an advisory lock, so it is safe to call at
 * every process start, again and again, and from several processes at once.
 *
 * Rules for editing: never change or reorder a migration that has shipped; append a new one with the
 * next number. Every table holding mission data is keyed by (athlete, mission_id): no row can be read
 * without naming both.
 */
export interface Migration {
  /** Unique, sortable id, `NNNN_name`; recorded in `schema_migrations`. */
  id: string;
  sql: string;
}

/** Same key for every Lanterne process: `pg_advisory_xact_lock` serialises concurrent migrate() calls. */
const MIGRATION_LOCK_KEY = 0x4c414e54; // 'LANT'

export const MIGRATIONS: readonly Migration[] = [
  {
    id: '0001_missions',
    sql: `
      CREATE TABLE missions (
        athlete      text        NOT NULL CHECK (athlete <> ''),
        id           text        NOT NULL CHECK (id <> ''),
        name         text        NOT NULL,
        config_hash  text        NOT NULL,
        status       text        NOT NULL DEFAULT 'active'
                     CHECK (status IN ('active', 'paused', 'completed', 'cancelled')),
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, id)
      );

      CREATE TABLE config_versions (
        athlete        text        NOT NULL,
        mission_id     text        NOT NULL,
        hash           text        NOT NULL,
        canonical_json text        NOT NULL,
        config         jsonb       NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, mission_id, hash),
        FOREIGN KEY (athlete, mission_id) REFERENCES missions (athlete, id) ON DELETE CASCADE
      );

      CREATE TABLE day_runs (
        athlete          text        NOT NULL,
        mission_id       text        NOT NULL,
        day              date        NOT NULL,
        status           text        NOT NULL CHECK (status IN ('running', 'ok', 'degraded', 'failed')),
        degraded_reasons jsonb       NOT NULL DEFAULT '[]'::jsonb,
        workflow_id      text,
        config_hash      text,
        started_at       timestamptz NOT NULL DEFAULT now(),
        finished_at      timestamptz,
        PRIMARY KEY (athlete, mission_id, day),
        FOREIGN KEY (athlete, mission_id) REFERENCES missions (athlete, id) ON DELETE CASCADE
      );

      CREATE TABLE observations (
        athlete     text        NOT NULL,
        mission_id  text        NOT NULL,
        day         date        NOT NULL,
        observation jsonb       NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, mission_id, day),
        FOREIGN KEY (athlete, mission_id) REFERENCES missions (athlete, id) ON DELETE CASCADE
      );

      CREATE TABLE load_metrics (
        athlete       text             NOT NULL,
        mission_id    text             NOT NULL,
        day           date             NOT NULL,
        ctl           double precision NOT NULL,
        atl           double precision NOT NULL,
        tsb           double precision NOT NULL,
        yesterday_tss double precision NOT NULL,
        figures       jsonb            NOT NULL,
        recorded_at   timestamptz      NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, mission_id, day),
        FOREIGN KEY (athlete, mission_id) REFERENCES missions (athlete, id) ON DELETE CASCADE
      );

      CREATE TABLE decisions (
        athlete     text             NOT NULL,
        mission_id  text             NOT NULL,
        day         date             NOT NULL,
        state       text             NOT NULL,
        decision    text             NOT NULL,
        confidence  double precision NOT NULL,
        rationale   jsonb            NOT NULL,
        negotiation jsonb,
        config_hash text             NOT NULL,
        payload     jsonb            NOT NULL,
        recorded_at timestamptz      NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, mission_id, day),
        FOREIGN KEY (athlete, mission_id) REFERENCES missions (athlete, id) ON DELETE CASCADE
      );

      CREATE TABLE plans (
        athlete           text             NOT NULL,
        mission_id        text             NOT NULL,
        day               date             NOT NULL,
        source            text             NOT NULL CHECK (source IN ('llm', 'fallback')),
        fallback_reason   text,
        target_tss        double precision NOT NULL,
        duration_min      double precision NOT NULL,
        prompt_tokens     integer,
        completion_tokens integer,
        total_tokens      integer,
        workout           jsonb            NOT NULL,
        recorded_at       timestamptz      NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, mission_id, day),
        FOREIGN KEY (athlete, mission_id) REFERENCES missions (athlete, id) ON DELETE CASCADE
      );

      CREATE TABLE class_suggestions (
        athlete     text        NOT NULL,
        mission_id  text        NOT NULL,
        day         date        NOT NULL,
        suggestions jsonb       NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, mission_id, day),
        FOREIGN KEY (athlete, mission_id) REFERENCES missions (athlete, id) ON DELETE CASCADE
      );

      CREATE TABLE reflections (
        athlete       text        NOT NULL,
        mission_id    text        NOT NULL,
        day           date        NOT NULL,
        rpe           double precision NOT NULL,
        legs          double precision NOT NULL,
        mood          double precision NOT NULL,
        sleep_quality double precision NOT NULL,
        completed     text        NOT NULL CHECK (completed IN ('yes', 'partly', 'no')),
        note          text        NOT NULL,
        recorded_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, mission_id, day),
        FOREIGN KEY (athlete, mission_id) REFERENCES missions (athlete, id) ON DELETE CASCADE
      );

      CREATE TABLE overrides (
        athlete     text        NOT NULL,
        mission_id  text        NOT NULL,
        request_id  text        NOT NULL CHECK (request_id <> ''),
        seq         bigserial   NOT NULL,
        day         date,
        kind        text        NOT NULL,
        payload     jsonb       NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, mission_id, request_id),
        FOREIGN KEY (athlete, mission_id) REFERENCES missions (athlete, id) ON DELETE CASCADE
      );
      CREATE INDEX overrides_by_day ON overrides (athlete, mission_id, day);

      CREATE TABLE notifications (
        athlete             text        NOT NULL,
        mission_id          text        NOT NULL,
        day                 date        NOT NULL,
        channel             text        NOT NULL,
        status              text        NOT NULL
                            CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
        attempts            integer     NOT NULL DEFAULT 0,
        claimed_at          timestamptz,
        sent_at             timestamptz,
        detail              text,
        provider_message_id text,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, mission_id, day, channel),
        FOREIGN KEY (athlete, mission_id) REFERENCES missions (athlete, id) ON DELETE CASCADE
      );

      CREATE TABLE reports (
        athlete     text        NOT NULL,
        mission_id  text        NOT NULL,
        day         date        NOT NULL,
        paths       text[]      NOT NULL,
        formats     text[]      NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, mission_id, day),
        FOREIGN KEY (athlete, mission_id) REFERENCES missions (athlete, id) ON DELETE CASCADE
      );
    `,
  },
  {
    id: '0002_athlete_tokens',
    sql: `
      CREATE TABLE athlete_tokens (
        athlete    text        NOT NULL CHECK (athlete <> ''),
        provider   text        NOT NULL CHECK (provider IN ('oura', 'strava', 'peloton')),
        ciphertext bytea       NOT NULL,
        iv         bytea       NOT NULL,
        auth_tag   bytea       NOT NULL,
        key_id     text        NOT NULL,
        expires_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, provider)
      );
    `,
  },
  {
    // The coach's per-athlete adaptive parameters after each day (reflection-driven), so the next
    // day starts from what the athlete taught it.
    id: '0003_adaptations',
    sql: `
      CREATE TABLE adaptations (
        athlete     text        NOT NULL,
        mission_id  text        NOT NULL,
        day         date        NOT NULL,
        parameters  jsonb       NOT NULL,
        changes     jsonb       NOT NULL,
        replan      jsonb,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, mission_id, day),
        FOREIGN KEY (athlete, mission_id) REFERENCES missions (athlete, id) ON DELETE CASCADE
      );
    `,
  },
  {
    // Outbox claims carry an owner and a lease (only the owner may mark the row; an expired lease
    // can be taken over), and a day may hold several messages per channel: the key gains a
    // message key. Existing rows are the day's report (`day`); a claim left `sending` by the old
    // code keeps its old 10-minute window as its lease.
    id: '0004_outbox_claims',
    sql: `
      ALTER TABLE notifications
        ADD COLUMN message_key      text NOT NULL DEFAULT 'day' CHECK (message_key <> ''),
        ADD COLUMN claimed_by       text,
        ADD COLUMN lease_expires_at timestamptz;
      ALTER TABLE notifications ALTER COLUMN message_key DROP DEFAULT;
      UPDATE notifications
         SET claimed_by = 'before-0004_outbox_claims',
             lease_expires_at = coalesce(claimed_at, updated_at) + interval '10 minutes'
       WHERE status = 'sending';
      ALTER TABLE notifications DROP CONSTRAINT notifications_pkey;
      ALTER TABLE notifications ADD PRIMARY KEY (athlete, mission_id, day, channel, message_key);
      ALTER TABLE notifications ADD CONSTRAINT notifications_claim_has_owner_and_lease
        CHECK (status <> 'sending' OR (claimed_by IS NOT NULL AND lease_expires_at IS NOT NULL));
    `,
  },
  {
    // Athletes as first-class rows: the handle (the key every table uses), an opaque id that
    // Temporal sees instead of the handle (workflow ids, search attributes), the profile and an
    // optional coach. Missions remember the workflow that runs them. Existing athletes get ids.
    id: '0005_athletes',
    sql: `
      CREATE TABLE athletes (
        handle       text        PRIMARY KEY CHECK (handle <> ''),
        id           text        NOT NULL UNIQUE CHECK (id ~ '^ath_[a-z0-9]{12}$'),
        timezone     text,
        profile      jsonb       NOT NULL DEFAULT '{}'::jsonb,
        coach        text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO athletes (handle, id)
        SELECT DISTINCT athlete, 'ath_' || substr(md5(random()::text || clock_timestamp()::text || athlete), 1, 12) FROM missions
        ON CONFLICT (handle) DO NOTHING;
      ALTER TABLE missions ADD COLUMN workflow_id text;
    `,
  },
  {
    // Rides a provider told us about by webhook (Strava activity events), per athlete: what was
    // ridden and its load, so the day's completed load is known before the next morning's cycle.
    id: '0006_rides',
    sql: `
      CREATE TABLE rides (
        athlete        text             NOT NULL REFERENCES athletes (handle) ON DELETE CASCADE,
        provider       text             NOT NULL CHECK (provider IN ('strava')),
        external_id    text             NOT NULL,
        day            date             NOT NULL,
        name           text             NOT NULL,
        sport_type     text             NOT NULL,
        moving_time_s  integer          NOT NULL,
        tss            double precision NOT NULL,
        tss_method     text             NOT NULL,
        recorded_at    timestamptz      NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, provider, external_id)
      );
    `,
  },
  {
    // Webhooks: which provider account belongs to which athlete (learned at \`lanterne connect\`),
    // the providers' subscriptions Lanterne manages, and every event received, keyed by the
    // provider's event identity so a redelivery is recognised at the door. No health values and
    // no secrets: account and document ids only.
    id: '0007_webhooks',
    sql: `
      CREATE TABLE provider_accounts (
        athlete          text        NOT NULL CHECK (athlete <> ''),
        provider         text        NOT NULL CHECK (provider IN ('oura', 'strava')),
        provider_user_id text        NOT NULL CHECK (provider_user_id <> ''),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, provider),
        UNIQUE (provider, provider_user_id)
      );

      CREATE TABLE webhook_subscriptions (
        provider        text        NOT NULL CHECK (provider IN ('oura', 'strava')),
        subscription_id text        NOT NULL CHECK (subscription_id <> ''),
        callback_url    text        NOT NULL,
        data_type       text,
        event_type      text,
        expires_at      timestamptz,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, subscription_id)
      );

      CREATE TABLE webhook_events (
        provider           text        NOT NULL CHECK (provider IN ('oura', 'strava')),
        event_id           text        NOT NULL CHECK (event_id <> ''),
        provider_user_id   text        NOT NULL,
        input              jsonb,
        status             text        NOT NULL CHECK (status IN ('pending', 'signalled', 'ignored', 'failed')),
        detail             text,
        athlete            text,
        missions_signalled integer     NOT NULL DEFAULT 0,
        attempts           integer     NOT NULL DEFAULT 0,
        claimed_at         timestamptz,
        received_at        timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, event_id)
      );
      CREATE INDEX webhook_events_pending ON webhook_events (received_at) WHERE status = 'pending';
    `,
  },
  {
    // The athlete's daily training load across missions: one row per day (TSS, the least reliable
    // method behind it, the activities it came from). The first observation of an athlete fills a
    // year; each later morning rewrites its observation window. Per athlete: load is the athlete's,
    // whichever mission observed it.
    id: '0008_daily_load',
    sql: `
      CREATE TABLE daily_load (
        athlete     text             NOT NULL REFERENCES athletes (handle) ON DELETE CASCADE,
        day         date             NOT NULL,
        tss         double precision NOT NULL CHECK (tss >= 0),
        method      text             CHECK (method IN ('power', 'heart-rate', 'duration-estimate')),
        sources     jsonb            NOT NULL DEFAULT '[]'::jsonb,
        recorded_at timestamptz      NOT NULL DEFAULT now(),
        PRIMARY KEY (athlete, day)
      );
    `,
  },
  {
    // Peloton's cycling archive as synced by `lanterne peloton sync`: a catalogue shared by every
    // athlete (classes only, no athlete column and no athlete data), replaced whole by each
    // successful sync, and the syncs themselves (when, how many, or why one failed).
    id: '0009_peloton_classes',
    sql: `
      CREATE TABLE peloton_syncs (
        id          bigserial   PRIMARY KEY,
        status      text        NOT NULL CHECK (status IN ('ok', 'failed')),
        pages       integer,
        classes     integer,
        added       integer,
        updated     integer,
        removed     integer,
        detail      text,
        finished_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE peloton_classes (
        id            text             PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
        title         text             NOT NULL,
        duration_min  integer          NOT NULL CHECK (duration_min > 0),
        class_type    text             NOT NULL,
        class_type_id text,
        subtype       text,
        difficulty    double precision,
        instructor_id text,
        instructor    text,
        air_time      timestamptz,
        url           text             NOT NULL,
        primary_zones integer[]        NOT NULL,
        est_if        double precision NOT NULL,
        est_tss       double precision NOT NULL,
        is_ftp_test   boolean          NOT NULL,
        sync_id       bigint           NOT NULL REFERENCES peloton_syncs (id),
        updated_at    timestamptz      NOT NULL DEFAULT now()
      );
    `,
  },
  {
    // Scoped dashboard tokens: a coach's token sees the athletes whose coach it names, an athlete's
    // token that athlete only. Only a SHA-256 digest of each token is kept (the token is shown
    // once, when made); revoking keeps the row, so the list says when and which.
    id: '0010_access_tokens',
    sql: `
      CREATE TABLE access_tokens (
        id           text        PRIMARY KEY CHECK (id ~ '^tok_[a-z0-9]{12}$'),
        scope        text        NOT NULL CHECK (scope IN ('coach', 'athlete')),
        subject      text        NOT NULL CHECK (subject <> ''),
        token_sha256 bytea       NOT NULL UNIQUE CHECK (octet_length(token_sha256) = 32),
        label        text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at   timestamptz
      );
      CREATE INDEX access_tokens_by_subject ON access_tokens (scope, subject);
    `,
  },
];

/**
 * Bring the database schema up to date: applies, in order, every migration not yet recorded in
 * `schema_migrations`, all in one transaction (all or nothing) under a transaction-level advisory
 * lock. A second call (or a concurrent call from another process) applies nothing.
 */
export async function migrate(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<{ applied: string[] }> {
  assertOrdered(migrations);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         id         text PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const done = new Set((await client.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      try {
        await client.query(m.sql);
      } catch (err) {
        throw new Error(`database migration ${m.id} failed: ${(err as Error).message}`, { cause: err });
      }
      await client.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id]);
      applied.push(m.id);
    }
    await client.query('COMMIT');
    return { applied };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

function assertOrdered(migrations: readonly Migration[]): void {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i - 1].id >= migrations[i].id) {
      throw new Error(
        `migrations out of order: "${migrations[i - 1].id}" comes before "${migrations[i].id}"; ids must be unique and ascending`,
      );
    }
  }
}
