/** The dashboard: a small token-protected web app over the mission memory and the mission workflows. */
export { startDashboard, type DashboardOptions, type RunningDashboard } from './server';
export {
  temporalFromClient,
  MissionNotRunningError,
  OverrideRejectedError,
  type DashboardTemporal,
  type TemporalGatewayOptions,
} from './temporal-gateway';
export { generateDashboardToken } from './auth';
