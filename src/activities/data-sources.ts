import type { IsoDate, AthleteProfile } from '../domain/types';
import { offsetAt, zonedInstant } from '../domain/schedule';
import { SyntheticAthlete, type Prescription, type SyntheticAthleteConfig } from '../observation';
import { UserError } from '../infra/user-error';
import { addDays } from '../domain/iso-date';

export type DataSourceMode = 'synthetic' | 'wearables';

/**
 * Which data the coach observes: Oura/Strava when their credentials are configured, else the
 * synthetic athlete. LANTERNE_DATA_SOURCE=synthetic|wearables|auto forces a choice.
 */
export function dataSourceMode(env: NodeJS.ProcessEnv): { mode: DataSourceMode; oura: boolean; strava: boolean } {
  const oura = Boolean(env.OURA_CLIENT_ID || env.OURA_PERSONAL_ACCESS_TOKEN);
  const strava = Boolean(env.STRAVA_CLIENT_ID);
  const choice = (env.LANTERNE_DATA_SOURCE ?? 'auto').toLowerCase();
  if (!['auto', 'synthetic', 'wearables'].includes(choice)) {
    throw new UserError(`LANTERNE_DATA_SOURCE=${env.LANTERNE_DATA_SOURCE} is not accepted`, 'use auto, synthetic or wearables');
  }
  if (choice === 'synthetic') return { mode: 'synthetic', oura: false, strava: false };
  if (choice === 'wearables') {
    if (!oura && !strava) {
      throw new UserError('LANTERNE_DATA_SOURCE=wearables but neither Oura nor Strava is configured', 'set OURA_CLIENT_ID/OURA_CLIENT_SECRET and/or STRAVA_CLIENT_ID/STRAVA_CLIENT_SECRET, then run `lanterne connect oura|strava`');
    }
    return { mode: 'wearables', oura, strava };
  }
  return oura || strava ? { mode: 'wearables', oura, strava } : { mode: 'synthetic', oura: false, strava: false };
}

/**
 * How long the synthetic athlete has ridden before the block: a year, more than six CTL time
 * constants (6 × 42 = 252 days), so any load model reading its history starts warm.
 */
export const SYNTHETIC_HISTORY_DAYS = 365;

/** Who the synthetic athlete is and what the coach prescribed: all the daily cycle passes to it. */
export interface SyntheticAthleteRequest {
  missionId: string;
  profile: AthleteProfile;
  timezone: string;
  /** First day of the mission: before it the athlete rides its own habit. */
  missionStart: IsoDate;
  /** The morning being observed: the athlete can be observed up to this day. */
  date: IsoDate;
  /** What the coach prescribed on past mission days: the stored plans' TSS (any order; later days are ignored). */
  prescriptions: readonly Prescription[];
}

/**
 * The synthetic athlete's configuration for a mission: seeded by mission and athlete (the same
 * mission always tells the same story, and so does the evaluation's cohort), with a year of its
 * own riding before the block and, during the block, what the coach prescribed.
 */
export function syntheticAthleteConfig(req: SyntheticAthleteRequest): SyntheticAthleteConfig {
  return {
    seed: `${req.missionId}:${req.profile.handle}`,
    profile: req.profile,
    startDate: addDays(req.missionStart, -SYNTHETIC_HISTORY_DAYS),
    blockStart: req.missionStart,
    prescriptions: requestedPrescriptions(req),
    endDate: req.date,
    utcOffsetMin: Math.round(offsetAt(zonedInstant(req.missionStart, '06:00', req.timezone), req.timezone) / 60_000),
  };
}

function requestedPrescriptions(req: SyntheticAthleteRequest): Prescription[] {
  return req.prescriptions.filter((p) => p.date >= req.missionStart && p.date < req.date);
}

/**
 * A per-worker cache of synthetic athletes: the next morning of a mission extends the athlete it
 * already simulated by the new day instead of simulating its year again (a changed prescription
 * re-simulates from that day; the result is the same as a fresh athlete's). Least recently used
 * athletes are dropped beyond `capacity`.
 */
export class SyntheticAthleteCache {
  private readonly athletes = new Map<string, SyntheticAthlete>();
  constructor(readonly capacity = 512) {}

  athleteFor(req: SyntheticAthleteRequest): SyntheticAthlete {
    const key = JSON.stringify([req.missionId, req.profile, req.timezone, req.missionStart]);
    let athlete = this.athletes.get(key);
    if (athlete) {
      this.athletes.delete(key); // re-insert: most recently used last
      athlete.observeThrough(req.date);
      athlete.setPrescriptions(requestedPrescriptions(req));
    } else {
      athlete = new SyntheticAthlete(syntheticAthleteConfig(req));
    }
    this.athletes.set(key, athlete);
    while (this.athletes.size > this.capacity) this.athletes.delete(this.athletes.keys().next().value as string);
    return athlete;
  }

  get size(): number {
    return this.athletes.size;
  }
}

/** The worker process's cache (one per process, shared by every activity it runs). */
export const workerSyntheticAthletes = new SyntheticAthleteCache();

/** The synthetic athlete for a mission's morning, from the worker's cache. */
export function syntheticAthleteFor(req: SyntheticAthleteRequest): SyntheticAthlete {
  return workerSyntheticAthletes.athleteFor(req);
}

/** What the coach prescribed on past mission days, from their stored plans (a day without a plan prescribes nothing). */
export function prescriptionsFromHistory(days: readonly { date: IsoDate; plannedTss: number | null }[]): Prescription[] {
  return days.filter((d) => d.plannedTss !== null).map((d) => ({ date: d.date, tss: d.plannedTss as number }));
}
