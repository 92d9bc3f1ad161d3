/**
 * The three ways a mission arrives, all checked by the one schema: a file on disk (UTF-8, at most
 * 1 MiB), TOML text that is not on disk, and canonical data (a workflow input).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  canonicalMissionJson,
  loadMissionFile,
  MAX_MISSION_FILE_BYTES,
  MissionConfigError,
  missionFromData,
  missionHash,
  missionValidate,
  parseMissionText,
  shiftMission,
} from '../../../src/mission';
import { useTempDir } from '../../support/temp-dir';

const MISSION_FILES = [
  ...readdirSync('missions').map((f) => path.join('missions', f)),
  ...readdirSync('tests/fixtures/missions').map((f) => path.join('tests/fixtures/missions', f)),
].filter((f) => f.endsWith('.toml'));

const MINIMAL = readFileSync('tests/fixtures/missions/minimal.toml', 'utf8');

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof MissionConfigError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected a MissionConfigError');
}

async function dataOf(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(canonicalMissionJson(await loadMissionFile(file))) as Record<string, unknown>;
}

describe('mission files', () => {
  const dir = useTempDir('lanterne-missions-');

  test('a file of more than 1 MiB is refused by name, in one line, without a count', async () => {
    const file = path.join(dir(), 'huge.toml');
    writeFileSync(file, `${MINIMAL}\n# ${'x'.repeat(MAX_MISSION_FILE_BYTES)}\n`);
    const result = await missionValidate(file, { json: false });
    expect(result).toEqual({
      exitCode: 1,
      output: `mission file ${file} is larger than 1 MiB; a mission file is TOML text of a few kilobytes (is this the right file?)`,
    });
  });

  test('a file of exactly 1 MiB is read', async () => {
    const file = path.join(dir(), 'big.toml');
    const padding = MAX_MISSION_FILE_BYTES - Buffer.byteLength(MINIMAL) - 3;
    writeFileSync(file, `${MINIMAL}\n# ${'x'.repeat(padding)}`);
    expect(readFileSync(file).length).toBe(MAX_MISSION_FILE_BYTES);
    expect((await loadMissionFile(file)).id).toBe('minimal');
  });

  test('a device that never ends is read no further than the limit', async () => {
    const error = await loadMissionFile('/dev/zero').catch((e: unknown) => e);
    expect((error as MissionConfigError).problems).toMatchObject([{ code: 'file_too_large', file: '/dev/zero' }]);
  });
});

describe('mission text that is not on disk', () => {
  test('is checked like a file, named as given', () => {
    expect(parseMissionText(MINIMAL, 'request body').id).toBe('minimal');
    expect(problemsOf(() => parseMissionText(MINIMAL.replace('ftp_w = 200', 'ftp_w = 2000'), 'request body'))).toEqual([
      'request body:8: athlete.ftp_w: 2000 is out of range; accepted: a whole number of watts from 50 to 600',
    ]);
  });

  test('a BOM, a NUL or a lone surrogate is an encoding problem with its offset and line, not a syntax error', () => {
    expect(problemsOf(() => parseMissionText(`\uFEFF${MINIMAL}`, 'x.toml'))).toEqual([
      'x.toml:1: the file starts with a byte order mark (BOM, 0xEF 0xBB 0xBF); TOML files must be UTF-8 without a BOM (in an editor: save as "UTF-8", not "UTF-8 with BOM")',
    ]);
    expect(problemsOf(() => parseMissionText(MINIMAL.replace('name = "Minimal mission"', 'name = "Étape\u0000"'), 'x.toml'))).toEqual([
      'x.toml:3: a NUL byte at offset 95: this is not a text file (a UTF-16 file has one in every other byte); TOML files must be UTF-8 (in an editor: save with the encoding "UTF-8")',
    ]);
    expect(problemsOf(() => parseMissionText(MINIMAL.replace('Minimal mission', 'Minimal \uD83D mission'), 'x.toml'))).toEqual([
      'x.toml:3: a lone UTF-16 surrogate at offset 97, which UTF-8 cannot hold; TOML files must be UTF-8 (in an editor: save with the encoding "UTF-8")',
    ]);
  });
});

describe('missions as canonical data', () => {
  test.each(MISSION_FILES)('%s: as data it is the same mission with the same hash', async (file) => {
    const mission = await loadMissionFile(file);
    const received = missionFromData(JSON.parse(canonicalMissionJson(mission)), 'workflow input');
    expect(received).toEqual(mission);
    expect(missionHash(received)).toBe(missionHash(mission));
  });

  test('a mission moved to another start date travels as data too', async () => {
    const shifted = shiftMission(await loadMissionFile('missions/tdf_sim_2025.toml'), '2026-03-01');
    expect(missionFromData(JSON.parse(canonicalMissionJson(shifted)), 'workflow input')).toEqual(shifted);
  });

  test('problems name the key paths of the data, camelCase and with training as it is nested', async () => {
    const data = await dataOf('tests/fixtures/missions/minimal.toml');
    const athlete = data.athlete as Record<string, unknown>;
    const days = data.days as { type: unknown; training: Record<string, unknown> }[];
    athlete.ftpW = 2500;
    athlete.maxHr = 150;
    days[2].training.durationMin = 5;
    days[1].type = 'hily';
    expect(problemsOf(() => missionFromData(data, 'workflow input'))).toEqual([
      'workflow input: athlete.ftpW: 2500 is out of range; accepted: a whole number of watts from 50 to 600',
      'workflow input: athlete.maxHr: 150 is not above threshold_hr (160); accepted: a max_hr higher than threshold_hr',
      'workflow input: days[1].type: "hily" is not a stage type; accepted: flat, hilly, mountain, itt, ttt, rest (did you mean "hilly"?)',
      'workflow input: days[2].training.durationMin: 5 minutes is too short for a training day (mode = "indoor"); accepted: 10 to 480 minutes, or mode = "rest" for a day off',
    ]);
  });

  test('a key of the file (not of the data), an unknown key and a secret are refused, the secret unshown', async () => {
    const data = await dataOf('tests/fixtures/missions/minimal.toml');
    (data.athlete as Record<string, unknown>).ftp_w = 250;
    (data.planner as Record<string, unknown>).temperature = 0.2;
    (data.notifications as Record<string, unknown>).smtpPassword = 'hunter2';
    const lines = problemsOf(() => missionFromData(data, 'workflow input'));
    expect(lines).toEqual([
      'workflow input: notifications.smtpPassword: secrets and account ids do not belong in mission files (value not shown); set the environment variable SMTP_PASSWORD instead',
      'workflow input: athlete.ftp_w: "ftp_w" is not a key of a canonical mission here; accepted: handle, ftpW, weightKg, thresholdHr, maxHr, restingHr, disciplines',
      'workflow input: planner.temperature: "temperature" is not a key of a canonical mission here; accepted: useLlm, model, language',
    ]);
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  test('valid values that a mission file would not give are not canonical: a wrong index, a key day missing from keyStages, a missing default, a spelling', async () => {
    const cases: [(d: Record<string, any>) => void, string][] = [
      [(d) => (d.days[1].index = 7), 'workflow input: days[1].index: 7 is not canonical; accepted: 1, what the mission\'s rules make of it'],
      [(d) => (d.days[0].importance = 'key'), 'workflow input: goals.keyStages: [] is not canonical; accepted: [0], what the mission\'s rules make of it'],
      [(d) => delete d.days[0].distanceKm, 'workflow input: days[0].distanceKm: is missing; accepted: 0, what the mission\'s rules make of it'],
      [(d) => (d.timezone = 'utc'), 'workflow input: timezone: "utc" is not canonical; accepted: "UTC", what the mission\'s rules make of it'],
    ];
    for (const [change, line] of cases) {
      const data = await dataOf('tests/fixtures/missions/minimal.toml');
      change(data);
      expect(problemsOf(() => missionFromData(data, 'workflow input'))).toEqual([line]);
    }
  });

  test('what is not a mission object is refused in one line', () => {
    for (const value of [null, 'missions/tdf_sim_2025.toml', [1, 2], 42]) {
      expect(problemsOf(() => missionFromData(value, 'workflow input'))).toEqual([
        'workflow input: is not a mission; accepted: a canonical mission, the JSON object that canonicalMissionJson writes',
      ]);
    }
  });
});
