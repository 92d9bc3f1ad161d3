import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection, QueryNotRegisteredError, QueryRejectedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { Pool } from 'pg';
import { Command } from 'commander';
import { isUserError, UserError } from '../infra/user-error';
import { outputDir, stateDir } from '../infra/project-paths';
import { MemoryStore, migrate } from '../memory';
import { findMissionWorkflowId } from '../client/missions';
import { legacyMissionWorkflowId } from '../shared/mission-api';
import type { DataConverter } from '@temporalio/common';
import { openPayloadKeys, payloadDataConverter, type PayloadKeys } from '../secrets';
import { formatProblems, isMissionConfigError, type MissionConfigError } from '../mission';
import { commandPath } from './usage-errors';

/** What `lanterne up` leaves for the other commands, so they find its servers without flags. */
export interface UpState {
  pid: number;
  temporalAddress: string;
  namespace: string;
  temporalUiUrl: string | null;
  databaseUrl: string;
  dashboardUrl: string | null;
  missionId: string;
  workflowId: string;
}

export function upStateFile(): string {
  return path.join(stateDir(), 'up.json');
}

export function readUpState(): UpState | null {
  try {
    const state = JSON.parse(fs.readFileSync(upStateFile(), 'utf8')) as UpState;
    process.kill(state.pid, 0); // still running?
    return state;
  } catch {
    return null;
  }
}

export function temporalTarget(): { address: string; namespace: string } {
  const up = readUpState();
  return {
    address: process.env.TEMPORAL_ADDRESS ?? up?.temporalAddress ?? '127.0.0.1:7233',
    namespace: process.env.TEMPORAL_NAMESPACE ?? up?.namespace ?? 'default',
  };
}

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL ?? readUpState()?.databaseUrl;
  if (!url) throw new UserError('no database configured', 'set DATABASE_URL, or start `lanterne up` (it runs an embedded PostgreSQL)');
  return url;
}

/** Runs `fn` with the memory store on the configured database (migrated), then closes it. */
export async function withMemory<T>(fn: (memory: MemoryStore) => Promise<T>): Promise<T> {
  const pool = new Pool({ connectionString: databaseUrl(), max: 2 });
  pool.on('error', () => undefined);
  try {
    try {
      await migrate(pool);
    } catch (err) {
      throw new UserError(`the database does not answer: ${(err as Error).message}`, 'check DATABASE_URL, or start `lanterne up`');
    }
    return await fn(new MemoryStore(pool));
  } finally {
    await pool.end();
  }
}

/**
 * The workflow that runs a mission: found in the database by athlete (the id includes the
 * athlete's opaque id); without a database, only a mission started before athletes had ids.
 */
export async function missionWorkflowIdFor(missionId: string, athlete?: string): Promise<string> {
  const configured = process.env.DATABASE_URL ?? readUpState()?.databaseUrl;
  if (!configured) {
    if (athlete) throw new UserError('no database configured: athletes are kept in PostgreSQL', 'set DATABASE_URL, or start `lanterne up`');
    return legacyMissionWorkflowId(missionId);
  }
  return withMemory((memory) => findMissionWorkflowId(memory, missionId, athlete));
}

/** Where a mission's reports are: output/<athlete>/<missionId>/ (the athlete from the database when not given). */
export async function reportFolder(missionId: string, athlete?: string): Promise<string> {
  if (athlete) return path.join(outputDir(), athlete, missionId);
  const rows = await withMemory(async (memory) => (await memory.missions.listMissions()).filter((m) => m.id === missionId));
  if (rows.length === 0) throw new UserError(`no mission ${missionId} in the database`, 'see `lanterne athlete list`, or start it with `lanterne mission start <file>`');
  if (rows.length > 1) throw new UserError(`mission ${missionId} runs for ${rows.length} athletes (${rows.map((r) => r.athlete).join(', ')})`, 'name one with --athlete <handle>');
  return path.join(outputDir(), rows[0].athlete, missionId);
}

/**
 * The payload keys of `up` and `worker`: LANTERNE_PAYLOAD_KEY, else the state folder's key file,
 * made on first run (then `announce` gets its path, once).
 */
export function serverPayloadKeys(announce: (file: string) => void): PayloadKeys {
  const keys = openPayloadKeys({ env: process.env, stateDir: stateDir(), create: true })!;
  if (keys.created && keys.file) announce(keys.file);
  return keys;
}

/** The data converter of every client command: the same keys as `up`'s worker, found the same way (never created). */
export function clientDataConverter(): DataConverter {
  return payloadDataConverter(openPayloadKeys({ env: process.env, stateDir: stateDir(), create: false })?.ring ?? null);
}

export async function connectClient(): Promise<{ client: Client; close(): Promise<void>; address: string; namespace: string }> {
  const { address, namespace } = temporalTarget();
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: 3000 });
    await connection.workflowService.getSystemInfo({});
  } catch {
    throw new UserError(`no Temporal server answers at ${address}`, 'start one with `npm start` (lanterne up), or set TEMPORAL_ADDRESS');
  }
  return { client: new Client({ connection, namespace, dataConverter: clientDataConverter() }), close: () => connection.close(), address, namespace };
}

/** Prints data as JSON (--json) or as the human rendering. */
export function output(json: boolean, data: unknown, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(data, null, 2) + '\n' : human().replace(/\n?$/, '\n'));
}

/** Errors of the network layer (pg, fetch, gRPC) that mean "nothing answers there". */
function connectionRefusal(err: unknown): { message: string; hint: string } | null {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (!(err instanceof Error) || !['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT'].includes(e.code ?? '')) return null;
  const where = e.address ? ` ${e.address}${e.port ? `:${e.port}` : ''}` : '';
  return { message: `cannot connect to${where || ' the server'} (${e.code})`, hint: 'is the server running? check DATABASE_URL, TEMPORAL_ADDRESS, or start `lanterne up`' };
}

/** The hint for a mission file that cannot be used. */
function missionFileHint(err: MissionConfigError): string {
  if (err.problems.every((p) => p.code === 'file_not_found')) return 'check the path; the shipped missions are in missions/ (e.g. missions/tdf_sim_2025.toml)';
  return 'docs/missions.md documents every key with an example; `lanterne mission validate <file>` checks a file without a server';
}

/** The message a person should see for an error: the validator's words, the file's problems. */
export function userMessage(err: unknown): { message: string; hint?: string; expected: boolean } {
  if (isMissionConfigError(err)) return { message: formatProblems((err as MissionConfigError).problems), hint: missionFileHint(err as MissionConfigError), expected: true };
  if (isUserError(err)) return { message: err.message, hint: (err as UserError).hint, expected: true };
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as Error | undefined;
    return { message: `rejected: ${cause?.message ?? err.message}`, expected: true };
  }
  if (err instanceof QueryNotRegisteredError || err instanceof QueryRejectedError) {
    // e.g. "the mission is still loading; try again in a moment", right after a start.
    return { message: err.message, expected: true };
  }
  if (err instanceof WorkflowNotFoundError) {
    return { message: `no such mission workflow: ${err.workflowId}`, hint: 'start it with `lanterne mission start <file>` (or `npm start`)', expected: true };
  }
  const refused = connectionRefusal(err);
  if (refused) return { ...refused, expected: true };
  return { message: err instanceof Error ? (err.stack ?? err.message) : String(err), expected: false };
}

/**
 * The CLI's one error path: a user mistake prints `lanterne: <message>` and a `→` hint (the
 * command's help when the error has none) and exits 1; anything else is a bug, printed with its
 * stack, exit 2.
 */
export function exitWithError(err: unknown, command?: Command): never {
  const { message, hint, expected } = userMessage(err);
  if (!expected) {
    process.stderr.write(`lanterne: unexpected error: ${message}\n`);
    process.exit(2);
  }
  const shown = hint ?? `see \`${command ? commandPath(command) : 'lanterne'} --help\``;
  process.stderr.write(`lanterne: ${message}\n  → ${shown}\n`);
  process.exit(1);
}

/** Wraps a command action so that its errors go through the one error path (`exitWithError`). */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      // commander passes the command itself as the action's last argument.
      const command = args[args.length - 1];
      exitWithError(err, command instanceof Command ? command : undefined);
    }
  };
}
