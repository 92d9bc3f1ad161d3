/**
 * The burst benchmark's code path, small (`npm run bench:burst` runs it with 500 missions): on the
 * dev server, with its worker in a process of its own, local servers in Oura's, Strava's and
 * OpenAI's shapes, PostgreSQL and a real SMTP server, a few missions (each its own athlete) and as
 * many bare missions of the same shape wake together. Asserted: the correctness side —
 * every day recorded once in every day table, one e-mail per athlete and none twice, the model's
 * plan used, the bare floor of the same shape — and that the figures are produced. No timing is
 * asserted (the figures are printed by the benchmark, not judged by a test). About a minute:
 * the Lanterne phase waits for the next whole minute at least 10 s away.
 */
import { DAY_TABLES, formatReport, runBurst, type BurstReport } from '../../scripts/bench/burst-run';
import { parseArgs } from '../../scripts/bench/burst';

const N = 4;

describe('the burst benchmark, small', () => {
  let report: BurstReport;

  beforeAll(async () => {
    // The bare phase wakes 10 s after its launch (no wait for a whole minute) and PostgreSQL's
    // transactions are not counted (that waits 11 s per phase): about a minute in all.
    report = await runBurst({ missions: N, workerCounts: [1], leadMs: 10_000, phaseTimeoutMs: 240_000, alignBare: false, countTransactions: false, settingsEnv: {} });
  }, 600_000);

  it('runs every Lanterne day once: one row per mission-day in every day table, N e-mails, no duplicate', () => {
    const l = report.rounds[0].lanterne;
    expect(l.problems).toEqual([]);
    expect(l.asleepAtMinute).toBe(N);
    expect(l.daysCompleted).toBe(N);
    expect(l.rowProblems).toEqual([]);
    expect(l.dayTableRows).toEqual(Object.fromEntries(DAY_TABLES.map((t) => [t, N])));
    expect(Object.values(l.statuses ?? {}).reduce((a, b) => a + b, 0)).toBe(N);
    expect(l.statuses?.failed).toBeUndefined();
    expect(l.emails).toBe(N);
    expect(l.duplicateEmails).toBe(0);
    // Each day took the model's path (the stand-in plans within the limits it is sent) and read both providers.
    expect(l.plans).toEqual({ llm: N });
    const api = report.rounds[0].apiRequests;
    expect(api.openai).toBe(N);
    expect(api.oura).toBeGreaterThanOrEqual(N);
    expect(api.strava).toBeGreaterThanOrEqual(N);
  });

  it('runs the bare floor with the same activities, local activities and child workflows per day', () => {
    const { bare, lanterne } = report.rounds[0];
    expect(bare.problems).toEqual([]);
    expect(bare.daysCompleted).toBe(N);
    const roundTrips = ({ activities, localActivities, childWorkflows }: typeof bare.shape) => ({ activities, localActivities, childWorkflows });
    expect(roundTrips(bare.shape)).toEqual({ activities: 3, localActivities: 1, childWorkflows: 1 });
    expect(roundTrips(lanterne.shape)).toEqual(roundTrips(bare.shape));
  });

  it('produces every figure: latencies, history events, worker RSS, rows, and the measured/baseline/ratio/target lines', () => {
    const { bare, lanterne, idleRssMb } = report.rounds[0];
    for (const f of [bare, lanterne]) {
      expect(f.lastDayS).not.toBeNull();
      expect(f.p50S).not.toBeNull();
      expect(f.p95S).not.toBeNull();
      expect(f.historySample).toBe(N);
      expect(f.parentEventsPerDay).toBeGreaterThan(0);
      expect(f.dayEventsPerDay).toBeGreaterThan(0);
      expect(f.workerPeakRssMb).toHaveLength(1);
      expect(f.workerPeakRssMb[0]).toBeGreaterThan(0);
    }
    expect(idleRssMb[0]).toBeGreaterThan(0);
    expect(lanterne.rowsAdded).toBeGreaterThanOrEqual(N * DAY_TABLES.length);
    const lines = formatReport(report).join('\n');
    for (const label of ['time from the minute to the last day', 'per-mission latency p95', 'history events per mission-day (parent)', 'peak worker RSS', `notifications sent (e-mails received)`, 'duplicate e-mails / duplicate rows']) {
      expect(lines).toMatch(new RegExp(`${label.replace(/[()]/g, '\\$&')}[^\\n]* measured \\S[^\\n]* baseline \\S[^\\n]* ratio \\S+ +target \\S`));
    }
    expect(lines).toContain('LANTERNE_WORKER_MAX_CACHED_WORKFLOWS=');
    expect(lines).not.toContain('PROBLEM');
  });
});

describe('bench:burst arguments', () => {
  it('reads --missions, --workers, --lead and --keep', () => {
    expect(parseArgs([])).toEqual({ missions: 500, workerCounts: [1, 2] });
    expect(parseArgs(['--missions', '100', '--workers', '2', '--lead', '90', '--keep'])).toEqual({ missions: 100, workerCounts: [2], leadMs: 90_000, keep: true });
  });

  it('refuses a bad value or an unknown option in one line naming it', () => {
    expect(() => parseArgs(['--missions', 'many'])).toThrow('--missions "many" is not accepted: use a whole number from 1 to 5000');
    expect(() => parseArgs(['--missions'])).toThrow('--missions (missing value) is not accepted');
    expect(() => parseArgs(['--workers', '1,x'])).toThrow('--workers "x" is not accepted: use a whole number from 1 to 8');
    expect(() => parseArgs(['--mission', '5'])).toThrow('unknown option "--mission"');
  });
});
