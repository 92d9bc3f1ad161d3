import { addDays, assertIsoDate, dateRange, daysBetween, isClockTime, isIsoDate, isoWeekday } from '../../../src/domain/iso-date';

describe('date helpers', () => {
  test('addDays crosses month, year and leap-day boundaries', () => {
    expect(addDays('2025-07-31', 1)).toBe('2025-08-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2025-03-30', 1)).toBe('2025-03-31'); // DST change in Europe: calendar days only
  });
  test('assertIsoDate accepts real dates only', () => {
    expect(() => assertIsoDate('2024-02-29', 'd')).not.toThrow();
    expect(() => assertIsoDate('2025-02-29', 'd')).toThrow('d must be a real date written YYYY-MM-DD, got "2025-02-29"');
    expect(() => assertIsoDate('2025-07-05T00:00', 'd')).toThrow(/YYYY-MM-DD/);
    expect(() => assertIsoDate(20250705, 'd')).toThrow(/got 20250705/);
  });
});

describe('the other date helpers', () => {
  test('daysBetween counts calendar days either way', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2025-07-10', '2025-07-01')).toBe(-9);
  });
  test('dateRange includes both ends; isoWeekday starts on Monday', () => {
    expect(dateRange('2025-12-30', '2026-01-02')).toEqual(['2025-12-30', '2025-12-31', '2026-01-01', '2026-01-02']);
    expect(isoWeekday('2025-07-07')).toBe(1);
    expect(isoWeekday('2025-07-13')).toBe(7);
  });
  test('isIsoDate and isClockTime refuse what is not a real date or time', () => {
    expect(isIsoDate('2025-02-30')).toBe(false);
    expect(isIsoDate(20250705)).toBe(false);
    expect(isClockTime('24:00')).toBe(false);
    expect(isClockTime('06:30')).toBe(true);
  });
});
