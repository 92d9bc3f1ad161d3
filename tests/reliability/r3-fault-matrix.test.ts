/**
 * R3 fault matrix, small (npm run reliability runs all 30 cells): three cells, each a different
 * service and fault; the day still gets a decision marked degraded with the reason, retries within
 * policy, nothing delivered twice, the next day normal.
 */
import { figureMet } from '../../scripts/reliability/figures';
import { runFaultMatrix } from '../../scripts/reliability/r3-fault-matrix';

jest.setTimeout(15 * 60_000);

test('R3: a 5xx from Oura, a malformed OpenAI answer and refused SMTP logins each degrade one day', async () => {
  const report = await runFaultMatrix({
    cells: [
      { service: 'oura', fault: '5xx' },
      { service: 'openai', fault: 'malformed' },
      { service: 'smtp', fault: 'auth' },
    ],
    concurrency: 3,
  });
  expect(report.trials).toBe(3);
  expect(report.notes).toEqual([]);
  expect(report.figures.filter((f) => !figureMet(f))).toEqual([]);
});
