import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../support/fake-openai-server';
import { buildOnce, cleanEnv, runCli } from './run-cli';

const MISSION = 'missions/tdf_sim_2025.toml';
// Stage 6, hilly, 75 min: the model's plan below fits its 57–80 TSS band.
const DATE = '2025-07-10';
const PLAN = {
  title: 'Bocage punches',
  sport: 'cycling',
  durationMin: 75,
  intervals: [
    { durationMin: 15, targetPctFtp: 0.6, hrZone: null, cadenceRpm: 90, cue: 'Warm up' },
    ...[1, 2, 3, 4].flatMap((n) => [
      { durationMin: 5, targetPctFtp: 1.0, hrZone: null, cadenceRpm: 80, cue: `Punch ${n}` },
      { durationMin: 5, targetPctFtp: 0.6, hrZone: null, cadenceRpm: 90, cue: 'Recover' },
    ]),
    { durationMin: 20, targetPctFtp: 0.65, hrZone: null, cadenceRpm: 90, cue: 'Steady to the finish' },
  ],
  notes: 'Stand for the last 30 s of each punch.',
  estimatedTss: 60,
};

let openai: FakeOpenAiServer;
let outDir: string;

beforeAll(async () => {
  buildOnce();
  openai = await startFakeOpenAiServer(() => ({ content: JSON.stringify(PLAN) }));
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanterne-cli-out-'));
}, 120_000);

afterAll(async () => {
  await openai?.close();
  fs.rmSync(outDir, { recursive: true, force: true });
});

const synthetic = (extra: NodeJS.ProcessEnv = {}) => cleanEnv({ LANTERNE_OUTPUT_DIR: outDir, ...extra });

describe('lanterne observe', () => {
  it('prints the synthetic athlete’s observation and load as JSON, and writes nothing', async () => {
    const r = await runCli(['observe', '--mission', MISSION, '--date', DATE, '--json'], synthetic());
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.sources).toBe('synthetic');
    expect(out.date).toBe(DATE);
    expect(out.day).toMatchObject({ index: 5, stage: 6, type: 'hilly' });
    expect(out.observation.readiness.source).toBe('synthetic');
    expect(typeof out.observation.readiness.score).toBe('number');
    expect(out.observation.hrv.averageHrvMs).toBeGreaterThan(0);
    expect(Array.isArray(out.observation.missing)).toBe(true);
    expect(out.load.date).toBe(DATE);
    expect(out.load.ctl).toBeGreaterThan(0);
    // No mission training is recorded: the day before the date did nothing.
    expect(out.load.yesterdayTss).toBe(0);
    expect(fs.readdirSync(outDir)).toEqual([]);
  });

  it('prints a readable observation with the load figures', async () => {
    const r = await runCli(['observe', '--mission', MISSION, '--date', DATE], synthetic());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('sources: synthetic athlete');
    expect(r.stdout).toMatch(/readiness \d+ \(synthetic\)/);
    expect(r.stdout).toMatch(/CTL [\d.]+ {2}ATL [\d.]+ {2}TSB -?[\d.]+/);
  });

  it('refuses a date that is not a calendar date, naming the option', async () => {
    const r = await runCli(['observe', '--mission', MISSION, '--date', '2025-02-30'], synthetic());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--date 2025-02-30 is not a calendar date');
    expect(r.stderr).not.toContain('    at ');
  });

  it('names DATABASE_URL when Oura is configured but no database is', async () => {
    const r = await runCli(['observe', '--mission', MISSION, '--date', DATE], synthetic({ OURA_CLIENT_ID: 'id', OURA_CLIENT_SECRET: 's', LANTERNE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'), DATABASE_URL: '' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('DATABASE_URL is not set');
  });
});

describe('lanterne coach --dry-run', () => {
  it('prints decision, rationale, the model’s workout and 3 classes, recording nothing', async () => {
    const before = openai.requests.length;
    const r = await runCli(['coach', '--mission', MISSION, '--date', DATE, '--dry-run', '--json'], synthetic({ OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: openai.baseUrl, OPENAI_MAX_RETRIES: '0' }));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.decision.date).toBe(DATE);
    expect(['as_planned', 'modify_intensity', 'reduce_volume', 'recovery', 'rest']).toContain(out.decision.decision);
    expect(out.decision.rationale.length).toBeGreaterThan(0);
    expect(out.workout.source).toBe('llm');
    expect(out.workout.title).toBe('Bocage punches');
    expect(out.workout.intervals).toHaveLength(10);
    expect(out.classes).toHaveLength(3);
    expect(openai.requests.length).toBe(before + 1);
    // the athlete's handle never reaches the model
    expect(openai.requests[openai.requests.length - 1]!.raw).not.toContain('"rider"');
    expect(fs.readdirSync(outDir)).toEqual([]);
  });

  it('shows the intervals as a table and says it was a dry run', async () => {
    const r = await runCli(['coach', '--mission', MISSION, '--date', DATE, '--dry-run'], synthetic());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/decision \w+ — readiness \w+/);
    expect(r.stdout).toMatch(/#\s+min\s+%FTP\s+watts\s+HR\s+rpm\s+cue/);
    expect(r.stdout).toContain('fallback: no model configured');
    expect(r.stdout.match(/^ {2}\d\. /gm)).toHaveLength(3);
    expect(r.stdout).toContain('dry run: nothing was recorded');
  });

  it('refuses to run without --dry-run, saying where the real run happens', async () => {
    const r = await runCli(['coach', '--mission', MISSION, '--date', DATE], synthetic());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('only runs as --dry-run');
    expect(r.stderr).toContain('mission workflow');
  });

  it('refuses a date outside the mission with its range', async () => {
    const r = await runCli(['coach', '--mission', MISSION, '--date', '2025-08-01', '--dry-run'], synthetic());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--date 2025-08-01 is not a day of mission tdf_sim_2025');
    expect(r.stderr).toContain('2025-07-05 to 2025-07-27');
  });
});
