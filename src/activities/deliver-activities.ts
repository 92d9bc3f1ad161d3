/**
 * The deliver step: the day's report model built once from PostgreSQL, the messages sent through
 * the outbox (exactly once per mission/day/channel), the report files written atomically with what
 * each channel did, and the day's outcome recorded — the report and the outcome in one transaction.
 */
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { addDays } from '../domain/iso-date';
import {
  createNotifier,
  outboxFromStore,
  renderDayReport,
  summariseObservation,
  writeReportFiles,
  type DayReport,
  type NotificationOutcome,
} from '../communication';
import type { DeliverDayInput, DeliveredDay } from '../shared/activity-api';
import type { DayKey } from '../shared/day-key';
import type { DayNotification } from '../shared/day-result';
import type { ActivityDeps } from './activity-deps';
import { attempt, heartbeating } from './activity-context';
import { activityAttemptOwner } from './claim-owner';
import { dayAndPast, type DayInputs } from './day-inputs';

/** Failed channels are retried on this many attempts of the activity; then the day ends degraded. */
const CHANNEL_ATTEMPTS = 3;
/**
 * A channel another attempt holds (its lease, 2 minutes by default, has not ended) is retried when
 * the lease ends, up to this attempt (the day workflow's steps retry until a deadline, not a count).
 */
const IN_PROGRESS_ATTEMPTS = 9;

export function createDeliverActivities(deps: ActivityDeps, inputsFor: (key: DayKey) => Promise<DayInputs>) {
  const { memory } = deps;

  async function reportModel(key: DayKey, inputs: DayInputs): Promise<DayReport> {
    const { scope, mission, day } = inputs;
    // One read of what the report shows: today whole, the 27 days before for the charts.
    const [{ today, past: before }, adaptation] = await Promise.all([
      dayAndPast(memory, scope, key.date, 27, ['observation', 'load', 'decision', 'plan', 'classSuggestions'], true),
      memory.days.latestAdaptationBefore(scope, addDays(key.date, 1)),
    ]);
    const past = [...before, today];
    if (!today.decision) throw ApplicationFailure.nonRetryable(`no decision recorded for ${key.date}: the decide step must run first`, 'StateError');
    const changes = Array.isArray(adaptation?.changes) ? (adaptation!.changes as { why?: string }[]).map((c) => c.why ?? '').filter(Boolean) : [];
    const replan = (adaptation?.replan as { why?: string } | null)?.why;
    return {
      mission: { id: mission.id, name: mission.name },
      athlete: { handle: key.athlete },
      date: key.date,
      day,
      totalDays: mission.days.length,
      decision: today.decision.decision,
      workout: today.plan,
      classes: today.classSuggestions ?? [],
      load: today.load,
      observation: summariseObservation(today.observation ?? { date: key.date, readiness: null, sleep: null, hrv: null, rides: [], missing: [] }),
      history: past.map((r) => ({
        date: r.date,
        readiness: r.observation?.readiness?.score ?? null,
        hrv: r.observation?.hrv?.averageHrvMs ?? null,
        ctl: r.load?.ctl ?? null,
        atl: r.load?.atl ?? null,
        tsb: r.load?.tsb ?? null,
      })),
      adaptations: [...changes, ...(replan ? [replan] : [])],
      notifications: [],
      temporalUiUrl: deps.temporalUiUrl ? `${deps.temporalUiUrl}/namespaces/${deps.namespace}/workflows/${encodeURIComponent(key.dayWorkflowId)}` : null,
    };
  }

  return {
    async deliverDay(key: DayKey, input: DeliverDayInput): Promise<DeliveredDay> {
      const inputs = await inputsFor(key);
      const report = await reportModel(key, inputs);
      // The outbox row (claimed before sending, marked after) is what makes a retry never send twice.
      const outbox = outboxFromStore(memory.outbox, () => inputs.scope, activityAttemptOwner());
      const notifier = deps.notifier ? deps.notifier(outbox) : createNotifier({ config: deps.notify, outbox, mailer: deps.mailer });
      let result;
      try {
        // Quiet hours were waited out by the workflow, on its clock: nothing is deferred here.
        result = await heartbeating(() => notifier.notifyDay({ missionId: key.missionId, athlete: key.athlete, date: key.date, channels: inputs.mission.notifications.channels, report }));
      } finally {
        notifier.close();
      }
      // Another attempt (a crashed one, say) holds a channel's claim: come back when its lease ends
      // and take it over. Not counted against the channel retries: the lease always ends.
      const held = result.channels.filter((c) => c.status === 'in_progress');
      if (held.length > 0 && attempt() < IN_PROGRESS_ATTEMPTS) {
        const until = Math.max(...held.map((c) => (c.claimExpiresAt ? Date.parse(c.claimExpiresAt) : Date.now())));
        throw ApplicationFailure.create({
          message: `another attempt holds ${held.map((c) => c.channel).join(', ')} until ${new Date(until).toISOString()}: trying again then`,
          type: 'NotificationInProgress',
          nextRetryDelay: Math.max(1000, until - Date.now() + 1000),
        });
      }
      const failed = result.channels.filter((c) => c.status === 'failed');
      if (failed.some((c) => c.retryable) && attempt() < CHANNEL_ATTEMPTS) {
        throw ApplicationFailure.retryable(`some channels failed and may succeed later: ${failed.map((c) => `${c.channel}: ${c.reason}`).join('; ')}`, 'NotificationRetry');
      }
      const channels: NotificationOutcome[] = result.channels;
      const rendered = renderDayReport({ ...report, notifications: channels });
      // Reports live under output/<athlete>/<missionId>/: two athletes can ride the same mission.
      const files = await writeReportFiles(path.join(deps.outputDir, key.athlete), key.missionId, key.date, rendered);
      const reportPaths = [files.markdown, files.html, files.json];
      const notifications: DayNotification[] = channels.map((c) => ({
        channel: c.channel,
        status: c.status === 'already_sent' ? 'already-sent' : c.status === 'in_progress' ? 'deferred' : c.status,
        detail: c.reason ?? (c.status === 'sent' ? `sent via ${result.channels.find((x) => x.channel === c.channel)?.transport}` : ''),
      }));
      const degraded = [...input.degraded, ...notifications.filter((n) => n.status === 'failed' || n.status === 'deferred').map((n) => `${n.channel}: ${n.detail || n.status}`)];
      const status = degraded.length > 0 ? 'degraded' : 'ok';
      await memory.atomically(async (tx) => {
        await tx.days.recordReport(inputs.scope, key.date, { paths: reportPaths, formats: ['md', 'html', 'json'] });
        await tx.days.finishDayRun(inputs.scope, key.date, { status, degradedReasons: degraded });
      });
      return { status, degraded, notifications, reportPaths };
    },
  };
}
