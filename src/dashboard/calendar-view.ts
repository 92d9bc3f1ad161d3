/**
 * The block calendar page (Monday-first weeks, one tile per mission day, this week highlighted)
 * and the tiles the mission page's week strip reuses. Every tile links to its day view. Pure.
 */
import type { IsoDate } from '../domain/types';
import type { MissionRecord } from '../memory/records';
import { html, type SafeHtml } from './html';
import { calendarWeeks, dayNames, type CalendarTile } from './calendar';
import { decisionLabel } from './live-status';
import { dayPath, missionPath } from './paths';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Saturday 5 Jul 2025" (a calendar date: computed in UTC, no timezone involved). */
export function weekdayLong(date: IsoDate): string {
  const d = new Date(`${date}T00:00:00Z`);
  return `${WEEKDAYS[(d.getUTCDay() + 6) % 7]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

function dayShort(date: IsoDate): string {
  const d = new Date(`${date}T00:00:00Z`);
  return `${WEEKDAYS[(d.getUTCDay() + 6) % 7]!.slice(0, 3)} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

function hoursMinutes(min: number): string {
  return `${Math.floor(min / 60)} h ${String(Math.round(min % 60)).padStart(2, '0')}`;
}

const COMPLETED_MARK: Record<string, string> = { yes: '✓', partly: '½', no: '✗' };

/** Type, importance, decision and run badges of a day. */
export function tileBadges(t: CalendarTile): SafeHtml {
  return html`${t.type ? html`<span class="badge type type-${t.type}">${t.type}</span>` : null}${t.importance === 'key' || t.importance === 'high' ? html`<span class="badge importance-${t.importance}">${t.importance === 'key' ? '★ key' : 'high'}</span>` : null}${t.decision ? html`<span class="badge decision decision-${t.decision}">${decisionLabel(t.decision)}</span>` : null}${t.run === 'failed' ? html`<span class="badge run-failed">failed</span>` : null}${t.degraded ? html`<span class="badge run-degraded" title="some data was missing">degraded</span>` : null}`;
}

export function tile(mission: { athlete: string; id: string }, t: CalendarTile): SafeHtml {
  const classes = ['tile', `when-${t.when}`, t.type ? `type-${t.type}` : '', t.thisWeek ? 'this-week' : '', t.importance === 'key' ? 'key' : '', t.decision ? `decided decision-${t.decision}` : ''].filter(Boolean).join(' ');
  return html`<a class="${classes}" href="${dayPath(mission, t.date)}" data-date="${t.date}" id="tile-${t.date}">
<span class="tile-top"><span class="tile-date">${dayShort(t.date)}</span>${t.stage !== null ? html`<span class="tile-stage">S${t.stage}</span>` : null}${t.importance === 'key' ? html`<span class="tile-key" title="key stage">★</span>` : null}${t.when === 'today' ? html`<span class="tile-today">today</span>` : null}</span>
<span class="tile-name">${dayNames(t).short}</span>
<span class="tile-type">${t.type ?? ''}${t.importance && t.importance !== 'normal' ? ` · ${t.importance}` : ''}${t.durationMin ? ` · ${t.durationMin} min` : ''}</span>
${t.type === 'rest' && !t.plannedTss && !t.doneTss
  ? html`<span class="tile-load rest">rest</span>`
  : html`<span class="tile-load"><span class="planned" title="planned TSS">${t.plannedTss === null ? '—' : `${t.plannedEstimated ? '≈' : ''}${t.plannedTss}`}</span><span class="sep">/</span><span class="done" title="done TSS">${t.doneTss ?? '—'}</span><span class="unit">TSS</span></span>`}
${t.decision ? html`<span class="tile-decision decision-${t.decision}">${decisionLabel(t.decision)}</span>` : null}
${t.overrides.length ? html`<span class="tile-mark override" title="${t.overrides.join('; ')}">⟲ ${t.overrides[0]}${t.overrides.length > 1 ? ` +${t.overrides.length - 1}` : ''}</span>` : null}
${t.reflection ? html`<span class="tile-mark reflection" title="${t.reflection.note}">RPE ${t.reflection.rpe} ${COMPLETED_MARK[t.reflection.completed] ?? ''}</span>` : null}
</a>`;
}

/** The week of `today` as a strip of tiles (mission page). */
export function weekStrip(mission: MissionRecord, tiles: readonly CalendarTile[]): SafeHtml | null {
  const week = tiles.filter((t) => t.thisWeek);
  if (week.length === 0) return null;
  return html`<section class="card week" id="this-week"><div class="card-head"><h2>This week</h2><a href="${missionPath(mission)}/calendar">Whole block →</a></div>
<div class="week-strip">${week.map((t) => tile(mission, t))}</div></section>`;
}

export function calendarView(mission: MissionRecord, tiles: readonly CalendarTile[], today: IsoDate): SafeHtml {
  const weeks = calendarWeeks(tiles, today);
  const planned = tiles.reduce((a, t) => a + (t.plannedTss ?? 0), 0);
  const done = tiles.reduce((a, t) => a + (t.doneTss ?? 0), 0);
  const decided = tiles.filter((t) => t.decision).length;
  return html`<p class="crumbs"><a href="/missions">Missions</a> › <a href="${missionPath(mission)}">${mission.name}</a></p>
<div class="page-head"><div><h1>Block calendar</h1><p class="muted">${tiles.length} days · ${decided} coached · planned ${Math.round(planned)} TSS · done ${Math.round(done)} TSS</p></div>
<nav class="tabs"><a href="${missionPath(mission)}">Overview</a><a href="${missionPath(mission)}/calendar" aria-current="page">Calendar</a></nav></div>
<ul class="legend">${['flat', 'hilly', 'mountain', 'itt', 'ttt', 'rest'].map((t) => html`<li><span class="legend-swatch type-${t}"></span>${t}</li>`)}<li><span class="tile-key">★</span> key stage</li><li>planned / done TSS (≈ estimated)</li></ul>
${weeks.length === 0
  ? html`<section class="card"><p class="muted">No day of this mission is known yet.</p></section>`
  : html`<div class="calendar" id="calendar">
<div class="cal-head" aria-hidden="true">${WEEKDAYS.map((d) => html`<span>${d.slice(0, 3)}</span>`)}<span>Week</span></div>
${weeks.map((w) => {
  const days = w.cells.filter((c): c is CalendarTile => c !== null);
  const planned = days.reduce((a, t) => a + (t.plannedTss ?? 0), 0);
  const done = days.reduce((a, t) => a + (t.doneTss ?? 0), 0);
  const minutes = days.reduce((a, t) => a + (t.durationMin ?? 0), 0);
  return html`<div class="cal-week${w.thisWeek ? ' this-week' : ''}" data-week="${w.monday}">${w.cells.map((c) => (c ? tile(mission, c) : html`<span class="tile empty" aria-hidden="true"></span>`))}<span class="week-total"><span class="wk-label">${w.thisWeek ? 'This week' : `Week of ${dayShort(w.monday).slice(4)}`}</span><span class="wk-load"><strong>${Math.round(done)}</strong> / ${Math.round(planned)} TSS</span><span class="wk-time">${hoursMinutes(minutes)}</span></span></div>`;
})}
</div>`}`;
}
