/** Mission configuration: load, validate, shift and fingerprint mission files. */
export { loadMissionFile } from './load-mission';
export { parseMission } from './parse-mission';
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
export { missionConfigSchema, missionDaySchema } from './mission-config-schema';
export { missionValidate, summarise, type CommandResult } from './validate-command';
