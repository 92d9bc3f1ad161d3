/**
 * The missions list and the mission page, rendered from stored days (MemoryStore) and, when the
 * mission workflow is running, its live status. Pure: data in, escaped HTML out.
 */
import { CHANNELS, COMPLETION, type ClassSuggestion, type Decision, type Workout } from '../domain/types';
import type { DayRecord, MissionRecord } from '../memory/records';
import { compactRecentDays } from '../memory/recent-context';
import { lineChartSvg, readinessHrvChart, trainingLoadChart } from '../communication';
import { dayWorkflowId, legacyMissionWorkflowId, type MissionStatus, type UpcomingDay } from '../shared/mission-api';
import { html, trusted, type SafeHtml } from './html';
import { OVERRIDE_KINDS, type OverrideFormValues, type ReflectionFormValues } from './forms';

export type LiveMission =
  | { running: true; status: MissionStatus; upcoming: UpcomingDay[] }
  | { running: false; reason: string };

export interface TemporalUiLink {
  /** Base URL of the Temporal UI, e.g. http://127.0.0.1:8233 (no trailing slash needed). */
  baseUrl: string;
  namespace: string;
}

export interface MissionPageModel {
  mission: MissionRecord;
  /** Stored days, oldest first. */
  days: DayRecord[];
  live: LiveMission;
  csrf: string;
  temporalUi: TemporalUiLink | null;
  reflection: { values: ReflectionFormValues; problems: string[] };
  override: { values: OverrideFormValues; problems: string[] };
  flash: string | null;
}

export function missionPath(m: { athlete: string; id: string }): string {
  return `/missions/${encodeURIComponent(m.athlete)}/${encodeURIComponent(m.id)}`;
}

export function dayWorkflowUrl(link: TemporalUiLink, workflowId: string): string {
  const base = link.baseUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(link.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** The day's workflow id: as recorded with its run, else from the mission's workflow id. */
function dayIdOf(mission: MissionRecord, d: DayRecord): string {
  return d.run?.workflowId ?? dayWorkflowId(mission.workflowId ?? legacyMissionWorkflowId(mission.id), d.date);
}

// ------------------------------------------------------------------ missions list

export function missionsListView(missions: MissionRecord[]): SafeHtml {
  if (missions.length === 0) {
    return html`<h1>Missions</h1><p class="muted">No mission is stored yet. Start one with <code>lanterne up</code>.</p>`;
  }
  return html`<h1>Missions</h1>
<table id="missions">
<thead><tr><th>Mission</th><th>Athlete</th><th>Id</th><th>Status</th><th>Updated</th></tr></thead>
<tbody>
${missions.map(
  (m) => html`<tr><td><a href="${missionPath(m)}">${m.name}</a></td><td>${m.athlete}</td><td><code>${m.id}</code></td><td><span class="badge">${m.status}</span></td><td class="muted">${m.updatedAt.slice(0, 16).replace('T', ' ')} UTC</td></tr>`,
)}
</tbody>
</table>`;
}

// ------------------------------------------------------------------ mission page

export function missionView(m: MissionPageModel): SafeHtml {
  const latest = [...m.days].reverse().find((d) => d.decision || d.plan) ?? null;
  return html`<p class="muted"><a href="/missions">Missions</a> › ${m.mission.athlete}</p>
<h1>${m.mission.name}</h1>
${m.flash ? html`<p class="flash" role="status">${m.flash}</p>` : null}
${liveSection(m)}
${latest ? daySection(m, latest) : html`<section class="card"><p class="muted">No day of this mission has been recorded yet.</p></section>`}
<h2>Trends</h2>
${charts(m.days)}
<h2>History</h2>
${historyTable(m)}
<div class="grid2">
${reflectionForm(m)}
${overrideForm(m)}
</div>`;
}

function liveSection(m: MissionPageModel): SafeHtml {
  if (!m.live.running) {
    return html`<p class="notice" id="workflow-not-running"><strong>The mission workflow is not running</strong> (${m.live.reason}). Showing stored data only; reflections and overrides cannot be sent now.</p>`;
  }
  const s = m.live.status;
  const next = s.nextDay;
  const nextRun = s.nextRunAt ? formatInstant(s.nextRunAt, s.timezone) : s.paused ? 'paused' : 'none (mission over)';
  return html`<section class="card" id="live-status">
<dl class="facts">
<dt>Workflow</dt><dd><span class="badge">${s.phase}</span>${s.paused ? html` paused${s.pauseReason ? html`: ${s.pauseReason}` : null}` : null}</dd>
<dt>Next run</dt><dd id="next-run">${nextRun}</dd>
<dt>Next day</dt><dd id="next-stage">${next ? html`${next.date} — ${next.stage !== null ? `stage ${next.stage}: ` : ''}${next.name}` : 'none'}</dd>
<dt>Progress</dt><dd>${s.daysDone} of ${s.daysTotal} days (${s.counters.ok} ok, ${s.counters.degraded} degraded, ${s.counters.failed} failed, ${s.counters.skipped} skipped)</dd>
<dt>FTP</dt><dd>${s.ftpW} W</dd>
<dt>Channels</dt><dd>${s.channels.join(', ') || 'none'}</dd>
</dl>
${m.live.upcoming.length ? upcomingTable(m.live.upcoming) : null}
${s.reflections.length ? html`<h3>Reflections received by the workflow</h3>
<ul id="live-reflections">${s.reflections.map(
  (r) => html`<li>${r.date}: RPE ${r.rpe}, legs ${r.legs}/5, mood ${r.mood}/5, sleep ${r.sleepQuality}/5, completed ${r.completed}${r.note ? html` — “${r.note}”` : null}</li>`,
)}</ul>` : null}
</section>`;
}

function upcomingTable(days: UpcomingDay[]): SafeHtml {
  return html`<h3>Coming days</h3>
<table id="upcoming"><thead><tr><th>Date</th><th>Day</th><th>Type</th><th class="num">Minutes</th><th>Override</th></tr></thead><tbody>
${days.map((d) => html`<tr><td>${d.date}</td><td>${d.stage !== null ? `Stage ${d.stage}: ` : ''}${d.name}</td><td>${d.type}</td><td class="num">${d.durationMin}</td><td>${d.override ?? ''}</td></tr>`)}
</tbody></table>`;
}

function daySection(m: MissionPageModel, day: DayRecord): SafeHtml {
  const d = day.decision?.decision ?? null;
  return html`<h2>Day ${day.date}</h2>
<div class="grid2">
${d ? decisionCard(d) : html`<section class="card"><p class="muted">No decision recorded for ${day.date}.</p></section>`}
${day.plan ? workoutCard(day.plan) : html`<section class="card"><p class="muted">No workout recorded for ${day.date}.</p></section>`}
</div>
${day.classSuggestions && day.classSuggestions.length ? classesCard(day.classSuggestions) : null}
${m.temporalUi ? html`<p><a id="day-workflow-link" href="${dayWorkflowUrl(m.temporalUi, dayIdOf(m.mission, day))}">This day's workflow in the Temporal UI</a></p>` : null}`;
}

function decisionCard(d: Decision): SafeHtml {
  const n = d.negotiation;
  return html`<section class="card" id="decision">
<h3>Decision</h3>
<dl class="facts">
<dt>State</dt><dd><span class="badge state-${d.state}">${d.state}</span></dd>
<dt>Decision</dt><dd><strong>${d.decision.replace(/_/g, ' ')}</strong></dd>
<dt>Confidence</dt><dd>${Math.round(d.confidence * 100)} %</dd>
<dt>TSS band</dt><dd>${d.tssBand.min}–${d.tssBand.max}</dd>
</dl>
<h4>Why</h4>
<ul class="rationale">${d.rationale.map((r) => html`<li>${r}</li>`)}</ul>
${n ? html`<h4>Negotiation</h4><p id="negotiation">Reasoning proposed <strong>${n.reasoningProposed.replace(/_/g, ' ')}</strong>, the mission proposed <strong>${n.missionProposed.replace(/_/g, ' ')}</strong>; ${n.prevailed} prevailed: ${n.why}</p>` : null}
${d.degraded.length ? html`<p class="notice">Degraded: ${d.degraded.join('; ')}</p>` : null}
</section>`;
}

function workoutCard(w: Workout): SafeHtml {
  return html`<section class="card" id="workout">
<h3>Workout: ${w.title}</h3>
<p>${w.sport}, ${w.durationMin} min, target TSS ${w.targetTss} <span class="muted">(${w.source === 'llm' ? 'planned by the model' : `fallback plan${w.fallbackReason ? `: ${w.fallbackReason}` : ''}`})</span></p>
${w.intervals.length ? html`<table id="intervals"><thead><tr><th class="num">Min</th><th class="num">% FTP</th><th class="num">Watts</th><th>Heart rate</th><th class="num">Cadence</th><th>Cue</th></tr></thead><tbody>
${w.intervals.map(
  (i) => html`<tr><td class="num">${i.durationMin}</td><td class="num">${i.targetPctFtp !== null ? Math.round(i.targetPctFtp * 100) : ''}</td><td class="num">${i.targetWatts ?? ''}</td><td>${i.hrZone !== null ? `Z${i.hrZone}` : ''}${i.targetHr ? ` ${i.targetHr.low}–${i.targetHr.high} bpm` : ''}</td><td class="num">${i.cadenceRpm ?? ''}</td><td>${i.cue}</td></tr>`,
)}
</tbody></table>` : html`<p class="muted">No intervals (rest day).</p>`}
${w.notes ? html`<p>${w.notes}</p>` : null}
</section>`;
}

function classesCard(list: ClassSuggestion[]): SafeHtml {
  return html`<section class="card" id="classes"><h3>Class suggestions</h3>
<table><thead><tr><th>Class</th><th>Type</th><th class="num">Min</th><th>Why</th></tr></thead><tbody>
${list.map((c) => html`<tr><td>${c.title}</td><td>${c.classType}</td><td class="num">${c.durationMin}</td><td>${c.why}</td></tr>`)}
</tbody></table></section>`;
}

function charts(days: DayRecord[]): SafeHtml {
  const points = days.map((d) => ({
    date: d.date,
    readiness: d.observation?.readiness?.score ?? null,
    hrv: d.observation?.hrv?.averageHrvMs ?? null,
    ctl: d.load?.ctl ?? null,
    atl: d.load?.atl ?? null,
    tsb: d.load?.tsb ?? null,
  }));
  const last = days[days.length - 1];
  const compliance = last ? complianceSeries(days) : [];
  return html`<div class="charts" id="charts">
${trusted(readinessHrvChart(points))}
${trusted(trainingLoadChart(points))}
${trusted(
  lineChartSvg({
    id: 'chart-compliance',
    title: 'Compliance: done ÷ planned TSS (%)',
    labels: compliance.map((c) => c.date),
    leftRange: [0, 120],
    series: [{ name: 'Compliance %', color: '#7d3c98', values: compliance.map((c) => c.pct) }],
  }),
)}
</div>`;
}

/** Compliance per stored day (done TSS comes from the next day's load figures). */
function complianceSeries(days: DayRecord[]): { date: string; pct: number | null }[] {
  const first = days[0]!.date;
  const last = days[days.length - 1]!.date;
  const span = Math.min(366, Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000) + 1);
  const after = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const stored = new Set(days.map((d) => d.date));
  return compactRecentDays(after, span, days)
    .filter((r) => stored.has(r.date))
    .map((r) => ({ date: r.date, pct: r.compliance ? Math.round(r.compliance.ratio * 100) : null }));
}

function historyTable(m: MissionPageModel): SafeHtml {
  if (m.days.length === 0) return html`<p class="muted">Nothing recorded yet.</p>`;
  return html`<table id="history">
<thead><tr><th>Date</th><th>Run</th><th>State</th><th>Decision</th><th class="num">Readiness</th><th class="num">HRV</th><th class="num">CTL</th><th class="num">ATL</th><th class="num">TSB</th><th class="num">Planned TSS</th><th>Reflection</th><th>Workflow</th></tr></thead>
<tbody>
${[...m.days].reverse().map((d) => {
  const dec = d.decision?.decision;
  const r = d.reflection;
  return html`<tr data-date="${d.date}"><td>${d.date}</td><td>${d.run?.status ?? ''}</td><td>${dec ? html`<span class="badge state-${dec.state}">${dec.state}</span>` : ''}</td><td>${dec ? dec.decision.replace(/_/g, ' ') : ''}</td>
<td class="num">${d.observation?.readiness?.score ?? ''}</td><td class="num">${d.observation?.hrv?.averageHrvMs ?? ''}</td>
<td class="num">${fixed(d.load?.ctl)}</td><td class="num">${fixed(d.load?.atl)}</td><td class="num">${fixed(d.load?.tsb)}</td><td class="num">${d.plan?.targetTss ?? ''}</td>
<td>${r ? html`RPE ${r.rpe}, ${r.completed}${r.note ? html` — “${r.note}”` : null}` : ''}</td>
<td>${m.temporalUi ? html`<a class="workflow-link" href="${dayWorkflowUrl(m.temporalUi, dayIdOf(m.mission, d))}">${dayIdOf(m.mission, d)}</a>` : html`<code>${dayIdOf(m.mission, d)}</code>`}</td></tr>`;
})}
</tbody></table>`;
}

function problemsBox(id: string, problems: string[]): SafeHtml | null {
  if (problems.length === 0) return null;
  return html`<div class="errors wide" id="${id}" role="alert"><strong>Not sent:</strong><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>`;
}

function options(list: readonly string[], selected: string): SafeHtml[] {
  return list.map((v) => html`<option value="${v}"${v === selected ? trusted(' selected') : null}>${v}</option>`);
}

function scaleSelect(name: string, label: string, max: number, value: string): SafeHtml {
  const values = ['', ...Array.from({ length: max }, (_, i) => String(i + 1))];
  // A value outside the scale that came back from a refused form stays visible.
  if (value !== '' && !values.includes(value)) values.push(value);
  return html`<label>${label}<select name="${name}">${values.map((v) => html`<option value="${v}"${v === value ? trusted(' selected') : null}>${v === '' ? '—' : v}</option>`)}</select></label>`;
}

function reflectionForm(m: MissionPageModel): SafeHtml {
  const v = m.reflection.values;
  return html`<section class="card"><h2>How did it feel?</h2>
<form id="reflect" class="panel" method="post" action="${missionPath(m.mission)}/reflect">
<input type="hidden" name="csrf" value="${m.csrf}">
${problemsBox('reflect-errors', m.reflection.problems)}
<label>Date<input name="date" value="${v.date}" placeholder="YYYY-MM-DD"></label>
${scaleSelect('rpe', 'Effort (RPE 1–10)', 10, v.rpe)}
${scaleSelect('legs', 'Legs (1 fresh – 5 sore)', 5, v.legs)}
${scaleSelect('mood', 'Mood (1–5)', 5, v.mood)}
${scaleSelect('sleepQuality', 'Sleep (1–5)', 5, v.sleepQuality)}
<label>Completed<select name="completed">${options(COMPLETION, v.completed)}</select></label>
<label class="wide">Note<textarea name="note" rows="2" maxlength="1000">${v.note}</textarea></label>
<button type="submit">Send reflection</button>
</form></section>`;
}

function overrideForm(m: MissionPageModel): SafeHtml {
  const v = m.override.values;
  return html`<section class="card"><h2>Change the plan</h2>
<form id="override" class="panel" method="post" action="${missionPath(m.mission)}/override">
<input type="hidden" name="csrf" value="${m.csrf}">
${problemsBox('override-errors', m.override.problems)}
<label class="wide">What<select name="kind">${options(OVERRIDE_KINDS, v.kind)}</select></label>
<label>Date (rest-day, swap-days)<input name="date" value="${v.date}" placeholder="YYYY-MM-DD"></label>
<label>Other date (swap-days)<input name="otherDate" value="${v.otherDate}" placeholder="YYYY-MM-DD"></label>
<label>FTP in watts (set-ftp)<input name="ftpW" value="${v.ftpW}" inputmode="numeric"></label>
<label>Days (shift)<input name="days" value="${v.days}" inputmode="numeric"></label>
<label>Run time (set-run-time)<input name="runTime" value="${v.runTime}" placeholder="HH:MM"></label>
<fieldset><legend>Channels (set-channels)</legend>${CHANNELS.map(
  (c) => html`<label><span><input type="checkbox" name="channels" value="${c}"${v.channels.includes(c) ? trusted(' checked') : null}> ${c}</span></label>`,
)}</fieldset>
<label class="wide">Reason (rest-day, pause)<input name="reason" value="${v.reason}" maxlength="200"></label>
<button type="submit">Apply</button>
</form></section>`;
}

function fixed(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(1) : '';
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
