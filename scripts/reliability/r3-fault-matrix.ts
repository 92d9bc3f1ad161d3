/**
 * R3 — the fault matrix. Each cell is one external service (Oura, Strava, OpenAI, SMTP, Twilio)
 * failing one way (5xx, 429 with Retry-After, a timeout, a malformed answer, 401/403, connection
 * refused) for a whole day; the next day the service is back. Each cell has its own fakes, its own
 * worker process on its own task queue, and its own athlete with a two-day block: yesterday (due
 * at once, run under the fault) and today (run time tonight; the trial asks for it with the runNow
 * update once the fault is gone).
 *
 * A cell passes when the faulted day still got its decision, marked degraded with a reason naming
 * the service; the client's retries stayed within their policy (requests counted at the fake, and
 * activity attempts in the day's history); the worker stayed up and no workflow task failed (no
 * crash loop); and the next day ran normally (ok, nothing degraded).
 */
import type { temporal } from '@temporalio/proto';
import { addDays } from '../../src/domain/iso-date';
import { localDate } from '../../src/domain/schedule';
import { dayWorkflowId, runNowUpdate } from '../../src/shared/mission-api';
import { zoneAtLocalNoon } from '../../tests/support/mission-client';
import { startSmtpSink, type SmtpSink } from '../../tests/support/smtp-sink';
import { ruleFollowingAnswer, startFakeOpenAiServer, type FakeAnswer, type FakeOpenAiServer } from '../../tests/support/fake-openai-server';
import { startFakeTwilioServer, type FakeTwilioServer } from '../../tests/support/fake-twilio-server';
import { faultReply, type StandingReply } from '../../tests/support/http-faults';
import { startBlock, statusOf, type Block } from './block';
import { startRig, waitFor, type Rig } from './rig';
import { serviceEnv, startWearables, type Wearables } from './wearables';
import { progress, type TrialReport } from './figures';

export const SERVICES = ['oura', 'strava', 'openai', 'smtp', 'twilio'] as const;
export const FAULTS = ['5xx', '429', 'timeout', 'malformed', 'auth', 'refused'] as const;
export type Service = (typeof SERVICES)[number];
export type Fault = (typeof FAULTS)[number];
export interface Cell {
  service: Service;
  fault: Fault;
}

/** Every service × every fault. */
export function fullMatrix(): Cell[] {
  return SERVICES.flatMap((service) => FAULTS.map((fault) => ({ service, fault })));
}

/** What a service's "401/403" is: Oura, OpenAI and Twilio 401, Strava 403, SMTP a refused login (535). */
export function authStatus(service: Service): '401' | '403' {
  return service === 'strava' ? '403' : '401';
}

/**
 * The retry policy of each client, as documented in its module, in requests the fake may receive
 * on the faulted day (the most the policy allows, whatever the timing):
 * - Oura and Strava (src/observation/http-json.ts, observe-activities.ts): the observe activity runs
 *   at most 3 times while a source fails in a way that may pass (it then goes on degraded), once
 *   when it may not (401 after one refresh, 403, …); each call is tried 3 times on 5xx, timeouts and
 *   network errors, sits out 429 at most twice, and is not repeated on a malformed body. Oura makes
 *   3 calls per observation (readiness, daily sleep, sleep periods) and may refresh its token once
 *   per call on 401; Strava makes one (one page).
 * - OpenAI (src/coaching/planner.ts): the SDK with OPENAI_MAX_RETRIES (default 1): 2 requests; the
 *   plan then falls back to a template, the activity is not retried.
 * - SMTP and Twilio (src/activities/deliver-activities.ts): a channel that failed in a way that may
 *   pass is tried again on the next attempt of the deliver activity, 3 attempts in all; a
 *   permanent refusal (SMTP 5xx, a refused login, Twilio 4xx) once. One connection / request each.
 *   A Twilio send that may have created the message (a timeout, an answer it cannot read) is not
 *   repeated (src/communication/sms.ts).
 */
export function requestBound(cell: Cell): number {
  const { service, fault } = cell;
  if (service === 'oura' || service === 'strava') {
    const passing = fault !== 'auth';
    const calls = service === 'oura' ? 3 : 1;
    const attempts = passing ? 3 : 1;
    const perCall = fault === 'malformed' ? 1 : fault === 'auth' ? (authStatus(service) === '401' ? 3 : 1) : 3;
    return attempts * calls * perCall;
  }
  if (service === 'openai') return 2;
  if (service === 'smtp') return fault === '5xx' || fault === 'auth' ? 1 : 3;
  return fault === 'timeout' || fault === 'malformed' || fault === 'auth' ? 1 : 3;
}

/** Activity attempts allowed on the faulted day: observe 3, deliver 3 (channel retries), plan 1, the rest 1. */
const ATTEMPT_BOUND: Record<string, number> = { observeDay: 3, planDay: 1, deliverDay: 3 };

export interface CellResult extends Cell {
  /** The faulted day. */
  day: { status: string; degraded: string[]; decision: string | null; report: boolean };
  namesService: boolean;
  requests: number | null;
  requestBound: number;
  /** Messages the faulted channel's provider accepted for the faulted day (SMTP, Twilio; else null). */
  delivered: number | null;
  attempts: Record<string, number>;
  workflowTaskFailures: number;
  workerAlive: boolean;
  next: { status: string; degraded: string[] };
  problems: string[];
  seconds: number;
}

interface CellFakes {
  wearables: Wearables;
  openai: FakeOpenAiServer;
  smtp: SmtpSink;
  twilio: FakeTwilioServer;
  twilioAcceptedByFault: number;
}

const TWILIO = { accountSid: `AC${'0123456789abcdef'.repeat(2)}`, authToken: 'twilio-trial-token' };
const SMTP_LOGIN = { user: 'coach', pass: 'smtp-trial-password' };

/** Applies (`on`) or clears the cell's fault at its fake. */
async function setFault(cell: Cell, f: CellFakes, on: boolean): Promise<void> {
  const { service, fault } = cell;
  if (service === 'oura' || service === 'strava') {
    const fake = service === 'oura' ? f.wearables.oura : f.wearables.strava;
    if (fault === 'refused') return on ? fake.pause() : fake.resume();
    const reply: StandingReply = faultReply(fault === 'auth' ? authStatus(service) : fault);
    const data = service === 'oura' ? '/v2/usercollection/' : '/api/v3/athlete/activities';
    fake.faults.rule = on ? (r) => (r.path.startsWith(data) ? reply : null) : null;
    return;
  }
  if (service === 'openai') {
    if (fault === 'refused') return on ? f.openai.pause() : f.openai.resume();
    const standing: Record<Exclude<Fault, 'refused'>, FakeAnswer> = {
      '5xx': { status: 503, body: { error: { message: 'The server is overloaded (injected)', type: 'server_error' } } },
      '429': { status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'Rate limit reached (injected)', type: 'requests' } } },
      timeout: { delayMs: 120_000, content: '{}' },
      malformed: { status: 200, rawBody: '<html><body>502 Bad Gateway (injected proxy page)' },
      auth: { status: 401, body: { error: { message: 'Incorrect API key provided (injected)', type: 'invalid_request_error', code: 'invalid_api_key' } } },
    };
    f.openai.setHandler(on ? () => standing[fault] : ruleFollowingAnswer);
    return;
  }
  if (service === 'smtp') {
    if (!on) {
      f.smtp.failNext(0);
      f.smtp.refuseAuth = false;
      f.smtp.dataDelayMs = null;
      await f.smtp.standIn(null);
      return;
    }
    if (fault === '5xx') f.smtp.failNext(Number.MAX_SAFE_INTEGER, 554, '5.7.1 Message rejected (injected)');
    if (fault === '429') f.smtp.failNext(Number.MAX_SAFE_INTEGER, 451, '4.7.0 Too many messages, try again later (injected)');
    if (fault === 'timeout') f.smtp.dataDelayMs = () => 120_000;
    if (fault === 'auth') f.smtp.refuseAuth = true;
    if (fault === 'malformed') await f.smtp.standIn('garbage');
    if (fault === 'refused') await f.smtp.standIn('refused');
    return;
  }
  // Twilio
  if (fault === 'refused') return on ? f.twilio.pause() : f.twilio.resume();
  const twilioReply: Record<Exclude<Fault, 'refused'>, StandingReply> = {
    '5xx': { status: 503, body: JSON.stringify({ code: 20503, message: 'Service Unavailable (injected)', status: 503 }) },
    '429': { status: 429, headers: { 'retry-after': '1' }, body: JSON.stringify({ code: 20429, message: 'Too Many Requests (injected)', status: 429 }) },
    timeout: { status: 200, hang: true },
    malformed: { status: 201, body: '<html>502 Bad Gateway (injected proxy page)' },
    auth: { status: 401, body: JSON.stringify({ code: 20003, message: 'Authenticate (injected)', status: 401 }) },
  };
  // A standing 2xx (the malformed answer) means Twilio created the message, and so does a timeout
  // here: Twilio creates it and its answer never arrives (the worst case of an unanswered POST).
  f.twilio.faults.rule = on
    ? () => {
        const reply = twilioReply[fault];
        if (reply.status >= 200 && reply.status < 300) f.twilioAcceptedByFault += 1;
        return reply;
      }
    : null;
}

/** Deliveries the provider accepted for the faulted day, for the channels the cell faults (null: not a channel). */
function deliveries(cell: Cell, f: CellFakes, subjectPrefix: string): number | null {
  if (cell.service === 'twilio') return f.twilio.created() + f.twilioAcceptedByFault;
  if (cell.service === 'smtp') return f.smtp.messages.filter((m) => m.subject.startsWith(subjectPrefix)).length;
  return null;
}

/** Requests the cell's faulted service received (connections for SMTP); null when nothing could count them. */
function requestCount(cell: Cell, f: CellFakes): number | null {
  if (cell.fault === 'refused') return null;
  switch (cell.service) {
    case 'oura':
      return f.wearables.oura.requests.filter((r) => r.path.startsWith('/v2/usercollection/')).length;
    case 'strava':
      return f.wearables.strava.activityRequests().length;
    case 'openai':
      return f.openai.requests.filter((r) => r.path.endsWith('/chat/completions')).length;
    case 'smtp':
      return f.smtp.connections();
    case 'twilio':
      return f.twilio.requests.length;
  }
}

/** How a degraded reason names each service. */
const NAMES: Record<Service, RegExp> = {
  oura: /\boura\b/i,
  strava: /\bstrava\b/i,
  openai: /planner fell back to a template/i,
  smtp: /^email: /,
  twilio: /^twilio: /,
};

async function history(rig: Rig, workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  const events: temporal.api.history.v1.IHistoryEvent[] = [];
  let token: Uint8Array | undefined;
  do {
    const page = await rig.connection.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId }, nextPageToken: token });
    events.push(...(page.history?.events ?? []));
    token = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (token);
  return events;
}

/** Attempts per activity type (the attempt of its last start, or 1 when it completed at once). */
function attemptsOf(events: temporal.api.history.v1.IHistoryEvent[]): Record<string, number> {
  const types = new Map<number, string>();
  const attempts: Record<string, number> = {};
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) types.set(Number(e.eventId), scheduled.activityType?.name ?? '?');
    const startedEv = e.activityTaskStartedEventAttributes;
    if (startedEv) {
      const type = types.get(Number(startedEv.scheduledEventId)) ?? '?';
      attempts[type] = Math.max(attempts[type] ?? 0, startedEv.attempt ?? 1);
    }
  }
  return attempts;
}

const workflowTaskFailures = (events: temporal.api.history.v1.IHistoryEvent[]) => events.filter((e) => e.workflowTaskFailedEventAttributes).length;

async function runCell(rig: Rig, cell: Cell, n: number, log: (s: string) => void): Promise<CellResult> {
  const started = Date.now();
  const zone = zoneAtLocalNoon(started);
  const today = localDate(started, zone);
  const name = `${cell.service}-${cell.fault}`;
  const taskQueue = `r3-${name}`;
  const wearables = await startWearables({ from: addDays(today, -120), to: addDays(today, 5) });
  const [openai, smtp, twilio] = await Promise.all([
    startFakeOpenAiServer(ruleFollowingAnswer),
    startSmtpSink({ auth: SMTP_LOGIN }),
    startFakeTwilioServer(TWILIO),
  ]);
  const fakes: CellFakes = { wearables, openai, smtp, twilio, twilioAcceptedByFault: 0 };
  const worker = rig.startWorker({
    name,
    kind: 'entry',
    taskQueue,
    env: {
      ...serviceEnv({ wearables, openai, smtp }),
      SMTP_USER: SMTP_LOGIN.user,
      SMTP_PASSWORD: SMTP_LOGIN.pass,
      USE_TWILIO: 'true',
      TWILIO_ACCOUNT_SID: TWILIO.accountSid,
      TWILIO_AUTH_TOKEN: TWILIO.authToken,
      TWILIO_FROM: '+15005550006',
      TWILIO_TO: '+33612345678',
      TWILIO_BASE_URL: twilio.baseUrl,
    },
  });
  const problems: string[] = [];
  try {
    const athlete = `r3-${name}`;
    await wearables.connect(rig.pool, athlete);
    await worker.ready;
    await setFault(cell, fakes, true);
    // Yesterday is due at once (its run time tonight passed yesterday); today waits for tonight or runNow.
    const block: Block = await startBlock(rig, {
      athlete,
      missionId: `r3-${n}`,
      name: `R3 ${name}`,
      pastDays: 1,
      futureDays: 1,
      channels: ['email', 'twilio'],
      useLlm: true,
      taskQueue,
      timeZone: zone,
      // In the zone where it is now about noon: yesterday's 23:50 has passed, today's is hours away.
      runTime: '23:50',
    });
    if (block.dueDates.length !== 1) throw new Error(`cell ${name}: expected one due day, got ${block.dueDates.join(', ')}`);
    const [faulted] = block.dueDates as [string];
    await waitFor(`${name}: the faulted day done`, async () => {
      const s = await statusOf(block);
      return s && s.daysDone >= 1 && s.phase === 'waiting' ? s : null;
    }, 6 * 60_000, 500);
    const requests = requestCount(cell, fakes);
    const delivered = deliveries(cell, fakes, `${block.mission.name} — ${faulted} — `);
    const dayEvents = await history(rig, dayWorkflowId(block.workflowId, faulted));
    const attempts = attemptsOf(dayEvents);
    const run = (await rig.pool.query('select status, degraded_reasons from day_runs where athlete=$1 and mission_id=$2 and day=$3', [athlete, block.mission.id, faulted])).rows[0];
    const decision = (await rig.pool.query('select decision from decisions where athlete=$1 and mission_id=$2 and day=$3', [athlete, block.mission.id, faulted])).rows[0]?.decision ?? null;
    const report = (await rig.pool.query('select count(*)::int as n from reports where athlete=$1 and mission_id=$2 and day=$3', [athlete, block.mission.id, faulted])).rows[0].n === 1;
    const degraded: string[] = run?.degraded_reasons ?? [];
    const namesService = degraded.some((r) => NAMES[cell.service].test(r));

    // The service is back: the next day, asked for now, must be a normal day.
    await setFault(cell, fakes, false);
    await waitFor(`${name}: runNow accepted`, async () => (await block.handle.executeUpdate(runNowUpdate, { args: [{}] })) !== null, 30_000, 500);
    const next = await waitFor(`${name}: the next day done`, async () => {
      const s = await statusOf(block);
      return s && s.daysDone >= 2 && s.phase === 'waiting' ? s : null;
    }, 3 * 60_000, 500);
    const nextDate = next.lastDay!.date;
    const nextRun = (await rig.pool.query('select status, degraded_reasons from day_runs where athlete=$1 and mission_id=$2 and day=$3', [athlete, block.mission.id, nextDate])).rows[0];
    const missionEvents = await history(rig, block.workflowId);
    const failures = workflowTaskFailures(dayEvents) + workflowTaskFailures(missionEvents) + workflowTaskFailures(await history(rig, dayWorkflowId(block.workflowId, nextDate)));
    const bound = requestBound(cell);

    const result: CellResult = {
      ...cell,
      day: { status: run?.status ?? 'missing', degraded, decision, report },
      namesService,
      requests,
      requestBound: bound,
      delivered,
      attempts,
      workflowTaskFailures: failures,
      workerAlive: worker.alive(),
      next: { status: nextRun?.status ?? 'missing', degraded: nextRun?.degraded_reasons ?? [] },
      problems,
      seconds: (Date.now() - started) / 1000,
    };
    if (!decision || !report || !['ok', 'degraded'].includes(result.day.status)) problems.push(`the faulted day has no decision or report (status ${result.day.status})`);
    if (result.day.status !== 'degraded' || !namesService) problems.push(`the faulted day is ${result.day.status}, not degraded with a reason naming ${cell.service}: ${JSON.stringify(degraded)}`);
    if (requests !== null && requests > bound) problems.push(`${requests} requests, more than the policy's ${bound}`);
    if (delivered !== null && delivered > 1) problems.push(`the faulted day's message was delivered ${delivered} times`);
    for (const [type, a] of Object.entries(attempts)) if (a > (ATTEMPT_BOUND[type] ?? 1)) problems.push(`${type} ran ${a} attempts, more than ${ATTEMPT_BOUND[type] ?? 1}`);
    if (failures > 0) problems.push(`${failures} workflow task failures`);
    if (!result.workerAlive) problems.push('the worker process exited');
    if (result.next.status !== 'ok' || result.next.degraded.length > 0) problems.push(`the next day is ${result.next.status}: ${JSON.stringify(result.next.degraded)}`);
    log(`${name}: day ${result.day.status} (${degraded.join('; ').slice(0, 160)}); ${requests ?? '–'}/${bound} requests; delivered ${delivered ?? '–'}; attempts ${JSON.stringify(attempts)}; next day ${result.next.status}; ${problems.length ? `PROBLEMS: ${problems.join('; ')}` : 'ok'} (${result.seconds.toFixed(0)} s)`);
    return result;
  } catch (err) {
    problems.push(`the cell did not finish: ${(err as Error).message}`);
    log(`${name}: FAILED ${(err as Error).message} (worker log ${worker.logFile})`);
    return {
      ...cell,
      day: { status: 'unknown', degraded: [], decision: null, report: false },
      namesService: false,
      requests: null,
      requestBound: requestBound(cell),
      delivered: null,
      attempts: {},
      workflowTaskFailures: 0,
      workerAlive: worker.alive(),
      next: { status: 'unknown', degraded: [] },
      problems,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await worker.kill('SIGTERM');
    await Promise.all([wearables.close(), openai.close(), smtp.close(), twilio.close()]);
  }
}

export interface FaultMatrixOptions {
  cells: Cell[];
  /** Cells run at once (each has its own worker process). */
  concurrency?: number;
}

export async function runFaultMatrix(o: FaultMatrixOptions): Promise<TrialReport> {
  const log = progress('R3');
  const started = Date.now();
  const rig = await startRig('r3');
  const results: CellResult[] = [];
  try {
    await rig.prepareEntryWorkers();
    // The slowest cells (timeouts) first, so they overlap the others.
    const queue = o.cells.map((c, i) => ({ c, i })).sort((a, b) => Number(b.c.fault === 'timeout') - Number(a.c.fault === 'timeout'));
    const next = async (): Promise<void> => {
      const item = queue.shift();
      if (!item) return;
      results.push(await runCell(rig, item.c, item.i + 1, log));
      return next();
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 6, o.cells.length) }, next));
  } finally {
    await rig.close();
  }
  const order = (r: Cell) => SERVICES.indexOf(r.service) * FAULTS.length + FAULTS.indexOf(r.fault);
  results.sort((a, b) => order(a) - order(b));
  const count = (f: (r: CellResult) => boolean) => results.filter(f).length;
  return {
    id: 'R3',
    title: 'fault matrix',
    trials: results.length,
    unit: 'cells',
    figures: [
      { label: 'days without a decision', value: count((r) => !r.day.decision || !r.day.report), of: results.length, max: 0 },
      { label: 'not marked degraded with the reason', value: count((r) => r.day.status !== 'degraded' || !r.namesService), max: 0 },
      { label: 'retries beyond policy', value: count((r) => (r.requests !== null && r.requests > r.requestBound) || Object.entries(r.attempts).some(([t, a]) => a > (ATTEMPT_BOUND[t] ?? 1))), max: 0 },
      { label: 'duplicate deliveries', value: results.reduce((n, r) => n + Math.max(0, (r.delivered ?? 0) - 1), 0), max: 0 },
      { label: 'crash loops', value: count((r) => !r.workerAlive || r.workflowTaskFailures > 0), max: 0 },
      { label: 'next days not normal', value: count((r) => r.next.status !== 'ok' || r.next.degraded.length > 0), max: 0 },
    ],
    settings: `${[...new Set(results.map((r) => r.service))].join(', ')} × ${[...new Set(results.map((r) => r.fault))].join(', ')} (401/403: Strava 403, SMTP 535, others 401; 429 with Retry-After 1 s); client timeouts at their defaults (Oura/Strava 15 s, OpenAI 30 s, SMTP and Twilio 20 s); ${o.concurrency ?? 6} cells at once`,
    details: results,
    notes: results.filter((r) => r.problems.length > 0).map((r) => `${r.service} × ${r.fault}: ${r.problems.join('; ')}`),
    durationS: (Date.now() - started) / 1000,
  };
}
