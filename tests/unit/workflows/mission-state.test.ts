import { countOutcomes, initialState, toReflection, withReflection, REFLECTIONS_KEPT } from '../../../src/shared/mission-state';
import type { DayOutcome, ReflectInput } from '../../../src/shared/mission-api';
import { fakeMission } from '../../support/fake-activities';
import { addDays } from '../../../src/domain/iso-date';

const reflect = (date: string, rpe = 5): ReflectInput => ({ date, rpe, legs: 2, mood: 3, sleepQuality: 4, completed: 'yes' });

describe('initialState', () => {
  it('starts at the first day, unpaused, with nothing recorded', () => {
    const mission = fakeMission({}, 3);
    const s = initialState(mission, 'hash-1', '2025-07-05');
    expect(s).toMatchObject({ mission, configHash: 'hash-1', startedOn: '2025-07-05', nextIndex: 0, paused: false, pauseReason: null, continuedAsNew: 0, load: null });
    expect([s.dayOverrides, s.restDays, s.reflections, s.overridesLog, s.outcomes]).toEqual([{}, [], [], [], []]);
  });

  it('is JSON-safe, so it crosses continue-as-new unchanged', () => {
    const s = initialState(fakeMission({}, 3), 'h', '2025-07-05');
    s.reflections = withReflection(s.reflections, reflect('2025-07-05'));
    s.dayOverrides['2025-07-06'] = ['rest day requested by the athlete'];
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

describe('toReflection', () => {
  it('keeps the athlete’s fields and nothing else', () => {
    const sent = { ...reflect('2025-07-05', 8), note: 'windy', extra: 'ignored' } as ReflectInput;
    expect(toReflection(sent)).toEqual({ date: '2025-07-05', rpe: 8, legs: 2, mood: 3, sleepQuality: 4, completed: 'yes', note: 'windy' });
  });
});

describe('withReflection', () => {
  it('stores the reflection with an empty note when none was given', () => {
    expect(withReflection([], reflect('2025-07-05', 7))).toEqual([
      { date: '2025-07-05', rpe: 7, legs: 2, mood: 3, sleepQuality: 4, completed: 'yes', note: '' },
    ]);
  });

  it('replaces an earlier reflection for the same date and keeps the list in date order', () => {
    let list = withReflection([], reflect('2025-07-07'));
    list = withReflection(list, reflect('2025-07-05'));
    list = withReflection(list, { ...reflect('2025-07-07', 9), note: 'changed my mind' });
    expect(list.map((r) => [r.date, r.rpe, r.note])).toEqual([
      ['2025-07-05', 5, ''],
      ['2025-07-07', 9, 'changed my mind'],
    ]);
  });

  it(`keeps only the newest ${REFLECTIONS_KEPT} dates`, () => {
    let list = withReflection([], reflect('2025-07-01'));
    for (let i = 1; i <= REFLECTIONS_KEPT + 4; i++) list = withReflection(list, reflect(addDays('2025-07-01', i)));
    expect(list).toHaveLength(REFLECTIONS_KEPT);
    expect(list[0].date).toBe(addDays('2025-07-01', 5));
    expect(list[list.length - 1].date).toBe(addDays('2025-07-01', REFLECTIONS_KEPT + 4));
    // A late reflection for an old date falls out rather than pushing out a newer one.
    expect(withReflection(list, reflect('2025-06-01')).map((r) => r.date)).toEqual(list.map((r) => r.date));
  });

  it('does not change the list it was given', () => {
    const list = withReflection([], reflect('2025-07-05'));
    const copy = JSON.parse(JSON.stringify(list));
    withReflection(list, reflect('2025-07-05', 9));
    expect(list).toEqual(copy);
  });
});

describe('countOutcomes', () => {
  it('counts each status', () => {
    const o = (status: DayOutcome['status']): DayOutcome => ({ date: '2025-07-05', status, decision: null, state: null, ranAtLocal: null, late: false, note: null });
    expect(countOutcomes([o('ok'), o('ok'), o('degraded'), o('failed'), o('skipped'), o('skipped'), o('skipped')])).toEqual({ ok: 2, degraded: 1, failed: 1, skipped: 3 });
    expect(countOutcomes([])).toEqual({ ok: 0, degraded: 0, failed: 0, skipped: 0 });
  });
});
