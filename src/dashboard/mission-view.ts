/**
 * The missions list and a mission's overview page: live status (kept current by the page's
 * script), the latest day's decision and workout, this week, the fitness, wellness and compliance
 * charts, the history table and the athlete's forms. Pure: data in, escaped HTML out.
 */
import type { DayRecord, MissionRecord } from '../memory/records';
import { html, jsonIsland, type SafeHtml } from './html';
import type { CalendarTile } from './calendar';
import type { MissionCharts } from './chart-data';
import { weekStrip } from './calendar-view';
import { classesCard, decisionCard, workoutCard } from './day-view';
import { liveFacts, type LiveMission } from './live-status';
import { overrideForms, reflectionForm, type FormsModel } from './plan-forms';
import { calendarPath, dayPath, dayWorkflowIdOf, missionPath, statusPath, workflowUrl, type TemporalUiLink } from './paths';

export interface MissionPageModel {
  mission: MissionRecord;
  /** Stored days, oldest first. */
  days: DayRecord[];
  tiles: CalendarTile[];
  charts: MissionCharts;
  live: LiveMission;
  forms: FormsModel;
  temporalUi: TemporalUiLink | null;
  flash: string | null;
  /** How often the page asks for the live status (ms). */
  pollMs: number;
}

// ------------------------------------------------------------------ missions list

export function missionsListView(missions: MissionRecord[]): SafeHtml {
  if (missions.length === 0) {
    return html`<h1>Missions</h1><section class="card"><p class="muted">No mission is stored yet. Start one with <code>lanterne up</code>.</p></section>`;
  }
  return html`<h1>Missions</h1>
<div class="table-wrap card flush"><table id="missions">
<thead><tr><th>Mission</th><th>Athlete</th><th>Id</th><th>Status</th><th>Updated</th></tr></thead>
<tbody>
${missions.map(
  (m) => html`<tr><td><a href="${missionPath(m)}">${m.name}</a></td><td>${m.athlete}</td><td><code>${m.id}</code></td><td><span class="badge">${m.status}</span></td><td class="muted">${m.updatedAt.slice(0, 16).replace('T', ' ')} UTC</td></tr>`,
)}
</tbody>
</table></div>`;
}

// ------------------------------------------------------------------ mission page

/** A day that ran or was observed (not one that only holds an override for later). */
function recorded(d: DayRecord): boolean {
  return Boolean(d.run || d.observation || d.load || d.decision || d.plan || d.reflection);
}

export function missionView(m: MissionPageModel): SafeHtml {
  const latest = [...m.days].reverse().find((d) => d.decision || d.plan) ?? null;
  return html`<p class="crumbs"><a href="/missions">Missions</a> › ${m.mission.athlete}</p>
<div class="page-head"><div><h1>${m.mission.name}</h1></div>
<nav class="tabs"><a href="${missionPath(m.mission)}" aria-current="page">Overview</a><a href="${calendarPath(m.mission)}" id="calendar-link">Calendar</a>${latest ? html`<a href="${dayPath(m.mission, latest.date)}">Latest day</a>` : null}</nav></div>
${m.flash ? html`<p class="flash" role="status">${m.flash}</p>` : null}
${liveSection(m)}
${latest ? latestDay(m, latest) : html`<section class="card"><p class="muted">No day of this mission has been recorded yet.</p></section>`}
${weekStrip(m.mission, m.tiles)}
${charts(m.charts)}
<h2>History</h2>
${historyTable(m)}
<h2 id="change">Your input</h2>
<div class="forms-layout">
${reflectionForm(m.forms)}
<div><h3 class="section-title">Change the plan</h3>${overrideForms(m.forms)}</div>
</div>`;
}

function liveSection(m: MissionPageModel): SafeHtml {
  if (!m.live.running) {
    return html`<p class="notice" id="workflow-not-running"><strong>The mission workflow is not running</strong> (${m.live.reason}). Showing stored data only; reflections and overrides cannot be sent now.</p>`;
  }
  const f = liveFacts(m.live);
  const s = m.live.status;
  return html`<section class="card status" id="live-status" data-status-url="${statusPath(m.mission)}" data-poll-ms="${m.pollMs}" data-latest="${f.latest?.date ?? ''}">
<div class="status-grid">
<div><span class="label">Workflow</span><span class="badge phase phase-${f.phase}" id="phase" data-live="phase">${f.phase}</span>${s.paused ? html` <span class="muted">${s.pauseReason ? `paused: ${s.pauseReason}` : 'paused'}</span>` : null}</div>
<div><span class="label">Next run</span><span id="next-run" data-live="nextRun">${f.nextRun}</span></div>
<div><span class="label">Next day</span><span id="next-stage" data-live="nextDay">${f.nextDay}</span></div>
<div><span class="label">Latest day</span><span id="latest-day" data-live="latest">${f.latest?.text ?? 'none yet'}</span></div>
<div class="progress-cell"><span class="label">Progress</span><span data-live="progress">${f.progress}</span><span class="progress" aria-hidden="true"><span class="bar" data-live-width="progressPct" data-pct="${f.progressPct}"></span></span></div>
<div><span class="label">FTP · channels</span><span><span data-live="ftp">${f.ftp}</span> · <span data-live="channels">${f.channels}</span></span></div>
</div>
<p class="flash" id="live-news" hidden></p>
${s.reflections.length ? html`<details class="received"><summary>Reflections received by the workflow (${s.reflections.length})</summary>
<ul id="live-reflections">${s.reflections.map(
  (r) => html`<li>${r.date}: RPE ${r.rpe}, legs ${r.legs}/5, mood ${r.mood}/5, sleep ${r.sleepQuality}/5, completed ${r.completed}${r.note ? html` — “${r.note}”` : null}</li>`,
)}</ul></details>` : null}
</section>`;
}

function latestDay(m: MissionPageModel, day: DayRecord): SafeHtml {
  const d = day.decision?.decision ?? null;
  return html`<div class="section-head"><h2>Day ${day.date}</h2><a href="${dayPath(m.mission, day.date)}" id="open-day">Open the day →</a></div>
<div class="grid2">
${d ? decisionCard(d) : html`<section class="card"><p class="muted">No decision recorded for ${day.date}.</p></section>`}
${day.plan ? workoutCard(day.plan, { table: true, chartId: 'chart-workout' }) : html`<section class="card"><p class="muted">No workout recorded for ${day.date}.</p></section>`}
</div>
${day.classSuggestions && day.classSuggestions.length ? classesCard(day.classSuggestions) : null}
${m.temporalUi ? html`<p><a id="day-workflow-link" href="${workflowUrl(m.temporalUi, dayWorkflowIdOf(m.mission, day.date, day.run))}">This day's workflow in the Temporal UI</a></p>` : null}`;
}

function charts(c: MissionCharts): SafeHtml {
  return html`<section class="charts" id="charts">
${jsonIsland('mission-charts', c)}
<div class="card chart-card wide">
<div class="card-head"><h2>Fitness, fatigue and form</h2>${formSummary(c)}
<div class="range" role="group" aria-label="Range"><button type="button" class="ghost" data-range="mission">Mission</button><button type="button" class="ghost" data-range="90">90 days</button><button type="button" class="ghost" data-range="all">All</button></div></div>
<p class="muted small">CTL (fitness, 42 d), ATL (fatigue, 7 d) and TSB (form) over the whole load history${c.dates.length ? ` from ${c.dates[0]}` : ''}; dashed: projected from the planned load. Drag to zoom, double-click to reset.</p>
<div class="chart" id="chart-fitness" data-chart="fitness" role="img" aria-label="CTL, ATL and TSB by day"></div>
</div>
<div class="grid2">
<div class="card chart-card"><h2>Readiness, HRV and resting HR</h2><p class="muted small">HRV with its normal band (mean ± 1 SD of the 60 nights before).</p>
<div class="chart" id="chart-wellness" data-chart="wellness" role="img" aria-label="Readiness, HRV and resting heart rate by day"></div></div>
<div class="card chart-card"><h2>Planned vs done</h2><p class="muted small">TSS per coached day: planned (outline) and done (filled).</p>
<div class="chart" id="chart-compliance" data-chart="compliance" role="img" aria-label="Planned and done TSS per day"></div></div>
</div>
</section>`;
}

/** Form bands as intervals.icu draws them (TSB). */
export function formBand(tsb: number): string {
  if (tsb > 25) return 'transition';
  if (tsb > 5) return 'fresh';
  if (tsb >= -10) return 'grey zone';
  if (tsb >= -30) return 'optimal training';
  return 'high risk';
}

/** This morning's fitness, fatigue and form: after yesterday's training, before today's. */
function formSummary(c: MissionCharts): SafeHtml | null {
  const i = (c.projectedFrom ?? c.dates.length) - 1;
  const ctl = c.ctl[i];
  const atl = c.atl[i];
  if (i < 0 || ctl === null || ctl === undefined || atl === null || atl === undefined) return null;
  const tsb = Math.round((ctl - atl) * 10) / 10;
  return html`<div class="kpis" id="form-summary"><span class="kpi ctl"><span class="kpi-label">Fitness</span>${Math.round(ctl)}</span><span class="kpi atl"><span class="kpi-label">Fatigue</span>${Math.round(atl)}</span><span class="kpi tsb"><span class="kpi-label">Form</span>${Math.round(tsb)}<span class="kpi-note">${formBand(tsb)}</span></span></div>`;
}

function fixed(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(1) : '';
}

function historyTable(m: MissionPageModel): SafeHtml {
  if (m.days.length === 0) return html`<p class="muted">Nothing recorded yet.</p>`;
  return html`<div class="table-wrap card flush"><table id="history">
<thead><tr><th>Date</th><th>Run</th><th>State</th><th>Decision</th><th class="num">Readiness</th><th class="num">HRV</th><th class="num">CTL</th><th class="num">ATL</th><th class="num">TSB</th><th class="num">Planned TSS</th><th>Reflection</th><th>Workflow</th></tr></thead>
<tbody>
${m.days.filter(recorded).reverse().map((d) => {
  const dec = d.decision?.decision;
  const r = d.reflection;
  return html`<tr data-date="${d.date}"><td><a href="${dayPath(m.mission, d.date)}">${d.date}</a></td><td>${d.run?.status ?? ''}</td><td>${dec ? html`<span class="badge state-${dec.state}">${dec.state}</span>` : ''}</td><td>${dec ? dec.decision.replace(/_/g, ' ') : ''}</td>
<td class="num">${d.observation?.readiness?.score ?? ''}</td><td class="num">${d.observation?.hrv?.averageHrvMs ?? ''}</td>
<td class="num">${fixed(d.load?.ctl)}</td><td class="num">${fixed(d.load?.atl)}</td><td class="num">${fixed(d.load?.tsb)}</td><td class="num">${d.plan?.targetTss ?? ''}</td>
<td class="wrap">${r ? html`RPE ${r.rpe}, ${r.completed}${r.note ? html` — “${r.note}”` : null}` : ''}</td>
<td>${m.temporalUi ? html`<a class="workflow-link" href="${workflowUrl(m.temporalUi, dayWorkflowIdOf(m.mission, d.date, d.run))}">${dayWorkflowIdOf(m.mission, d.date, d.run)}</a>` : html`<code>${dayWorkflowIdOf(m.mission, d.date, d.run)}</code>`}</td></tr>`;
})}
</tbody></table></div>`;
}
