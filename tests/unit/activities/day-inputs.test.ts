/**
 * What the daily cycle remembers of its recorded days is what the evaluation's loop remembers:
 * the decision, the plan, that morning's HRV and its body temperature (the illness rule reads the
 * temperatures of the last mornings).
 */
import { rememberedDays } from '../../../src/activities/day-inputs';
import { coachedDays } from '../../../src/coaching/day-history';
import { emptyDay } from '../../../src/memory/pg-support';
import type { DayRecord } from '../../../src/memory/records';
import { decision, load, observation, workout } from '../../db/memory/domain-fixtures';
import { missionDay } from '../coaching/fixtures';

describe('rememberedDays', () => {
  it('keeps the decision, the plan, the HRV figures and the morning’s temperature of each recorded day', () => {
    const obs = observation('2025-07-13');
    const withTemp: DayRecord = {
      ...emptyDay('2025-07-13'),
      observation: { ...obs, readiness: { ...obs.readiness!, temperatureDeviation: 0.62 } },
      load: load('2025-07-13'),
      decision: { decision: decision('2025-07-13', { state: 'strained', decision: 'recovery' }), configHash: 'h' },
      plan: workout(),
    };
    const noOura: DayRecord = { ...emptyDay('2025-07-14'), observation: { ...observation('2025-07-14'), readiness: null }, decision: { decision: decision('2025-07-14', { state: 'ready', decision: 'as_planned' }), configHash: 'h' } };
    const remembered = rememberedDays([withTemp, noOura]);
    expect(remembered.map((r) => r.temperatureDeviation)).toEqual([0.62, null]);
    expect(remembered[0]).toEqual(expect.objectContaining({ date: '2025-07-13', hrvMs: withTemp.observation!.hrv!.averageHrvMs, hrv7dMean: withTemp.load!.hrv7dMean }));
    const coached = coachedDays(remembered, [missionDay('2025-07-13'), missionDay('2025-07-14')]);
    expect(coached.map((c) => [c.date, c.state, c.temperatureDeviation])).toEqual([
      ['2025-07-13', 'strained', 0.62],
      ['2025-07-14', 'ready', null],
    ]);
  });
});
