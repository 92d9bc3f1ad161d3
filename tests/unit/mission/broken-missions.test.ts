/**
 * A corpus of broken mission files, each with the exact lines `lanterne mission validate` prints.
 * `@` stands for the file's path. Every file of tests/fixtures/missions/broken/ must be listed here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadMissionFile, missionValidate, MissionConfigError, formatProblems, PROBLEM_CODES } from '../../../src/mission';

const DIR = 'tests/fixtures/missions/broken';

const EXPECTED: [file: string, lines: string[]][] = [
  ['athlete-list-of-tables.toml', [
    '@:7: athlete: [[athlete]] is a list of tables; accepted: a single table [athlete] (one pair of brackets)',
  ]],
  ['bad-channel.toml', [
    '@:29: notifications.channels[1]: "e-mail" is not a channel; accepted: email, sms, twilio (did you mean "email"?)',
    '@:29: notifications.channels[2]: "email" is listed twice; accepted: each channel once',
  ]],
  ['bad-id-and-handle.toml', [
    '@:1: id: "Tour 2025" is not a mission id; accepted: lowercase letters, digits, "_" and "-", up to 64 characters, starting with a letter or digit, e.g. "tdf_sim_2025"',
    '@:8: athlete.handle: "12345678" is not a handle; accepted: a short name (a letter, then letters, digits, "_", "." or "-"; up to 32 characters), never an account number',
  ]],
  ['bad-language.toml', [
    '@:29: planner.language: "english" is not a language tag; accepted: a BCP 47 language tag such as "en", "fr" or "en-GB"',
    '@:30: planner.model: "" is not a model name; accepted: an OpenAI model name such as "gpt-4o-mini"',
  ]],
  ['bad-mode-and-importance.toml', [
    '@:27: days[2].mode: "outside" is not a training mode; accepted: indoor, outdoor, rest',
    '@:28: days[2].importance: "critical" is not an importance level; accepted: low, normal, high, key',
  ]],
  ['bad-run-time.toml', [
    '@:4: run_time: "6:30" is not a time HH:MM; accepted: a 24-hour time "HH:MM" from "00:00" to "23:59", e.g. "06:30"',
  ]],
  ['bad-stage-type.toml', [
    '@:26: days[2].type: "hily" is not a stage type; accepted: flat, hilly, mountain, itt, ttt, rest (did you mean "hilly"?)',
  ]],
  ['bad-timezone.toml', [
    '@:3: timezone: "Europe/Pari" is not an IANA timezone; accepted: an IANA timezone name such as "Europe/Paris" or "America/Denver" (did you mean "Europe/Paris"?)',
  ]],
  ['channels-not-a-list.toml', [
    '@:29: notifications.channels: "email" is a string, not a list; accepted: a list of: email, sms, twilio (may be empty)',
  ]],
  ['date-and-day.toml', [
    '@:21: days[1]: has both date and day; accepted: either date = YYYY-MM-DD or day = <days after start_date>, not both',
  ]],
  ['date-with-time.toml', [
    '@:25: days[2].date: 2025-07-07T09:00:00 is a date-time; accepted: a calendar date YYYY-MM-DD, e.g. 2025-07-05',
  ]],
  ['days-single-table.toml', [
    '@:14: days: [days] is a single table; accepted: one or more [[days]] tables, written with two pairs of brackets',
  ]],
  ['duplicate-stage.toml', [
    '@:24: days[2].stage: 1 is already days[0]; accepted: each stage number once',
  ]],
  ['empty-days.toml', [
    '@:6: days: [] is empty; accepted: one or more [[days]] tables',
  ]],
  ['first-day-not-start-date.toml', [
    '@:16: days[0].date: 2025-07-05 is not start_date (2025-07-04); accepted: the first [[days]] on start_date',
  ]],
  ['ftp-out-of-range.toml', [
    '@:9: athlete.ftp_w: 2500 is out of range; accepted: a whole number of watts from 50 to 600',
  ]],
  ['gap-between-days.toml', [
    '@:25: days[2].date: 2025-07-09 leaves 2025-07-07 to 2025-07-08 without a day; accepted: consecutive dates (add a [[days]] with type = "rest" for a day off)',
  ]],
  ['key-stage-importance-conflict.toml', [
    '@:27: days[2].importance: "normal" but stage 2 is in goals.key_stages; accepted: "key" or leave importance out',
  ]],
  ['key-stage-missing.toml', [
    "@:29: goals.key_stages[1]: 12 is not a stage of this mission; accepted: the stage numbers of this mission's [[days]]: 1–2",
  ]],
  ['max-hr-not-above-threshold.toml', [
    '@:12: athlete.max_hr: 160 is not above threshold_hr (165); accepted: a max_hr higher than threshold_hr',
    '@:13: athlete.resting_hr: 170 is out of range; accepted: a whole number of beats per minute from 30 to 100',
  ]],
  ['missing-athlete.toml', [
    '@: athlete: is required; accepted: an [athlete] table with handle, ftp_w, weight_kg, threshold_hr, max_hr, resting_hr, disciplines',
  ]],
  ['missing-required-keys.toml', [
    '@: id: is required; accepted: lowercase letters, digits, "_" and "-", up to 64 characters, starting with a letter or digit, e.g. "tdf_sim_2025"',
    '@:6: athlete.handle: is required; accepted: a short name (a letter, then letters, digits, "_", "." or "-"; up to 32 characters), never an account number',
    '@:21: days[2].type: is required; accepted: flat, hilly, mountain, itt, ttt, rest',
  ]],
  ['negative-distance.toml', [
    '@:18: days[0].distance_km: -5 is out of range; accepted: kilometres from 0 to 400',
  ]],
  ['neither-date-nor-day.toml', [
    '@:19: days[1]: has neither date nor day; accepted: date = YYYY-MM-DD or day = <days after start_date>',
  ]],
  ['no-days.toml', [
    '@: days: is required; accepted: one or more [[days]] tables',
  ]],
  ['nonexistent-date.toml', [
    '@:19: days[1].date: 2025-02-29 is not a date that exists; accepted: a calendar date YYYY-MM-DD, e.g. 2025-07-05',
  ]],
  ['nonexistent-start-date.toml', [
    '@:5: start_date: "2025-06-31" is not a date that exists; accepted: a calendar date YYYY-MM-DD, e.g. 2025-07-05',
  ]],
  ['not-utf8-latin1.toml', [
    '@:3: byte 0xC9 at offset 52 is not UTF-8; TOML files must be UTF-8 (in an editor: save with the encoding "UTF-8")',
  ]],
  ['nul-byte.toml', [
    '@:7: a NUL byte at offset 125: this is not a text file (a UTF-16 file has one in every other byte); TOML files must be UTF-8 (in an editor: save with the encoding "UTF-8")',
  ]],
  ['offset-without-start-date.toml', [
    '@: start_date: is required because days use day offsets (first at days[0]); accepted: start_date = YYYY-MM-DD at the top of the file',
  ]],
  ['out-of-order-days.toml', [
    '@:20: days[1].date: 2025-07-08 leaves 2025-07-06 to 2025-07-07 without a day; accepted: consecutive dates (add a [[days]] with type = "rest" for a day off)',
    '@:25: days[2].date: 2025-07-06 comes after days[1] (2025-07-08) in the file but is earlier; accepted: days in date order, one per date',
  ]],
  ['overlapping-days.toml', [
    '@:25: days[2].date: 2025-07-06 is the same date as days[1]; accepted: one [[days]] per date, in date order',
  ]],
  ['quiet-hours-bad-time.toml', [
    '@:29: notifications.quiet_hours.ends: "ends" is not a key of quiet_hours; accepted: start, end (did you mean "end"?)',
  ]],
  ['quiet-hours-same-time.toml', [
    '@:29: notifications.quiet_hours: { start = "22:00", end = "22:00" } starts and ends at the same time; accepted: a table { start = "HH:MM", end = "HH:MM" } of two different times (may cross midnight)',
  ]],
  ['rest-day-with-workout.toml', [
    '@:22: days[1].mode: "indoor" is a workout on a rest day; accepted: "rest" or leave mode out (type = "rest" means no workout)',
    '@:23: days[1].duration_min: 60 minutes of workout on a rest day; accepted: 0 or leave duration_min out (type = "rest" means no workout)',
  ]],
  ['rest-mode-with-duration.toml', [
    '@:28: days[2].duration_min: 90 minutes of workout with mode = "rest"; accepted: 0 when mode = "rest", or mode = "indoor" or "outdoor" for a workout',
  ]],
  ['resting-hr-not-below-threshold.toml', [
    '@:13: athlete.resting_hr: 100 is not below threshold_hr (100); accepted: a resting_hr lower than threshold_hr',
  ]],
  ['run-time-out-of-day.toml', [
    '@:4: run_time: "24:15" is not a time HH:MM; accepted: a 24-hour time "HH:MM" from "00:00" to "23:59", e.g. "06:30"',
  ]],
  ['secret-access-token.toml', [
    "@:29: strava.access_token: secrets and account ids do not belong in mission files (value not shown); run `lanterne connect strava` instead (tokens are kept in Lanterne's encrypted token store)",
  ]],
  ['secret-api-key.toml', [
    '@:5: openai_api_key: secrets and account ids do not belong in mission files (value not shown); set the environment variable OPENAI_API_KEY instead',
  ]],
  ['secret-athlete-id.toml', [
    '@:13: athlete.athlete_id: secrets and account ids do not belong in mission files (value not shown); link the account with `lanterne connect strava` instead; a mission names the athlete only by athlete.handle',
  ]],
  ['secret-client-secret.toml', [
    '@:29: oura.client_secret: secrets and account ids do not belong in mission files (value not shown); set the environment variable OURA_CLIENT_SECRET instead',
  ]],
  ['secret-in-notes.toml', [
    '@:27: days[2].notes: this text looks like an API key or access token (value not shown); remove it: keys belong in environment variables such as OPENAI_API_KEY, account tokens in `lanterne connect`',
  ]],
  ['secret-password.toml', [
    '@:30: notifications.smtp_password: secrets and account ids do not belong in mission files (value not shown); set the environment variable SMTP_PASSWORD instead',
  ]],
  ['several-mistakes.toml', [
    '@:3: timezone: "Europe/Pari" is not an IANA timezone; accepted: an IANA timezone name such as "Europe/Paris" or "America/Denver" (did you mean "Europe/Paris"?)',
    '@:4: run_time: "6h30" is not a time HH:MM; accepted: a 24-hour time "HH:MM" from "00:00" to "23:59", e.g. "06:30"',
    '@:6: password: secrets and account ids do not belong in mission files (value not shown); set the environment variable SMTP_PASSWORD instead',
    '@:10: athlete.ftp_w: 2500 is out of range; accepted: a whole number of watts from 50 to 600',
    '@:13: athlete.max_hr: 150 is not above threshold_hr (165); accepted: a max_hr higher than threshold_hr',
    '@:14: athlete.disciplines[1]: "swimming" is not a discipline; accepted: cycling, running, strength, yoga, walking',
    "@:17: goals.key_stages[0]: 9 is not a stage of this mission; accepted: the stage numbers of this mission's [[days]]: 1",
    '@:18: goals.taper_dayz: "taper_dayz" is not a key of [goals]; accepted: summary, weekly_hours_cap, max_consecutive_hard_days, key_stages, taper_days (did you mean "taper_days"?)',
    '@:21: notifications.channels[1]: "pigeon" is not a channel; accepted: email, sms, twilio',
    '@:22: notifications.quiet_hours.end: "25:00" is not a time HH:MM; accepted: a 24-hour time "HH:MM" from "00:00" to "23:59", e.g. "06:30"',
    '@:28: days[0].distance_km: -10 is out of range; accepted: kilometres from 0 to 400',
    '@:33: days[1].duration_min: 45 minutes of workout on a rest day; accepted: 0 or leave duration_min out (type = "rest" means no workout)',
    '@:36: days[2].stage: 1 is already days[0]; accepted: each stage number once',
    '@:37: days[2].date: 2025-07-06 is the same date as days[1]; accepted: one [[days]] per date, in date order',
    '@:38: days[2].type: "hily" is not a stage type; accepted: flat, hilly, mountain, itt, ttt, rest (did you mean "hilly"?)',
  ]],
  ['stage-on-rest-day.toml', [
    '@:20: days[1].stage: 2 is set on a rest day; accepted: no stage on a day with type = "rest"',
  ]],
  ['taper-too-long.toml', [
    '@:29: goals.taper_days: 3 is not shorter than the mission (3 days); accepted: 0 to 2',
  ]],
  ['timezone-offset.toml', [
    '@:3: timezone: "+02:00" is not an IANA timezone; accepted: an IANA timezone name such as "Europe/Paris" or "America/Denver"',
  ]],
  ['toml-duplicate-key.toml', [
    '@:11: TOML syntax error at column 1: trying to redefine an already defined table or value',
  ]],
  ['toml-syntax-error.toml', [
    '@:2: TOML syntax error at column 23: control characters are not allowed in strings',
  ]],
  ['training-day-without-time.toml', [
    '@:18: days[0].duration_min: 0 minutes is too short for a training day (mode = "indoor"); accepted: 10 to 480 minutes, or mode = "rest" for a day off',
  ]],
  ['unknown-key.toml', [
    '@:9: athlete.ftp: "ftp" is not a key of [athlete]; accepted: handle, ftp_w, weight_kg, threshold_hr, max_hr, resting_hr, disciplines (did you mean "ftp_w"?)',
  ]],
  ['earliest-after-run-time.toml', [
    '@:5: earliest_time: "07:00" is after run_time (06:30); accepted: a time at or before run_time (06:30): the day may start this early when the night\'s data lands, the run time stays the latest',
  ]],
  ['unknown-table.toml', [
    '@:7: athelete: "athelete" is not a key of the top level; accepted: id, name, timezone, run_time, earliest_time, start_date, athlete, goals, notifications, planner, days (did you mean "athlete"?)',
  ]],
  ['utf16le.toml', [
    '@:1: the file is UTF-16 (it starts with the byte order mark 0xFF 0xFE); TOML files must be UTF-8 (in an editor: save with the encoding "UTF-8")',
  ]],
  ['utf8-bom.toml', [
    '@:1: the file starts with a byte order mark (BOM, 0xEF 0xBB 0xBF); TOML files must be UTF-8 without a BOM (in an editor: save as "UTF-8", not "UTF-8 with BOM")',
  ]],
  ['weekly-cap-exceeded.toml', [
    '@:30: goals.weekly_hours_cap: 4 is less than the 5.3 h planned from 2025-07-05 to 2025-07-11; accepted: at least 5.3 (hours per 7 days), or shorter days',
  ]],
  ['wrong-types.toml', [
    '@:9: athlete.ftp_w: "250" is a string; accepted: a whole number of watts from 50 to 600',
    '@:11: athlete.threshold_hr: 165.5 is not a whole number; accepted: a whole number of beats per minute from 100 to 220',
    '@:29: planner.use_llm: "yes" is a string; accepted: true or false',
  ]],];

describe('broken mission files', () => {
  test('the corpus covers at least 25 distinct mistakes and every file has expectations', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.toml')).sort();
    expect(EXPECTED.map(([f]) => f).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  test.each(EXPECTED)('%s', async (file, lines) => {
    const at = path.join(DIR, file);
    const error = await loadMissionFile(at).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MissionConfigError);
    const problems = (error as MissionConfigError).problems;
    expect(formatProblems(problems).split('\n')).toEqual(lines.map((l) => l.replace('@', at)));
    for (const p of problems) {
      expect(p.file).toBe(at);
      expect(PROBLEM_CODES).toContain(p.code);
    }
    // A file that is not UTF-8 is said to be so, never reported as a TOML syntax error.
    if (/utf|nul-byte/.test(file)) expect(problems.map((p) => p.code)).toEqual(['not_utf8']);
  });

  test('the validate command prints every problem and a count, and exits non-zero', async () => {
    const at = path.join(DIR, 'several-mistakes.toml');
    const result = await missionValidate(at, { json: false });
    expect(result.exitCode).toBe(1);
    const lines = result.output.split('\n');
    expect(lines).toHaveLength(16);
    expect(lines[15]).toBe(`15 problems in ${at}`);
  });

  test('with --json the problems come as an array with file, line, path, message, found and accepted', async () => {
    const at = path.join(DIR, 'bad-stage-type.toml');
    const result = await missionValidate(at, { json: true });
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.output)).toEqual([
      {
        file: at,
        line: 26,
        path: 'days[2].type',
        message: '"hily" is not a stage type; accepted: flat, hilly, mountain, itt, ttt, rest (did you mean "hilly"?)',
        found: '"hily"',
        accepted: 'flat, hilly, mountain, itt, ttt, rest (did you mean "hilly"?)',
        code: 'not_accepted',
      },
    ]);
  });

  test.each([
    ['secret-access-token.toml', '0123456789abcdef0123456789abcdef01234567'],
    ['secret-client-secret.toml', 'very-secret-value'],
    ['secret-athlete-id.toml', '987654321'],
    ['secret-api-key.toml', 'sk-proj-abcdefghijklmnopqrstuvwxyz123456'],
    ['secret-password.toml', 'hunter2'],
    ['secret-in-notes.toml', 'sk-test_not_a_real_key_0123456789'],
    ['several-mistakes.toml', 'hunter2'],
  ])('%s: the secret value is in the file but never in any output', async (file, secret) => {
    const at = path.join(DIR, file);
    expect(readFileSync(at, 'utf8')).toContain(secret);
    for (const json of [false, true]) {
      const result = await missionValidate(at, { json });
      expect(result.exitCode).toBe(1);
      expect(result.output).not.toContain(secret);
    }
  });
});
