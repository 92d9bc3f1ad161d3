import type { IsoDate } from '../domain/types';
import type { DayRecord, CompactDay } from './records';
import { addDays } from '../domain/iso-date';

/**
 * The `n` calendar days before `date` (oldest first, `date` itself excluded) in compact form.
 * `records` are the day records from `date - n` up to and including `date`: a day's TSS actually
 * done is known from the next day's load figures (`yesterdayTss`), so `date`'s own record supplies
 * the last day's done TSS. Days with nothing recorded appear with null fields, so the position of
 * "yesterday" never shifts.
 */
export function compactRecentDays(date: IsoDate, n: number, records: readonly DayRecord[]): CompactDay[] {
  const byDate = new Map(records.map((r) => [r.date, r]));
  const out: CompactDay[] = [];
  for (let k = n; k >= 1; k--) {
    const day = addDays(date, -k);
    const rec = byDate.get(day);
    const next = byDate.get(addDays(day, 1));
    const plannedTss = rec?.plan ? rec.plan.targetTss : null;
    const doneTss = next?.load ? next.load.yesterdayTss : null;
    const reflection = rec?.reflection
      ? { rpe: rec.reflection.rpe, legs: rec.reflection.legs, completed: rec.reflection.completed }
      : null;
    out.push({
      date: day,
      readinessScore: rec?.observation?.readiness?.score ?? null,
      hrvMs: rec?.observation?.hrv?.averageHrvMs ?? null,
      state: rec?.decision?.decision.state ?? null,
      decision: rec?.decision?.decision.decision ?? null,
      plannedTss,
      doneTss,
      reflection,
      compliance:
        plannedTss !== null && doneTss !== null && plannedTss > 0
          ? { plannedTss, doneTss, ratio: round2(doneTss / plannedTss) }
          : null,
    });
  }
  return out;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
