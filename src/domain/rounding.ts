/**
 * `x` rounded to `digits` decimals, never negative zero: `Math.round(-0.04)` is `-0`, which a
 * report prints as "-0" and which no longer equals itself after a trip through JSON or PostgreSQL
 * (they write it as 0).
 */
export function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f + 0;
}
