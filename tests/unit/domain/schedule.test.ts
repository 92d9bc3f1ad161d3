import { dayTiming, localDate, localTime, zonedInstant, isValidTimeZone } from '../../../src/domain/schedule';
import { addDays, daysBetween } from '../../../src/domain/iso-date';

describe('zonedInstant', () => {
  it('places 06:30 in Paris at UTC+2 in summer and UTC+1 in winter', () => {
    expect(new Date(zonedInstant('2025-07-05', '06:30', 'Europe/Paris')).toISOString()).toBe('2025-07-05T04:30:00.000Z');
    expect(new Date(zonedInstant('2025-01-15', '06:30', 'Europe/Paris')).toISOString()).toBe('2025-01-15T05:30:00.000Z');
  });

  it('keeps the local run time across the autumn DST change (Paris, 26 Oct 2025)', () => {
    const before = zonedInstant('2025-10-25', '06:30', 'Europe/Paris');
    const after = zonedInstant('2025-10-26', '06:30', 'Europe/Paris');
    expect(after - before).toBe(25 * 3600_000);
    expect(localTime(after, 'Europe/Paris')).toBe('06:30');
  });

  it('keeps the local run time across the spring DST change (Paris, 30 Mar 2025)', () => {
    const before = zonedInstant('2025-03-29', '06:30', 'Europe/Paris');
    const after = zonedInstant('2025-03-30', '06:30', 'Europe/Paris');
    expect(after - before).toBe(23 * 3600_000);
  });

  it('moves a run time that falls in the spring-forward gap to just after it', () => {
    // 02:30 does not exist in Paris on 2025-03-30: clocks jump from 02:00 to 03:00.
    const t = zonedInstant('2025-03-30', '02:30', 'Europe/Paris');
    expect(localTime(t, 'Europe/Paris')).toBe('03:30');
  });

  it('takes the first of two 02:30s on the fall-back night', () => {
    const t = zonedInstant('2025-10-26', '02:30', 'Europe/Paris');
    expect(new Date(t).toISOString()).toBe('2025-10-26T00:30:00.000Z');
  });

  it('works west of UTC and across the date line', () => {
    expect(new Date(zonedInstant('2025-07-05', '05:00', 'America/Denver')).toISOString()).toBe('2025-07-05T11:00:00.000Z');
    expect(new Date(zonedInstant('2025-07-05', '05:00', 'Pacific/Auckland')).toISOString()).toBe('2025-07-04T17:00:00.000Z');
  });
});

describe('calendar helpers', () => {
  it('reads the local date and time of an instant', () => {
    const t = Date.UTC(2025, 6, 4, 23, 30); // 01:30 on 5 July in Paris
    expect(localDate(t, 'Europe/Paris')).toBe('2025-07-05');
    expect(localDate(t, 'UTC')).toBe('2025-07-04');
    expect(localTime(t, 'Europe/Paris')).toBe('01:30');
  });

  it('adds and counts days across month and year ends', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(daysBetween('2025-07-05', '2025-07-27')).toBe(22);
  });

  it('recognises IANA zones', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('dayTiming', () => {
  const tz = 'Europe/Paris';
  const runAt = zonedInstant('2025-07-06', '06:30', tz);

  it('waits for a future run time', () => {
    expect(dayTiming({ date: '2025-07-06' }, '06:30', tz, runAt - 1000, '2025-07-05')).toEqual({ kind: 'wait', at: runAt });
  });

  it('runs at once, late, when a mission starts after the day’s run time (mid-day start)', () => {
    expect(dayTiming({ date: '2025-07-06' }, '06:30', tz, runAt + 5 * 3600_000, '2025-07-06').kind).toBe('run-late');
  });

  it('skips days dated before the mission started', () => {
    expect(dayTiming({ date: '2025-07-05' }, '06:30', tz, runAt, '2025-07-06').kind).toBe('before-start');
  });
});
