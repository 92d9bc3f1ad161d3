/**
 * How clients (CLI, dashboard, `up`, tools) start a mission and find the workflow that runs it.
 * A mission travels as validated data: the client loads and checks the file, makes sure its
 * athlete is known (and so has an opaque id), and starts `mission-<athleteId>-<missionId>` with
 * the canonical mission and its hash. Nothing crosses to the worker as a path.
 */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { IsoDate, MissionConfig } from '../domain/types';
import { canonicalMissionJson, missionFromData, missionHash } from '../mission';
import { fieldsFromProfile, type AthleteRecord, type MemoryStore } from '../memory';
import { legacyMissionWorkflowId, missionWorkflowId, TASK_QUEUE } from '../shared/mission-api';
import { ATHLETE, MISSION_ID, PHASE } from '../shared/search-attributes';
import { UserError } from '../infra/user-error';
import type { missionWorkflow, MissionWorkflowOptions } from '../workflows/mission';

export interface StartMissionOptions {
  /** Move the mission's calendar to start on this date, or 'today' (the workflow's today). */
  startDate?: IsoDate | 'today';
  taskQueue?: string;
  options?: MissionWorkflowOptions;
  /** A workflow already running with this id is returned instead of an error. */
  reuseRunning?: boolean;
}

export interface StartedMission {
  workflowId: string;
  athleteId: string;
  handle: WorkflowHandle<typeof missionWorkflow>;
  /** false when the mission was already running (reuseRunning). */
  started: boolean;
}

/** The workflow input for a mission: its canonical form (what the hash covers) and the hash. */
export function missionInput(mission: MissionConfig): { mission: MissionConfig; configHash: string } {
  return { mission: JSON.parse(canonicalMissionJson(mission)) as MissionConfig, configHash: missionHash(mission) };
}

/**
 * A shared mission file run for another athlete: the mission with that athlete's handle, the
 * profile values the athlete row holds (the file's where it holds none) and the athlete's
 * timezone when set. Checked again by the mission schema (e.g. a max HR above the threshold), so
 * the result is a mission like any other; its hash differs from the file's.
 */
export function missionForAthlete(mission: MissionConfig, athlete: AthleteRecord): MissionConfig {
  const p = mission.athlete;
  const adapted: MissionConfig = {
    ...mission,
    timezone: athlete.timezone ?? mission.timezone,
    athlete: {
      handle: athlete.handle,
      ftpW: athlete.ftpW ?? p.ftpW,
      weightKg: athlete.weightKg ?? p.weightKg,
      thresholdHr: athlete.thresholdHr ?? p.thresholdHr,
      maxHr: athlete.maxHr ?? p.maxHr,
      restingHr: athlete.restingHr ?? p.restingHr,
      disciplines: athlete.disciplines.length ? athlete.disciplines : p.disciplines,
    },
  };
  return missionFromData(JSON.parse(canonicalMissionJson(adapted)), `mission ${mission.id} for athlete ${athlete.handle}`);
}

/** Starts the mission's workflow (the athlete is added to the store first when new). */
export async function startMission(client: Client, memory: MemoryStore, mission: MissionConfig, o: StartMissionOptions = {}): Promise<StartedMission> {
  const athlete = await memory.athletes.ensure(mission.athlete.handle, fieldsFromProfile(mission.athlete, mission.timezone));
  const workflowId = missionWorkflowId(athlete.id, mission.id);
  try {
    const handle = await client.workflow.start('missionWorkflow', {
      taskQueue: o.taskQueue ?? TASK_QUEUE,
      workflowId,
      args: [{ ...missionInput(mission), athleteId: athlete.id, startDate: o.startDate, options: o.options }],
      typedSearchAttributes: [
        { key: MISSION_ID, value: mission.id },
        { key: ATHLETE, value: athlete.id },
        { key: PHASE, value: 'starting' },
      ],
    });
    // Findable by id at once (the worker's registerMission records the config version just after).
    const input = missionInput(mission);
    await memory.missions.recordStart({ athlete: mission.athlete.handle, missionId: mission.id }, { name: mission.name, configHash: input.configHash, workflowId });
    return { workflowId, athleteId: athlete.id, handle: handle as WorkflowHandle<typeof missionWorkflow>, started: true };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    if (!o.reuseRunning) {
      throw new UserError(`mission ${mission.id} of ${mission.athlete.handle} is already running`, `see it with \`lanterne mission status ${mission.id} --athlete ${mission.athlete.handle}\``);
    }
    return { workflowId, athleteId: athlete.id, handle: client.workflow.getHandle(workflowId), started: false };
  }
}

/**
 * The workflow id of a mission: by athlete when given; else the only athlete who runs that
 * mission id; missions started before athletes had ids answer to `mission-<missionId>`.
 */
export async function findMissionWorkflowId(memory: MemoryStore, missionId: string, athlete?: string): Promise<string> {
  if (athlete) {
    const a = await memory.athletes.get(athlete);
    if (!a) throw new UserError(`no athlete ${JSON.stringify(athlete)}`, 'see `lanterne athlete list`, or add one with `lanterne athlete add`');
    const row = await memory.missions.getMission({ athlete, missionId });
    return row?.workflowId ?? missionWorkflowId(a.id, missionId);
  }
  const rows = (await memory.missions.listMissions()).filter((m) => m.id === missionId);
  if (rows.length > 1) {
    throw new UserError(`mission ${missionId} runs for ${rows.length} athletes (${rows.map((r) => r.athlete).join(', ')})`, 'name one with --athlete <handle>');
  }
  if (rows.length === 1) {
    if (rows[0].workflowId) return rows[0].workflowId;
    const a = await memory.athletes.get(rows[0].athlete);
    if (a) return missionWorkflowId(a.id, missionId);
  }
  return legacyMissionWorkflowId(missionId);
}
