import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildOnce, cleanEnv, runCli } from './run-cli';

beforeAll(() => buildOnce(), 120_000);

describe('lanterne evaluate', () => {
  it('prints the three policies and the targets, writes JSON and HTML, and shows no progress bar off a terminal', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-evaluate-'));
    try {
      const r = await runCli(['evaluate', '--athletes', '2', '--seed', 'ci', '--output', out], cleanEnv());
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Tour de France 2025 simulation (missions/tdf_sim_2025.toml): 2 synthetic athletes, seed ci, 23 days');
      expect(r.stdout).toMatch(/metric\s+Lanterne \(adaptive\)\s+fixed plan\s+readiness-naive \(weekly cap\)/);
      expect(r.stdout).toMatch(/rest or recovery on 100 % of sick days\s+.+\s+(met|missed)/);
      expect(r.stderr).toBe('');
      const json = JSON.parse(fs.readFileSync(path.join(out, 'evaluation.json'), 'utf8'));
      expect(json).toMatchObject({ athletes: 2, seed: 'ci', mission: { id: 'tdf_sim_2025', days: 23 } });
      expect(Object.keys(json.policies)).toEqual(['lanterne', 'fixed', 'naive']);
      expect(fs.readFileSync(path.join(out, 'evaluation.html'), 'utf8')).toContain('Fitness, fatigue and form across the cohort');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('gives the same figures for the same seed', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-evaluate-'));
    const a = await runCli(['evaluate', '--athletes', '1', '--seed', 'same', '--json', '--output', out], cleanEnv());
    const b = await runCli(['evaluate', '--athletes', '1', '--seed', 'same', '--json', '--output', out], cleanEnv());
    fs.rmSync(out, { recursive: true, force: true });
    const strip = (s: string) => {
      const j = JSON.parse(s);
      expect(j.policies.lanterne.athletes).toHaveLength(1);
      delete j.seconds;
      return j;
    };
    expect(strip(a.stdout)).toEqual(strip(b.stdout));
  }, 120_000);

  it('refuses a bad seed, a bad cohort size and a missing mission file with one line each', async () => {
    const seed = await runCli(['evaluate', '--seed', 'no spaces'], cleanEnv());
    expect(seed.code).toBe(1);
    expect(seed.stderr).toContain('--seed "no spaces" is not accepted');
    const n = await runCli(['evaluate', '--athletes', '0'], cleanEnv());
    expect(n.code).toBe(1);
    expect(n.stderr).toContain('--athletes 0 is not a whole number ≥ 1');
    const missing = await runCli(['evaluate', '--mission', 'missions/nope.toml'], cleanEnv());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.toml');
    for (const r of [seed, n, missing]) expect(r.stderr).not.toContain('    at ');
  }, 120_000);
});
