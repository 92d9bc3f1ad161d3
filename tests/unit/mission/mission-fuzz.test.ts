/**
 * Properties of the mission loader, checked on generated input (fast-check, seeded; FUZZ_RUNS and
 * FUZZ_SEED make a longer run, see tests/support/fuzz.ts): whatever the text, bytes or data, the
 * loader answers with a mission or a MissionConfigError whose every problem is one line naming a
 * key path or a line; a valid mission always loads and survives the trip as canonical data.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { MissionConfig } from '../../../src/domain/types';
import {
  canonicalMissionJson,
  formatProblem,
  formatProblems,
  loadMissionFile,
  MissionConfigError,
  missionFromData,
  missionHash,
  parseMissionText,
  PROBLEM_CODES,
} from '../../../src/mission';
import { firstInvalidUtf8 } from '../../../src/mission/text-encoding';
import { fuzzParameters } from '../../support/fuzz';
import { useTempDir } from '../../support/temp-dir';
import {
  canonicalMissionData,
  editedMissionText,
  missionBytes,
  mutatedMissionData,
  mutatedMissionText,
  secretPlantedMission,
  tomlishText,
  validMission,
} from '../../support/mission-arbitraries';

const SOURCE = 'fuzz/mission.toml';

/** The mission, or the MissionConfigError; anything else thrown fails the property. */
function outcome(load: () => MissionConfig): MissionConfig | MissionConfigError {
  try {
    return load();
  } catch (err) {
    if (err instanceof MissionConfigError) return err;
    throw err;
  }
}

/** Every problem: of this source, a known code, one line, naming a key path or a line. */
function expectClearProblems(error: MissionConfigError, source: string): void {
  expect(error.problems.length).toBeGreaterThan(0);
  for (const p of error.problems) {
    expect(p.file).toBe(source);
    expect(PROBLEM_CODES).toContain(p.code);
    expect(p.line !== null || p.path !== '').toBe(true);
    expect(formatProblem(p)).not.toMatch(/[\n\r]/);
  }
  expect(error.message).toBe(formatProblems(error.problems));
}

function expectMissionOrClearError(load: () => MissionConfig, source = SOURCE): void {
  const result = outcome(load);
  if (result instanceof MissionConfigError) expectClearProblems(result, source);
}

describe('the mission loader on generated input', () => {
  test.each([
    ['TOML-ish text', tomlishText, 200],
    ['a valid mission with keys deleted, replaced, added or repeated', mutatedMissionText, 60],
    ['a valid mission with characters edited here and there', editedMissionText, 100],
  ] as const)('%s: a mission or problems that each name a key path or line', (_, texts, runs) => {
    fc.assert(
      fc.property(texts, (text) => expectMissionOrClearError(() => parseMissionText(text, SOURCE))),
      fuzzParameters(runs),
    );
  });

  test('a valid mission always loads, and as canonical data it is the same mission with the same hash', () => {
    fc.assert(
      fc.property(validMission, (m) => {
        const mission = parseMissionText(m.text, SOURCE);
        expect(mission.id).toBe(m.expected.id);
        expect(mission.startDate).toBe(m.expected.startDate);
        expect(mission.days).toHaveLength(m.expected.days);
        const received = missionFromData(JSON.parse(canonicalMissionJson(mission)), 'workflow input');
        expect(received).toEqual(mission);
        expect(missionHash(received)).toBe(missionHash(mission));
      }),
      fuzzParameters(30),
    );
  });

  test('a secret planted anywhere is refused and never echoed', () => {
    fc.assert(
      fc.property(secretPlantedMission, ({ text, secret }) => {
        const result = outcome(() => parseMissionText(text, SOURCE));
        expect(result).toBeInstanceOf(MissionConfigError);
        const error = result as MissionConfigError;
        expect(error.problems.map((p) => p.code)).toContain('secret');
        expect(`${error.message}\n${JSON.stringify(error.problems)}`).not.toContain(secret);
      }),
      fuzzParameters(30),
    );
  });
});

describe('mission files as bytes', () => {
  const dir = useTempDir('lanterne-fuzz-');

  test('bytes that are not UTF-8 get one problem naming the line; any other bytes a mission or clear problems', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(missionBytes, async (bytes) => {
        const file = path.join(dir(), `m${n++}.toml`);
        writeFileSync(file, bytes);
        const result = await loadMissionFile(file).catch((err: unknown) => {
          if (err instanceof MissionConfigError) return err;
          throw err;
        });
        if (!(result instanceof MissionConfigError)) return;
        expectClearProblems(result, file);
        if (firstInvalidUtf8(bytes) >= 0) {
          expect(result.problems).toHaveLength(1);
          expect(result.problems[0]).toMatchObject({ code: 'not_utf8', path: '' });
          expect(result.problems[0].message).toMatch(/TOML files must be UTF-8/);
        }
      }),
      fuzzParameters(100),
    );
  });
});

describe('missions as data on generated input', () => {
  test('any JSON value is refused with one-line problems, each naming a key path in an object', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = outcome(() => missionFromData(value, 'workflow input'));
        expect(result).toBeInstanceOf(MissionConfigError);
        const error = result as MissionConfigError;
        const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
        for (const p of error.problems) {
          expect(p).toMatchObject({ file: 'workflow input', line: null });
          expect(PROBLEM_CODES).toContain(p.code);
          expect(formatProblem(p)).not.toMatch(/[\n\r]/);
          if (isObject) expect(p.path).not.toBe('');
        }
      }),
      fuzzParameters(200),
    );
  });

  test('canonical data with values deleted, replaced or added: the data itself when it is still canonical, else problems with key paths', () => {
    fc.assert(
      fc.property(mutatedMissionData, (data) => {
        const result = outcome(() => missionFromData(data, 'workflow input'));
        if (!(result instanceof MissionConfigError)) {
          expect(JSON.parse(canonicalMissionJson(result))).toEqual(data);
          return;
        }
        expect(result.problems.length).toBeGreaterThan(0);
        for (const p of result.problems) {
          expect(p.path).not.toBe('');
          expect(formatProblem(p)).not.toMatch(/[\n\r]/);
        }
      }),
      fuzzParameters(50),
    );
  });

  test('canonical data of a valid mission is accepted as it is', () => {
    fc.assert(
      fc.property(canonicalMissionData, (data) => {
        expect(JSON.parse(canonicalMissionJson(missionFromData(data, 'workflow input')))).toEqual(data);
      }),
      fuzzParameters(15),
    );
  });
});
