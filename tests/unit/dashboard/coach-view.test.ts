/**
 * The coach view's rows and order, pure: flags from the recorded days and the live state, the
 * reflection gap at its edges, and sorting with missing values last in both directions.
 */
import { coachRow, parseCoachSort, sortCoachRows, type CoachRow } from '../../../src/dashboard/coach-view';
import type { DayRecord, MissionRecord } from '../../../src/memory/records';
import type { Decision, ReadinessState } from '../../../src/domain/types';
import type { LiveMission } from '../../../src/dashboard/live-status';
import { addDays } from '../../../src/domain/iso-date';

const TODAY = '2025-07-10';
const mission = (over: Partial<MissionRecord> = {}): MissionRecord => ({ id: 'm', athlete: 'a', name: 'M', configHash: 'h', status: 'active', workflowId: 'wf', createdAt: '', updatedAt: '', ...over });
const notRunning: LiveMission = { running: false, reason: 'no workflow' };

function day(date: string, state: ReadinessState | null, over: Partial<DayRecord> = {}): DayRecord {
  const decision: Decision | null = state
    ? { date, state, decision: 'as_planned', rationale: [], confidence: 1, negotiation: null, tssBand: { min: 0, max: 1 }, maxDurationMin: 60, degraded: [] }
    : null;
  return { date, run: null, observation: null, load: null, decision: decision ? { decision, configHash: 'h' } : null, plan: null, classSuggestions: null, reflection: null, overrides: [], notifications: [], report: null, ...over };
}

const reflection = (date: string) => ({ date, rpe: 5, legs: 2, mood: 3, sleepQuality: 3, completed: 'yes' as const, note: '' });
const row = (days: DayRecord[], live: LiveMission = notRunning, m = mission()) => coachRow({ mission: m, recentDays: days, live, today: TODAY, configDays: 10, finishedDays: 2 });

describe('coach view rows', () => {
  it('flags no reflection only once coached for the whole gap without one', () => {
    const coached = (from: number) => Array.from({ length: 1 - from }, (_, i) => day(addDays(TODAY, from + i), 'ready'));
    expect(row(coached(-2)).flags).not.toContain('no-reflection'); // coached 3 days: too early to say
    expect(row(coached(-3)).flags).toContain('no-reflection');
    const withOld = coached(-5).map((d) => (d.date === addDays(TODAY, -4) ? { ...d, reflection: reflection(d.date) } : d));
    expect(row(withOld).flags).toContain('no-reflection');
    const withRecent = coached(-5).map((d) => (d.date === addDays(TODAY, -3) ? { ...d, reflection: reflection(d.date) } : d));
    expect(row(withRecent).flags).not.toContain('no-reflection');
  });

  it('takes readiness from the latest decided day, and flags degraded data from the run, the decision or the observation', () => {
    expect(row([day(addDays(TODAY, -1), 'sick'), day(TODAY, 'strained')]).flags.slice(0, 1)).toEqual(['strained']);
    expect(row([day(TODAY, 'ready', { run: { date: TODAY, status: 'degraded', degradedReasons: ['x'], workflowId: null, configHash: null, startedAt: '', finishedAt: '' } })]).flags).toContain('degraded');
    const missing = day(TODAY, 'ready', { observation: { date: TODAY, readiness: null, sleep: null, hrv: null, rides: [], missing: [{ part: 'hrv', source: 'oura', reason: 'no night' }] } as unknown as DayRecord['observation'] });
    expect(row([missing]).flags).toContain('degraded');
    expect(row([day(TODAY, 'ready')]).flags).toEqual(['not-running']);
    expect(row([day(TODAY, 'ready')], notRunning, mission({ status: 'paused' })).flags).toEqual(['paused']);
    expect(row([day(TODAY, 'ready')], notRunning, mission({ status: 'completed' })).flags).toEqual([]);
    expect(row([]).progress).toEqual({ done: 2, total: 10, pct: 20 });
  });
});

describe('coach view order', () => {
  const r = (athlete: string, state: ReadinessState | null, nextRun: string | null): CoachRow => ({
    mission: { athlete, id: 'm', name: 'M', status: 'active' },
    today: TODAY,
    decision: state ? { date: TODAY, state, decision: 'as_planned' } : null,
    flags: [],
    nextRun: { at: nextRun, text: '' },
    progress: null,
  });
  const rows = [r('b', 'ready', '2025-07-11T04:30:00Z'), r('a', null, null), r('c', 'sick', '2025-07-10T20:00:00Z')];
  const order = (sort: string) => sortCoachRows(rows, parseCoachSort(sort)).map((x) => x.mission.athlete);

  it('sorts both ways, rows without a value last either way', () => {
    expect(order('state')).toEqual(['b', 'c', 'a']);
    expect(order('-state')).toEqual(['c', 'b', 'a']);
    expect(order('next-run')).toEqual(['c', 'b', 'a']);
    expect(order('-next-run')).toEqual(['b', 'c', 'a']);
    expect(order('athlete')).toEqual(['a', 'b', 'c']);
  });

  it('reads ?sort= strictly', () => {
    expect(parseCoachSort('-progress')).toEqual({ key: 'progress', descending: true });
    expect(parseCoachSort('athlete')).toEqual({ key: 'athlete', descending: false });
    for (const bad of ['', '--athlete', 'ATHLETE', 'athlete;', undefined, ['athlete']]) expect(parseCoachSort(bad)).toEqual({ key: 'flags', descending: true });
  });
});
