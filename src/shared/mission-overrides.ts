/**
 * What an athlete's override does to a mission's state, as pure functions: checked against the
 * mission first (a refusal names the problem), then computed as a new state without touching the
 * old one — so the workflow can record the change durably and only then apply it. Sandbox-safe.
 */
import type { IsoDate, MissionDay } from '../domain/types';
import { addDays } from '../domain/iso-date';
import type { OverrideInput } from './mission-api';
import type { MissionState } from './mission-state';

export interface OverrideContext {
  /** The mission's local date now. */
  today: IsoDate;
  /** Index of the day whose cycle is running right now, else null. */
  runningIndex: number | null;
}

export const RUNNING = 'a day is running right now; try again when it has finished';

function dayIndexOf(state: MissionState, date: IsoDate): number {
  return state.mission.days.findIndex((d) => d.date === date);
}

/** A day that has not run and is not running: its index; else an error naming why. */
function pendingDay(state: MissionState, ctx: OverrideContext, date: IsoDate, what: string): number {
  const i = dayIndexOf(state, date);
  const days = state.mission.days;
  if (i < 0) throw new Error(`${what}: ${date} is not a day of mission ${state.mission.id} (${days[0]?.date} to ${days[days.length - 1]?.date})`);
  if (i < state.nextIndex) throw new Error(`${what}: ${date} has already run`);
  // Its cycle has its key already: a change now would be reported but never applied.
  if (i === ctx.runningIndex) throw new Error(`${what}: ${date} is running right now; try again when it has finished`);
  return i;
}

/** Throws an Error whose message the caller sees when the override does not fit the mission now. */
export function checkOverride(state: MissionState, o: OverrideInput, ctx: OverrideContext): void {
  switch (o.kind) {
    case 'rest-day':
      pendingDay(state, ctx, o.date, 'rest-day');
      return;
    case 'swap-days':
      pendingDay(state, ctx, o.date, 'swap-days');
      pendingDay(state, ctx, o.otherDate, 'swap-days');
      return;
    case 'pause':
      if (state.paused) throw new Error('the mission is already paused');
      return;
    case 'resume':
      if (!state.paused) throw new Error('the mission is not paused');
      return;
    case 'shift': {
      // The running day would move under its own cycle (its outcome keeps the old date).
      if (ctx.runningIndex !== null && ctx.runningIndex >= state.nextIndex) throw new Error(`shift: ${RUNNING}`);
      const first = state.mission.days[state.nextIndex];
      if (!first) throw new Error('shift: the mission has no remaining days');
      const newFirst = addDays(first.date, o.days);
      const lastRun = state.nextIndex > 0 ? state.mission.days[state.nextIndex - 1].date : null;
      if (newFirst < ctx.today) throw new Error(`shift: the next day would move to ${newFirst}, before today (${ctx.today})`);
      if (lastRun && newFirst <= lastRun) throw new Error(`shift: the next day would move to ${newFirst}, on or before the last day that ran (${lastRun})`);
      return;
    }
    default:
      return;
  }
}

export interface AppliedOverride {
  state: MissionState;
  /** What changed, in a sentence. */
  changed: string;
  /** True when the mission config itself changed (a new config version must be recorded). */
  missionChanged: boolean;
}

/** The state after the override (the given state is not modified). Call checkOverride first. */
export function applyOverride(state: MissionState, o: OverrideInput): AppliedOverride {
  const m = state.mission;
  const withMission = (mission: typeof m, changed: string): AppliedOverride => ({ state: { ...state, mission }, changed, missionChanged: true });
  switch (o.kind) {
    case 'rest-day': {
      const note = `rest day requested by the athlete${o.reason ? `: ${o.reason}` : ''}`;
      return {
        state: {
          ...state,
          restDays: [...new Set([...state.restDays, o.date])],
          dayOverrides: { ...state.dayOverrides, [o.date]: [...(state.dayOverrides[o.date] ?? []), note] },
        },
        changed: `${o.date} is now a rest day`,
        missionChanged: false,
      };
    }
    case 'swap-days': {
      const i = dayIndexOf(state, o.date);
      const j = dayIndexOf(state, o.otherDate);
      const a = m.days[i];
      const b = m.days[j];
      const days = [...m.days];
      days[i] = { ...b, index: a.index, date: a.date };
      days[j] = { ...a, index: b.index, date: b.date };
      return withMission({ ...m, days }, `${o.date} now rides "${b.name}" and ${o.otherDate} rides "${a.name}"`);
    }
    case 'set-ftp':
      return withMission({ ...m, athlete: { ...m.athlete, ftpW: o.ftpW } }, `FTP ${m.athlete.ftpW} W → ${o.ftpW} W`);
    case 'pause':
      return {
        state: { ...state, paused: true, pauseReason: o.reason ?? null },
        changed: `mission paused${o.reason ? ` (${o.reason})` : ''}; days that pass while paused are skipped`,
        missionChanged: false,
      };
    case 'resume':
      return { state: { ...state, paused: false, pauseReason: null }, changed: 'mission resumed', missionChanged: false };
    case 'shift': {
      const moves = (date: IsoDate) => dayIndexOf(state, date) >= state.nextIndex;
      const days = m.days.map((d, idx) => (idx >= state.nextIndex ? { ...d, date: addDays(d.date, o.days) } : d));
      const dayOverrides: Record<IsoDate, string[]> = {};
      for (const [date, notes] of Object.entries(state.dayOverrides)) dayOverrides[moves(date) ? addDays(date, o.days) : date] = notes;
      const restDays = state.restDays.map((d) => (moves(d) ? addDays(d, o.days) : d));
      return {
        state: { ...state, mission: { ...m, days }, dayOverrides, restDays },
        changed: `remaining ${days.length - state.nextIndex} days moved by ${o.days > 0 ? '+' : ''}${o.days} days (next: ${days[state.nextIndex].date})`,
        missionChanged: true,
      };
    }
    case 'set-run-time':
      return withMission({ ...m, runTime: o.runTime }, `daily run time ${m.runTime} → ${o.runTime} (${m.timezone})`);
    case 'set-channels': {
      const before = m.notifications.channels.join(', ') || 'none';
      return withMission({ ...m, notifications: { ...m.notifications, channels: [...o.channels] } }, `notification channels ${before} → ${o.channels.join(', ')}`);
    }
  }
}

/** The day as it will run, with the athlete's rest-day override applied. */
export function effectiveDay(day: MissionDay, restDay: boolean): MissionDay {
  if (!restDay) return day;
  return { ...day, type: 'rest', training: { mode: 'rest', durationMin: 0, focus: 'rest (athlete override)' } };
}
