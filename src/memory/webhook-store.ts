import type { Pool } from 'pg';
import { inTransaction } from './pg-support';

/**
 * The webhook tables in PostgreSQL (migration `0007_webhooks`):
 *
 * - `provider_accounts`: the provider's user id of each connected athlete (Oura `user_id`, Strava
 *   `owner_id`), recorded by `lanterne connect`, so an event finds its athlete;
 * - `webhook_subscriptions`: the providers' subscriptions as last seen by `lanterne webhooks`, so the
 *   receiver can tell Strava events of our subscription from forged ones;
 * - `webhook_events`: one row per provider event identity. The receiver inserts it before it answers
 *   (a redelivery finds the row and changes nothing); a dispatcher claims it, signals the athlete's
 *   missions and marks it done, so an event is signalled once even when the provider retries.
 *
 * Nothing here is a secret or a health value: account, subscription and document ids only.
 */
export const WEBHOOK_PROVIDERS = ['oura', 'strava'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

export interface ProviderAccount {
  athlete: string;
  provider: WebhookProvider;
  providerUserId: string;
  updatedAt: string;
}

export interface StoredSubscription {
  provider: WebhookProvider;
  subscriptionId: string;
  callbackUrl: string;
  /** Oura only: the data type and event type the subscription is for. */
  dataType: string | null;
  eventType: string | null;
  /** Oura only: when the subscription stops delivering unless renewed. */
  expiresAt: string | null;
}

export type WebhookEventStatus = 'pending' | 'signalled' | 'ignored' | 'failed';

export interface WebhookEventRecord {
  provider: WebhookProvider;
  eventId: string;
  providerUserId: string;
  /** What is signalled to the missions (a `DataReadyInput`), or null for an event Lanterne ignores. */
  input: unknown;
  status: WebhookEventStatus;
  detail: string | null;
  athlete: string | null;
  missionsSignalled: number;
  attempts: number;
  receivedAt: string;
}

export interface NewWebhookEvent {
  provider: WebhookProvider;
  eventId: string;
  providerUserId: string;
  input: unknown;
  /** 'pending' for an event to hand to the missions; 'ignored' (with detail) for one we do not act on. */
  status: 'pending' | 'ignored';
  detail?: string | null;
}

const EVENT_COLUMNS = `provider, event_id, provider_user_id, input, status, detail, athlete, missions_signalled, attempts, received_at`;

export class WebhookStore {
  constructor(private readonly pool: Pool) {}

  // ---------------------------------------------------------------- provider accounts

  /**
   * Records that `athlete`'s account at `provider` has this user id. A provider account belongs to
   * one athlete: connecting it for another handle moves it (the latest connect wins).
   */
  async saveProviderAccount(athlete: string, provider: WebhookProvider, providerUserId: string): Promise<{ movedFrom: string | null }> {
    const moved = await inTransaction(this.pool, async (client) => {
      const gone = await client.query<{ athlete: string }>(
        `DELETE FROM provider_accounts WHERE provider = $1 AND provider_user_id = $2 AND athlete <> $3 RETURNING athlete`,
        [provider, providerUserId, athlete],
      );
      await client.query(
        `INSERT INTO provider_accounts (athlete, provider, provider_user_id) VALUES ($1, $2, $3)
         ON CONFLICT (athlete, provider) DO UPDATE SET provider_user_id = EXCLUDED.provider_user_id, updated_at = now()`,
        [athlete, provider, providerUserId],
      );
      return gone.rows[0]?.athlete ?? null;
    });
    return { movedFrom: moved };
  }

  async athleteForProviderUser(provider: WebhookProvider, providerUserId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ athlete: string }>(
      `SELECT athlete FROM provider_accounts WHERE provider = $1 AND provider_user_id = $2`,
      [provider, providerUserId],
    );
    return rows[0]?.athlete ?? null;
  }

  async providerAccounts(provider?: WebhookProvider): Promise<ProviderAccount[]> {
    const { rows } = await this.pool.query(
      `SELECT athlete, provider, provider_user_id, updated_at FROM provider_accounts
       WHERE $1::text IS NULL OR provider = $1 ORDER BY provider, athlete`,
      [provider ?? null],
    );
    return rows.map((r) => ({
      athlete: r.athlete as string,
      provider: r.provider as WebhookProvider,
      providerUserId: r.provider_user_id as string,
      updatedAt: (r.updated_at as Date).toISOString(),
    }));
  }

  // ---------------------------------------------------------------- subscriptions

  /** Makes the stored subscriptions of `provider` exactly `subs` (what the provider just listed). */
  async replaceSubscriptions(provider: WebhookProvider, subs: readonly Omit<StoredSubscription, 'provider'>[]): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(`DELETE FROM webhook_subscriptions WHERE provider = $1`, [provider]);
      for (const s of subs) {
        await client.query(
          `INSERT INTO webhook_subscriptions (provider, subscription_id, callback_url, data_type, event_type, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [provider, s.subscriptionId, s.callbackUrl, s.dataType, s.eventType, s.expiresAt],
        );
      }
    });
  }

  async subscriptions(provider: WebhookProvider): Promise<StoredSubscription[]> {
    const { rows } = await this.pool.query(
      `SELECT provider, subscription_id, callback_url, data_type, event_type, expires_at FROM webhook_subscriptions
       WHERE provider = $1 ORDER BY data_type NULLS FIRST, event_type NULLS FIRST, subscription_id`,
      [provider],
    );
    return rows.map((r) => ({
      provider: r.provider as WebhookProvider,
      subscriptionId: r.subscription_id as string,
      callbackUrl: r.callback_url as string,
      dataType: (r.data_type as string | null) ?? null,
      eventType: (r.event_type as string | null) ?? null,
      expiresAt: r.expires_at ? (r.expires_at as Date).toISOString() : null,
    }));
  }

  async hasSubscription(provider: WebhookProvider, subscriptionId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `SELECT 1 FROM webhook_subscriptions WHERE provider = $1 AND subscription_id = $2`,
      [provider, subscriptionId],
    );
    return (rowCount ?? 0) > 0;
  }

  // ---------------------------------------------------------------- events

  /**
   * Inserts the event unless its identity is known. 'duplicate' means the provider delivered it
   * before (a retry): nothing changes. The row is durable before the receiver answers 2xx.
   */
  async recordEvent(e: NewWebhookEvent): Promise<'new' | 'duplicate'> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO webhook_events (provider, event_id, provider_user_id, input, status, detail)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (provider, event_id) DO NOTHING`,
      [e.provider, e.eventId, e.providerUserId, e.input === null ? null : JSON.stringify(e.input), e.status, e.detail ?? null],
    );
    return (rowCount ?? 0) === 1 ? 'new' : 'duplicate';
  }

  /**
   * Claims a pending event for dispatch (one claimer at a time): returns it, with the attempt
   * counted, or null when it is done or another dispatcher claimed it less than `staleAfterMs` ago.
   */
  async claimEvent(provider: WebhookProvider, eventId: string, staleAfterMs: number): Promise<WebhookEventRecord | null> {
    const { rows } = await this.pool.query(
      `UPDATE webhook_events SET claimed_at = now(), attempts = attempts + 1, updated_at = now()
       WHERE provider = $1 AND event_id = $2 AND status = 'pending'
         AND (claimed_at IS NULL OR claimed_at < now() - make_interval(secs => $3))
       RETURNING ${EVENT_COLUMNS}`,
      [provider, eventId, staleAfterMs / 1000],
    );
    return rows[0] ? eventRecord(rows[0]) : null;
  }

  /** Pending events nobody holds a fresh claim on (left by a crash, or waiting for a retry). */
  async claimableEvents(staleAfterMs: number, limit = 50): Promise<{ provider: WebhookProvider; eventId: string }[]> {
    const { rows } = await this.pool.query(
      `SELECT provider, event_id FROM webhook_events
       WHERE status = 'pending' AND (claimed_at IS NULL OR claimed_at < now() - make_interval(secs => $1))
       ORDER BY received_at LIMIT $2`,
      [staleAfterMs / 1000, limit],
    );
    return rows.map((r) => ({ provider: r.provider as WebhookProvider, eventId: r.event_id as string }));
  }

  /** The dispatcher's verdict on a claimed event. */
  async finishEvent(
    provider: WebhookProvider,
    eventId: string,
    outcome: { status: 'signalled' | 'ignored' | 'failed'; athlete: string | null; missionsSignalled: number; detail: string | null },
  ): Promise<void> {
    await this.pool.query(
      `UPDATE webhook_events SET status = $3, athlete = $4, missions_signalled = $5, detail = $6, claimed_at = NULL, updated_at = now()
       WHERE provider = $1 AND event_id = $2`,
      [provider, eventId, outcome.status, outcome.athlete, outcome.missionsSignalled, outcome.detail],
    );
  }

  /** A failed attempt: the event stays pending (retried once the claim is stale) with why. */
  async noteEventFailure(provider: WebhookProvider, eventId: string, detail: string): Promise<void> {
    await this.pool.query(`UPDATE webhook_events SET detail = $3, updated_at = now() WHERE provider = $1 AND event_id = $2`, [provider, eventId, detail]);
  }

  async event(provider: WebhookProvider, eventId: string): Promise<WebhookEventRecord | null> {
    const { rows } = await this.pool.query(`SELECT ${EVENT_COLUMNS} FROM webhook_events WHERE provider = $1 AND event_id = $2`, [provider, eventId]);
    return rows[0] ? eventRecord(rows[0]) : null;
  }
}

function eventRecord(r: Record<string, unknown>): WebhookEventRecord {
  return {
    provider: r.provider as WebhookProvider,
    eventId: r.event_id as string,
    providerUserId: r.provider_user_id as string,
    input: r.input ?? null,
    status: r.status as WebhookEventStatus,
    detail: (r.detail as string | null) ?? null,
    athlete: (r.athlete as string | null) ?? null,
    missionsSignalled: r.missions_signalled as number,
    attempts: r.attempts as number,
    receivedAt: (r.received_at as Date).toISOString(),
  };
}
