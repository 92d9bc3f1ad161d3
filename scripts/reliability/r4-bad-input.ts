/**
 * R4 — bad input. A corpus of mistakes, each given to the running system the way a user (or a
 * program) would give it, while a mission runs idle between two days:
 * - mission files: every broken file of tests/fixtures/missions/broken through `lanterne mission
 *   start`, against the live servers;
 * - CLI arguments: the mistakes users make, against the same servers (a wrong number, a date that
 *   does not exist, an option of another override kind, a day that already ran, a mission that is
 *   not there…);
 * - messages sent straight to the workflow with the Temporal client, past every client-side check:
 *   overrides and run-now (updates: the refusal comes back), reflections and data events
 *   (signals: nothing comes back; the worker's log says why the message was ignored);
 * - the dashboard's forms, posted with bad values by a signed-in browser session;
 * plus property-based fuzzing (fast-check, seeded): the mission loader on generated text, the
 * message validators on generated messages, and generated invalid overrides sent to the workflow.
 *
 * Each must give a clear error — one line (a mission file: one line per problem, each naming the
 * file and line), naming the field or value, no stack trace; the CLI exits 1 with a `→` hint —
 * and change no state: every row of every table and the mission's status are compared before and
 * after each case, and no workflow is started.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { addDays } from '../../src/domain/iso-date';
import { localDate } from '../../src/domain/schedule';
import { dataReadySignal, overrideUpdate, reflectSignal, runNowUpdate, statusQuery } from '../../src/shared/mission-api';
import { overrideProblems, reflectionProblems } from '../../src/shared/message-validation';
import { formatProblem, MissionConfigError, parseMissionText } from '../../src/mission';
import { launchDashboard } from '../../src/cli/dashboard-launch';
import { zoneAtLocalNoon } from '../../tests/support/mission-client';
import { startSmtpSink } from '../../tests/support/smtp-sink';
import { editedMissionText, mutatedMissionText, tomlishText } from '../../tests/support/mission-arbitraries';
import { overrideLike, overrideWithForeignField, overrideWithOneField, reflectionLike, reflectionWithOneField } from '../../tests/support/message-arbitraries';
import { startBlock, waitForBlock, type Block } from './block';
import { ROOT, startRig, waitFor, type Rig, type WorkerProcess } from './rig';
import { progress, type TrialReport } from './figures';

export type Channel = 'mission file' | 'CLI' | 'workflow update' | 'workflow signal' | 'dashboard form' | 'fuzz: workflow update';

export interface CaseResult {
  channel: Channel;
  name: string;
  /** What the user saw (the CLI's stderr, the refusal, the log line, the form's problems). */
  said: string;
  clear: boolean;
  why: string[];
  stateChanged: boolean;
}

interface BadInputOptions {
  /** Generated inputs per fuzz property (the loader, the validators); generated overrides sent to the workflow. */
  fuzzRuns: number;
  liveFuzz: number;
  seed: number;
  /** Use only the first n broken mission files (all by default). */
  missionFiles?: number;
}

const STACK = /^\s+at |\n\s+at /m;

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/lanterne.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A CLI refusal is clear: exit 1, nothing on stdout, `lanterne: …` then (for a mission file) one line per problem, then one `→` hint, no stack, naming what was wrong. */
function cliClear(r: { code: number | null; stdout: string; stderr: string }, names: (string | RegExp)[], problemLines: RegExp | null): string[] {
  const why: string[] = [];
  const lines = r.stderr.split('\n').filter(Boolean);
  if (r.code !== 1) why.push(`exit ${r.code}`);
  if (r.stdout !== '') why.push('printed on stdout');
  if (!/^lanterne: /.test(lines[0] ?? '')) why.push('no "lanterne: " line first');
  if (/unexpected error/.test(lines[0] ?? '')) why.push('an unexpected error');
  if (!/^ {2}→ \S/.test(lines[lines.length - 1] ?? '')) why.push('no → hint last');
  const middle = lines.slice(1, -1);
  if (problemLines === null ? middle.length > 0 : middle.some((l) => !problemLines.test(l))) why.push(`${lines.length} lines`);
  if (STACK.test(r.stderr)) why.push('a stack trace');
  if (!names.some((n) => (typeof n === 'string' ? r.stderr.includes(n) : n.test(r.stderr)))) why.push(`does not name ${names.join(' or ')}`);
  return why;
}

/** A one-line message naming one of `names`. */
function lineClear(message: string, names: (string | RegExp)[]): string[] {
  const why: string[] = [];
  if (message === '') why.push('no message');
  if (/[\n\r]/.test(message)) why.push('more than one line');
  if (STACK.test(message)) why.push('a stack trace');
  if (!names.some((n) => (typeof n === 'string' ? message.includes(n) : n.test(message)))) why.push(`does not name ${names.join(' or ')}`);
  return why;
}

/** True when `message` names `field` as a word (`date` is not named by `otherDate`). */
const namesField = (message: string, field: string): boolean =>
  message.includes(JSON.stringify(field)) || new RegExp(`(^|[^A-Za-z])${field.replace(/[^A-Za-z0-9]/g, '\\$&')}([^A-Za-z]|$)`).test(message);

export async function runBadInput(o: BadInputOptions): Promise<TrialReport> {
  const log = progress('R4');
  const started = Date.now();
  const zone = zoneAtLocalNoon(Date.now());
  const today = localDate(Date.now(), zone);
  const rig: Rig = await startRig('r4');
  const smtp = await startSmtpSink();
  const results: CaseResult[] = [];
  const fuzz: { property: string; runs: number; unclear: number; examples: string[] }[] = [];
  let worker: WorkerProcess | null = null;
  let dash: Awaited<ReturnType<typeof launchDashboard>> | null = null;
  try {
    worker = rig.startWorker({ name: 'r4', env: { LANTERNE_DATA_SOURCE: 'synthetic', SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port), SMTP_SECURE: 'false', SMTP_FROM: 'coach@lanterne.test', NOTIFY_EMAIL_TO: 'rider@lanterne.test' } });
    await worker.ready;
    // The mission: yesterday and today done, idle until tomorrow's run time (18 hours away).
    const block: Block = await startBlock(rig, { athlete: 'r4-rider', missionId: 'r4-block', name: 'R4 block', pastDays: 1, futureDays: 5, timeZone: zone });
    await waitForBlock(block, 3 * 60_000);
    const ran = block.dueDates[0]!;
    const future = addDays(today, 2);

    /** Every row of every table and the mission's status, as one hash; the workflows, counted. */
    const state = async (): Promise<string> => {
      const h = createHash('sha256');
      const tables = (await rig.pool.query(`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)).rows.map((r) => r.table_name as string);
      for (const t of tables) for (const r of (await rig.pool.query(`select row_to_json(x)::text as j from "${t}" x order by 1`)).rows) h.update(`${t}:${r.j}\n`);
      h.update(JSON.stringify(await block.handle.query(statusQuery)));
      let workflows = 0;
      for await (const wf of rig.client.workflow.list({ query: 'ExecutionStatus = "Running"' })) workflows += wf.workflowId ? 1 : 0;
      h.update(`workflows:${workflows}`);
      return h.digest('hex');
    };
    const check = async (channel: Channel, name: string, act: () => Promise<{ said: string; why: string[] }>) => {
      const before = await state();
      let out: { said: string; why: string[] };
      try {
        out = await act();
      } catch (err) {
        out = { said: String((err as Error).stack ?? err), why: [`the case failed: ${(err as Error).message}`] };
      }
      const stateChanged = (await state()) !== before;
      results.push({ channel, name, said: out.said.slice(0, 2000), clear: out.why.length === 0, why: out.why, stateChanged });
      if (out.why.length || stateChanged) log(`${channel}: ${name}: ${[...out.why, stateChanged ? 'STATE CHANGED' : ''].filter(Boolean).join('; ')} — ${out.said.split('\n')[0]?.slice(0, 200)}`);
    };

    const cliEnv = { PATH: process.env.PATH, TEMPORAL_ADDRESS: rig.temporal.address, DATABASE_URL: rig.pg.url, LANTERNE_STATE_DIR: rig.stateDir, LANTERNE_OUTPUT_DIR: rig.outputDir };
    const id = block.mission.id;
    const who = ['--athlete', block.spec.athlete];

    // ---- mission files
    const dir = path.join(ROOT, 'tests/fixtures/missions/broken');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.toml')).sort().slice(0, o.missionFiles);
    for (const f of files) {
      const rel = path.relative(ROOT, path.join(dir, f));
      await check('mission file', f, async () => {
        const r = await runCli(['mission', 'start', rel, '--start-date', 'today'], cliEnv);
        return { said: r.stderr, why: cliClear(r, [`${rel}:`], new RegExp(`^${rel.replace(/[.]/g, '\\.')}:\\d+: \\S`)) };
      });
    }
    log(`mission files: ${files.length} cases`);

    // ---- CLI arguments, against the live servers
    const reflect = ['--date', ran, '--rpe', '6', '--mood', '3', '--sleep', '4', '--completed', 'yes'];
    const cli: [string, string[], (string | RegExp)[]][] = [
      ['set-ftp with a decimal', ['override', id, ...who, 'set-ftp', '--ftp', '250.5'], ['--ftp 250.5']],
      ['shift by a word', ['override', id, ...who, 'shift', '--days', 'abc'], ['--days abc']],
      ['legs as a word', ['reflect', id, ...who, ...reflect, '--legs', 'banana'], ['--legs banana']],
      ['legs out of range', ['reflect', id, ...who, ...reflect, '--legs', '9'], ['legs', '9']],
      ['upcoming as a word', ['mission', 'status', id, ...who, '--upcoming', 'abc'], ['--upcoming abc']],
      ['a start date that does not exist', ['mission', 'start', 'missions/tdf_sim_2025.toml', '--start-date', '2025-02-30'], ['2025-02-30']],
      ['a report date that does not exist', ['report', id, '2025-02-30', ...who], ['2025-02-30']],
      ['an option of another override kind', ['override', id, ...who, 'rest-day', '--date', future, '--ftp', '250'], ['--ftp does not apply to rest-day']],
      ['a swap with one date', ['override', id, ...who, 'swap-days', '--date', future], ['--other-date']],
      ['an unknown override kind', ['override', id, ...who, 'holiday'], ['holiday']],
      ['an FTP out of range', ['override', id, ...who, 'set-ftp', '--ftp', '5000'], ['ftpW', '5000']],
      ['an unknown channel', ['override', id, ...who, 'set-channels', '--channels', 'email,pigeon'], ['pigeon']],
      ['a typo in an option', ['override', id, ...who, 'rest-day', '--dat', future], ['--dat']],
      ['a typo in a command', ['mision', 'status', id], ['mision']],
      ['a rest day on a day that already ran', ['override', id, ...who, 'rest-day', '--date', ran], [ran, 'already run']],
      ['a rest day outside the mission', ['override', id, ...who, 'rest-day', '--date', addDays(today, 300)], [addDays(today, 300)]],
      ['resume a mission that is not paused', ['override', id, ...who, 'resume'], ['not paused']],
      ['a mission that does not exist', ['mission', 'status', 'no-such-mission', ...who], ['no-such-mission']],
      ['an athlete that does not exist', ['mission', 'status', id, '--athlete', 'nobody-here'], ['nobody-here']],
      ['a report of a day not run yet', ['report', id, future, ...who], [future]],
      ['an option mission start does not take', ['mission', 'start', 'missions/tdf_sim_2025.toml', '--start-date', 'today', '--ftp', '250'], ['--ftp']],
      ['an athlete that was never added', ['mission', 'start', 'missions/tdf_sim_2025.toml', '--start-date', 'today', '--athlete', 'nobody_here'], ['nobody_here']],
      ['an export range the wrong way round', ['export', id, ...who, '--from', today, '--to', ran], ['--from', '--to']],
    ];
    for (const [name, args, names] of cli) {
      await check('CLI', name, async () => {
        const r = await runCli(args, cliEnv);
        return { said: r.stderr, why: cliClear(r, names, null) };
      });
    }

    // ---- straight to the workflow: updates
    const updates: [string, unknown, (string | RegExp)[]][] = [
      ['set-ftp as text', { kind: 'set-ftp', ftpW: 'abc' }, ['ftpW', '"abc"']],
      ['set-ftp out of range', { kind: 'set-ftp', ftpW: 5000 }, ['ftpW', '5000']],
      ['set-ftp without ftpW', { kind: 'set-ftp' }, ['ftpW']],
      ['a rest day that does not exist', { kind: 'rest-day', date: '2025-02-30' }, ['2025-02-30']],
      ['a rest day that already ran', { kind: 'rest-day', date: ran }, [ran]],
      ['a swap of a day with itself', { kind: 'swap-days', date: future, otherDate: future }, ['otherDate']],
      ['shift by 0', { kind: 'shift', days: 0 }, ['days']],
      ['shift by 1000', { kind: 'shift', days: 1000 }, ['1000']],
      ['shift before today', { kind: 'shift', days: -30 }, ['before today', 'on or before']],
      ['a run time of 25:00', { kind: 'set-run-time', runTime: '25:00' }, ['25:00']],
      ['no channels', { kind: 'set-channels', channels: [] }, ['channels']],
      ['a pigeon channel', { kind: 'set-channels', channels: ['pigeon'] }, ['pigeon']],
      ['an unknown kind', { kind: 'nap' }, ['nap']],
      ['no kind', {}, ['kind']],
      ['null', null, ['object']],
      ['a string', 'rest-day', ['object']],
      ['a reason of 5000 characters', { kind: 'pause', reason: 'x'.repeat(5000) }, ['reason']],
      ['a field of another kind', { kind: 'rest-day', date: future, ftpW: 250 }, ['ftpW']],
      ['resume when not paused', { kind: 'resume' }, ['not paused']],
    ];
    for (const [name, input, names] of updates) {
      await check('workflow update', `override: ${name}`, async () => {
        try {
          await block.handle.executeUpdate(overrideUpdate, { args: [input as never] });
          return { said: 'accepted', why: ['the update was accepted'] };
        } catch (err) {
          if (!(err instanceof WorkflowUpdateFailedError)) throw err;
          const message = err.cause?.message ?? '';
          return { said: message, why: lineClear(message, names) };
        }
      });
    }
    const runNows: [string, unknown, (string | RegExp)[]][] = [
      ['today ran already', {}, ['already ran']],
      ['force as the word "no"', { force: 'no' }, ['force']],
      ['force as a number', { force: 1 }, ['force']],
      ['a field runNow does not take', { date: future }, ['date']],
    ];
    for (const [name, input, names] of runNows) {
      await check('workflow update', `runNow: ${name}`, async () => {
        try {
          const r = await block.handle.executeUpdate(runNowUpdate, { args: [input as never] });
          // A re-run it accepted: let it finish before the state is compared (the case already failed).
          await waitFor('the accepted re-run', async () => (await block.handle.query(statusQuery)).phase === 'waiting', 120_000).catch(() => undefined);
          return { said: `accepted: ${JSON.stringify(r)}`, why: ['the update was accepted'] };
        } catch (err) {
          if (!(err instanceof WorkflowUpdateFailedError)) throw err;
          const message = err.cause?.message ?? '';
          return { said: message, why: lineClear(message, names) };
        }
      });
    }

    // ---- straight to the workflow: signals (nothing comes back; the worker's log says why)
    const good = { date: ran, rpe: 6, legs: 3, mood: 3, sleepQuality: 4, completed: 'yes' };
    const signals: [string, typeof reflectSignal | typeof dataReadySignal, unknown, string, (string | RegExp)[]][] = [
      ['a reflection on a day that does not exist', reflectSignal, { ...good, date: '2025-02-30' }, 'reflection ignored', ['2025-02-30']],
      ['an RPE of 11', reflectSignal, { ...good, rpe: 11 }, 'reflection ignored', ['rpe']],
      ['legs of 0', reflectSignal, { ...good, legs: 0 }, 'reflection ignored', ['legs']],
      ['completed "maybe"', reflectSignal, { ...good, completed: 'maybe' }, 'reflection ignored', ['maybe']],
      ['a note of 5000 characters', reflectSignal, { ...good, note: 'n'.repeat(5000) }, 'reflection ignored', ['note']],
      ['a reflection without fields', reflectSignal, {}, 'reflection ignored', ['date']],
      ['a reflection that is a number', reflectSignal, 42, 'reflection ignored', ['object']],
      ['a data event without a provider', dataReadySignal, { eventId: 'e1' }, 'data event ignored', ['provider']],
      ['a data event of an unknown provider', dataReadySignal, { provider: 'fitbit', eventId: 'e2', eventType: 'create', dataType: 'sleep' }, 'data event ignored', ['fitbit']],
    ];
    for (const [name, signal, input, marker, names] of signals) {
      await check('workflow signal', name, async () => {
        const lines = () => worker!.log().split('\n').filter((l) => l.includes(marker));
        const seen = lines().length;
        await block.handle.signal(signal as typeof reflectSignal, input as never);
        const line = await waitFor(`the worker's log line for ${name}`, async () => lines()[seen] ?? null, 30_000, 100);
        const problems = (JSON.parse(line) as { problems?: string[] }).problems ?? [];
        return { said: problems.join('; '), why: [...lineClear(problems.join('; '), names), ...(problems.some((p) => /[\n\r]/.test(p)) ? ['a problem of more than one line'] : [])] };
      });
    }

    // ---- the dashboard's forms, posted by a signed-in session
    process.env.DASHBOARD_PORT = '0';
    const token = `r4-dashboard-token-${Date.now()}`;
    dash = await launchDashboard({ memory: rig.memory, client: rig.client, token, temporalUiUrl: null, namespace: 'default' });
    const base = dash.url;
    const signIn = await fetch(`${base}/sign-in`);
    let cookie = (signIn.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
    const csrf0 = /name="csrf" value="([^"]+)"/.exec(await signIn.text())?.[1] ?? '';
    const signedIn = await fetch(`${base}/sign-in`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie }, body: new URLSearchParams({ csrf: csrf0, token, next: '/missions' }).toString() });
    cookie = [cookie, ...(signedIn.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0])].join('; ');
    const page = `/missions/${block.spec.athlete}/${id}`;
    const forms: [string, 'reflect' | 'override', Record<string, string>, (string | RegExp)[]][] = [
      ['reflection: RPE 11', 'reflect', { date: ran, rpe: '11', legs: '3', mood: '3', sleepQuality: '4', completed: 'yes' }, ['rpe']],
      ['reflection: a date that does not exist', 'reflect', { date: '2025-02-30', rpe: '6', legs: '3', mood: '3', sleepQuality: '4', completed: 'yes' }, ['2025-02-30']],
      ['reflection: legs as a word', 'reflect', { date: ran, rpe: '6', legs: 'banana', mood: '3', sleepQuality: '4', completed: 'yes' }, ['banana']],
      ['reflection: completed "maybe"', 'reflect', { date: ran, rpe: '6', legs: '3', mood: '3', sleepQuality: '4', completed: 'maybe' }, ['maybe']],
      ['reflection: a note of 1001 characters', 'reflect', { date: ran, rpe: '6', legs: '3', mood: '3', sleepQuality: '4', completed: 'yes', note: 'n'.repeat(1001) }, ['note']],
      ['set-ftp: text', 'override', { kind: 'set-ftp', ftpW: 'abc' }, ['"abc"']],
      ['set-ftp: 5000 W', 'override', { kind: 'set-ftp', ftpW: '5000' }, ['5000']],
      ['rest day: a date that does not exist', 'override', { kind: 'rest-day', date: '2025-02-30' }, ['2025-02-30']],
      ['rest day: a day that ran', 'override', { kind: 'rest-day', date: ran }, [ran]],
      ['swap: a day with itself', 'override', { kind: 'swap-days', date: future, otherDate: future }, ['otherDate']],
      ['move the block by 0 days', 'override', { kind: 'shift', days: '0' }, ['days']],
      ['run time 25:00', 'override', { kind: 'set-run-time', runTime: '25:00' }, ['25:00']],
      ['no channel', 'override', { kind: 'set-channels' }, ['channels']],
      ['an unknown kind', 'override', { kind: 'nap' }, ['nap']],
    ];
    for (const [name, action, fields, names] of forms) {
      await check('dashboard form', name, async () => {
        const html = await (await fetch(`${base}${page}`, { headers: { cookie } })).text();
        const csrf = /<form id="reflect"[^]*?name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
        const r = await fetch(`${base}${page}/${action}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie }, body: new URLSearchParams({ ...fields, csrf }).toString() });
        const body = await r.text();
        const box = /<div class="errors" id="[^"]+" role="alert">([^]*?)<\/div>/.exec(body)?.[1] ?? '';
        const problems = [...box.matchAll(/<li>([^]*?)<\/li>/g)].map((m) => m[1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
        const why = r.status === 422 ? lineClear(problems.join('; '), names) : [`answered ${r.status}`];
        if (problems.length === 0) why.push('no problem shown in place');
        return { said: `${r.status}: ${problems.join('; ')}`, why };
      });
    }

    // ---- fuzzing: generated invalid overrides straight to the workflow
    const invalid = fc.sample(fc.oneof(overrideWithOneField, overrideWithForeignField), { numRuns: o.liveFuzz * 4, seed: o.seed }).filter((x) => overrideProblems(x.message).length > 0).slice(0, o.liveFuzz);
    for (const [i, { message, field }] of invalid.entries()) {
      await check('fuzz: workflow update', `generated override ${i + 1} (${field})`, async () => {
        try {
          await block.handle.executeUpdate(overrideUpdate, { args: [message as never] });
          return { said: `accepted ${JSON.stringify(message).slice(0, 200)}`, why: ['the update was accepted'] };
        } catch (err) {
          if (!(err instanceof WorkflowUpdateFailedError)) throw err;
          const said = err.cause?.message ?? '';
          return { said, why: lineClear(said, [new RegExp(`(^|[^A-Za-z])${field.replace(/[^A-Za-z0-9]/g, '\\$&')}([^A-Za-z]|$)`), JSON.stringify(field)]) };
        }
      });
    }
    await worker.kill('SIGTERM');
  } finally {
    await dash?.close();
    delete process.env.DASHBOARD_PORT;
    await rig.close();
    await smtp.close();
  }

  // ---- fuzzing without servers: the mission loader and the message validators
  const property = (name: string, values: unknown[], unclear: (v: unknown) => string | null) => {
    const examples: string[] = [];
    let bad = 0;
    for (const v of values) {
      const why = unclear(v);
      if (why) {
        bad += 1;
        if (examples.length < 3) examples.push(why);
      }
    }
    fuzz.push({ property: name, runs: values.length, unclear: bad, examples });
  };
  const loaderUnclear = (text: unknown): string | null => {
    try {
      parseMissionText(text as string, 'fuzz/mission.toml');
      return null;
    } catch (err) {
      if (!(err instanceof MissionConfigError)) return `threw ${(err as Error).name}: ${(err as Error).message.split('\n')[0]}`;
      for (const p of err.problems) {
        const line = formatProblem(p);
        if (/[\n\r]/.test(line) || (p.line === null && p.path === '') || p.file !== 'fuzz/mission.toml') return `unclear problem: ${line.slice(0, 120)}`;
      }
      return err.problems.length === 0 ? 'no problem listed' : null;
    }
  };
  const params = { numRuns: o.fuzzRuns, seed: o.seed };
  property('mission loader: TOML-ish text', fc.sample(tomlishText, params), loaderUnclear);
  property('mission loader: a valid mission with keys changed', fc.sample(mutatedMissionText, params), loaderUnclear);
  property('mission loader: a valid mission with characters edited', fc.sample(editedMissionText, params), loaderUnclear);
  const messageUnclear = (validate: (x: unknown) => string[]) => (v: unknown): string | null => {
    const { message, field } = v as { message: unknown; field: string };
    const problems = validate(message);
    if (problems.some((p) => /[\n\r]/.test(p) || p.length > 300)) return 'a problem of more than one line';
    if (problems.length > 0 && !problems.some((p) => namesField(p, field))) return `no problem names ${field}: ${problems.join('; ').slice(0, 120)}`;
    return null;
  };
  property('reflection validator: one field changed', fc.sample(reflectionWithOneField, params), messageUnclear(reflectionProblems));
  property('override validator: one field changed', fc.sample(overrideWithOneField, params), messageUnclear(overrideProblems));
  property('override validator: a field of another kind', fc.sample(overrideWithForeignField, params), messageUnclear(overrideProblems));
  const anyShape = (validate: (x: unknown) => string[]) => (v: unknown): string | null => {
    const problems = validate(v);
    return problems.some((p) => /[\n\r]/.test(p) || p.length === 0 || p.length > 300) ? 'a problem of more than one line' : null;
  };
  property('reflection validator: any values in its fields', fc.sample(reflectionLike, params), anyShape(reflectionProblems));
  property('override validator: any values in its fields', fc.sample(overrideLike, params), anyShape(overrideProblems));

  const unclear = results.filter((r) => !r.clear).length;
  const changed = results.filter((r) => r.stateChanged).length;
  const fuzzRuns = fuzz.reduce((n, f) => n + f.runs, 0);
  const fuzzUnclear = fuzz.reduce((n, f) => n + f.unclear, 0);
  const byChannel: Record<string, number> = {};
  for (const r of results) byChannel[r.channel] = (byChannel[r.channel] ?? 0) + 1;
  const corpus = results.filter((r) => !r.channel.startsWith('fuzz')).length;
  return {
    id: 'R4',
    title: 'bad input',
    trials: results.length,
    unit: 'cases',
    figures: [
      { label: 'clear errors', value: unclear, of: results.length, max: 0, percent: true },
      { label: 'state changed', value: changed, max: 0 },
      { label: 'fuzz: unclear', value: fuzzUnclear, of: fuzzRuns, max: 0 },
    ],
    settings: `corpus of ${corpus} (${Object.entries(byChannel).map(([k, v]) => `${k} ${v}`).join(', ')}); fast-check seed ${o.seed}: ${fuzz.map((f) => `${f.property} ${f.runs}`).join(', ')}`,
    details: { cases: results, fuzz },
    notes: [...results.filter((r) => !r.clear || r.stateChanged).map((r) => `${r.channel}: ${r.name}: ${[...r.why, r.stateChanged ? 'state changed' : ''].filter(Boolean).join('; ')} — ${r.said.split('\n')[0]?.slice(0, 160)}`), ...fuzz.filter((f) => f.unclear > 0).map((f) => `fuzz ${f.property}: ${f.unclear} unclear, e.g. ${f.examples[0]}`)],
    durationS: (Date.now() - started) / 1000,
  };
}
