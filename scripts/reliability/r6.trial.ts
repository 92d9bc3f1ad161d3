/** R6: the dashboard's guards, checked on every page and form it serves (see r6-dashboard.ts). */
import { figureMet, writeReport } from './figures';
import { runDashboardChecks } from './r6-dashboard';

test('R6 dashboard', async () => {
  const report = await runDashboardChecks();
  writeReport(report);
  expect(report.notes).toEqual([]);
  expect(report.figures.filter((f) => !figureMet(f))).toEqual([]);
});
