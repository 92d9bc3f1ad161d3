import fc from 'fast-check';
import { isIsoDate } from '../../../src/domain/iso-date';
import { assertValid, NOTE_MAX_LENGTH, overrideProblems, reflectionProblems, runNowProblems } from '../../../src/shared/message-validation';
import { fuzzParameters } from '../../support/fuzz';
import {
  OVERRIDE_FIELD_NAMES,
  overrideLike,
  overrideWithForeignField,
  overrideWithOneField,
  REFLECTION_FIELDS,
  reflectionLike,
  reflectionWithOneField,
  validOverride,
  validReflection,
} from '../../support/message-arbitraries';

const goodReflection = { date: '2025-07-05', rpe: 6, legs: 2, mood: 4, sleepQuality: 3, completed: 'yes' };

describe('isIsoDate', () => {
  it.each(['2025-07-05', '2024-02-29', '2025-12-31'])('accepts %s', (d) => expect(isIsoDate(d)).toBe(true));
  it.each(['2025-02-29', '2025-13-01', '2025-7-5', '05/07/2025', '', 20250705, null])('refuses %p', (d) => expect(isIsoDate(d)).toBe(false));
});

describe('reflectionProblems', () => {
  it('accepts a complete reflection, with or without a note', () => {
    expect(reflectionProblems(goodReflection)).toEqual([]);
    expect(reflectionProblems({ ...goodReflection, note: 'felt strong' })).toEqual([]);
  });

  it('names each field that is out of range, with the accepted range and the value', () => {
    expect(reflectionProblems({ ...goodReflection, rpe: 11, legs: 0, mood: 2.5, sleepQuality: '3' })).toEqual([
      'rpe must be a whole number from 1 to 10 (got 11)',
      'legs must be a whole number from 1 to 5 (got 0)',
      'mood must be a whole number from 1 to 5 (got 2.5)',
      'sleepQuality must be a whole number from 1 to 5 (got "3")',
    ]);
  });

  it('refuses a bad date, an unknown completion and an overlong note', () => {
    expect(reflectionProblems({ ...goodReflection, date: '2025-02-30', completed: 'mostly', note: 'x'.repeat(NOTE_MAX_LENGTH + 1) })).toEqual([
      'date must be a real YYYY-MM-DD date (got "2025-02-30")',
      'completed must be one of yes, partly, no (got "mostly")',
      `note must be text of at most ${NOTE_MAX_LENGTH} characters`,
    ]);
    expect(reflectionProblems({ ...goodReflection, note: 'x'.repeat(NOTE_MAX_LENGTH) })).toEqual([]);
  });

  it('refuses what is not an object', () => {
    expect(reflectionProblems(null)).toEqual(['a reflection must be an object']);
    expect(reflectionProblems('rpe 6')).toEqual(['a reflection must be an object']);
    expect(reflectionProblems([goodReflection])).toEqual(['a reflection must be an object']);
  });

  it('shows a long value shortened, never the whole of it', () => {
    const [problem] = reflectionProblems({ ...goodReflection, date: 'x'.repeat(10_000) });
    expect(problem).toBe(`date must be a real YYYY-MM-DD date (got "${'x'.repeat(58)}…)`);
  });
});

describe('overrideProblems', () => {
  it.each([
    { kind: 'rest-day', date: '2025-07-10' },
    { kind: 'rest-day', date: '2025-07-10', reason: 'sore knee' },
    { kind: 'swap-days', date: '2025-07-10', otherDate: '2025-07-11' },
    { kind: 'set-ftp', ftpW: 50 },
    { kind: 'set-ftp', ftpW: 600 },
    { kind: 'pause' },
    { kind: 'pause', reason: 'flu' },
    { kind: 'resume' },
    { kind: 'shift', days: -60 },
    { kind: 'shift', days: 3 },
    { kind: 'set-run-time', runTime: '00:00' },
    { kind: 'set-run-time', runTime: '23:59' },
    { kind: 'set-channels', channels: ['email', 'sms'] },
  ])('accepts %j', (o) => expect(overrideProblems(o)).toEqual([]));

  it.each([
    [{ kind: 'set-ftp', ftpW: 5000 }, 'set-ftp needs ftpW as whole watts from 50 to 600 (got 5000)'],
    [{ kind: 'set-ftp', ftpW: 249.5 }, 'set-ftp needs ftpW as whole watts from 50 to 600 (got 249.5)'],
    [{ kind: 'set-ftp' }, 'set-ftp needs ftpW as whole watts from 50 to 600 (got undefined)'],
    [{ kind: 'rest-day', date: 'tomorrow' }, 'rest-day needs date as a real YYYY-MM-DD date (got "tomorrow")'],
    [{ kind: 'rest-day', date: '2025-07-10', reason: 42 }, `rest-day reason must be text of at most ${NOTE_MAX_LENGTH} characters`],
    [{ kind: 'pause', reason: 'x'.repeat(NOTE_MAX_LENGTH + 1) }, `pause reason must be text of at most ${NOTE_MAX_LENGTH} characters`],
    [{ kind: 'swap-days', date: '2025-07-10', otherDate: '2025-07-10' }, 'swap-days needs date and otherDate to be two different dates (both are "2025-07-10")'],
    [{ kind: 'shift', days: 0 }, 'shift needs days as a whole number from -60 to 60, not 0 (got 0)'],
    [{ kind: 'shift', days: 61 }, 'shift needs days as a whole number from -60 to 60, not 0 (got 61)'],
    [{ kind: 'set-run-time', runTime: '24:00' }, 'set-run-time needs runTime as HH:MM, 24-hour (got "24:00")'],
    [{ kind: 'set-run-time', runTime: '6:30' }, 'set-run-time needs runTime as HH:MM, 24-hour (got "6:30")'],
    [{ kind: 'set-channels', channels: [] }, 'set-channels needs channels as a non-empty list from email, sms, twilio (got [])'],
    [{ kind: 'set-channels', channels: ['email', 'pigeon'] }, 'set-channels needs channels from email, sms, twilio (got "pigeon")'],
    [{ kind: 'set-ftp', ftpW: 250, days: 3 }, 'set-ftp does not take "days"; it takes ftpW'],
    [{ kind: 'resume', reason: 'better' }, 'resume does not take "reason"; it takes nothing but kind'],
    [['rest-day'], 'an override must be an object'],
    [{ kind: 'nap' }, 'unknown override kind "nap"; accepted: rest-day, swap-days, set-ftp, pause, resume, shift, set-run-time, set-channels'],
    [null, 'an override must be an object'],
  ])('refuses %j', (o, message) => expect(overrideProblems(o)).toEqual([message]));

  it('lists both bad dates of a swap', () => {
    expect(overrideProblems({ kind: 'swap-days', date: 'x', otherDate: '2025-02-30' })).toEqual([
      'swap-days needs date as a real YYYY-MM-DD date (got "x")',
      'swap-days needs otherDate as a real YYYY-MM-DD date (got "2025-02-30")',
    ]);
  });

  it('ignores fields left undefined (as the CLI leaves options that were not given)', () => {
    expect(overrideProblems({ kind: 'pause', reason: undefined, days: undefined })).toEqual([]);
  });
});

/** True when `message` names `field` as a word (`date` is not named by `otherDate`). */
const names = (message: string, field: string): boolean =>
  message.includes(JSON.stringify(field)) || new RegExp(`(^|[^A-Za-z])${field.replace(/[^A-Za-z0-9]/g, '\\$&')}([^A-Za-z]|$)`).test(message);

describe('the message validators on generated input', () => {
  it('never throw on any JSON value, and answer a list of one-line problems', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const problems of [reflectionProblems(value), overrideProblems(value)]) {
          expect(Array.isArray(problems)).toBe(true);
          for (const p of problems) expect(typeof p === 'string' && p.length > 0 && p.length <= 300 && !/[\n\r]/.test(p)).toBe(true);
        }
      }),
      fuzzParameters(300),
    );
  });

  it('accept every valid reflection and override', () => {
    fc.assert(fc.property(validReflection, (r) => expect(reflectionProblems(r)).toEqual([])), fuzzParameters(300));
    fc.assert(fc.property(validOverride, (o) => expect(overrideProblems(o)).toEqual([])), fuzzParameters(300));
  });

  it('every problem of a message with the right field names names one of them', () => {
    fc.assert(fc.property(reflectionLike, (r) => reflectionProblems(r).every((p) => REFLECTION_FIELDS.some((f) => names(p, f)))), fuzzParameters(300));
    fc.assert(fc.property(overrideLike, (o) => overrideProblems(o).every((p) => OVERRIDE_FIELD_NAMES.some((f) => names(p, f)))), fuzzParameters(300));
  });

  it('a valid message with one field changed: every problem names that field', () => {
    fc.assert(
      fc.property(reflectionWithOneField, ({ message, field }) => expect(reflectionProblems(message).filter((p) => !names(p, field))).toEqual([])),
      fuzzParameters(300),
    );
    fc.assert(
      fc.property(overrideWithOneField, ({ message, field }) => expect(overrideProblems(message).filter((p) => !names(p, field))).toEqual([])),
      fuzzParameters(300),
    );
  });

  it('a field the kind does not take is refused by name, alone', () => {
    fc.assert(
      fc.property(overrideWithForeignField, ({ message, field }) => {
        const problems = overrideProblems(message);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain(`${message.kind as string} does not take ${JSON.stringify(field)}`);
      }),
      fuzzParameters(300),
    );
  });
});

describe('runNowProblems', () => {
  it('accepts nothing, an empty request and force as true or false', () => {
    for (const input of [undefined, null, {}, { force: true }, { force: false }, { force: undefined }]) expect(runNowProblems(input)).toEqual([]);
  });

  // Found by the reliability suite (R4): `force: "no"` was truthy and re-ran the day.
  it('refuses a force that is not a boolean, a field it does not take, and what is not an object, naming them', () => {
    expect(runNowProblems({ force: 'no' })).toEqual(['runNow needs force as true or false (got "no")']);
    expect(runNowProblems({ force: 1 })).toEqual(['runNow needs force as true or false (got 1)']);
    expect(runNowProblems({ date: '2025-07-06' })).toEqual(['runNow does not take "date"; it takes force']);
    expect(runNowProblems('force')).toEqual(['a run-now request must be an object such as { "force": true } (got "force")']);
  });
});

describe('assertValid', () => {
  it('throws all problems in one message, and nothing when there are none', () => {
    expect(() => assertValid([])).not.toThrow();
    expect(() => assertValid(['a is wrong', 'b is wrong'])).toThrow('a is wrong; b is wrong');
  });
});
