import { roundTo } from '../../../src/domain/rounding';

describe('roundTo', () => {
  it('rounds to the given decimals', () => {
    expect(roundTo(42.94, 1)).toBe(42.9);
    expect(roundTo(42.95, 1)).toBe(43);
    expect(roundTo(-3.14159, 2)).toBe(-3.14);
    expect(roundTo(7.5, 0)).toBe(8);
  });

  it('never gives negative zero (a CTL equal to the ATL but for rounding is a TSB of 0, not -0)', () => {
    for (const x of [-0.04, -0.0001, -0]) {
      expect(Object.is(roundTo(x, 1), 0)).toBe(true);
      expect(String(roundTo(x, 1))).toBe('0');
    }
    expect(Object.is(roundTo(42.9 - 42.94, 1), 0)).toBe(true);
  });
});
