/** R6 dashboard, as npm run reliability runs it (it is small): every page and form behind its token, CSRF and Origin checks, no cross-athlete access, XSS inert, sign-in limited, security headers. */
import { figureMet } from '../../scripts/reliability/figures';
import { runDashboardChecks } from '../../scripts/reliability/r6-dashboard';

jest.setTimeout(15 * 60_000);

test('R6: the dashboard guards every page and form', async () => {
  const report = await runDashboardChecks();
  expect(report.notes).toEqual([]);
  expect(report.figures.filter((f) => !figureMet(f))).toEqual([]);
});
