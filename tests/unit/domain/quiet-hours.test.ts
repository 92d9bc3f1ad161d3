import { quietHoursDecision } from '../../../src/domain/quiet-hours';
import { zonedInstant } from '../../../src/domain/schedule';

const at = (iso: string): number => Date.parse(iso);
const paris = 'Europe/Paris';
const night = { start: '22:00', end: '07:00' };

function decide(now: string, quietHours: { start: string; end: string } | null = night, timezone = paris) {
  return quietHoursDecision({ timezone, quietHours, now: at(now) });
}

describe('quiet hours', () => {
  it('sends now outside quiet hours, or when there are none', () => {
    expect(decide('2025-07-09T10:00:00Z')).toEqual({ sendNow: true }); // 12:00 Paris
    expect(decide('2025-07-09T23:30:00Z', null)).toEqual({ sendNow: true });
    expect(decide('2025-07-09T23:30:00Z', { start: '07:00', end: '07:00' })).toEqual({ sendNow: true });
  });

  it('late evening waits until the end of quiet hours the next morning (across midnight)', () => {
    const d = decide('2025-07-09T21:30:00Z'); // 23:30 Paris (UTC+2)
    expect(d).toEqual({
      sendNow: false,
      sendAt: '2025-07-10T05:00:00.000Z',
      sendAtMs: at('2025-07-10T05:00:00Z'),
      sendAtLocal: '2025-07-10 07:00',
    });
  });

  it('early morning waits until the end of quiet hours the same morning', () => {
    const d = decide('2025-07-10T02:15:00Z'); // 04:15 Paris
    expect(d).toMatchObject({ sendNow: false, sendAt: '2025-07-10T05:00:00.000Z' });
  });

  it('start is inclusive and end exclusive', () => {
    expect(decide('2025-07-09T20:00:00Z').sendNow).toBe(false); // 22:00 Paris
    expect(decide('2025-07-09T19:59:00Z').sendNow).toBe(true); // 21:59
    expect(decide('2025-07-10T05:00:00Z').sendNow).toBe(true); // 07:00
    expect(decide('2025-07-10T04:59:00Z').sendNow).toBe(false); // 06:59
  });

  it('a window within one day (13:00–15:00 siesta)', () => {
    expect(decide('2025-07-09T11:30:00Z', { start: '13:00', end: '15:00' })).toMatchObject({
      sendNow: false,
      sendAt: '2025-07-09T13:00:00.000Z',
    });
    expect(decide('2025-07-09T13:30:00Z', { start: '13:00', end: '15:00' }).sendNow).toBe(true);
  });

  it('the night the clocks go forward (Paris, 30 March 2025): 07:00 is 05:00 UTC, not 06:00', () => {
    // 23:00 Paris on 29 March is 22:00 UTC (UTC+1); the next morning is UTC+2
    expect(decide('2025-03-29T22:00:00Z')).toMatchObject({ sendNow: false, sendAt: '2025-03-30T05:00:00.000Z', sendAtLocal: '2025-03-30 07:00' });
  });

  it('the night the clocks go back (Paris, 26 October 2025): 07:00 is 06:00 UTC', () => {
    // 23:00 Paris on 25 October is 21:00 UTC (UTC+2); the next morning is UTC+1
    expect(decide('2025-10-25T21:00:00Z')).toMatchObject({ sendNow: false, sendAt: '2025-10-26T06:00:00.000Z' });
  });

  it('quiet hours ending inside the DST gap end at the same wall-clock distance after the jump', () => {
    // 02:30 does not exist in Paris on 30 March 2025 (02:00 → 03:00): it becomes 03:30 (01:30 UTC)
    expect(decide('2025-03-29T23:30:00Z', { start: '00:00', end: '02:30' })).toMatchObject({
      sendNow: false,
      sendAt: '2025-03-30T01:30:00.000Z',
      sendAtLocal: '2025-03-30 03:30',
    });
  });

  it('a time that occurs twice when the clocks go back resolves to the first one', () => {
    // 02:30 happens at 00:30 UTC (UTC+2) and again at 01:30 UTC (UTC+1) on 26 October 2025
    expect(new Date(zonedInstant('2025-10-26', '02:30', paris)).toISOString()).toBe('2025-10-26T00:30:00.000Z');
  });

  it('uses the mission timezone, not the machine’s', () => {
    // 05:00 UTC is 22:00 the day before in Los Angeles (UTC-7) → quiet until 07:00 local = 14:00 UTC
    expect(decide('2025-07-10T05:00:00Z', night, 'America/Los_Angeles')).toMatchObject({
      sendAt: '2025-07-10T14:00:00.000Z',
      sendAtLocal: '2025-07-10 07:00',
    });
    // same instant in Tokyo is 14:00: send now
    expect(decide('2025-07-10T05:00:00Z', night, 'Asia/Tokyo')).toEqual({ sendNow: true });
  });

  it('explains bad input', () => {
    expect(() => decide('2025-07-10T05:00:00Z', { start: '25:00', end: '07:00' })).toThrow(/quiet hours start "25:00".*HH:MM/);
    expect(() => decide('2025-07-10T05:00:00Z', night, 'Mars/Olympus')).toThrow(/timezone "Mars\/Olympus" is not a known IANA timezone/);
  });
});
