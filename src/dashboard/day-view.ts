/**
 * One mission day: the decision and why, the workout's profile (drawn by the page's script from
 * the JSON island) and its table, the class suggestions, the reflection and the overrides. Also
 * the decision and workout cards the mission page reuses. Pure: data in, escaped HTML out.
 */
import type { ClassSuggestion, Decision, IsoDate, Workout } from '../domain/types';
import type { DayRecord, MissionRecord } from '../memory/records';
import { html, jsonIsland, type SafeHtml } from './html';
import { workoutProfile } from './chart-data';
import type { CalendarTile } from './calendar';
import { decisionLabel } from './live-status';
import { calendarPath, dayPath, dayWorkflowIdOf, missionPath, workflowUrl, type TemporalUiLink } from './paths';
import { tileBadges, weekdayLong } from './calendar-view';
import { dayNames } from './calendar';
import { isDemoSuggestion } from '../coaching/peloton';
import { DEMO_CLASSES_SENTENCE } from '../communication/report';
import { safeHttpUrl } from '../communication/text-escape';

export interface DayPageModel {
  mission: MissionRecord;
  tile: CalendarTile;
  record: DayRecord | null;
  previous: IsoDate | null;
  next: IsoDate | null;
  temporalUi: TemporalUiLink | null;
}

export function decisionCard(d: Decision): SafeHtml {
  const n = d.negotiation;
  return html`<section class="card decision" id="decision">
<div class="card-head"><h3>Decision</h3><span class="badge state-${d.state}">${d.state}</span></div>
<p class="decision-main decision-${d.decision}"><strong>${decisionLabel(d.decision)}</strong></p>
<dl class="facts">
<dt>Confidence</dt><dd>${Math.round(d.confidence * 100)} %</dd>
<dt>TSS band</dt><dd>${d.tssBand.min}–${d.tssBand.max}</dd>
<dt>Longest</dt><dd>${d.maxDurationMin} min</dd>
</dl>
<h4>Why</h4>
<ul class="rationale">${d.rationale.map((r) => html`<li>${r}</li>`)}</ul>
${n ? html`<h4>Negotiation</h4><p id="negotiation">Reasoning proposed <strong>${decisionLabel(n.reasoningProposed)}</strong>, the mission proposed <strong>${decisionLabel(n.missionProposed)}</strong>; ${n.prevailed} prevailed: ${n.why}</p>` : null}
${d.degraded.length ? html`<p class="notice">Degraded: ${d.degraded.join('; ')}</p>` : null}
</section>`;
}

/** The workout: its profile chart (power target vs time, zones coloured) and, with `table`, its blocks. */
export function workoutCard(w: Workout, opts: { table: boolean; chartId: string }): SafeHtml {
  const profile = workoutProfile(w);
  return html`<section class="card workout" id="workout">
<div class="card-head"><h3>Workout: ${w.title}</h3><span class="muted small">${w.source === 'llm' ? 'planned by the model' : `fallback plan${w.fallbackReason ? `: ${w.fallbackReason}` : ''}`}</span></div>
<p class="workout-facts"><span><strong>${w.durationMin}</strong> min</span><span><strong>${w.targetTss}</strong> TSS</span><span>${w.sport}</span></p>
${profile.length
  ? html`<div class="chart chart-workout" id="${opts.chartId}" data-chart="workout" data-source="${opts.chartId}-data" role="img" aria-label="Power target over time, coloured by training zone"></div>
${jsonIsland(`${opts.chartId}-data`, profile)}
<ul class="zone-legend" aria-hidden="true">${[1, 2, 3, 4, 5, 6, 7].map((z) => html`<li><span class="zone-swatch zone-${z}"></span>Z${z}</li>`)}</ul>`
  : html`<p class="muted">No intervals (rest day).</p>`}
${opts.table && w.intervals.length ? html`<div class="table-wrap"><table id="intervals"><thead><tr><th class="num">Min</th><th class="num">% FTP</th><th class="num">Watts</th><th>Heart rate</th><th class="num">Cadence</th><th>Cue</th></tr></thead><tbody>
${w.intervals.map(
  (i) => html`<tr><td class="num">${i.durationMin}</td><td class="num">${i.targetPctFtp !== null ? Math.round(i.targetPctFtp * 100) : ''}</td><td class="num">${i.targetWatts ?? ''}</td><td>${i.hrZone !== null ? `Z${i.hrZone}` : ''}${i.targetHr ? ` ${i.targetHr.low}–${i.targetHr.high} bpm` : ''}</td><td class="num">${i.cadenceRpm ?? ''}</td><td class="wrap">${i.cue}</td></tr>`,
)}
</tbody></table></div>` : null}
${w.notes ? html`<p>${w.notes}</p>` : null}
</section>`;
}

export function classesCard(list: ClassSuggestion[]): SafeHtml {
  const demo = list.some(isDemoSuggestion);
  return html`<section class="card" id="classes"><h3>Class suggestions</h3>
${demo ? html`<p class="small muted demo-classes">${DEMO_CLASSES_SENTENCE}</p>` : null}
<ul class="classes">${list.map((c) => {
    const url = safeHttpUrl(c.url);
    return html`<li><strong>${url ? html`<a href="${url}" rel="noopener noreferrer" target="_blank">${c.title}</a>` : c.title}</strong>${c.instructor ? html` <span class="muted">with ${c.instructor}</span>` : null} <span class="badge">${c.classType}</span> <span class="muted">${c.durationMin} min</span><br><span class="small">${c.why}</span></li>`;
  })}</ul>
</section>`;
}

export function dayView(m: DayPageModel): SafeHtml {
  const t = m.tile;
  const r = m.record;
  const decision = r?.decision?.decision ?? null;
  const names = dayNames(t);
  const facts = [
    t.distanceKm ? `${t.distanceKm} km` : null,
    t.elevationM ? `${t.elevationM.toLocaleString('en-GB')} m climbing` : null,
    t.mode && t.mode !== 'rest' ? `${t.mode}, ${t.durationMin ?? '?'} min` : null,
    t.focus && t.focus !== 'rest' ? `focus: ${t.focus}` : null,
  ].filter((f): f is string => f !== null);
  return html`<p class="crumbs"><a href="/missions">Missions</a> › <a href="${missionPath(m.mission)}">${m.mission.name}</a> › <a href="${calendarPath(m.mission)}">Calendar</a></p>
<div class="page-head">
<div><h1 id="day-title">${names.title}</h1>
<p class="muted">${weekdayLong(t.date)}${names.route ? html` · ${names.route}` : null}</p></div>
<nav class="pager">${m.previous ? html`<a href="${dayPath(m.mission, m.previous)}" rel="prev">← ${m.previous}</a>` : null}${m.next ? html`<a href="${dayPath(m.mission, m.next)}" rel="next">${m.next} →</a>` : null}</nav>
</div>
<p class="tile-badges">${tileBadges(t)}${facts.length ? html`<span class="day-facts">${facts.join(' · ')}</span>` : null}</p>
<div class="grid2">
${decision ? decisionCard(decision) : html`<section class="card" id="decision"><h3>Decision</h3><p class="muted">${t.when === 'past' ? 'No decision was recorded for this day.' : `The coach decides on the morning of ${t.date}.`}${t.plannedTss !== null ? ` Planned load: ${t.plannedEstimated ? '≈ ' : ''}${t.plannedTss} TSS over ${t.durationMin ?? '?'} min.` : ''}</p></section>`}
${r?.plan ? workoutCard(r.plan, { table: true, chartId: 'chart-workout' }) : html`<section class="card" id="workout"><h3>Workout</h3><p class="muted">No workout recorded for ${t.date}.</p></section>`}
</div>
${r?.classSuggestions && r.classSuggestions.length ? classesCard(r.classSuggestions) : null}
<div class="grid2">
<section class="card" id="day-reflection"><h3>How it felt</h3>${r?.reflection ? html`<p>RPE <strong>${r.reflection.rpe}</strong>, legs ${r.reflection.legs}/5, mood ${r.reflection.mood}/5, sleep ${r.reflection.sleepQuality}/5, completed <strong>${r.reflection.completed}</strong></p>${r.reflection.note ? html`<blockquote>${r.reflection.note}</blockquote>` : null}` : html`<p class="muted">No reflection for this day yet. <a href="${missionPath(m.mission)}#reflect">Add one</a>.</p>`}</section>
<section class="card" id="day-overrides"><h3>Changes</h3>${t.overrides.length ? html`<ul>${t.overrides.map((o) => html`<li>${o}</li>`)}</ul>` : html`<p class="muted">No override for this day.</p>`}
${r?.run ? html`<p class="small muted">Run: ${r.run.status}${r.run.degradedReasons.length ? ` — ${r.run.degradedReasons.join('; ')}` : ''}</p>` : null}
${m.temporalUi && r?.run ? html`<p><a id="day-workflow-link" href="${workflowUrl(m.temporalUi, dayWorkflowIdOf(m.mission, t.date, r.run))}">This day's workflow in the Temporal UI</a></p>` : null}</section>
</div>`;
}
