/** Observation and training load: the public surface for activities, CLI and tests. */
export * from './errors';
export type { OuraSource, StravaSource, StravaSummaryActivity } from './api-payloads';
export type { TransportOptions, FetchLike, SleepFn } from './http-json';
export * from './oauth-tokens';
export { OuraClient, ouraConfigFromEnv, ouraTokenProvider, OURA_DEFAULTS } from './oura-client';
export { StravaClient, stravaConfigFromEnv, stravaTokenProvider, StravaRateLimiter, STRAVA_DEFAULTS } from './strava-client';
export { observeDay } from './observe-day';
export type { ObservationSources, ObserveDayResult, SourceFailure } from './observe-day';
export type { WellnessPoint } from './normalisers';
export { createObservationSources } from './observation-sources';
export type { ObservationSourcesOptions } from './observation-sources';
export * from './training-load';
export { SyntheticAthlete, syntheticSources } from './synthetic-athlete';
export type { Prescription, SyntheticAthleteConfig, SyntheticEvent, SyntheticDayState } from './synthetic-athlete';
export { drawPhysiology, MODEL as PHYSIOLOGY_MODEL } from './athlete-physiology';
export type { AthletePhysiology } from './athlete-physiology';
export { connectOAuth, connectProvider, consentUrl, DEFAULT_CALLBACK_PORT } from './oauth-connect';
export type { ConnectOptions } from './oauth-connect';
