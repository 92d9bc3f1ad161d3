/**
 * The mission workflow's live state as the dashboard shows it: the same words in the page and in
 * the JSON status route the page polls, so an update without a reload reads exactly like a reload.
 * Pure.
 */
import type { IsoDate } from '../domain/types';
import type { MissionStatus, UpcomingDay } from '../shared/mission-api';
import { dayNames } from './calendar';

export type LiveMission =
  | { running: true; status: MissionStatus; upcoming: UpcomingDay[] }
  | { running: false; reason: string };

export interface LiveFacts {
  running: boolean;
  /** Why it is not running (null when it is). */
  reason: string | null;
  phase: string;
  paused: boolean;
  nextRun: string;
  nextDay: string;
  progress: string;
  /** Days done of the total, 0..100. */
  progressPct: number;
  /** The latest day that ran: date, decision and outcome; null before the first one. */
  latest: { date: IsoDate; text: string } | null;
  ftp: string;
  channels: string;
}

export function decisionLabel(decision: string): string {
  return decision.replace(/_/g, ' ');
}

export function liveFacts(live: LiveMission): LiveFacts {
  if (!live.running) {
    return { running: false, reason: live.reason, phase: 'not running', paused: false, nextRun: '—', nextDay: '—', progress: '—', progressPct: 0, latest: null, ftp: '—', channels: '—' };
  }
  const s = live.status;
  const next = s.nextDay;
  const c = s.counters;
  const last = s.lastDay;
  return {
    running: true,
    reason: null,
    phase: s.phase,
    paused: s.paused,
    nextRun: s.nextRunAt ? formatInstant(s.nextRunAt, s.timezone) : s.paused ? `paused${s.pauseReason ? `: ${s.pauseReason}` : ''}` : 'none (mission over)',
    nextDay: next ? `${next.date} — ${dayNames({ stage: next.stage, name: next.name, route: null }).title}` : 'none',
    progress: `${s.daysDone} of ${s.daysTotal} days (${c.ok} ok, ${c.degraded} degraded, ${c.failed} failed, ${c.skipped} skipped)`,
    progressPct: s.daysTotal > 0 ? Math.round((s.daysDone / s.daysTotal) * 100) : 0,
    latest: last ? { date: last.date, text: `${last.date} — ${last.decision ? decisionLabel(last.decision) : last.status} (${last.status})` } : null,
    ftp: `${s.ftpW} W`,
    channels: s.channels.join(', ') || 'none',
  };
}

/** An instant shown in the mission's timezone, e.g. "Sat 6 Jul 2025, 06:30 (Europe/Paris)". */
export function formatInstant(iso: string, timeZone: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  try {
    const f = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    return `${f.format(t)} (${timeZone})`;
  } catch {
    return iso;
  }
}
