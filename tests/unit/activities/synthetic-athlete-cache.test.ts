/** The worker's per-process cache of synthetic athletes (issue 11 item 4): extend by a day, never re-simulate the window. */
import type { AthleteProfile } from '../../../src/domain/types';
import { SyntheticAthleteCache, SYNTHETIC_HISTORY_DAYS, prescriptionsFromHistory, syntheticAthleteConfig, type SyntheticAthleteRequest } from '../../../src/activities/data-sources';
import { SyntheticAthlete, syntheticSources } from '../../../src/observation/synthetic-athlete';
import { observeDay } from '../../../src/observation/observe-day';
import { addDays } from '../../../src/domain/iso-date';

const profile: AthleteProfile = { handle: 'rider', ftpW: 250, weightKg: 72, thresholdHr: 165, maxHr: 185, restingHr: 52, disciplines: ['cycling'] };
const START = '2025-07-05';
const request = (date: string, prescriptions: { date: string; tss: number }[]): SyntheticAthleteRequest => ({
  missionId: 'tdf_sim_2025',
  profile,
  timezone: 'Europe/Paris',
  missionStart: START,
  date,
  prescriptions,
});
const planned = (days: number) => Array.from({ length: days }, (_, i) => ({ date: addDays(START, i), tss: 50 + ((i * 29) % 80) }));

describe('the synthetic athlete cache', () => {
  it('extends the athlete by the new morning only, and observes the same as a fresh athlete', async () => {
    const cache = new SyntheticAthleteCache();
    const first = cache.athleteFor(request(START, []));
    await observeDay({ synthetic: syntheticSources(first) }, profile, START, 90);
    expect(first.simulatedDays).toBe(SYNTHETIC_HISTORY_DAYS + 1);
    for (let k = 1; k <= 10; k++) {
      const date = addDays(START, k);
      const before = first.simulatedDays;
      const again = cache.athleteFor(request(date, planned(k)));
      expect(again).toBe(first);
      const cached = await observeDay({ synthetic: syntheticSources(again) }, profile, date, 90);
      expect(again.simulatedDays - before).toBeLessThanOrEqual(2); // yesterday (its prescription arrived) and today
      const fresh = await observeDay({ synthetic: syntheticSources(new SyntheticAthlete(syntheticAthleteConfig(request(date, planned(k))))) }, profile, date, 90);
      expect(cached).toEqual(fresh);
    }
  });

  it('keeps different athletes apart and drops the least recently used beyond its capacity', () => {
    const cache = new SyntheticAthleteCache(2);
    const a = cache.athleteFor(request(START, []));
    const b = cache.athleteFor({ ...request(START, []), profile: { ...profile, handle: 'other' } });
    expect(b).not.toBe(a);
    expect(cache.athleteFor(request(START, []))).toBe(a); // a is now the most recent
    cache.athleteFor({ ...request(START, []), missionId: 'third' });
    expect(cache.size).toBe(2);
    expect(cache.athleteFor(request(START, []))).toBe(a);
    expect(cache.athleteFor({ ...request(START, []), profile: { ...profile, handle: 'other' } })).not.toBe(b);
  });

  it('takes past prescriptions only (days of the mission before the morning observed)', () => {
    const cfg = syntheticAthleteConfig(request(addDays(START, 3), [{ date: addDays(START, -2), tss: 90 }, ...planned(6)]));
    expect(cfg.prescriptions).toEqual(planned(3));
    expect(cfg.startDate).toBe(addDays(START, -SYNTHETIC_HISTORY_DAYS));
    expect(cfg.blockStart).toBe(START);
    expect(cfg.seed).toBe('tdf_sim_2025:rider');
    expect(cfg.utcOffsetMin).toBe(120);
  });

  it('reads the stored plans as prescriptions (a day without a plan prescribes nothing)', () => {
    const days = [
      { date: '2025-07-05', plannedTss: 80 },
      { date: '2025-07-06', plannedTss: null },
    ];
    expect(prescriptionsFromHistory(days)).toEqual([{ date: '2025-07-05', tss: 80 }]);
  });
});
