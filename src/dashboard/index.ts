/** The dashboard: a small token-protected web app over the mission memory and the mission workflows. */
export { startDashboard, type DashboardOptions, type RunningDashboard, type RateLimit } from './server';
export {
  temporalFromClient,
  MissionNotRunningError,
  OverrideRejectedError,
  type DashboardTemporal,
  type MissionKey,
  type TemporalGatewayOptions,
} from './temporal-gateway';
export { generateDashboardToken } from './auth';
export { parseAllowedHosts } from './hosts';
export type { LoadHistorySource } from './dashboard-data';
export type { DailyLoad } from './fitness';
