/**
 * The coach view: every mission the visitor may see on one page — athlete, today's decision and
 * readiness state, flags (sick, strained, degraded data, no reflection for 3 days, paused, not
 * running), next run and block progress — sortable by any column with plain links (`?sort=`,
 * `-` for descending: the server sorts, no script needed), each row a link to the mission page.
 * Pure: rows in, escaped HTML out.
 */
import type { DecisionKind, IsoDate, ReadinessState } from '../domain/types';
import { addDays } from '../domain/iso-date';
import type { DayRecord, MissionRecord } from '../memory/records';
import { html, type SafeHtml } from './html';
import { decisionLabel, formatInstant, type LiveMission } from './live-status';
import { missionPath } from './paths';

export const COACH_FLAGS = ['sick', 'strained', 'degraded', 'no-reflection', 'paused', 'not-running'] as const;
export type CoachFlag = (typeof COACH_FLAGS)[number];

const FLAG_LABELS: Record<CoachFlag, string> = {
  sick: 'sick',
  strained: 'strained',
  degraded: 'degraded data',
  'no-reflection': 'no reflection for 3 days',
  paused: 'paused',
  'not-running': 'not running',
};

/** Days without a reflection before the flag shows. */
export const REFLECTION_GAP_DAYS = 3;

export interface CoachRow {
  mission: Pick<MissionRecord, 'athlete' | 'id' | 'name' | 'status'>;
  /** The mission's today, in its timezone. */
  today: IsoDate;
  /** The latest recorded decision (today's when today has run). */
  decision: { date: IsoDate; state: ReadinessState; decision: DecisionKind } | null;
  flags: CoachFlag[];
  /** The next run as an instant (null: none, paused or not running) and as the page says it. */
  nextRun: { at: string | null; text: string };
  /** Days done of the block; null when unknown. */
  progress: { done: number; total: number; pct: number } | null;
}

/** What a row is built from: the mission row, its recent days (oldest first), its live state and today. */
export interface CoachRowInput {
  mission: MissionRecord;
  /** Recorded days from a week or more before today up to today, oldest first. */
  recentDays: DayRecord[];
  live: LiveMission;
  today: IsoDate;
  /** The block's length from the stored config and the days that ran, for progress when the workflow is not running. */
  configDays: number | null;
  finishedDays: number;
}

export function coachRow(input: CoachRowInput): CoachRow {
  const { mission, recentDays, live, today } = input;
  const upToToday = recentDays.filter((d) => d.date <= today);
  const lastDecided = [...upToToday].reverse().find((d) => d.decision) ?? null;
  const last = lastDecided?.decision?.decision ?? null;
  const lastRun = [...upToToday].reverse().find((d) => d.run && d.run.status !== 'running')?.run ?? null;
  const flags = new Set<CoachFlag>();
  if (last?.state === 'sick') flags.add('sick');
  if (last?.state === 'strained') flags.add('strained');
  const lastObserved = [...upToToday].reverse().find((d) => d.observation)?.observation ?? null;
  if (lastRun?.status === 'degraded' || (last?.degraded.length ?? 0) > 0 || (lastObserved?.missing.length ?? 0) > 0) flags.add('degraded');
  // Coached for at least the gap, and no reflection for any of those days (nor today).
  const gapStart = addDays(today, -REFLECTION_GAP_DAYS);
  const coachedSince = upToToday.find((d) => d.decision)?.date ?? null;
  if (coachedSince !== null && coachedSince <= gapStart && !upToToday.some((d) => d.reflection && d.date >= gapStart)) flags.add('no-reflection');
  const paused = live.running ? live.status.paused : mission.status === 'paused';
  if (paused) flags.add('paused');
  if (!live.running && mission.status === 'active') flags.add('not-running');

  let nextRun: CoachRow['nextRun'];
  if (!live.running) nextRun = { at: null, text: '—' };
  else if (live.status.nextRunAt) nextRun = { at: live.status.nextRunAt, text: formatInstant(live.status.nextRunAt, live.status.timezone) };
  else nextRun = { at: null, text: live.status.paused ? 'paused' : 'none (mission over)' };

  let progress: CoachRow['progress'] = null;
  if (live.running && live.status.daysTotal > 0) progress = fraction(live.status.daysDone, live.status.daysTotal);
  else if (!live.running && input.configDays) progress = fraction(input.finishedDays, input.configDays);

  return {
    mission: { athlete: mission.athlete, id: mission.id, name: mission.name, status: mission.status },
    today,
    decision: lastDecided && last ? { date: lastDecided.date, state: last.state, decision: last.decision } : null,
    flags: COACH_FLAGS.filter((f) => flags.has(f)),
    nextRun,
    progress,
  };
}

function fraction(done: number, total: number): { done: number; total: number; pct: number } {
  return { done, total, pct: Math.round((Math.min(done, total) / total) * 100) };
}

// ------------------------------------------------------------------ sorting

export const COACH_SORTS = ['athlete', 'mission', 'state', 'decision', 'flags', 'next-run', 'progress'] as const;
export type CoachSortKey = (typeof COACH_SORTS)[number];
export interface CoachSort {
  key: CoachSortKey;
  descending: boolean;
}

export const DEFAULT_COACH_SORT: CoachSort = { key: 'flags', descending: true };

/** `?sort=state` or `?sort=-state`; anything else is the default (flags first). */
export function parseCoachSort(raw: unknown): CoachSort {
  if (typeof raw !== 'string') return DEFAULT_COACH_SORT;
  const descending = raw.startsWith('-');
  const key = (descending ? raw.slice(1) : raw) as CoachSortKey;
  return (COACH_SORTS as readonly string[]).includes(key) ? { key, descending } : DEFAULT_COACH_SORT;
}

/** Worst first when descending: sick above strained above caution above ready above no decision. */
const STATE_RANK: Record<ReadinessState, number> = { ready: 1, caution: 2, strained: 3, sick: 4 };
/** Most protective first when descending. */
const DECISION_RANK: Record<DecisionKind, number> = { as_planned: 1, modify_intensity: 2, reduce_volume: 3, recovery: 4, rest: 5 };
/** Heavier flags weigh more, so "sick" sorts above "paused" at the same count. */
const FLAG_WEIGHT: Record<CoachFlag, number> = { sick: 32, strained: 16, degraded: 4, 'no-reflection': 2, paused: 1, 'not-running': 8 };

function sortValue(row: CoachRow, key: CoachSortKey): string | number | null {
  switch (key) {
    case 'athlete':
      return row.mission.athlete.toLowerCase();
    case 'mission':
      return row.mission.name.toLowerCase();
    case 'state':
      return row.decision ? STATE_RANK[row.decision.state] : null;
    case 'decision':
      return row.decision ? DECISION_RANK[row.decision.decision] : null;
    case 'flags':
      return row.flags.reduce((sum, f) => sum + FLAG_WEIGHT[f], 0);
    case 'next-run':
      return row.nextRun.at ? Date.parse(row.nextRun.at) : null;
    case 'progress':
      return row.progress ? row.progress.pct : null;
  }
}

/**
 * Rows sorted by the key; rows without a value (no decision yet, no next run) come last in
 * either direction; ties keep athlete then mission order.
 */
export function sortCoachRows(rows: readonly CoachRow[], sort: CoachSort): CoachRow[] {
  const tie = (a: CoachRow, b: CoachRow) => a.mission.athlete.localeCompare(b.mission.athlete) || a.mission.name.localeCompare(b.mission.name) || a.mission.id.localeCompare(b.mission.id);
  return [...rows].sort((a, b) => {
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    if (va === null || vb === null) return va === vb ? tie(a, b) : va === null ? 1 : -1;
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return (sort.descending ? -c : c) || tie(a, b);
  });
}

// ------------------------------------------------------------------ view

const COLUMNS: { key: CoachSortKey; label: string; first: 'asc' | 'desc' }[] = [
  { key: 'athlete', label: 'Athlete', first: 'asc' },
  { key: 'mission', label: 'Mission', first: 'asc' },
  { key: 'state', label: 'Readiness', first: 'desc' },
  { key: 'decision', label: 'Decision', first: 'desc' },
  { key: 'flags', label: 'Flags', first: 'desc' },
  { key: 'next-run', label: 'Next run', first: 'asc' },
  { key: 'progress', label: 'Block', first: 'desc' },
];

export const COACH_PATH = '/coach';

function header(sort: CoachSort): SafeHtml {
  return html`<tr>${COLUMNS.map((c) => {
    const active = c.key === sort.key;
    // A click on the active column turns its direction; on another, its natural first direction.
    const descending = active ? !sort.descending : c.first === 'desc';
    const href = `${COACH_PATH}?sort=${descending ? '-' : ''}${c.key}`;
    const aria = active ? (sort.descending ? 'descending' : 'ascending') : 'none';
    return html`<th aria-sort="${aria}" data-sort="${c.key}"><a href="${href}">${c.label}${active ? html`<span class="sort-mark" aria-hidden="true">${sort.descending ? ' ▼' : ' ▲'}</span>` : null}</a></th>`;
  })}</tr>`;
}

function decisionCell(r: CoachRow): SafeHtml {
  if (!r.decision) return html`<td class="muted">no day yet</td><td></td>`;
  const when = r.decision.date === r.today ? null : html`<span class="muted small"> (${r.decision.date})</span>`;
  return html`<td><span class="badge state-${r.decision.state}">${r.decision.state}</span>${when}</td><td><span class="badge decision decision-${r.decision.decision}">${decisionLabel(r.decision.decision)}</span></td>`;
}

export function coachView(model: { rows: CoachRow[]; sort: CoachSort; who: string }): SafeHtml {
  const rows = sortCoachRows(model.rows, model.sort);
  const athletes = new Set(rows.map((r) => r.mission.athlete)).size;
  const flagged = rows.filter((r) => r.flags.length > 0).length;
  return html`<div class="page-head"><div><h1>Coach view</h1><p class="muted" id="coach-summary">${model.who}: ${rows.length} mission${rows.length === 1 ? '' : 's'} of ${athletes} athlete${athletes === 1 ? '' : 's'}, ${flagged} flagged</p></div></div>
${
  rows.length === 0
    ? html`<section class="card"><p class="muted">No mission to show. Missions appear here once started (<code>lanterne mission start &lt;file&gt; --athlete &lt;handle&gt;</code>).</p></section>`
    : html`<div class="table-wrap card flush"><table id="coach">
<thead>${header(model.sort)}</thead>
<tbody>
${rows.map(
  (r) => html`<tr data-athlete="${r.mission.athlete}" data-mission="${r.mission.id}" data-flags="${r.flags.join(' ')}">
<td><strong>${r.mission.athlete}</strong></td>
<td><a class="mission-link" href="${missionPath(r.mission)}">${r.mission.name}</a></td>
${decisionCell(r)}
<td class="wrap">${r.flags.length ? r.flags.map((f) => html`<span class="badge flag flag-${f}">${FLAG_LABELS[f]}</span>`) : html`<span class="muted">—</span>`}</td>
<td>${r.nextRun.text}</td>
<td>${r.progress ? html`<progress max="100" value="${r.progress.pct}" aria-label="block progress"></progress> <span class="small">${r.progress.done}/${r.progress.total}</span>` : html`<span class="muted">—</span>`}</td>
</tr>`,
)}
</tbody></table></div>`
}
<p class="muted small">Readiness and decision: the latest coached day (its date when it is not today in the mission's timezone). Flags: sick or strained on that day; degraded data (missing wearable data or a degraded run); no reflection for ${REFLECTION_GAP_DAYS} days; paused; the workflow not running. Click a column to sort.</p>`;
}
