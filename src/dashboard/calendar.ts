/**
 * The block calendar: one tile per mission day, built from the mission's stored config, what was
 * recorded for each day, and (while the workflow runs) its view of the days still to come, which
 * carries the athlete's overrides (moved, swapped and rest days). Pure.
 */
import type { DecisionKind, Importance, IsoDate, MissionConfig, ReadinessState, StageType } from '../domain/types';
import type { CompactDay, DayRecord, DayRunStatus } from '../memory/records';
import type { UpcomingDay } from '../shared/mission-api';
import { addDays, isoWeekday } from '../domain/iso-date';
import { compactRecentDays } from '../memory/recent-context';
import { plannedTss } from './fitness';

export interface CalendarTile {
  date: IsoDate;
  /** Position in the mission (0-based), or null for a recorded day the stored config does not list. */
  index: number | null;
  stage: number | null;
  name: string;
  route: string | null;
  type: StageType | null;
  importance: Importance | null;
  durationMin: number | null;
  distanceKm: number | null;
  elevationM: number | null;
  /** How the day is trained (indoor/outdoor/rest) and its focus, from the mission. */
  mode: string | null;
  focus: string | null;
  /** The plan's TSS when the day was planned, else the as-planned estimate (`plannedEstimated`). */
  plannedTss: number | null;
  plannedEstimated: boolean;
  /** TSS done that day (from the next morning's load figures). */
  doneTss: number | null;
  decision: DecisionKind | null;
  state: ReadinessState | null;
  run: DayRunStatus | null;
  degraded: boolean;
  /** Override notes: recorded ones and the running workflow's. */
  overrides: string[];
  reflection: { rpe: number; completed: string; note: string } | null;
  when: 'past' | 'today' | 'future';
  thisWeek: boolean;
}

export interface CalendarWeek {
  /** Monday of the week. */
  monday: IsoDate;
  /** Seven cells, Monday first; null where the week has no mission day. */
  cells: (CalendarTile | null)[];
  thisWeek: boolean;
}

export interface CalendarInput {
  config: MissionConfig | null;
  records: readonly DayRecord[];
  /** The running workflow's remaining days, or null when it is not running. */
  upcoming: readonly UpcomingDay[] | null;
  today: IsoDate;
}

export function mondayOf(date: IsoDate): IsoDate {
  return addDays(date, 1 - isoWeekday(date));
}

/** Compact day figures (planned and done TSS) for every recorded day. */
export function compactDays(records: readonly DayRecord[]): Map<IsoDate, CompactDay> {
  if (records.length === 0) return new Map();
  const first = records[0]!.date;
  const last = records[records.length - 1]!.date;
  const span = Math.min(366, Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000) + 1);
  return new Map(compactRecentDays(addDays(last, 1), span, records).map((d) => [d.date, d]));
}

export function calendarTiles(input: CalendarInput): CalendarTile[] {
  type Base = Pick<CalendarTile, 'date' | 'index' | 'stage' | 'name' | 'route' | 'type' | 'importance' | 'durationMin' | 'distanceKm' | 'elevationM'> & { training: { mode: 'indoor' | 'outdoor' | 'rest'; durationMin: number; focus: string } | null; live: string | null };
  const base: Base[] = (input.config?.days ?? []).map((d) => ({
    date: d.date,
    index: d.index,
    stage: d.stage,
    name: d.name,
    route: d.start && d.finish ? `${d.start} → ${d.finish}` : null,
    type: d.type,
    importance: d.importance,
    durationMin: d.training.durationMin,
    distanceKm: d.distanceKm,
    elevationM: d.elevationM,
    training: d.training,
    live: null,
  }));
  if (input.upcoming) {
    const matched = new Set<Base>();
    for (const u of input.upcoming) {
      // The same day, possibly moved (shift) or swapped: found by its stage and name.
      const b = base.find((x) => !matched.has(x) && x.stage === u.stage && x.name === u.name && !input.records.some((r) => r.date === x.date && r.run));
      const training = u.type === 'rest' ? { mode: 'rest' as const, durationMin: 0, focus: 'rest' } : { mode: b?.training?.mode ?? ('indoor' as const), durationMin: u.durationMin, focus: b?.training?.focus ?? '' };
      if (b) {
        matched.add(b);
        Object.assign(b, { date: u.date, type: u.type, durationMin: u.durationMin, training, live: u.override });
      } else {
        base.push({ date: u.date, index: null, stage: u.stage, name: u.name, route: null, type: u.type, importance: null, durationMin: u.durationMin, distanceKm: null, elevationM: null, training, live: u.override });
      }
    }
  }
  for (const r of input.records) {
    // A day that ran but is not in the config (recorded under another config version).
    if ((r.run || r.decision || r.plan) && !base.some((b) => b.date === r.date)) {
      base.push({ date: r.date, index: null, stage: null, name: r.plan?.title ?? 'Recorded day', route: null, type: null, importance: null, durationMin: r.plan?.durationMin ?? null, distanceKm: null, elevationM: null, training: null, live: null });
    }
  }
  base.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const records = new Map(input.records.map((r) => [r.date, r]));
  const compact = compactDays(input.records);
  const week = mondayOf(input.today);
  return base.map((b) => {
    const r = records.get(b.date);
    const c = compact.get(b.date);
    const decision = r?.decision?.decision ?? null;
    const estimate = !r?.plan && b.training && b.type ? plannedTss({ type: b.type, training: b.training }, null) : null;
    const overrides = [...(r?.overrides ?? []).map((o) => overrideLabel(o.kind, o.payload)), ...(b.live ? b.live.split('; ') : [])];
    return {
      date: b.date,
      index: b.index,
      stage: b.stage,
      name: b.name,
      route: b.route,
      type: b.type,
      importance: b.importance,
      durationMin: r?.plan?.durationMin ?? b.durationMin,
      distanceKm: b.distanceKm,
      elevationM: b.elevationM,
      mode: b.training?.mode ?? null,
      focus: b.training?.focus || null,
      plannedTss: r?.plan ? r.plan.targetTss : estimate,
      plannedEstimated: !r?.plan && estimate !== null,
      doneTss: c?.doneTss ?? null,
      decision: decision?.decision ?? null,
      state: decision?.state ?? null,
      run: r?.run?.status ?? null,
      degraded: (r?.run?.degradedReasons.length ?? 0) > 0 || (decision?.degraded.length ?? 0) > 0,
      overrides: [...new Set(overrides)],
      reflection: r?.reflection ? { rpe: r.reflection.rpe, completed: r.reflection.completed, note: r.reflection.note } : null,
      when: b.date < input.today ? 'past' : b.date === input.today ? 'today' : 'future',
      thisWeek: mondayOf(b.date) === week,
    };
  });
}

/**
 * A day's name without a repeated "Stage N:" prefix (the stage number is shown beside it), and
 * its route only when the name does not already say it.
 */
export function dayNames(t: Pick<CalendarTile, 'stage' | 'name' | 'route'>): { short: string; title: string; route: string | null } {
  const prefix = t.stage !== null ? new RegExp(`^stage\\s*${t.stage}\\b\\s*[:·.-]?\\s*`, 'i') : null;
  const short = (prefix ? t.name.replace(prefix, '') : t.name).trim();
  const title = t.stage !== null ? (short ? `Stage ${t.stage} · ${short}` : `Stage ${t.stage}`) : short || t.name;
  const route = t.route && !t.name.includes(t.route) ? t.route : null;
  return { short: short || t.name, title, route };
}

/** The tiles laid out in Monday-first weeks, from the first tile's week to the last one's. */
export function calendarWeeks(tiles: readonly CalendarTile[], today: IsoDate): CalendarWeek[] {
  if (tiles.length === 0) return [];
  const byDate = new Map(tiles.map((t) => [t.date, t]));
  const weeks: CalendarWeek[] = [];
  const thisMonday = mondayOf(today);
  for (let monday = mondayOf(tiles[0]!.date); monday <= tiles[tiles.length - 1]!.date; monday = addDays(monday, 7)) {
    weeks.push({ monday, thisWeek: monday === thisMonday, cells: Array.from({ length: 7 }, (_, i) => byDate.get(addDays(monday, i)) ?? null) });
  }
  return weeks;
}

/** A recorded override in a few words, e.g. "rest day (travel)", "FTP → 262 W". */
export function overrideLabel(kind: string, payload: unknown): string {
  const p = (payload && typeof payload === 'object' ? (payload as { input?: Record<string, unknown> }).input ?? payload : {}) as Record<string, unknown>;
  switch (kind) {
    case 'rest-day':
      return `rest day${typeof p.reason === 'string' && p.reason ? ` (${p.reason})` : ''}`;
    case 'swap-days':
      return `swapped with ${String(p.otherDate ?? 'another day')}`;
    case 'set-ftp':
      return `FTP → ${String(p.ftpW ?? '?')} W`;
    case 'shift':
      return `moved ${Number(p.days) > 0 ? '+' : ''}${String(p.days ?? '?')} days`;
    case 'set-run-time':
      return `run time → ${String(p.runTime ?? '?')}`;
    case 'set-channels':
      return `channels → ${Array.isArray(p.channels) ? p.channels.join(', ') : '?'}`;
    default:
      return kind;
  }
}
