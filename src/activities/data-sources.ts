import type { IsoDate, AthleteProfile } from '../domain/types';
import { offsetAt, zonedInstant } from '../domain/schedule';
import type { SyntheticAthleteConfig } from '../observation';
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

/** A typical week of an amateur before the block (Mon rest … long weekend rides), TSS per weekday. */
const BASE_WEEK_TSS = [0, 55, 45, 60, 0, 95, 75]; // Monday first

/**
 * The synthetic athlete for a mission: seeded by mission and athlete (the same mission always
 * tells the same story), trained before the block like a regular amateur and, during the block,
 * by what the coach planned and the athlete reported doing.
 */
export function syntheticAthleteFor(input: {
  missionId: string;
  profile: AthleteProfile;
  timezone: string;
  missionStart: IsoDate;
  date: IsoDate;
  done: Record<IsoDate, number>;
  historyDays: number;
}): SyntheticAthleteConfig {
  const start = addDays(input.missionStart < input.date ? input.missionStart : input.date, -input.historyDays - 30);
  const training: Record<IsoDate, number> = {};
  for (let d = start; d < input.date; d = addDays(d, 1)) {
    if (d >= input.missionStart) {
      training[d] = input.done[d] ?? 0;
    } else {
      const weekday = (new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7;
      training[d] = BASE_WEEK_TSS[weekday];
    }
  }
  return {
    seed: `${input.missionId}:${input.profile.handle}`,
    profile: input.profile,
    baselineHrvMs: 58,
    baselineRestingHr: input.profile.restingHr ?? 50,
    startDate: start,
    initialCtl: 45,
    initialAtl: 45,
    training,
    utcOffsetMin: Math.round(offsetAt(zonedInstant(input.date, '06:00', input.timezone), input.timezone) / 60_000),
  };
}

/** TSS the athlete did on past mission days: the plan, scaled by what their reflection said. */
export function doneTssFromHistory(
  days: { date: IsoDate; plannedTss: number | null; completed: 'yes' | 'partly' | 'no' | null }[],
): Record<IsoDate, number> {
  const done: Record<IsoDate, number> = {};
  for (const d of days) {
    const planned = d.plannedTss ?? 0;
    done[d.date] = d.completed === 'no' ? 0 : d.completed === 'partly' ? Math.round(planned * 0.5) : planned;
  }
  return done;
}
