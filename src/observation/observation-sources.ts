/**
 * Wiring for the worker: the Oura and Strava clients for one athlete, configured from the
 * environment, reading tokens from the (encrypted) token store. Which providers a mission uses is
 * the caller's choice; a provider that is wanted but not connected surfaces as a non-retryable
 * `NotConnected` error in `observeDay`'s `errors`.
 */
import type { TransportOptions } from './http-json';
import type { ObservationSources } from './observe-day';
import type { TokenStore } from './oauth-tokens';
import { OuraClient, ouraConfigFromEnv, ouraAccessToken } from './oura-client';
import { StravaClient, stravaConfigFromEnv, type StravaRateLimiter, stravaAccessToken } from './strava-client';
import { syntheticSources, type SyntheticAthlete, type SyntheticAthleteConfig } from './synthetic-athlete';

export interface ObservationSourcesOptions {
  athlete: string;
  store: TokenStore;
  /** Which real providers to read (default both). */
  oura?: boolean;
  strava?: boolean;
  /** Use a synthetic athlete (or its configuration) instead of the real providers. */
  synthetic?: SyntheticAthleteConfig | SyntheticAthlete;
  env?: NodeJS.ProcessEnv;
  transport?: TransportOptions;
  /** Share one per worker process: Strava's limits are per application. */
  stravaLimiter?: StravaRateLimiter;
}

export function createObservationSources(o: ObservationSourcesOptions): ObservationSources {
  if (o.synthetic) return { synthetic: syntheticSources(o.synthetic) };
  const env = o.env ?? process.env;
  const sources: ObservationSources = {};
  if (o.oura ?? true) {
    sources.oura = new OuraClient({
      baseUrl: ouraConfigFromEnv(env).baseUrl,
      tokens: ouraAccessToken({ athlete: o.athlete, store: o.store, env, transport: o.transport }),
      transport: o.transport,
    });
  }
  if (o.strava ?? true) {
    sources.strava = new StravaClient({
      baseUrl: stravaConfigFromEnv(env).baseUrl,
      tokens: stravaAccessToken({ athlete: o.athlete, store: o.store, env, transport: o.transport }),
      transport: o.transport,
      limiter: o.stravaLimiter,
    });
  }
  return sources;
}
