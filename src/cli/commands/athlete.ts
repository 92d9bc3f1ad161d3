/**
 * `lanterne athlete add|update|list|show`: athletes as first-class rows (handle, opaque id,
 * timezone, profile, coach). Nothing secret is ever printed: `show` says which providers are
 * connected and until when, never a token, and which missions run with their workflow ids.
 */
import type { Command } from 'commander';
import { Pool } from 'pg';
import type { Client } from '@temporalio/client';
import { AthleteExistsError, WebhookStore, type AthleteFields, type AthleteRecord, type MemoryStore, type MissionRecord } from '../../memory';
import { PHASE } from '../../shared/search-attributes';
import { UserError, isUserError } from '../../infra/user-error';
import { action, connectClient, output, withMemory } from '../cli-support';
import { athleteHandle, coachName, decimalNumber, newAthleteHandle, timezoneName, typedArgument, typedOption, wholeNumber } from './arguments';
import { connectionStatus, type ConnectionRow } from './connect';
import { table } from './formatting';

interface ProfileOptions {
  timezone?: string;
  ftp?: number;
  weight?: number;
  thresholdHr?: number;
  maxHr?: number;
  restingHr?: number;
  coach?: string;
  json?: boolean;
}

/** The profile options of `add` and `update`, with the ranges of a mission file's [athlete] table. */
function profileOptions(cmd: Command): Command {
  return cmd
    .addOption(typedOption('--timezone <zone>', 'IANA timezone (missions started for the athlete run in it)', timezoneName))
    .addOption(typedOption('--ftp <watts>', 'functional threshold power', wholeNumber({ min: 50, max: 600 })))
    .addOption(typedOption('--weight <kg>', 'body weight in kilograms', decimalNumber({ min: 30, max: 200 }, ' kg')))
    .addOption(typedOption('--threshold-hr <bpm>', 'threshold heart rate', wholeNumber({ min: 100, max: 220 })))
    .addOption(typedOption('--max-hr <bpm>', 'maximum heart rate', wholeNumber({ min: 120, max: 230 })))
    .addOption(typedOption('--resting-hr <bpm>', 'resting heart rate', wholeNumber({ min: 30, max: 100 })))
    .addOption(typedOption('--coach <name>', 'the coach whose dashboard token sees this athlete', coachName))
    .option('--json', 'print JSON');
}

function fieldsOf(o: ProfileOptions): AthleteFields {
  const fields: AthleteFields = { timezone: o.timezone, ftpW: o.ftp, weightKg: o.weight, thresholdHr: o.thresholdHr, maxHr: o.maxHr, restingHr: o.restingHr, coach: o.coach };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as AthleteFields;
}

/** The heart-rate rules of mission files, on the values the athlete will have. */
function checkHeartRates(f: { thresholdHr?: number | null; maxHr?: number | null; restingHr?: number | null }): void {
  const { thresholdHr, maxHr, restingHr } = f;
  if (thresholdHr == null) return;
  if (maxHr != null && maxHr <= thresholdHr) throw new UserError(`--max-hr ${maxHr} is not above the threshold heart rate (${thresholdHr})`, 'the maximum heart rate must be higher than --threshold-hr');
  if (restingHr != null && restingHr >= thresholdHr) throw new UserError(`--resting-hr ${restingHr} is not below the threshold heart rate (${thresholdHr})`, 'the resting heart rate must be lower than --threshold-hr');
}

/** What `list --json` and `show --json` say about an athlete (no secrets, no contact details). */
export function athleteJson(a: AthleteRecord) {
  return {
    handle: a.handle,
    id: a.id,
    timezone: a.timezone,
    coach: a.coach,
    profile: { ftpW: a.ftpW, weightKg: a.weightKg, thresholdHr: a.thresholdHr, maxHr: a.maxHr, restingHr: a.restingHr, disciplines: a.disciplines },
    createdAt: a.createdAt,
  };
}

function profileLine(a: AthleteRecord): string {
  const parts = [
    a.ftpW !== null ? `FTP ${a.ftpW} W` : null,
    a.weightKg !== null ? `${a.weightKg} kg` : null,
    a.thresholdHr !== null ? `threshold HR ${a.thresholdHr}` : null,
    a.maxHr !== null ? `max HR ${a.maxHr}` : null,
    a.restingHr !== null ? `resting HR ${a.restingHr}` : null,
    a.disciplines.length ? a.disciplines.join(', ') : null,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'not set (taken from the mission file when a mission starts)';
}

async function requireAthlete(memory: MemoryStore, handle: string): Promise<AthleteRecord> {
  const a = await memory.athletes.get(handle);
  if (!a) throw new UserError(`no athlete ${JSON.stringify(handle)}`, 'see `lanterne athlete list`, or add one with `lanterne athlete add <handle>`');
  return a;
}

/** A mission's workflow as Temporal describes it (no worker needed): its state and phase. */
interface WorkflowState {
  state: string;
  phase: string | null;
}

async function describeWorkflows(missions: MissionRecord[]): Promise<{ states: Map<string, WorkflowState>; unreachable: string | null }> {
  const states = new Map<string, WorkflowState>();
  const ids = missions.map((m) => m.workflowId).filter((id): id is string => Boolean(id));
  if (ids.length === 0) return { states, unreachable: null };
  let c: { client: Client; close(): Promise<void> };
  try {
    c = await connectClient();
  } catch (err) {
    if (isUserError(err)) return { states, unreachable: err.message };
    throw err;
  }
  try {
    await Promise.all(
      ids.map(async (id) => {
        try {
          const d = await c.client.withDeadline(Date.now() + 5000, () => c.client.workflow.getHandle(id).describe());
          states.set(id, { state: d.status.name.toLowerCase().replace(/_/g, ' '), phase: d.typedSearchAttributes.get(PHASE) ?? null });
        } catch (err) {
          states.set(id, { state: (err as Error).name === 'WorkflowNotFoundError' ? 'not found' : 'unknown', phase: null });
        }
      }),
    );
  } finally {
    await c.close();
  }
  return { states, unreachable: null };
}

function providerSummary(rows: ConnectionRow[], linked: Set<string>) {
  return (['oura', 'strava'] as const).map((provider) => {
    const row = rows.find((r) => r.provider === provider);
    return { provider, connected: Boolean(row), expiresAt: row?.expiresAt ?? null, expired: row?.expired ?? false, webhooksLinked: linked.has(provider) };
  });
}

export function registerAthleteCommand(program: Command): void {
  const athlete = program.command('athlete').description('athletes: add, update, list and show (handle, timezone, FTP, thresholds, coach; no secrets)');

  profileOptions(
    athlete
      .command('add')
      .addArgument(typedArgument('<handle>', 'the athlete’s handle (what mission files name in [athlete] handle)', newAthleteHandle))
      .description('add an athlete (an opaque id is made for Temporal; the handle never reaches it)'),
  ).action(
    action(async (handle: string, o: ProfileOptions) => {
      checkHeartRates(o);
      const added = await withMemory(async (memory) => {
        try {
          return await memory.athletes.add(handle, fieldsOf(o));
        } catch (err) {
          if (err instanceof AthleteExistsError) throw new UserError(`athlete ${handle} already exists`, `see it with \`lanterne athlete show ${handle}\`, change it with \`lanterne athlete update ${handle}\``);
          throw err;
        }
      });
      output(Boolean(o.json), athleteJson(added), () => `added athlete ${added.handle} (${added.id})${added.coach ? `, coached by ${added.coach}` : ''}\n  → start a mission for them: lanterne mission start <file> --athlete ${added.handle}`);
    }),
  );

  profileOptions(
    athlete
      .command('update')
      .addArgument(typedArgument('<handle>', 'the athlete’s handle', athleteHandle))
      .description('change an athlete’s timezone, profile or coach (only the options given)'),
  ).action(
    action(async (handle: string, o: ProfileOptions) => {
      const fields = fieldsOf(o);
      if (Object.keys(fields).length === 0) throw new UserError('athlete update needs at least one option to change', 'e.g. `lanterne athlete update <handle> --ftp 260` (see `lanterne athlete update --help`)');
      const updated = await withMemory(async (memory) => {
        const current = await requireAthlete(memory, handle);
        checkHeartRates({ thresholdHr: o.thresholdHr ?? current.thresholdHr, maxHr: o.maxHr ?? current.maxHr, restingHr: o.restingHr ?? current.restingHr });
        return (await memory.athletes.update(handle, fields))!;
      });
      output(Boolean(o.json), athleteJson(updated), () => `updated athlete ${updated.handle}: ${Object.keys(fields).join(', ')}`);
    }),
  );

  athlete
    .command('list')
    .description('every athlete: id, timezone, coach, FTP, missions and connected providers')
    .option('--json', 'print JSON')
    .action(
      action(async (o: { json?: boolean }) => {
        const rows = await withMemory(async (memory) => {
          const [athletes, missions, connections] = await Promise.all([memory.athletes.list(), memory.missions.listMissions(), connectionStatus(memory.pool, null)]);
          return athletes.map((a) => ({
            ...athleteJson(a),
            missions: missions.filter((m) => m.athlete === a.handle).map((m) => m.id),
            providers: connections.filter((c) => c.athlete === a.handle).map((c) => c.provider),
          }));
        });
        output(Boolean(o.json), rows, () =>
          rows.length === 0
            ? 'no athlete yet\n  → add one with `lanterne athlete add <handle>`, or start a mission (its athlete is added)'
            : table(
                ['handle', 'id', 'timezone', 'coach', 'FTP', 'missions', 'providers'],
                rows.map((r) => [r.handle, r.id, r.timezone, r.coach, r.profile.ftpW, r.missions.join(', ') || null, r.providers.join(', ') || null]),
              ),
        );
      }),
    );

  athlete
    .command('show')
    .addArgument(typedArgument('<handle>', 'the athlete’s handle', athleteHandle))
    .description('one athlete: profile, coach, connected providers (never a token), missions with their workflow ids and state')
    .option('--json', 'print JSON')
    .action(
      action(async (handle: string, o: { json?: boolean }) => {
        const found = await withMemory(async (memory) => {
          const a = await requireAthlete(memory, handle);
          const [missions, connections, accounts] = await Promise.all([memory.missions.listMissions(handle), connectionStatus(memory.pool, handle), new WebhookStore(memory.pool).providerAccounts()]);
          return { a, missions, providers: providerSummary(connections, new Set(accounts.filter((x) => x.athlete === handle).map((x) => x.provider))) };
        });
        const { states, unreachable } = await describeWorkflows(found.missions);
        const missions = found.missions.map((m) => ({
          id: m.id,
          name: m.name,
          status: m.status,
          workflowId: m.workflowId,
          workflow: m.workflowId ? (states.get(m.workflowId) ?? null) : null,
        }));
        const data = { ...athleteJson(found.a), providers: found.providers, missions, ...(unreachable ? { temporal: unreachable } : {}) };
        output(Boolean(o.json), data, () =>
          [
            `athlete ${found.a.handle} (${found.a.id})`,
            `  timezone  ${found.a.timezone ?? 'not set (the mission file’s)'}`,
            `  coach     ${found.a.coach ?? 'none'}`,
            `  profile   ${profileLine(found.a)}`,
            ...found.providers.map(
              (p) =>
                `  ${p.provider.padEnd(8)}  ${p.connected ? `connected${p.expiresAt ? `, access token ${p.expired ? 'expired (refreshed on next use)' : `valid until ${p.expiresAt}`}` : ''}${p.webhooksLinked ? ', webhooks linked' : ''}` : `not connected (lanterne connect ${p.provider} --athlete ${found.a.handle})`}`,
            ),
            missions.length === 0
              ? '  missions  none (lanterne mission start <file> --athlete ' + found.a.handle + ')'
              : `  missions${unreachable ? ` (workflow state unknown: ${unreachable})` : ''}\n` +
                table(
                  ['id', 'name', 'status', 'workflow', 'state'],
                  missions.map((m) => [m.id, m.name, m.status, m.workflowId, m.workflow ? `${m.workflow.state}${m.workflow.phase ? ` (${m.workflow.phase})` : ''}` : null]),
                )
                  .split('\n')
                  .map((l) => `    ${l}`)
                  .join('\n'),
          ].join('\n'),
        );
      }),
    );
}
