import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Typed search attributes set on mission and day workflows so the Temporal UI can filter them,
 * e.g. `LanterneMissionId = "tdf_sim_2025"` lists a mission and all of its days.
 * Sandbox-safe: imported by workflows, the worker, the CLI and the dev-server launcher.
 */
export const MISSION_ID = defineSearchAttributeKey('LanterneMissionId', SearchAttributeType.KEYWORD);
export const ATHLETE = defineSearchAttributeKey('LanterneAthlete', SearchAttributeType.KEYWORD);
export const STAGE = defineSearchAttributeKey('LanterneStage', SearchAttributeType.INT);
export const DAY = defineSearchAttributeKey('LanterneDay', SearchAttributeType.KEYWORD);
export const PHASE = defineSearchAttributeKey('LanternePhase', SearchAttributeType.KEYWORD);
export const DECISION = defineSearchAttributeKey('LanterneDecision', SearchAttributeType.KEYWORD);

/** Name and CLI type, for `temporal server start-dev --search-attribute` and `operator search-attribute create`. */
export const SEARCH_ATTRIBUTES = [
  { name: MISSION_ID.name, cliType: 'Keyword' },
  { name: ATHLETE.name, cliType: 'Keyword' },
  { name: STAGE.name, cliType: 'Int' },
  { name: DAY.name, cliType: 'Keyword' },
  { name: PHASE.name, cliType: 'Keyword' },
  { name: DECISION.name, cliType: 'Keyword' },
] as const;
