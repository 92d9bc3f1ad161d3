/** Pure helpers: parseMissionText, shiftMission, dayForDate, canonical JSON and hash, key locations. */
import { readFileSync } from 'node:fs';
import {
  canonicalMissionJson,
  dayForDate,
  loadMissionFile,
  MissionConfigError,
  missionHash,
  parseMissionText,
  shiftMission,
} from '../../../src/mission';
import { closestMatch, levenshtein } from '../../../src/mission/closest-match';
import { locateKeys } from '../../../src/mission/toml-locations';

const SMALL = `
id = "small"
name = "Small"
timezone = "Europe/Paris"
run_time = "07:15"
start_date = 2025-07-05

[athlete]
handle = "rider"
ftp_w = 250
weight_kg = 72
threshold_hr = 165
max_hr = 185

[goals]
key_stages = [2]

[[days]]
stage = 1
date = 2025-07-05
type = "flat"

[[days]]
date = 2025-07-06
type = "rest"

[[days]]
stage = 2
day = 2
type = "mountain"
duration_min = 100
`;

/** The same mission with tables and keys in another order. */
const SMALL_REORDERED = `
start_date = 2025-07-05
run_time = "07:15"
timezone = "Europe/Paris"
name = "Small"
id = "small"

[goals]
key_stages = [2]

[athlete]
max_hr = 185
threshold_hr = 165
weight_kg = 72
ftp_w = 250
handle = "rider"

[[days]]
type = "flat"
date = 2025-07-05
stage = 1

[[days]]
type = "rest"
date = 2025-07-06

[[days]]
duration_min = 100
type = "mountain"
day = 2
stage = 2
`;

function problemsOf(text: string, file = 'x.toml'): string[] {
  try {
    parseMissionText(text, file);
  } catch (e) {
    if (e instanceof MissionConfigError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected a MissionConfigError');
}

describe('parseMissionText', () => {
  test('mixes dates and day offsets, resolving offsets from start_date', () => {
    const m = parseMissionText(SMALL, 'small.toml');
    expect(m.days.map((d) => d.date)).toEqual(['2025-07-05', '2025-07-06', '2025-07-07']);
    expect(m.days[2]).toMatchObject({ stage: 2, importance: 'key', name: 'Stage 2', training: { mode: 'indoor', durationMin: 100 } });
  });

  test('a TOML syntax error names the line of the mistake', () => {
    const lines = SMALL.split('\n');
    lines[8] = 'handle = "rider'; // an unterminated string on line 9
    expect(problemsOf(lines.join('\n'), 'missions/small.toml')).toEqual([
      'missions/small.toml:9: TOML syntax error at column 16: control characters are not allowed in strings',
    ]);
  });

  test('accepts quoted dates and TOML local times for run_time', () => {
    const text = SMALL.replace('start_date = 2025-07-05', 'start_date = "2025-07-05"').replace('run_time = "07:15"', 'run_time = 07:15:00');
    expect(parseMissionText(text, 'x.toml')).toEqual(parseMissionText(SMALL, 'x.toml'));
  });

  test('a time with seconds is not a run time', () => {
    expect(problemsOf(SMALL.replace('run_time = "07:15"', 'run_time = 07:15:30'))).toEqual([
      'x.toml:5: run_time: 07:15:30 is not a time HH:MM; accepted: a 24-hour time "HH:MM" from "00:00" to "23:59", e.g. "06:30"',
    ]);
  });

  test('timezone names are stored in their canonical IANA spelling', () => {
    expect(parseMissionText(SMALL.replace('Europe/Paris', 'europe/paris'), 'x.toml').timezone).toBe('Europe/Paris');
  });

  test('nonexistent dates written as TOML dates are caught (the TOML parser would roll them over)', () => {
    expect(problemsOf(SMALL.replace('start_date = 2025-07-05', 'start_date = 2025-06-31'))).toEqual([
      'x.toml:6: start_date: 2025-06-31 is not a date that exists; accepted: a calendar date YYYY-MM-DD, e.g. 2025-07-05',
    ]);
  });

  test('several unknown keys each get their own suggestion', () => {
    const text = SMALL.replace('threshold_hr = 165', 'treshold_hr = 165').replace('type = "flat"', 'typ = "flat"');
    expect(problemsOf(text)).toEqual([
      'x.toml:12: athlete.treshold_hr: "treshold_hr" is not a key of [athlete]; accepted: handle, ftp_w, weight_kg, threshold_hr, max_hr, resting_hr, disciplines (did you mean "threshold_hr"?)',
      'x.toml:21: days[0].typ: "typ" is not a key of [[days]]; accepted: stage, date, day, name, start, finish, distance_km, elevation_m, type, importance, mode, duration_min, focus, notes (did you mean "type"?)',
    ]);
  });

  test('an empty list of disciplines shows what was found', () => {
    expect(problemsOf(SMALL.replace('max_hr = 185', 'max_hr = 185\ndisciplines = []'))).toEqual([
      'x.toml:14: athlete.disciplines: [] is empty; accepted: a list of one or more of: cycling, running, strength, yoga, walking',
    ]);
  });

  test('a key named __proto__ is refused, not taken for the object prototype', () => {
    expect(problemsOf(SMALL.replace('[goals]', '__proto__ = { ftp_w = 1 }\n\n[goals]'))).toEqual([
      'x.toml:15: athlete.__proto__: "__proto__" is not a mission key; accepted: the keys of docs/missions.md',
    ]);
  });

  test('a key far from every known key gets no suggestion', () => {
    expect(problemsOf(SMALL.replace('[goals]', 'favourite_colour = "red"\n\n[goals]'))).toEqual([
      'x.toml:15: athlete.favourite_colour: "favourite_colour" is not a key of [athlete]; accepted: handle, ftp_w, weight_kg, threshold_hr, max_hr, resting_hr, disciplines',
    ]);
  });
});

describe('secrets anywhere in the file', () => {
  test('a token inside a day and a secret in an inline table are refused without echoing them', () => {
    const text = SMALL.replace('type = "rest"', 'type = "rest"\npeloton_token = "abc123secret"').replace(
      'key_stages = [2]',
      'key_stages = [2]\nstrava = { client_secret = "s3cr3t-value", refresh_token = "r3fr3sh" }',
    );
    const lines = problemsOf(text);
    expect(lines).toEqual([
      'x.toml:17: goals.strava.client_secret: secrets and account ids do not belong in mission files (value not shown); set the environment variable STRAVA_CLIENT_SECRET instead',
      "x.toml:17: goals.strava.refresh_token: secrets and account ids do not belong in mission files (value not shown); run `lanterne connect strava` instead (tokens are kept in Lanterne's encrypted token store)",
      'x.toml:27: days[1].peloton_token: secrets and account ids do not belong in mission files (value not shown); set the environment variable PELOTON_BEARER_TOKEN instead',
    ]);
    for (const secret of ['abc123secret', 's3cr3t-value', 'r3fr3sh']) expect(lines.join('\n')).not.toContain(secret);
  });
});

describe('valid edge cases', () => {
  test('a stage day skipped with mode = "rest" gets 0 minutes; channels may be empty; quiet hours may cross midnight', () => {
    const text = SMALL.replace('type = "mountain"\nduration_min = 100', 'type = "mountain"\nmode = "rest"').replace(
      '[goals]',
      '[notifications]\nchannels = []\nquiet_hours = { start = "23:30", end = "05:00" }\n\n[goals]',
    );
    const m = parseMissionText(text, 'x.toml');
    expect(m.days[2].training).toEqual({ mode: 'rest', durationMin: 0, focus: 'rest and recovery' });
    expect(m.notifications).toEqual({ channels: [], quietHours: { start: '23:30', end: '05:00' } });
  });

  test('a directory is not a mission file: one line', async () => {
    const error = await loadMissionFile('missions').catch((e: unknown) => e);
    expect((error as MissionConfigError).message).toBe('cannot read mission file missions: it is a directory');
  });
});

describe('shiftMission', () => {
  test('moves every day by the same offset and leaves the original untouched', () => {
    const m = parseMissionText(SMALL, 'x.toml');
    const before = JSON.stringify(m);
    const shifted = shiftMission(m, '2026-01-30');
    expect(shifted.startDate).toBe('2026-01-30');
    expect(shifted.days.map((d) => d.date)).toEqual(['2026-01-30', '2026-01-31', '2026-02-01']);
    expect(shifted.days.map((d) => [d.index, d.stage, d.type])).toEqual(m.days.map((d) => [d.index, d.stage, d.type]));
    expect(JSON.stringify(m)).toBe(before);
  });

  test('can move a mission back in time and across a leap day', async () => {
    const tdf = await loadMissionFile('missions/tdf_sim_2025.toml');
    const shifted = shiftMission(tdf, '2024-02-20');
    expect(shifted.days[9].date).toBe('2024-02-29');
    expect(shifted.days[22].date).toBe('2024-03-13');
    expect(dayForDate(shifted, '2024-02-29')?.stage).toBe(10);
  });

  test('rejects a date that does not exist', () => {
    expect(() => shiftMission(parseMissionText(SMALL, 'x.toml'), '2025-02-30')).toThrow('new start date "2025-02-30" is not a calendar date; accepted: YYYY-MM-DD');
  });
});

describe('dayForDate', () => {
  test('finds the day of a date and null outside the mission', async () => {
    const tdf = await loadMissionFile('missions/tdf_sim_2025.toml');
    expect(dayForDate(tdf, '2025-07-24')).toMatchObject({ stage: 18, index: 19, importance: 'key' });
    expect(dayForDate(tdf, '2025-07-21')).toMatchObject({ stage: null, type: 'rest' });
    expect(dayForDate(tdf, '2025-07-04')).toBeNull();
    expect(dayForDate(tdf, '2025-07-28')).toBeNull();
    expect(dayForDate(tdf, 'not a date')).toBeNull();
  });
});

describe('canonical JSON and hash', () => {
  test('do not depend on the order of keys and tables in the TOML', () => {
    const a = parseMissionText(SMALL, 'a.toml');
    const b = parseMissionText(SMALL_REORDERED, 'b.toml');
    expect(canonicalMissionJson(a)).toBe(canonicalMissionJson(b));
    expect(missionHash(a)).toBe(missionHash(b));
  });

  test('do not depend on the key order of the object either', () => {
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverseKeys)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]))
          : v;
    const m = parseMissionText(SMALL, 'x.toml');
    const reversed = reverseKeys(m) as typeof m;
    expect(JSON.stringify(reversed)).not.toBe(JSON.stringify(m));
    expect(canonicalMissionJson(reversed)).toBe(canonicalMissionJson(m));
    expect(missionHash(reversed)).toBe(missionHash(m));
  });

  test('is stable: keys sorted at every level, no whitespace, a sha256 hex digest', () => {
    const m = parseMissionText(SMALL, 'x.toml');
    const json = canonicalMissionJson(m);
    expect(json.startsWith('{"athlete":{"disciplines":["cycling"],"ftpW":250,')).toBe(true);
    expect(json).not.toMatch(/\s"|":\s/);
    expect(JSON.parse(json)).toEqual(m);
    expect(missionHash(m)).toMatch(/^[0-9a-f]{64}$/);
    expect(missionHash(m)).toBe(missionHash(parseMissionText(SMALL, 'x.toml')));
  });

  test('changes when the content changes', () => {
    const base = missionHash(parseMissionText(SMALL, 'x.toml'));
    expect(missionHash(parseMissionText(SMALL.replace('ftp_w = 250', 'ftp_w = 251'), 'x.toml'))).not.toBe(base);
    expect(missionHash(parseMissionText(SMALL.replace('duration_min = 100', 'duration_min = 101'), 'x.toml'))).not.toBe(base);
    expect(missionHash(shiftMission(parseMissionText(SMALL, 'x.toml'), '2025-07-06'))).not.toBe(base);
  });

  test('a comment in the file does not change the hash', () => {
    expect(missionHash(parseMissionText(`# my notes\n${SMALL}`, 'x.toml'))).toBe(missionHash(parseMissionText(SMALL, 'x.toml')));
  });
});

describe('key locations', () => {
  test('finds lines of keys in tables, arrays of tables, inline tables and multi-line arrays', () => {
    const source = [
      'id = "x"', // 1
      'notes = """', // 2
      'a = "not a key"', // 3
      '"""', // 4
      '[goals]', // 5
      'key_stages = [', // 6
      '  12, # a comment', // 7
      '  18,', // 8
      ']', // 9
      '[notifications]', // 10
      "quiet_hours = { start = '22:00', end = \"06:00\" }", // 11
      '[[days]]', // 12
      'type = "flat"', // 13
      '[[days]]', // 14
      'date = 2025-02-30', // 15
      'athlete.handle = "dotted"', // 16
    ].join('\n');
    const at = locateKeys(source);
    expect(at.lineOf(['id'])).toBe(1);
    expect(at.lineOf(['a'])).toBeNull();
    expect(at.lineOf(['goals', 'key_stages'])).toBe(6);
    expect(at.lineOf(['goals', 'key_stages', 1])).toBe(8);
    expect(at.rawOf(['goals', 'key_stages', 1])).toBe('18');
    expect(at.lineOf(['notifications', 'quiet_hours', 'end'])).toBe(11);
    expect(at.rawOf(['notifications', 'quiet_hours', 'start'])).toBe("'22:00'");
    expect(at.lineOf(['days', 0, 'type'])).toBe(13);
    expect(at.lineOf(['days', 1])).toBe(14);
    expect(at.lineOf(['days', 1, 'missing_key'])).toBe(14);
    expect(at.rawOf(['days', 1, 'date'])).toBe('2025-02-30');
    expect(at.lineOf(['days', 1, 'athlete', 'handle'])).toBe(16);
  });

  test('every key of the shipped TdF mission is found on the line where it is written', () => {
    const source = readFileSync('missions/tdf_sim_2025.toml', 'utf8');
    const lines = source.split('\n');
    const at = locateKeys(source);
    const line = at.lineOf(['days', 17, 'stage']);
    expect(lines[(line as number) - 1]).toBe('stage = 16');
    expect(lines[(at.lineOf(['days', 10, 'type']) as number) - 1]).toBe('type = "rest"');
    expect(lines[(at.lineOf(['goals', 'key_stages']) as number) - 1]).toMatch(/^key_stages = \[12, 16, 18\]/);
  });
});

describe('closest match', () => {
  test('levenshtein distance', () => {
    expect(levenshtein('hily', 'hilly')).toBe(1);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
  });

  test('suggests plausible typos only', () => {
    expect(closestMatch('ftp', ['handle', 'ftp_w', 'weight_kg'])).toBe('ftp_w');
    expect(closestMatch('Mountain', ['flat', 'hilly', 'mountain'])).toBe('mountain');
    expect(closestMatch('zzz', ['flat', 'hilly', 'mountain'])).toBeNull();
  });
});
