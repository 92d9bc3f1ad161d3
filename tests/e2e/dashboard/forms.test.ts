import { parseOverrideForm, parseReflectionForm, numberOrText } from '../../../src/dashboard/forms';

const form = (entries: [string, string][]) => new URLSearchParams(entries);

describe('reflection form', () => {
  it('turns typed numbers into numbers and omits an empty note', () => {
    const r = parseReflectionForm(form([['date', '2025-07-06'], ['rpe', '7'], ['legs', '3'], ['mood', '4'], ['sleepQuality', '2'], ['completed', 'partly'], ['note', '  ']]));
    expect(r).toMatchObject({ ok: true, input: { date: '2025-07-06', rpe: 7, legs: 3, mood: 4, sleepQuality: 2, completed: 'partly' } });
    expect(r.ok && 'note' in r.input).toBe(false);
  });

  it('keeps the note, with Windows line ends normalised', () => {
    const r = parseReflectionForm(form([['date', '2025-07-06'], ['rpe', '7'], ['legs', '3'], ['mood', '4'], ['sleepQuality', '2'], ['completed', 'yes'], ['note', 'heavy legs\r\nwindy']]));
    expect(r.ok && r.input.note).toBe('heavy legs\nwindy');
  });

  it('reports every problem with what was typed, and keeps the values for the re-rendered form', () => {
    const r = parseReflectionForm(form([['date', '2025-02-30'], ['rpe', 'eleven'], ['legs', '9'], ['mood', ''], ['sleepQuality', '2.5'], ['completed', 'maybe']]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      'date must be a real YYYY-MM-DD date (got "2025-02-30")',
      'rpe must be a whole number from 1 to 10 (got "eleven")',
      'legs must be a whole number from 1 to 5 (got 9)',
      'mood must be a whole number from 1 to 5 (got undefined)',
      'sleepQuality must be a whole number from 1 to 5 (got 2.5)',
      'completed must be one of yes, partly, no (got "maybe")',
    ]);
    expect(r.values).toMatchObject({ date: '2025-02-30', rpe: 'eleven', legs: '9', completed: 'maybe' });
  });
});

describe('override form', () => {
  it('keeps only the fields of the chosen kind', () => {
    const r = parseOverrideForm(form([['kind', 'set-ftp'], ['ftpW', '265'], ['date', '2025-07-08'], ['reason', 'test']]));
    expect(r).toMatchObject({ ok: true, input: { kind: 'set-ftp', ftpW: 265 } });
    expect(r.ok && Object.keys(r.input)).toEqual(['kind', 'ftpW']);
  });

  it('reads a rest day with its reason, and channels from checkboxes', () => {
    expect(parseOverrideForm(form([['kind', 'rest-day'], ['date', '2025-07-08'], ['reason', 'travel']]))).toMatchObject({
      ok: true,
      input: { kind: 'rest-day', date: '2025-07-08', reason: 'travel' },
    });
    expect(parseOverrideForm(form([['kind', 'set-channels'], ['channels', 'email'], ['channels', 'sms']]))).toMatchObject({
      ok: true,
      input: { kind: 'set-channels', channels: ['email', 'sms'] },
    });
  });

  it('gives the shared validator message for an FTP out of range', () => {
    const r = parseOverrideForm(form([['kind', 'set-ftp'], ['ftpW', '5000']]));
    expect(r).toMatchObject({ ok: false, problems: ['set-ftp needs ftpW as whole watts from 50 to 600 (got 5000)'] });
    expect(r.values.ftpW).toBe('5000');
  });

  it('names an unknown kind and what is accepted', () => {
    const r = parseOverrideForm(form([['kind', 'delete-everything']]));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems[0]).toMatch(/unknown override kind "delete-everything"; accepted: rest-day, swap-days/);
  });

  it('refuses a shift written as text, quoting it', () => {
    const r = parseOverrideForm(form([['kind', 'shift'], ['days', 'two']]));
    expect(!r.ok && r.problems).toEqual(['shift needs days as a whole number from -60 to 60, not 0 (got "two")']);
  });
});

describe('numberOrText', () => {
  it.each([
    ['', undefined],
    ['12', 12],
    ['-3', -3],
    ['2.5', 2.5],
    ['12abc', '12abc'],
    ['0x10', '0x10'],
  ])('%j → %j', (raw, expected) => expect(numberOrText(raw)).toBe(expected));
});
