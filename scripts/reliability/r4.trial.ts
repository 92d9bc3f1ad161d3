/**
 * R4 at its full count: the whole corpus, 300 generated inputs per fuzz property and 40 generated
 * overrides sent to the workflow (see r4-bad-input.ts). RELIABILITY_SEED picks the fuzz seed.
 */
import { figureMet, writeReport } from './figures';
import { runBadInput } from './r4-bad-input';

test('R4 bad input', async () => {
  const seed = process.env.RELIABILITY_SEED ? Number(process.env.RELIABILITY_SEED) : 20_250_705;
  const report = await runBadInput({ fuzzRuns: 300, liveFuzz: 40, seed });
  writeReport(report);
  expect(report.notes).toEqual([]);
  expect(report.figures.filter((f) => !figureMet(f))).toEqual([]);
});
