import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildOnce, cleanEnv, runCli } from './run-cli';

beforeAll(() => buildOnce(), 120_000);

describe('lanterne simulate', () => {
  it('runs the whole Tour de France mission and prints one decided row per day', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-sim-out-'));
    try {
      const r = await runCli(['simulate', 'missions/tdf_sim_2025.toml', '--json', '--output', out], cleanEnv({ DATABASE_URL: process.env.DATABASE_URL }));
      expect(r.code).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.days).toHaveLength(23);
      expect(result.days.map((d: { missionDate: string }) => d.missionDate)[0]).toBe('2025-07-05');
      expect(result.days.map((d: { missionDate: string }) => d.missionDate)[22]).toBe('2025-07-27');
      for (const d of result.days) {
        expect(d.decision).toEqual(expect.stringMatching(/^(as_planned|modify_intensity|reduce_volume|recovery|rest)$/));
        expect(d.status).toMatch(/^(ok|degraded)$/);
        expect(typeof d.ctl).toBe('number');
      }
      // the two rest days of the Tour are rest decisions with no load
      expect(result.days.filter((d: { stage: number | null }) => d.stage === null).map((d: { decision: string; tss: number }) => [d.decision, d.tss])).toEqual([
        ['rest', 0],
        ['rest', 0],
      ]);
      // consecutive dates from the start
      const dates = result.days.map((d: { date: string }) => d.date);
      expect(new Set(dates).size).toBe(23);
      // progress went to stderr, reports to --output, no notification left
      expect(r.stderr).toContain('23/23');
      expect(fs.readdirSync(path.join(out, 'rider', 'tdf_sim_2025'))).toEqual(expect.arrayContaining([`${dates[0]}.md`, `${dates[22]}.html`, 'summary.json']));
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('--days limits the run and the table to the first days', async () => {
    const r = await runCli(['simulate', 'missions/tdf_sim_2025.toml', '--days', '3'], cleanEnv({ DATABASE_URL: process.env.DATABASE_URL }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 of 23 days simulated');
    const rows = r.stdout.split('\n').filter((l) => /^\s+\d+\s+\d{4}-\d{2}-\d{2}/.test(l));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/stage 1\s+ok\s+\w+/);
  }, 120_000);

  it('refuses a start date in the past and a bad --days before starting anything', async () => {
    const past = await runCli(['simulate', 'missions/tdf_sim_2025.toml', '--start-date', '2020-01-01'], cleanEnv());
    expect(past.code).toBe(1);
    expect(past.stderr).toContain('--start-date 2020-01-01 is in the past');
    const days = await runCli(['simulate', 'missions/tdf_sim_2025.toml', '--days', '0'], cleanEnv());
    expect(days.code).toBe(1);
    expect(days.stderr).toContain('--days 0 is not a whole number ≥ 1');
    expect(days.stderr).not.toContain('unexpected');
  });
});
