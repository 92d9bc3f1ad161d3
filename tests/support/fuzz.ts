/**
 * Settings of the property-based (fast-check) tests. They run seeded and bounded in `npm test`;
 * a longer run sets more iterations and, to explore further, another seed:
 *
 *   FUZZ_RUNS=20000 FUZZ_SEED=7 npx jest tests/unit/mission/mission-fuzz.test.ts --runInBand
 *
 * A failure prints the seed and the path of the counterexample, so it can be replayed.
 */
import type fc from 'fast-check';

const DEFAULT_SEED = 20_250_705;

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name}=${JSON.stringify(text)} is not accepted; use a whole number of 1 or more`);
  return n;
}

/** `FUZZ_RUNS` (iterations per property, else `defaultRuns`) and `FUZZ_SEED` (else a fixed seed). */
export function fuzzParameters<T>(defaultRuns: number): fc.Parameters<T> {
  return {
    numRuns: positiveInt('FUZZ_RUNS', process.env.FUZZ_RUNS) ?? defaultRuns,
    seed: positiveInt('FUZZ_SEED', process.env.FUZZ_SEED) ?? DEFAULT_SEED,
  };
}
