/**
 * Mission configuration: one schema (mission-schema.ts) checks a mission file, a mission text and a
 * canonical mission received as data; shift and fingerprint missions.
 */
export { loadMissionFile, MAX_MISSION_FILE_BYTES } from './load-mission';
export { parseMissionText } from './mission-text';
export { missionFromData } from './mission-data';
export { shiftMission, dayForDate, missionEndDate } from './mission-calendar';
export { canonicalMissionJson, missionHash } from './mission-hash';
export {
  MissionConfigError,
  isMissionConfigError,
  formatProblem,
  formatProblems,
  PROBLEM_CODES,
  type MissionProblem,
  type ProblemCode,
} from './mission-errors';
export { missionValidate, summarise, type CommandResult } from './validate-command';
