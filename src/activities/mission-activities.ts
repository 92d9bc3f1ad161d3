/**
 * The mission's own activities: register the mission the client sent (validated again, its config
 * version recorded), record what the athlete sends (reflections, overrides — an override and the
 * config version it makes in one transaction), record a failed day, and summarise the block.
 */
import path from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { MissionConfig } from '../domain/types';
import { addDays } from '../domain/iso-date';
import { localDate } from '../domain/schedule';
import { canonicalMissionJson, isMissionConfigError, missionFromData, missionHash, shiftMission } from '../mission';
import { fieldsFromProfile } from '../memory';
import { renderBlockSummary, writeReportFiles, type BlockDay } from '../communication';
import type { CommitOverrideInput, LoadMissionInput, MissionSummaryInput, RegisterMissionInput, Scope } from '../shared/activity-api';
import type { DayKey } from '../shared/day-key';
import type { MissionSummary } from '../shared/mission-summary';
import type { Reflection } from '../domain/types';
import type { ActivityDeps } from './activity-deps';

function currentWorkflowId(): string | null {
  try {
    return Context.current().info.workflowExecution?.workflowId ?? null;
  } catch {
    return null;
  }
}

/** The mission as received, checked by the mission schema and against its hash; a bad one fails for good. */
function validMission(input: RegisterMissionInput): MissionConfig {
  let mission: MissionConfig;
  try {
    mission = missionFromData(input.mission, 'the workflow input');
  } catch (err) {
    if (isMissionConfigError(err)) throw ApplicationFailure.nonRetryable((err as Error).message, 'MissionConfigError');
    throw err;
  }
  const hash = missionHash(mission);
  if (hash !== input.configHash) {
    throw ApplicationFailure.nonRetryable(`the mission's hash is ${hash}, not ${input.configHash} as sent: it changed on the way`, 'MissionConfigError');
  }
  return mission;
}

export function createMissionActivities(deps: ActivityDeps) {
  const { memory } = deps;

  /** Records the mission and its config version, and the athlete when new. */
  async function record(mission: MissionConfig, configHash: string): Promise<void> {
    const scope = { missionId: mission.id, athlete: mission.athlete.handle };
    await memory.athletes.ensure(mission.athlete.handle, fieldsFromProfile(mission.athlete, mission.timezone));
    await memory.atomically(async (tx) => {
      await tx.missions.upsertMission(scope, { name: mission.name, configHash, status: 'active', workflowId: currentWorkflowId() });
      await tx.missions.storeConfigVersion(scope, canonicalMissionJson(mission), configHash);
    });
  }

  return {
    async registerMission(input: RegisterMissionInput): Promise<{ mission: MissionConfig; configHash: string }> {
      let mission = validMission(input);
      if (input.startDate) mission = shiftMission(mission, input.startDate === 'today' ? localDate(input.nowMs, mission.timezone) : input.startDate);
      const configHash = missionHash(mission);
      await record(mission, configHash);
      return { mission, configHash };
    },

    async loadMission(input: LoadMissionInput): Promise<{ mission: MissionConfig; configHash: string }> {
      throw ApplicationFailure.nonRetryable(
        `this mission was started from the file ${JSON.stringify(input.file)} on the client's machine; workers no longer read client paths: start it again with \`lanterne mission start <file>\``,
        'MissionConfigError',
      );
    },

    async commitOverride(scope: Scope, o: CommitOverrideInput): Promise<{ configHash: string | null }> {
      const day = 'date' in o.input ? o.input.date : null;
      const configHash = o.mission ? missionHash(o.mission) : null;
      await memory.atomically(async (tx) => {
        await tx.input.recordOverride(scope, { requestId: o.requestId, kind: o.kind, day, payload: { input: o.input, changed: o.changed, configHash } });
        if (o.mission && configHash) {
          await tx.missions.storeConfigVersion(scope, canonicalMissionJson(o.mission), configHash);
          await tx.missions.setConfigHash(scope, configHash);
        }
      });
      return { configHash };
    },

    async recordReflection(scope: Scope, reflection: Reflection | null): Promise<void> {
      if (reflection) await memory.input.recordReflection(scope, reflection);
    },

    async recordDayFailure(key: Pick<DayKey, 'missionId' | 'athlete' | 'date' | 'dayWorkflowId' | 'configHash'>, message: string): Promise<void> {
      const scope = { missionId: key.missionId, athlete: key.athlete };
      await memory.atomically(async (tx) => {
        await tx.days.recordDayRun(scope, key.date, { workflowId: key.dayWorkflowId, configHash: key.configHash });
        await tx.days.finishDayRun(scope, key.date, { status: 'failed', degradedReasons: [message] });
      });
    },

    async summarizeMission(scope: Scope, input: MissionSummaryInput): Promise<MissionSummary> {
      const m = await memory.missions.getConfig(scope, input.configHash);
      if (!m) throw ApplicationFailure.nonRetryable(`mission ${scope.missionId} has no config version ${input.configHash}`, 'StateError');
      const first = m.days[0]?.date;
      const last = m.days[m.days.length - 1]?.date;
      const records = first && last ? await memory.reads.history(scope, first, last) : [];
      const byDate = new Map(records.map((r) => [r.date, r]));
      const days: BlockDay[] = [];
      for (const d of m.days) {
        const r = byDate.get(d.date);
        if (!r?.decision) continue;
        const next = byDate.get(addDays(d.date, 1));
        days.push({
          date: d.date,
          stage: d.stage,
          decision: r.decision.decision.decision,
          plannedTss: r.plan?.targetTss ?? null,
          actualTss: next?.load?.yesterdayTss ?? null,
          ctl: r.load?.ctl ?? null,
          atl: r.load?.atl ?? null,
          tsb: r.load?.tsb ?? null,
          completed: r.reflection?.completed ?? null,
        });
      }
      const rendered = renderBlockSummary({ mission: { id: m.id, name: m.name }, athlete: { handle: m.athlete.handle }, days });
      const files = await writeReportFiles(path.join(deps.outputDir, scope.athlete), m.id, 'summary', rendered);
      await memory.missions.setMissionStatus(scope, 'completed');
      const count = (s: string) => input.outcomes.filter((o) => o.status === s).length;
      return {
        missionId: m.id,
        name: m.name,
        days: input.outcomes.length,
        ok: count('ok'),
        degraded: count('degraded'),
        failed: count('failed'),
        skipped: count('skipped'),
        decisions: rendered.summary.decisions,
        firstDate: first ?? null,
        lastDate: last ?? null,
        ctlStart: rendered.summary.ctlStart,
        ctlEnd: rendered.summary.ctlEnd,
        summaryPaths: [files.markdown, files.html, files.json],
      };
    },
  };
}
