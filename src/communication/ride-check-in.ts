/**
 * The message a ride reported by Strava (webhook) sends: what was ridden next to what was planned,
 * and a request for the athlete's reflection. Plain text (e-mail and SMS); no health values beyond
 * the ride's own duration and load.
 */
import type { IsoDate, Workout } from '../domain/types';

export interface RideCheckIn {
  missionId: string;
  date: IsoDate;
  ride: { name: string; movingTimeS: number; tss: number; tssMethod: string };
  /** The day's planned workout, when there was one. */
  planned: Pick<Workout, 'title' | 'durationMin' | 'targetTss'> | null;
}

const minutes = (s: number) => Math.round(s / 60);

/** Subject, text and SMS of a ride check-in. */
export function renderRideCheckIn(c: RideCheckIn): { subject: string; text: string; sms: string } {
  const name = c.ride.name.trim() || 'your ride';
  const ridden = `${minutes(c.ride.movingTimeS)} min, ${Math.round(c.ride.tss)} TSS (from ${c.ride.tssMethod})`;
  const planned = c.planned && c.planned.durationMin > 0 ? `${c.planned.title}: ${c.planned.durationMin} min, ${Math.round(c.planned.targetTss)} TSS` : 'a rest day';
  const compare =
    c.planned && c.planned.targetTss > 0 ? ` — ${Math.round((c.ride.tss / c.planned.targetTss) * 100)} % of the planned load` : '';
  const ask = `How did it feel? Tell the coach with \`lanterne reflect ${c.missionId} --date ${c.date} --rpe … --legs … --mood … --sleep … --completed yes|partly|no\`, or on the dashboard's mission page.`;
  return {
    subject: `How did "${name}" go? (${c.date})`,
    text: [`You rode ${name} on ${c.date}: ${ridden}.`, `Planned: ${planned}${compare}.`, '', ask, ''].join('\n'),
    sms: `Lanterne ${c.date}: rode ${minutes(c.ride.movingTimeS)} min/${Math.round(c.ride.tss)} TSS vs planned ${c.planned ? `${c.planned.durationMin} min/${Math.round(c.planned.targetTss)} TSS` : 'rest'}. How did it feel? Reply with lanterne reflect.`,
  };
}
