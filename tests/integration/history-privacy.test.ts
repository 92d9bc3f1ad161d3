/**
 * No plaintext health data, athlete handle or e-mail address in Temporal — proven on whole
 * histories. On real parts (the dev server, the real worker and activities with the synthetic
 * athlete, PostgreSQL, an SMTP sink), a mission day runs as `up` runs it, with a reflection, an
 * override, a runNow update and queries; then every history of the mission (the mission workflow
 * and its day) is read from the server without the codec and walked generically: every Payload in
 * every event attribute, every Failure, every other string. The raw answers of the status and
 * upcoming queries are checked the same way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { startTestDevServer } from '../support/dev-server';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { missionAtLocalNoon, runTodayNow, waitForStatus } from '../support/mission-client';
import { FAILURE, PAYLOAD, walk } from '../support/proto-walk';
import { openWorkerResources, type WorkerResources } from '../../src/worker/activity-deps';
import { createWorker } from '../../src/worker/run-worker';
import { dayWorkflowId, overrideUpdate, reflectSignal, runNowUpdate, statusQuery, upcomingQuery } from '../../src/shared/mission-api';
import { loadMissionFile } from '../../src/mission';
import { startMission } from '../../src/client/missions';
import { addDays } from '../../src/domain/iso-date';
import { localDate } from '../../src/domain/schedule';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, openPayloadKeys, payloadDataConverter, type PayloadKeys } from '../../src/secrets';
import type { RunningDevServer } from '../../src/infra/temporal-dev-server';
import type { DayObservation } from '../../src/domain/types';

Runtime.install({ logger: new DefaultLogger('WARN') });

/**
 * Payloads the SDK itself writes without the codec: the patch marker of `patched()` (Core records
 * the patch id, e.g. "mission-decision-search-attribute") and a local activity's marker data
 * (Core's own bookkeeping: sequence number, attempt, activity id and type, times — the activity's
 * result sits beside it, encrypted). They are checked for private content like search attributes.
 */
const KNOWN_CLEAR_PAYLOADS = [/\.markerRecordedEventAttributes\.details\.patch-data\.payloads\[\d+\]$/, /\.markerRecordedEventAttributes\.details\.data\.payloads\[\d+\]$/];

/** Keys of the night's figures in a stored observation (DayObservation's readiness, sleep and hrv). */
const HEALTH_KEYS = ['temperatureDeviation', 'totalSleepS', 'efficiency', 'averageHrvMs', 'lowestHeartRate', 'averageHeartRate', 'contributors'];

const HANDLE = 'rider';
const EMAIL = 'rider@lanterne.test';
const NOTE = 'left knee sore after the cobbles, slept badly before the stage';
const REASON = 'physio appointment for the left knee';

const utf8 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
/** A number as it would stand in JSON or text: not part of a longer number or word. */
const numberToken = (n: number) => new RegExp(`(?<![\\w.])${String(n).replace('.', '\\.')}(?![\\w]|\\.\\d)`);

describe('no plaintext in a whole Temporal history', () => {
  /** The mission's workflow id (it includes the athlete's opaque id). */
  let workflowId = '';
  let server: RunningDevServer;
  let db: TestDatabase;
  let smtp: SmtpSink;
  let resources: WorkerResources;
  let worker: Worker;
  let running: Promise<void>;
  let connection: Connection;
  let client: Client;
  let keys: PayloadKeys;
  let codec: EncryptionCodec;
  let tmp: string;
  let today: string;
  let health: Record<string, number>;
  let observation: DayObservation;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-privacy-'));
    [server, db, smtp] = await Promise.all([startTestDevServer(), createTestDatabase('lanterne_privacy'), startSmtpSink()]);
    // The keys `up` makes on first run in its state folder; worker and client use them as `up` does.
    keys = openPayloadKeys({ env: {}, stateDir: path.join(tmp, 'state'), create: true })!;
    codec = new EncryptionCodec(keys.ring);
    const dataConverter = payloadDataConverter(keys.ring);
    resources = await openWorkerResources({
      databaseUrl: db.url,
      outputDir: path.join(tmp, 'out'),
      namespace: 'default',
      temporalUiUrl: 'http://127.0.0.1:8233',
      env: { LANTERNE_DATA_SOURCE: 'synthetic', SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port), SMTP_SECURE: 'false', SMTP_FROM: 'coach@lanterne.test', NOTIFY_EMAIL_TO: EMAIL },
    });
    ({ worker } = await createWorker({ address: server.address, namespace: 'default', deps: resources.deps, dataConverter }));
    running = worker.run();
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection, dataConverter });

    // The mission as `up` starts it, today's cycle through the runNow update, then the athlete's messages.
    // A copy in the zone where it is now about noon: far from the run time, midnight and the quiet hours, whatever the hour of the test.
    const copy = missionAtLocalNoon(path.resolve(__dirname, '../../missions/tdf_sim_2025.toml'), tmp);
    const mission = await loadMissionFile(copy.file);
    const started = await startMission(client, resources.deps.memory, mission, { startDate: 'today' });
    const { handle } = started;
    workflowId = started.workflowId;
    today = localDate(Date.now(), copy.timeZone);
    // Started after 06:30 Paris, the day runs by itself (runNow is then refused); a forced runNow
    // is accepted whatever the hour, so the history always holds an accepted update.
    await runTodayNow(handle);
    await waitForStatus(handle, (s) => s.lastDay?.date === today && s.phase !== 'running-day', 120_000);
    expect(await handle.executeUpdate(runNowUpdate, { args: [{ force: true }] })).toMatchObject({ date: today, rerun: true });
    await waitForStatus(handle, (s) => s.lastDay?.note === 'rerun' && s.phase !== 'running-day', 120_000);
    await handle.signal(reflectSignal, { date: today, rpe: 8, legs: 4, mood: 2, sleepQuality: 2, completed: 'partly', note: NOTE });
    const override = await handle.executeUpdate(overrideUpdate, { args: [{ kind: 'rest-day', date: addDays(today, 1), reason: REASON }] });
    expect(override.accepted).toBe(true);
    const status = await waitForStatus(handle, (s) => s.reflections.some((r) => r.note === NOTE));
    expect(status.athlete).toBe(HANDLE); // the client with the key reads everything
    expect((await handle.query(upcomingQuery, 3)).length).toBeGreaterThan(0);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.envelopeTo).toEqual([EMAIL]); // the address was used, just never put in a payload

    // The day's health figures, as the real activities stored them in PostgreSQL (not from the history).
    const row = await db.pool.query('select observation from observations where mission_id = $1 and day = $2', ['tdf_sim_2025', today]);
    const o = row.rows[0].observation as DayObservation;
    observation = o;
    const figures: Record<string, number | null | undefined> = {
      readinessScore: o.readiness?.score,
      sleepScore: o.sleep?.score,
      totalSleepS: o.sleep?.totalSleepS,
      hrvMs: o.hrv?.averageHrvMs,
      lowestHeartRate: o.hrv?.lowestHeartRate,
      averageHeartRate: o.hrv?.averageHeartRate,
    };
    health = Object.fromEntries(Object.entries(figures).filter((e): e is [string, number] => typeof e[1] === 'number'));
    expect(Object.keys(health).sort()).toEqual(['averageHeartRate', 'hrvMs', 'lowestHeartRate', 'readinessScore', 'sleepScore', 'totalSleepS']);
  }, 240_000);

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await connection?.close();
    await resources?.close();
    await Promise.all([server?.stop(), db?.drop(), smtp?.close()]);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** What a walk found: every payload by path, and the strings outside payloads. */
  interface Found {
    encrypted: { path: string; payload: Payload }[];
    searchAttributes: { path: string; name: string; value: unknown }[];
    /** Payloads the SDK writes in clear (KNOWN_CLEAR_PAYLOADS), decoded. */
    sdkClear: { path: string; value: unknown }[];
    failures: { path: string; message: string; stackTrace: string }[];
    strings: { path: string; value: string }[];
  }

  function inspect(root: unknown, prefix: string): Found {
    const found: Found = { encrypted: [], searchAttributes: [], sdkClear: [], failures: [], strings: [] };
    walk(root, ({ path: p, type, node }) => {
      const at = `${prefix}${p}`;
      if (type === PAYLOAD) {
        const sa = /\.searchAttributes\.indexedFields\.(\w+)$/.exec(at);
        const payload = node as Payload;
        if (sa) found.searchAttributes.push({ path: at, name: sa[1]!, value: defaultPayloadConverter.fromPayload(payload) });
        else if (KNOWN_CLEAR_PAYLOADS.some((r) => r.test(at))) found.sdkClear.push({ path: at, value: defaultPayloadConverter.fromPayload(payload) });
        else found.encrypted.push({ path: at, payload });
        return 'skip';
      }
      if (type === FAILURE) {
        const f = node as temporal.api.failure.v1.IFailure;
        found.failures.push({ path: at, message: f.message ?? '', stackTrace: f.stackTrace ?? '' });
      }
      if (typeof node === 'string') found.strings.push({ path: at, value: node });
    });
    return found;
  }

  /**
   * Private plaintext in `text`: the athlete's words, handle and address, and (in text, not in
   * ciphertext bytes, where two random digits turn up by chance) the day's health figures.
   */
  function leaks(text: string, figures = true): string[] {
    const out = [HANDLE, EMAIL, NOTE, REASON].filter((s) => text.includes(s));
    if (figures) for (const [name, value] of Object.entries(health)) if (numberToken(value).test(text)) out.push(`${name} ${value}`);
    return out;
  }

  /**
   * The night's figures inside decrypted payloads, which are full of other numbers (a 45-minute
   * workout, a CTL of 72): found by the keys the observation stores them under, and by value only
   * where the value cannot be another number by chance (four digits or more, or a fraction).
   */
  function healthInPayloads(text: string): string[] {
    const out = HEALTH_KEYS.filter((k) => text.includes(`"${k}":`)).map((k) => `key ${k}`);
    for (const [name, value] of Object.entries(health)) {
      if ((Math.abs(value) >= 1000 || !Number.isInteger(value)) && numberToken(value).test(text)) out.push(`${name} ${value}`);
    }
    return out;
  }
  const ciphertext = (p: Payload) => Buffer.from(p.data ?? []).toString('latin1');

  it('every payload of every event is encrypted with the key, every failure encoded, and the rest holds nothing private', async () => {
    const histories: { id: string; history: temporal.api.history.v1.IHistory }[] = [];
    for await (const wf of client.workflow.list({ query: 'LanterneMissionId = "tdf_sim_2025"' })) {
      const raw = await connection.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: wf.workflowId, runId: wf.runId } });
      let history = raw.history!;
      let token = raw.nextPageToken;
      while (token && token.length > 0) {
        const page = await connection.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: wf.workflowId, runId: wf.runId }, nextPageToken: token });
        history = { events: [...(history.events ?? []), ...(page.history?.events ?? [])] } as temporal.api.history.v1.History;
        token = page.nextPageToken;
      }
      histories.push({ id: wf.workflowId, history });
    }
    // The mission and today's day workflow, twice (the forced re-run is a second run of the same id).
    const day = dayWorkflowId(workflowId, today);
    expect(histories.map((h) => h.id).sort()).toEqual([workflowId, day, day]);

    const plaintexts: string[] = [];
    const where = new Set<string>();
    let searchAttributes = 0;
    for (const { id, history } of histories) {
      const found = inspect(history, `${id}: `);
      for (const { path: p, payload } of found.encrypted) {
        // Encrypted with the ring's key, naming only that: no other metadata travels in clear…
        expect([p, Object.keys(payload.metadata ?? {}).sort()]).toEqual([p, [KEY_ID_METADATA, 'encoding'].sort()]);
        expect([p, utf8(payload.metadata!.encoding)]).toEqual([p, ENCRYPTED_ENCODING]);
        expect([p, utf8(payload.metadata![KEY_ID_METADATA])]).toEqual([p, keys.ring.current.id]);
        // …and authentic AES-GCM ciphertext: it decrypts with the key (a plaintext payload would not).
        const [plain] = await codec.decode([payload]);
        plaintexts.push(utf8(plain!.data));
        expect([p, leaks(ciphertext(payload), false)]).toEqual([p, []]);
        where.add(p.replace(/^[^:]+: events\[\d+\]\./, '').replace(/\[\d+\]/g, '[]'));
      }
      for (const f of found.failures) expect([f.path, f.message, f.stackTrace]).toEqual([f.path, 'Encoded failure', '']);
      for (const s of found.strings) expect([s.path, leaks(s.value)]).toEqual([s.path, []]);
      for (const c of found.sdkClear) {
        expect([c.path, leaks(JSON.stringify(c.value))]).toEqual([c.path, []]);
      }
      for (const sa of found.searchAttributes) {
        searchAttributes++;
        // Search attributes are indexed by the server in clear: they hold ids (LanterneAthlete is the opaque athlete id), nothing private.
        expect([sa.path, leaks(JSON.stringify(sa.value))]).toEqual([sa.path, []]);
      }
    }

    // The walk reached every kind of payload the run produced (found generically, listed here to
    // show the breadth): workflow and activity inputs and results, child workflow input and
    // result, the signal, the update's request and outcome, and the memo.
    expect([...where].sort()).toEqual(
      expect.arrayContaining([
        'workflowExecutionStartedEventAttributes.input.payloads[]',
        'workflowExecutionStartedEventAttributes.memo.fields.missionName',
        'activityTaskScheduledEventAttributes.input.payloads[]',
        'activityTaskCompletedEventAttributes.result.payloads[]',
        'startChildWorkflowExecutionInitiatedEventAttributes.input.payloads[]',
        'startChildWorkflowExecutionInitiatedEventAttributes.memo.fields.missionName',
        'childWorkflowExecutionCompletedEventAttributes.result.payloads[]',
        'workflowExecutionSignaledEventAttributes.input.payloads[]',
        'workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest.input.args.payloads[]',
        'workflowExecutionUpdateCompletedEventAttributes.outcome.success.payloads[]',
      ]),
    );
    expect(searchAttributes).toBeGreaterThan(0);

    // The check can fail: the same scan over the decrypted payloads finds what does travel in them
    // (the handle in the day's key, the note in the reflection, the reason in the override), and
    // over the night's stored figures it finds every one of them. Those figures never travel in a
    // payload at all: days run by key, and the observation stays in PostgreSQL.
    expect(leaks(plaintexts.join('\n'), false)).toEqual(expect.arrayContaining([HANDLE, NOTE, REASON]));
    expect(healthInPayloads(plaintexts.join('\n'))).toEqual([]);
    expect(healthInPayloads(JSON.stringify(observation))).toEqual(expect.arrayContaining(HEALTH_KEYS.map((k) => `key ${k}`)));
    expect(healthInPayloads(JSON.stringify(observation)).length).toBeGreaterThan(HEALTH_KEYS.length); // totalSleepS at least, by value
    expect(leaks(JSON.stringify(health))).toHaveLength(Object.keys(health).length);
  }, 120_000);

  it('the raw answers of the status and upcoming queries are ciphertext too', async () => {
    const execution = { workflowId };
    const asked = [
      { queryType: statusQuery.name },
      { queryType: upcomingQuery.name, queryArgs: { payloads: [defaultPayloadConverter.toPayload(3)] } },
    ];
    const plaintexts: string[] = [];
    for (const query of asked) {
      const answer = await connection.workflowService.queryWorkflow({ namespace: 'default', execution, query });
      const payloads = answer.queryResult?.payloads ?? [];
      expect(payloads).toHaveLength(1);
      for (const p of payloads) {
        expect(utf8(p.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
        expect(leaks(ciphertext(p as Payload), false)).toEqual([]);
        plaintexts.push(utf8((await codec.decode([p as Payload]))[0]!.data));
      }
    }
    // What the client with the key reads from them: the athlete, the reflection, the override.
    expect(plaintexts[0]).toContain(`"athlete":"${HANDLE}"`);
    expect(plaintexts[0]).toContain(NOTE);
    expect(plaintexts[1]).toContain('"override"');
  }, 60_000);
});
