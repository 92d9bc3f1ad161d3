/**
 * Hands recorded webhook events to the missions after the receiver has answered the provider.
 * Each event is claimed in PostgreSQL before it is signalled and marked done after, so concurrent
 * dispatchers (or a redelivery racing a retry) signal it once. A failure (Temporal unreachable)
 * leaves the event pending; a sweep retries it once its claim is stale, also after a crash.
 *
 * One window remains, as with the e-mail outbox: a process that dies after the signal and before
 * the mark re-signals the event after the claim expires. The signal carries the provider's event
 * identity (`eventId`) so the mission can drop the repeat.
 */
import type { Logger } from '@temporalio/common';
import type { WebhookProvider, WebhookStore } from '../memory';
import type { DataReadyInput } from '../shared/mission-api';
import type { SignalAthleteMissions } from './mission-signaller';

export interface DispatcherOptions {
  /** How long a claim protects an event from other dispatchers, and the wait before a retry (ms). Default 30 s. */
  claimStaleAfterMs?: number;
  /** How often pending events are swept (ms); 0 = never (tests drive `sweep()`). Default 30 s. */
  sweepEveryMs?: number;
  /** Attempts before an event is marked failed. Default 20 (≈10 minutes of retries). */
  maxAttempts?: number;
}

export class EventDispatcher {
  private readonly inflight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private readonly staleMs: number;
  private readonly sweepMs: number;
  private readonly maxAttempts: number;

  constructor(
    private readonly store: WebhookStore,
    private readonly signal: SignalAthleteMissions,
    private readonly log: Logger,
    o: DispatcherOptions = {},
  ) {
    this.staleMs = o.claimStaleAfterMs ?? 30_000;
    this.sweepMs = o.sweepEveryMs ?? 30_000;
    this.maxAttempts = o.maxAttempts ?? 20;
  }

  /** Starts the periodic sweep, beginning with events a previous process left pending. */
  start(): void {
    this.kickSweep();
    if (this.sweepMs > 0 && !this.timer) {
      this.timer = setInterval(() => this.kickSweep(), this.sweepMs);
      this.timer.unref();
    }
  }

  /** Dispatches one event in the background (returns at once). */
  dispatch(provider: WebhookProvider, eventId: string): void {
    this.track(this.process(provider, eventId));
  }

  /** Dispatches every claimable pending event; resolves when they are done. */
  async sweep(): Promise<void> {
    const due = await this.store.claimableEvents(this.staleMs);
    await Promise.all(due.map((e) => this.process(e.provider, e.eventId)));
  }

  /** Resolves when no dispatch is running. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.idle();
  }

  private kickSweep(): void {
    this.track(
      this.sweep().catch((err: Error) => this.log.warn('webhook sweep failed', { error: err.message })),
    );
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private async process(provider: WebhookProvider, eventId: string): Promise<void> {
    let claimed;
    try {
      claimed = await this.store.claimEvent(provider, eventId, this.staleMs);
    } catch (err) {
      this.log.warn('webhook event could not be claimed', { provider, eventId, error: (err as Error).message });
      return;
    }
    if (!claimed) return; // done, or another dispatcher holds it
    const athlete = await this.store.athleteForProviderUser(provider, claimed.providerUserId).catch(() => undefined);
    if (athlete === undefined) return this.retryLater(provider, eventId, claimed.attempts, 'the database did not answer');
    if (athlete === null) {
      const detail = `no athlete is connected to this ${provider} account (run \`lanterne connect ${provider}\`)`;
      await this.finish(provider, eventId, { status: 'ignored', athlete: null, missionsSignalled: 0, detail });
      this.log.info('webhook event for an unknown athlete', { provider, eventId });
      return;
    }
    const input = claimed.input as DataReadyInput;
    let result;
    try {
      result = await this.signal(athlete, input);
    } catch (err) {
      return this.retryLater(provider, eventId, claimed.attempts, `signalling the missions failed: ${(err as Error).message}`, athlete);
    }
    const detail = result.skipped.length ? result.skipped.join('; ') : null;
    const status = result.signalled > 0 ? 'signalled' : 'ignored';
    await this.finish(provider, eventId, { status, athlete, missionsSignalled: result.signalled, detail });
    this.log.info(result.signalled > 0 ? 'webhook event signalled to missions' : 'webhook event reached no running mission', {
      provider,
      eventId,
      athlete,
      missions: result.signalled,
      ...(detail ? { detail } : {}),
    });
  }

  private async finish(provider: WebhookProvider, eventId: string, outcome: Parameters<WebhookStore['finishEvent']>[2]): Promise<void> {
    await this.store.finishEvent(provider, eventId, outcome).catch((err: Error) =>
      // The claim expires and the event is tried again; the mission drops a repeated eventId.
      this.log.warn('webhook event outcome could not be recorded', { provider, eventId, error: err.message }),
    );
  }

  private async retryLater(provider: WebhookProvider, eventId: string, attempts: number, why: string, athlete: string | null = null): Promise<void> {
    if (attempts >= this.maxAttempts) {
      await this.finish(provider, eventId, { status: 'failed', athlete, missionsSignalled: 0, detail: `${why} (gave up after ${attempts} attempts)` });
      this.log.error('webhook event failed', { provider, eventId, attempts, detail: why });
      return;
    }
    await this.store.noteEventFailure(provider, eventId, why).catch(() => undefined);
    this.log.warn('webhook event will be retried', { provider, eventId, attempts, detail: why });
  }
}
