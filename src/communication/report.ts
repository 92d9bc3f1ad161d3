/**
 * The daily report in three formats: Markdown, a standalone HTML page (inline CSS, inline SVG,
 * no external assets, no scripts) and JSON. Pure and deterministic: the same DayReport always
 * renders to the same bytes, so rewriting a report is idempotent.
 */
import type { DecisionKind, IsoDate, ReadinessState, WorkoutInterval } from '../domain/types';
import { dayHeading, decisionAddsToHeading, stageLabel } from './day-heading';
import type { DayReport, NotificationOutcome, RenderedReport } from './report-model';
import { readinessHrvChart, trainingLoadChart } from './svg-charts';
import { escapeHtml as h, escapeMarkdown as md, safeHttpUrl } from './text-escape';
import { DEMO_CATALOGUE_LABEL, isDemoSuggestion } from '../coaching/peloton';

/** Said above demo classes in every format. */
export const DEMO_CLASSES_SENTENCE = `Classes from the ${DEMO_CATALOGUE_LABEL} (made-up examples to show the matching): run \`lanterne peloton sync\` with a Peloton token for real ones.`;
import { workoutProfile, workoutProfileSvg, workoutProfileText } from './workout-profile';

export const DAY_REPORT_SCHEMA = 'lanterne.day-report/v1';

const DECISION_LABELS: Record<DecisionKind, string> = {
  as_planned: 'As planned',
  modify_intensity: 'Lower the intensity',
  reduce_volume: 'Shorten the session',
  recovery: 'Recovery ride',
  rest: 'Rest',
};

const STATE_LABELS: Record<ReadinessState, string> = {
  ready: 'ready',
  caution: 'caution',
  strained: 'strained',
  sick: 'sick',
};

export function decisionLabel(kind: DecisionKind): string {
  return DECISION_LABELS[kind] ?? kind;
}

/**
 * One-line subject for e-mail and page title: mission, date, the day's heading and the decision
 * (left out on a planned rest day, where "rest" would say the heading again).
 */
export function reportSubject(r: DayReport): string {
  const decision = decisionAddsToHeading(r.day, r.decision.decision) ? ` — ${decisionLabel(r.decision.decision)}` : '';
  return `${r.mission.name} — ${r.date} — ${stageLabel(r.day)}${decision}`;
}

/** The report's date range for the trend charts: its first history day (or its date) to its date. */
function chartRange(r: DayReport): { from: IsoDate; to: IsoDate } {
  const first = r.history.reduce<IsoDate>((min, p) => (p.date < min ? p.date : min), r.date);
  return { from: first, to: r.date };
}

export function intervalTarget(iv: WorkoutInterval): string {
  const parts: string[] = [];
  if (iv.targetPctFtp != null) parts.push(`${num(iv.targetPctFtp * 100)} % FTP`);
  if (iv.hrZone != null) parts.push(`HR zone ${num(iv.hrZone)}`);
  if (iv.targetWatts != null) parts.push(`${num(iv.targetWatts)} W`);
  if (iv.targetHr) parts.push(`${num(iv.targetHr.low)}–${num(iv.targetHr.high)} bpm`);
  if (iv.cadenceRpm != null) parts.push(`${num(iv.cadenceRpm)} rpm`);
  return parts.join(', ') || 'free';
}

function pct(n: number): string {
  return `${Math.round(n * 100)} %`;
}

function num(n: number | null | undefined, digits = 0, unit = ''): string {
  if (n == null || !Number.isFinite(n)) return '—';
  const f = 10 ** digits;
  return `${Math.round(n * f) / f}${unit}`;
}

function signed(n: number | null | undefined, digits = 1): string {
  if (n == null || !Number.isFinite(n)) return '—';
  const s = num(n, digits);
  return n > 0 ? `+${s}` : s;
}

function outcomeText(o: NotificationOutcome): string {
  const extra = o.status === 'sent' || o.status === 'already_sent' ? o.providerId : o.reason;
  return `${o.channel}: ${o.status.replace('_', ' ')}${extra ? ` (${extra})` : ''}`;
}

// ------------------------------------------------------------------ Markdown

export function renderMarkdown(r: DayReport): string {
  const L: string[] = [];
  const d = r.decision;
  L.push(`# ${md(r.mission.name)} — ${md(r.date)}`, '');
  L.push(
    `**${md(stageLabel(r.day))}** · day ${num(r.day.index + 1)} of ${num(r.totalDays)} · athlete ${md(r.athlete.handle)} · importance ${md(r.day.importance)}`,
    '',
  );
  L.push(`## Decision: ${md(decisionLabel(d.decision))}`, '');
  L.push(
    `Readiness state **${STATE_LABELS[d.state]}** · confidence ${pct(d.confidence)} · TSS band ${num(d.tssBand.min)}–${num(d.tssBand.max)} · up to ${num(d.maxDurationMin)} min`,
    '',
  );
  for (const line of d.rationale) L.push(`- ${md(line)}`);
  if (d.rationale.length) L.push('');
  if (d.negotiation) {
    const n = d.negotiation;
    L.push(
      `**Negotiation:** reasoning proposed *${md(decisionLabel(n.reasoningProposed))}*, mission proposed *${md(decisionLabel(n.missionProposed))}*; ${md(n.prevailed)} prevailed — ${md(n.why)}`,
      '',
    );
  }
  if (d.degraded.length) {
    L.push('**Degraded:**');
    for (const why of d.degraded) L.push(`- ${md(why)}`);
    L.push('');
  }

  L.push('## Workout', '');
  if (r.workout) {
    const w = r.workout;
    L.push(`**${md(w.title)}** · ${md(w.sport)} · ${num(w.durationMin)} min · TSS ${num(w.targetTss)}`, '');
    if (w.source === 'fallback') L.push(`_Planned by the fallback planner${w.fallbackReason ? `: ${md(w.fallbackReason)}` : ''}._`, '');
    if (w.notes) L.push(md(w.notes), '');
    const profile = workoutProfile(w);
    if (profile) L.push('```text', ...workoutProfileText(profile), '```', '');
    if (w.intervals.length) {
      L.push('| # | Minutes | Target | Cue |', '|---|---|---|---|');
      w.intervals.forEach((iv, i) => L.push(`| ${i + 1} | ${num(iv.durationMin)} | ${md(intervalTarget(iv))} | ${md(iv.cue)} |`));
      L.push('');
    }
  } else {
    L.push('No workout today.', '');
  }

  L.push('## Suggested classes', '');
  if (r.classes.length) {
    if (r.classes.some(isDemoSuggestion)) L.push(`_${md(DEMO_CLASSES_SENTENCE)}_`, '');
    for (const c of r.classes) {
      const url = safeHttpUrl(c.url);
      const title = url ? `[${md(c.title)}](${url})` : md(c.title);
      L.push(`- **${title}**${c.instructor ? ` with ${md(c.instructor)}` : ''} (${num(c.durationMin)} min, ${md(c.classType)}) — ${md(c.why)}`);
    }
  } else {
    L.push('No matching class.');
  }
  L.push('');

  L.push('## Load and recovery', '');
  const ld = r.load;
  const o = r.observation;
  L.push('| Figure | Value |', '|---|---|');
  if (ld) {
    L.push(
      `| Yesterday's TSS | ${num(ld.yesterdayTss)}${ld.yesterdayTssMethod ? ` (${ld.yesterdayTssMethod})` : ''} |`,
      `| Fitness (CTL) | ${num(ld.ctl, 1)} |`,
      `| Fatigue (ATL) | ${num(ld.atl, 1)} |`,
      `| Form (TSB) | ${signed(ld.tsb)} |`,
      `| ACWR | ${num(ld.acwr, 2)}${ld.acwrSpike ? ' (spike)' : ''} |`,
      `| HRV 7-day mean | ${num(ld.hrv7dMean, 0, ' ms')} (normal ${num(ld.hrvNormalLow)}–${num(ld.hrvNormalHigh)}) |`,
    );
  }
  L.push(
    `| Readiness | ${num(o.readinessScore)} |`,
    `| Sleep | ${num(o.sleepScore)} (${num(o.totalSleepH, 1, ' h')}) |`,
    `| Nightly HRV | ${num(o.hrvMs, 0, ' ms')} |`,
    `| Lowest heart rate | ${num(o.lowestHeartRate, 0, ' bpm')} |`,
    '',
  );
  if (o.ridesYesterday.length) {
    L.push(`Yesterday: ${o.ridesYesterday.map((x) => `${md(x.name)} (${num(x.movingMin)} min)`).join(', ')}.`, '');
  }
  if (o.missing.length) {
    L.push('Missing data:');
    for (const m of o.missing) L.push(`- ${md(m.part)} from ${md(m.source)}: ${md(m.reason)}`);
    L.push('');
  }
  if (r.adaptations.length) {
    L.push('## Adaptations', '');
    for (const a of r.adaptations) L.push(`- ${md(a)}`);
    L.push('');
  }
  if (r.notifications.length) {
    L.push('## Notifications', '');
    for (const n of r.notifications) L.push(`- ${md(outcomeText(n))}`);
    L.push('');
  }
  const link = safeHttpUrl(r.temporalUiUrl);
  if (link) L.push(`[Open this day in the Temporal UI](<${link.replace(/[<>]/g, encodeURIComponent)}>)`, '');
  return L.join('\n');
}

// ------------------------------------------------------------------ plain text (e-mail text part)

export function renderPlainText(r: DayReport): string {
  const L: string[] = [];
  const d = r.decision;
  L.push(`${r.mission.name} — ${r.date}`, `${stageLabel(r.day)} · day ${num(r.day.index + 1)} of ${num(r.totalDays)}`, '');
  L.push(`DECISION: ${decisionLabel(d.decision)} (state ${d.state}, confidence ${pct(d.confidence)})`);
  for (const line of d.rationale) L.push(`  - ${line}`);
  if (d.negotiation) L.push(`  Negotiation: ${d.negotiation.prevailed} prevailed — ${d.negotiation.why}`);
  for (const why of d.degraded) L.push(`  ! degraded: ${why}`);
  L.push('');
  if (r.workout) {
    const w = r.workout;
    L.push(`WORKOUT: ${w.title} — ${num(w.durationMin)} min, TSS ${num(w.targetTss)}`);
    const profile = workoutProfile(w);
    if (profile) L.push(...workoutProfileText(profile).map((line) => `  ${line}`));
    w.intervals.forEach((iv, i) => L.push(`  ${i + 1}. ${num(iv.durationMin)} min @ ${intervalTarget(iv)} — ${iv.cue}`));
    if (w.notes) L.push(`  ${w.notes}`);
  } else {
    L.push('WORKOUT: none today');
  }
  if (r.classes.length) {
    L.push('', r.classes.some(isDemoSuggestion) ? `CLASSES (${DEMO_CATALOGUE_LABEL}):` : 'CLASSES:');
    for (const c of r.classes) {
      L.push(`  - ${c.title}${c.instructor ? ` with ${c.instructor}` : ''} (${num(c.durationMin)} min, ${c.classType}) — ${c.why}`);
      const url = safeHttpUrl(c.url);
      if (url) L.push(`    ${url}`);
    }
  }
  if (r.load) {
    L.push('', `LOAD: CTL ${num(r.load.ctl, 1)} · ATL ${num(r.load.atl, 1)} · TSB ${signed(r.load.tsb)} · yesterday TSS ${num(r.load.yesterdayTss)}`);
  }
  const o = r.observation;
  L.push(`RECOVERY: readiness ${num(o.readinessScore)} · sleep ${num(o.sleepScore)} · HRV ${num(o.hrvMs, 0, ' ms')}`);
  for (const a of r.adaptations) L.push(`ADAPTATION: ${a}`);
  const link = safeHttpUrl(r.temporalUiUrl);
  if (link) L.push('', `Temporal UI: ${link}`);
  return L.join('\n') + '\n';
}

// ------------------------------------------------------------------ HTML

const CSS = `
body{font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#222;max-width:760px;margin:0 auto;padding:16px;line-height:1.45}
h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.15em;margin:24px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#555;margin:0 0 12px}.card{border:1px solid #ccd;border-radius:8px;padding:12px 16px;background:#f7f9fc}
.decision{font-size:1.3em;font-weight:bold}.decision.rest,.decision.recovery{color:#1e6f3c}.decision.modify_intensity,.decision.reduce_volume{color:#a35a00}
.warn{background:#fff4e5;border:1px solid #f0c080;border-radius:6px;padding:8px 12px;margin-top:8px}
table{border-collapse:collapse;width:100%;font-size:.95em}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f0f0f0}
.chart{max-width:100%;height:auto;display:block;margin:8px 0}.muted{color:#777}footer{margin-top:24px;font-size:.85em;color:#777}
`.trim();

/** " · indoor 60 min · threshold efforts"; nothing on a rest day, whose heading already says so. */
function trainingText(r: DayReport): string {
  const t = r.day.training;
  if (t.mode === 'rest') return '';
  return ` · ${h(t.mode)} ${num(t.durationMin)} min${t.focus ? ` · ${h(t.focus)}` : ''}`;
}

/**
 * The report as a standalone page; also the e-mail's HTML part. Its charts (the workout profile
 * and the trends) are inline SVG drawn here, since no script runs in a report file or an e-mail.
 */
export function renderHtml(r: DayReport): string {
  const d = r.decision;
  const o = r.observation;
  const B: string[] = [];
  B.push(`<h1>${h(r.mission.name)} — ${h(r.date)}</h1>`);
  B.push(
    `<p class="sub"><strong>${h(stageLabel(r.day))}</strong> · day ${num(r.day.index + 1)} of ${num(r.totalDays)} · athlete ${h(r.athlete.handle)} · importance ${h(r.day.importance)}${trainingText(r)}</p>`,
  );
  if (r.day.notes) B.push(`<p class="muted">${h(r.day.notes)}</p>`);

  B.push('<section class="card" id="decision">');
  B.push(`<div class="decision ${h(d.decision)}">${h(decisionLabel(d.decision))}</div>`);
  B.push(
    `<p>Readiness state <strong>${h(STATE_LABELS[d.state] ?? d.state)}</strong> · confidence ${pct(d.confidence)} · TSS band ${num(d.tssBand.min)}–${num(d.tssBand.max)} · up to ${num(d.maxDurationMin)} min</p>`,
  );
  if (d.rationale.length) B.push(`<ul class="rationale">${d.rationale.map((x) => `<li>${h(x)}</li>`).join('')}</ul>`);
  if (d.negotiation) {
    const n = d.negotiation;
    B.push(
      `<p class="negotiation"><strong>Negotiation:</strong> reasoning proposed <em>${h(decisionLabel(n.reasoningProposed))}</em>, mission proposed <em>${h(decisionLabel(n.missionProposed))}</em>; <strong>${h(n.prevailed)}</strong> prevailed — ${h(n.why)}</p>`,
    );
  }
  if (d.degraded.length) {
    B.push(`<div class="warn"><strong>Degraded:</strong><ul>${d.degraded.map((x) => `<li>${h(x)}</li>`).join('')}</ul></div>`);
  }
  B.push('</section>');

  B.push('<h2>Workout</h2>');
  if (r.workout) {
    const w = r.workout;
    B.push(`<p><strong>${h(w.title)}</strong> · ${h(w.sport)} · ${num(w.durationMin)} min · TSS ${num(w.targetTss)}</p>`);
    if (w.source === 'fallback') {
      B.push(`<p class="muted">Planned by the fallback planner${w.fallbackReason ? `: ${h(w.fallbackReason)}` : ''}.</p>`);
    }
    if (w.notes) B.push(`<p>${h(w.notes)}</p>`);
    const profile = workoutProfile(w);
    if (profile) B.push(workoutProfileSvg(profile, { title: w.title }));
    if (w.intervals.length) {
      B.push('<table class="intervals"><thead><tr><th>#</th><th>Minutes</th><th>Target</th><th>Cue</th></tr></thead><tbody>');
      w.intervals.forEach((iv, i) =>
        B.push(`<tr><td>${i + 1}</td><td>${num(iv.durationMin, 1)}</td><td>${h(intervalTarget(iv))}</td><td>${h(iv.cue)}</td></tr>`),
      );
      B.push('</tbody></table>');
    }
  } else {
    B.push('<p>No workout today.</p>');
  }

  B.push('<h2>Suggested classes</h2>');
  if (r.classes.length) {
    if (r.classes.some(isDemoSuggestion)) B.push(`<p class="muted demo-classes">${h(DEMO_CLASSES_SENTENCE)}</p>`);
    B.push(
      `<ul class="classes">${r.classes
        .map((c) => {
          const url = safeHttpUrl(c.url);
          const title = url ? `<a href="${h(url)}">${h(c.title)}</a>` : h(c.title);
          return `<li><strong>${title}</strong>${c.instructor ? ` with ${h(c.instructor)}` : ''} (${num(c.durationMin)} min, ${h(c.classType)}) — ${h(c.why)}</li>`;
        })
        .join('')}</ul>`,
    );
  } else {
    B.push('<p class="muted">No matching class.</p>');
  }

  B.push('<h2>Load and recovery</h2><table class="figures"><tbody>');
  const row = (k: string, v: string): string => `<tr><th>${h(k)}</th><td>${h(v)}</td></tr>`;
  if (r.load) {
    const ld = r.load;
    B.push(
      row("Yesterday's TSS", `${num(ld.yesterdayTss)}${ld.yesterdayTssMethod ? ` (${ld.yesterdayTssMethod})` : ''}`),
      row('Fitness (CTL)', num(ld.ctl, 1)),
      row('Fatigue (ATL)', num(ld.atl, 1)),
      row('Form (TSB)', signed(ld.tsb)),
      row('ACWR', `${num(ld.acwr, 2)}${ld.acwrSpike ? ' (spike)' : ''}`),
      row('HRV 7-day mean', `${num(ld.hrv7dMean, 0, ' ms')} (normal ${num(ld.hrvNormalLow)}–${num(ld.hrvNormalHigh)})`),
    );
  }
  B.push(
    row('Readiness', num(o.readinessScore)),
    row('Sleep', `${num(o.sleepScore)} (${num(o.totalSleepH, 1, ' h')})`),
    row('Nightly HRV', num(o.hrvMs, 0, ' ms')),
    row('Lowest heart rate', num(o.lowestHeartRate, 0, ' bpm')),
  );
  B.push('</tbody></table>');
  if (o.ridesYesterday.length) {
    B.push(`<p>Yesterday: ${o.ridesYesterday.map((x) => `${h(x.name)} (${num(x.movingMin)} min)`).join(', ')}.</p>`);
  }
  if (o.missing.length) {
    B.push(
      `<div class="warn"><strong>Missing data:</strong><ul>${o.missing
        .map((m) => `<li>${h(m.part)} from ${h(m.source)}: ${h(m.reason)}</li>`)
        .join('')}</ul></div>`,
    );
  }
  B.push('<h2>Trends</h2>', readinessHrvChart(r.history, chartRange(r)), trainingLoadChart(r.history, chartRange(r)));
  if (r.adaptations.length) {
    B.push('<h2>Adaptations</h2>', `<ul>${r.adaptations.map((a) => `<li>${h(a)}</li>`).join('')}</ul>`);
  }
  if (r.notifications.length) {
    B.push('<h2>Notifications</h2>', `<ul>${r.notifications.map((n) => `<li>${h(outcomeText(n))}</li>`).join('')}</ul>`);
  }
  const link = safeHttpUrl(r.temporalUiUrl);
  B.push(
    `<footer>Lanterne · mission ${h(r.mission.id)}${link ? ` · <a href="${h(link)}">Open this day in the Temporal UI</a>` : ''}</footer>`,
  );

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(reportSubject(r))}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    ...B,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ------------------------------------------------------------------ JSON

/**
 * The report as JSON: the DayReport itself, plus what the other formats derive from it — the
 * heading (`heading.label` is the line the other formats show) and the workout profile's data points.
 */
export function renderJson(r: DayReport): string {
  const doc = {
    schema: DAY_REPORT_SCHEMA,
    heading: { ...dayHeading(r.day), subject: reportSubject(r) },
    ...r,
    workoutProfile: workoutProfile(r.workout),
    temporalUiUrl: safeHttpUrl(r.temporalUiUrl),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** All three formats of the day's report. */
export function renderDayReport(r: DayReport): RenderedReport {
  return { markdown: renderMarkdown(r), html: renderHtml(r), json: renderJson(r) };
}
