/**
 * R5 — canaries. A block runs for a canary athlete with every secret set to a canary value the run
 * draws (the OpenAI key, the SMTP password, the Twilio auth token, the Oura and Strava client
 * secrets, the athlete's stored OAuth tokens — expired, so they are refreshed and rotated — the
 * dashboard token, the token store's and the payload codec's keys, a GitHub token), through every
 * path that touches them: the days (wearables, the model, e-mail, Twilio), a reflection, an
 * override, a forced re-run, the dashboard (signed in, pages, a form), the CLI (status, report,
 * an export published to a fake GitHub). Then everything that is kept is searched:
 * - every event of every Temporal history (all payloads, failures, search attributes, memos: every
 *   string and every byte string, as text),
 * - every log (worker processes, the dashboard, the CLI runs, the Temporal server, PostgreSQL),
 * - every row of every table (SELECT of each, as JSON),
 * - every report file, the export archive (unpacked) and what GitHub received, and the messages sent.
 * A secret is found in any of its spellings (as is, base64, and for the 32-byte keys hex and
 * base64). With the payload key, the night's health values must not appear in clear in history:
 * values chosen so they cannot collide (26 987 s of sleep, HRV 87.613 ms, …) are searched as
 * numbers, the small ones (a readiness of 83, a lowest heart rate of 43) by their JSON keys.
 *
 * The search proves it can find: the same matchers find the athlete's figures in the database and
 * the reports (where they belong) and the note in the decrypted payloads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import * as tar from 'tar';
import type { temporal } from '@temporalio/proto';
import { addDays } from '../../src/domain/iso-date';
import { localDate } from '../../src/domain/schedule';
import { overrideUpdate, reflectSignal, runNowUpdate } from '../../src/shared/mission-api';
import { startDashboard, temporalFromClient } from '../../src/dashboard';
import { findMissionWorkflowId } from '../../src/client/missions';
import { ENCRYPTED_ENCODING, EncryptionCodec } from '../../src/secrets';
import { zoneAtLocalNoon } from '../../tests/support/mission-client';
import { startSmtpSink } from '../../tests/support/smtp-sink';
import { ruleFollowingAnswer, startFakeOpenAiServer } from '../../tests/support/fake-openai-server';
import { startFakeTwilioServer } from '../../tests/support/fake-twilio-server';
import { startFakeGitHubServer } from '../../tests/support/fake-github-server';
import { PAYLOAD, walk } from '../../tests/support/proto-walk';
import { auditBlock, startBlock, statusOf, waitForBlock } from './block';
import { ROOT, startRig, waitFor, type Rig } from './rig';
import { startWearables } from './wearables';
import { progress, type TrialReport } from './figures';

/** The night's values: the big ones cannot collide with anything else; the small ones are matched by key. */
const NIGHT = { readiness: 83, sleepScore: 71, hrv: 87.613, lowestHr: 43, averageHr: 51.37, totalSleepS: 26_987 };
const DISTINCT_VALUES = [NIGHT.hrv, NIGHT.averageHr, NIGHT.totalSleepS];
/** JSON keys under which the small values travel (the stored observation's and Oura's own). */
const SMALL_KEYED: { keys: string[]; value: number }[] = [
  { keys: ['score', 'readinessScore'], value: NIGHT.readiness },
  { keys: ['score', 'sleepScore'], value: NIGHT.sleepScore },
  { keys: ['lowestHeartRate', 'lowest_heart_rate'], value: NIGHT.lowestHr },
];

const numberToken = (n: number) => new RegExp(`(?<![\\w.])${String(n).replace('.', '\\.')}(?![\\w]|\\.\\d)`);

/** Health values found in clear text: the distinctive numbers anywhere, the small ones next to their keys. */
export function healthValuesIn(text: string): string[] {
  const found = DISTINCT_VALUES.filter((v) => numberToken(v).test(text)).map(String);
  for (const { keys, value } of SMALL_KEYED) {
    for (const k of keys) if (new RegExp(`"${k}"\\s*:\\s*${value}(?![\\d.])`).test(text)) found.push(`${k}: ${value}`);
  }
  return found;
}

interface Canary {
  name: string;
  value: string;
}

/** Every spelling a secret can take where it lands: as is, base64 (a payload's bytes in JSON), and hex/base64 of a 32-byte key. */
function spellings(c: Canary): string[] {
  const forms = new Set([c.value, Buffer.from(c.value).toString('base64').replace(/=+$/, '')]);
  if (/^[0-9a-f]{64}$/i.test(c.value)) {
    const raw = Buffer.from(c.value, 'hex');
    forms.add(raw.toString('base64').replace(/=+$/, ''));
    forms.add(raw.toString('base64url'));
    forms.add(raw.toString('latin1'));
  }
  return [...forms];
}

export interface CanaryHit {
  secret: string;
  where: string;
}

export interface CanaryScan {
  hits: CanaryHit[];
  healthInHistory: { where: string; values: string[] }[];
  healthInLogs: { where: string; values: string[] }[];
  scanned: { historyEvents: number; payloads: number; encryptedPayloads: number; logLines: number; rows: number; files: number; messages: number };
  /** The matchers at work where the values belong. */
  selfCheck: { healthInDatabase: boolean; healthInReports: boolean; noteInDecryptedPayloads: boolean; secretsSeenByTheirServices: boolean };
  /** The secrets the search found where they are meant to go: in the requests the fakes received. */
  seenByServices: string[];
}

function run(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/lanterne.js'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function histories(rig: Rig): Promise<{ id: string; events: temporal.api.history.v1.IHistoryEvent[] }[]> {
  const out: { id: string; events: temporal.api.history.v1.IHistoryEvent[] }[] = [];
  for await (const wf of rig.client.workflow.list()) {
    const events: temporal.api.history.v1.IHistoryEvent[] = [];
    let token: Uint8Array | undefined;
    do {
      const page = await rig.connection.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: wf.workflowId, runId: wf.runId }, nextPageToken: token });
      events.push(...(page.history?.events ?? []));
      token = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (token);
    out.push({ id: `${wf.workflowId}/${wf.runId}`, events });
  }
  return out;
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

export async function runCanaries(): Promise<TrialReport> {
  const log = progress('R5');
  const started = Date.now();
  const hex = randomBytes(6).toString('hex');
  const canaries: Canary[] = [
    { name: 'OPENAI_API_KEY', value: `sk-canary-openai-${hex}` },
    { name: 'SMTP_PASSWORD', value: `canary-smtp-${hex}` },
    { name: 'TWILIO_AUTH_TOKEN', value: `canary-twilio-${hex}` },
    { name: 'OURA_CLIENT_SECRET', value: `canary-oura-secret-${hex}` },
    { name: 'STRAVA_CLIENT_SECRET', value: `canary-strava-secret-${hex}` },
    { name: 'stored OAuth tokens', value: `canary-tok-${hex}-` },
    { name: 'refreshed OAuth tokens', value: `canary-new-${hex}-` },
    { name: 'DASHBOARD_TOKEN', value: `canary-dashboard-${hex}` },
    { name: 'GITHUB_TOKEN', value: `ghp_canary${hex}` },
    { name: 'LANTERNE_SECRET_KEY', value: randomBytes(32).toString('hex') },
    { name: 'LANTERNE_PAYLOAD_KEY', value: randomBytes(32).toString('hex') },
  ];
  const secret = (name: string) => canaries.find((c) => c.name === name)!.value;
  const handle = `zq-canary-${hex.slice(0, 6)}`;
  const email = `zq.canary.${hex.slice(0, 6)}@lanterne.test`;
  const note = `canary note ${hex}: left knee sore`;
  const zone = zoneAtLocalNoon(Date.now());
  const today = localDate(Date.now(), zone);

  const rig = await startRig('r5', { payloadKey: secret('LANTERNE_PAYLOAD_KEY') });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-rel-r5-work-'));
  const smtp = await startSmtpSink({ auth: { user: 'coach', pass: secret('SMTP_PASSWORD') } });
  const wearables = await startWearables({
    from: addDays(today, -120),
    to: addDays(today, 5),
    night: { readiness: NIGHT.readiness, sleepScore: NIGHT.sleepScore, hrv: NIGHT.hrv, lowestHr: NIGHT.lowestHr, averageHr: NIGHT.averageHr },
    ouraClientSecret: secret('OURA_CLIENT_SECRET'),
    stravaClientSecret: secret('STRAVA_CLIENT_SECRET'),
    secretKey: secret('LANTERNE_SECRET_KEY'),
    tokenPrefix: secret('stored OAuth tokens'),
  });
  for (const item of wearables.oura.data.sleep) item.total_sleep_duration = NIGHT.totalSleepS;
  wearables.oura.issuedTokenPrefix = secret('refreshed OAuth tokens');
  wearables.strava.issuedTokenPrefix = secret('refreshed OAuth tokens');
  const openai = await startFakeOpenAiServer(ruleFollowingAnswer);
  const twilioSid = `AC${'c0ffee00'.repeat(4)}`;
  const twilio = await startFakeTwilioServer({ accountSid: twilioSid, authToken: secret('TWILIO_AUTH_TOKEN') });
  const github = await startFakeGitHubServer({ token: secret('GITHUB_TOKEN'), repositories: [{ owner: 'coach', name: 'private-exports', visibility: 'private' }] });
  const dashboardLog: string[] = [];
  const cliOutputs: { args: string[]; out: string }[] = [];
  const env: NodeJS.ProcessEnv = {
    ...wearables.env(),
    OPENAI_API_KEY: secret('OPENAI_API_KEY'),
    OPENAI_BASE_URL: openai.baseUrl,
    SMTP_HOST: smtp.host,
    SMTP_PORT: String(smtp.port),
    SMTP_SECURE: 'false',
    SMTP_USER: 'coach',
    SMTP_PASSWORD: secret('SMTP_PASSWORD'),
    SMTP_FROM: 'coach@lanterne.test',
    NOTIFY_EMAIL_TO: email,
    USE_TWILIO: 'true',
    TWILIO_ACCOUNT_SID: twilioSid,
    TWILIO_AUTH_TOKEN: secret('TWILIO_AUTH_TOKEN'),
    TWILIO_FROM: '+15005550006',
    TWILIO_TO: '+33612345678',
    TWILIO_BASE_URL: twilio.baseUrl,
    DASHBOARD_TOKEN: secret('DASHBOARD_TOKEN'),
    GITHUB_TOKEN: secret('GITHUB_TOKEN'),
    GITHUB_API_URL: github.url,
  };
  let scan: CanaryScan;
  let days = 0;
  let lostDays = 0;
  try {
    const worker = rig.startWorker({ name: 'canary', env });
    await wearables.connect(rig.pool, handle, { expired: true });
    await worker.ready;
    const block = await startBlock(rig, { athlete: handle, missionId: 'canary-block', name: 'Canary block', pastDays: 2, futureDays: 2, channels: ['email', 'twilio'], useLlm: true, timeZone: zone });
    await block.handle.signal(reflectSignal, { date: block.dueDates[0]!, rpe: 7, legs: 4, mood: 2, sleepQuality: 2, completed: 'partly', note });
    await waitForBlock(block, 5 * 60_000);
    await block.handle.executeUpdate(overrideUpdate, { args: [{ kind: 'rest-day', date: addDays(today, 1), reason: `canary reason ${hex}` }] });
    await block.handle.executeUpdate(runNowUpdate, { args: [{ force: true }] });
    await waitFor('the forced re-run', async () => {
      const s = await statusOf(block);
      return s && s.lastDay?.note === 'rerun' && s.phase === 'waiting' ? s : null;
    }, 3 * 60_000);
    const audit = await auditBlock(rig, block, smtp.messages);
    days = audit.days;
    lostDays = audit.lostDays.length;

    // The dashboard, signed in with the canary token: pages, the status, a reflection through its form.
    const dash = await startDashboard({
      memory: rig.memory,
      temporal: temporalFromClient(rig.client, { workflowIdOf: async (m) => m.workflowId ?? findMissionWorkflowId(rig.memory, m.id, m.athlete) }),
      token: secret('DASHBOARD_TOKEN'),
      log: (entry) => dashboardLog.push(JSON.stringify(entry)),
    });
    try {
      const auth = { authorization: `Bearer ${secret('DASHBOARD_TOKEN')}` };
      const base = `/missions/${handle}/${block.mission.id}`;
      for (const p of [base, `${base}/calendar`, `${base}/days/${block.dueDates[1]}`, `${base}/status.json`]) {
        const r = await fetch(`${dash.url}${p}`, { headers: auth });
        if (r.status !== 200) throw new Error(`dashboard ${p}: ${r.status}`);
        await r.text();
      }
      const signIn = await fetch(`${dash.url}/sign-in`);
      const cookie = (signIn.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
      const csrf = /name="csrf" value="([^"]+)"/.exec(await signIn.text())?.[1] ?? '';
      await fetch(`${dash.url}/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: dash.url, cookie },
        body: new URLSearchParams({ token: secret('DASHBOARD_TOKEN'), csrf }).toString(),
      }).then((r) => r.text());
      // A wrong guess too: the refusal must not echo the token either.
      await fetch(`${dash.url}/sign-in`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: dash.url, cookie }, body: new URLSearchParams({ token: `${secret('DASHBOARD_TOKEN')}x`, csrf }).toString() }).then((r) => r.text());
    } finally {
      await dash.close();
    }

    // The CLI as a user runs it, with every secret in its environment.
    const cliEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, TEMPORAL_ADDRESS: rig.temporal.address, DATABASE_URL: rig.pg.url, LANTERNE_STATE_DIR: rig.stateDir, LANTERNE_OUTPUT_DIR: rig.outputDir, LANTERNE_PAYLOAD_KEY: secret('LANTERNE_PAYLOAD_KEY'), ...env };
    for (const args of [
      ['mission', 'status', block.mission.id, '--athlete', handle, '--json'],
      ['report', block.mission.id, block.dueDates[1]!, '--athlete', handle, '--format', 'json'],
      ['export', block.mission.id, '--athlete', handle, '--from', block.dueDates[0]!, '--to', today, '--out', path.join(work, 'export.tar.gz'), '--publish', 'coach/private-exports'],
      ['connect', '--status', '--athlete', handle],
    ]) {
      const r = await run(args, cliEnv, work);
      cliOutputs.push({ args, out: r.out });
      if (r.code !== 0 && args[0] !== 'connect') throw new Error(`lanterne ${args.join(' ')} exited ${r.code}: ${r.out.slice(0, 400)}`);
    }
    await worker.kill('SIGTERM');

    scan = await scanEverything(rig, {
      canaries,
      work,
      dashboardLog,
      cliOutputs,
      mail: smtp.messages.map((m) => m.raw),
      sms: twilio.requests.map((r) => JSON.stringify(r.form)),
      githubUploads: github.puts().map((p) => String((p.body as { content?: string } | null)?.content ?? '')),
      note,
      received: JSON.stringify([openai.requests.map((r) => r.headers), twilio.requests, wearables.oura.requests, wearables.strava.requests, github.requests]),
    });
  } finally {
    await rig.close();
    await Promise.all([smtp.close(), wearables.close(), openai.close(), twilio.close(), github.close()]);
    fs.rmSync(work, { recursive: true, force: true });
  }
  log(`secrets found: ${scan.hits.length}; health values in history: ${scan.healthInHistory.length}; scanned ${JSON.stringify(scan.scanned)}; self-check ${JSON.stringify(scan.selfCheck)}`);
  for (const h of scan.hits.slice(0, 20)) log(`  ${h.secret} in ${h.where}`);
  const selfCheckFailed = Object.entries(scan.selfCheck).filter(([, ok]) => !ok).map(([k]) => k);
  return {
    id: 'R5',
    title: 'canaries',
    trials: canaries.length,
    unit: 'secrets',
    figures: [
      { label: 'leaked canaries', value: scan.hits.length, max: 0 },
      { label: 'health values in history', value: scan.healthInHistory.length, max: 0 },
      { label: 'health values in logs', value: scan.healthInLogs.length, max: 0 },
      { label: 'lost days', value: lostDays, of: days, max: 0 },
      { label: 'search self-checks failed', value: selfCheckFailed.length, max: 0 },
    ],
    settings: `${canaries.map((c) => c.name).join(', ')}; searched ${scan.scanned.historyEvents} history events (${scan.scanned.payloads} payloads, ${scan.scanned.encryptedPayloads} encrypted), ${scan.scanned.logLines} log lines, ${scan.scanned.rows} rows, ${scan.scanned.files} files, ${scan.scanned.messages} messages`,
    details: scan,
    notes: [...scan.hits.map((h) => `${h.secret} found in ${h.where}`), ...selfCheckFailed.map((k) => `self-check failed: ${k}`)],
    durationS: (Date.now() - started) / 1000,
  };
}

interface ScanInput {
  canaries: Canary[];
  work: string;
  dashboardLog: string[];
  cliOutputs: { args: string[]; out: string }[];
  mail: string[];
  sms: string[];
  githubUploads: string[];
  note: string;
  /** What the services received (requests with their credentials), where the secrets belong. */
  received: string;
}

/** Secrets that are sent to a service (and so must be found there): the rest never leave the worker. */
const SENT_TO_SERVICES = ['OPENAI_API_KEY', 'TWILIO_AUTH_TOKEN', 'OURA_CLIENT_SECRET', 'STRAVA_CLIENT_SECRET', 'stored OAuth tokens', 'refreshed OAuth tokens', 'GITHUB_TOKEN'];

async function scanEverything(rig: Rig, s: ScanInput): Promise<CanaryScan> {
  const hits: CanaryHit[] = [];
  const forms = s.canaries.map((c) => ({ name: c.name, forms: spellings(c) }));
  const secretsIn = (text: string, where: string) => {
    for (const c of forms) if (c.forms.some((f) => text.includes(f))) hits.push({ secret: c.name, where });
  };
  const scanned = { historyEvents: 0, payloads: 0, encryptedPayloads: 0, logLines: 0, rows: 0, files: 0, messages: 0 };
  const healthInHistory: { where: string; values: string[] }[] = [];
  const healthInLogs: { where: string; values: string[] }[] = [];

  // Temporal: every event of every history, every string and byte string in it.
  const codec = new EncryptionCodec(rig.keys.ring);
  const decrypted: string[] = [];
  for (const { id, events } of await histories(rig)) {
    scanned.historyEvents += events.length;
    for (const [i, event] of events.entries()) {
      const texts: { path: string; text: string; clear: boolean }[] = [];
      const payloads: { path: string; payload: temporal.api.common.v1.IPayload }[] = [];
      walk(event, ({ path: p, type, node }) => {
        if (type === PAYLOAD) payloads.push({ path: p, payload: node as temporal.api.common.v1.IPayload });
        if (typeof node === 'string') texts.push({ path: p, text: node, clear: true });
        if (node instanceof Uint8Array) texts.push({ path: p, text: Buffer.from(node).toString('utf8'), clear: true }, { path: p, text: Buffer.from(node).toString('latin1'), clear: false });
      });
      for (const { path: p, payload } of payloads) {
        scanned.payloads += 1;
        const encoding = Buffer.from(payload.metadata?.encoding ?? new Uint8Array()).toString('utf8');
        if (encoding === ENCRYPTED_ENCODING) {
          scanned.encryptedPayloads += 1;
          const [plain] = await codec.decode([payload as never]);
          decrypted.push(Buffer.from((plain as { data?: Uint8Array }).data ?? new Uint8Array()).toString('utf8'));
          // Ciphertext is not clear text: drop its bytes from the health search (random digits turn up).
          for (const t of texts) if (t.path.startsWith(p)) t.clear = false;
        }
      }
      for (const t of texts) {
        secretsIn(t.text, `history ${id} event ${i + 1} ${t.path}`);
        if (t.clear) {
          const values = healthValuesIn(t.text);
          if (values.length) healthInHistory.push({ where: `history ${id} event ${i + 1} ${t.path}`, values });
        }
      }
    }
  }

  // Logs.
  const logs: { where: string; text: string }[] = [
    ...filesUnder(rig.dir).filter((f) => f.endsWith('.log')).map((f) => ({ where: path.relative(rig.dir, f), text: fs.readFileSync(f, 'latin1') })),
    { where: 'dashboard log', text: s.dashboardLog.join('\n') },
    ...s.cliOutputs.map((c) => ({ where: `lanterne ${c.args.join(' ')}`, text: c.out })),
  ];
  for (const l of logs) {
    scanned.logLines += l.text.split('\n').length;
    secretsIn(l.text, `log: ${l.where}`);
    const values = healthValuesIn(l.text);
    // The CLI's own report and status output is for the athlete: it may show the figures.
    if (values.length && !l.where.startsWith('lanterne report') && !l.where.startsWith('lanterne mission status')) healthInLogs.push({ where: l.where, values });
  }

  // The database: every row of every table.
  let healthInDatabase = false;
  const tables = (await rig.pool.query(`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`)).rows.map((r) => r.table_name as string);
  for (const table of tables) {
    const rows = (await rig.pool.query(`select row_to_json(t)::text as j from "${table}" t`)).rows.map((r) => r.j as string);
    scanned.rows += rows.length;
    for (const [i, row] of rows.entries()) {
      secretsIn(row, `database ${table} row ${i + 1}`);
      if (table === 'observations' && healthValuesIn(row).length >= 4) healthInDatabase = true;
    }
  }

  // Reports, the export (unpacked), what GitHub received, the messages sent.
  let healthInReports = false;
  const exportDir = path.join(s.work, 'unpacked');
  fs.mkdirSync(exportDir, { recursive: true });
  if (fs.existsSync(path.join(s.work, 'export.tar.gz'))) await tar.x({ file: path.join(s.work, 'export.tar.gz'), cwd: exportDir });
  for (const file of [...filesUnder(rig.outputDir), ...filesUnder(exportDir)]) {
    scanned.files += 1;
    const text = fs.readFileSync(file, 'latin1');
    secretsIn(text, `file ${file.includes(exportDir) ? `export:${path.relative(exportDir, file)}` : path.relative(rig.outputDir, file)}`);
    if (file.endsWith('.json') && DISTINCT_VALUES.some((v) => numberToken(v).test(text))) healthInReports = true;
  }
  for (const [i, upload] of s.githubUploads.entries()) secretsIn(Buffer.from(upload, 'base64').toString('latin1'), `GitHub upload ${i + 1}`);
  for (const [i, m] of [...s.mail, ...s.sms].entries()) {
    scanned.messages += 1;
    secretsIn(m, `message ${i + 1}`);
  }

  const seenByServices = forms.filter((c) => c.forms.some((f) => s.received.includes(f))).map((c) => c.name);
  return {
    hits,
    healthInHistory,
    healthInLogs,
    scanned,
    selfCheck: {
      healthInDatabase,
      healthInReports,
      noteInDecryptedPayloads: decrypted.some((d) => d.includes(s.note)),
      secretsSeenByTheirServices: SENT_TO_SERVICES.every((n) => seenByServices.includes(n)),
    },
    seenByServices,
  };
}
