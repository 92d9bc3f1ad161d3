/**
 * The evaluation's outputs: the text tables (terminal), the same as JSON, and an HTML page with
 * charts of the cohort's CTL/ATL/TSB bands per policy (uPlot, inlined: the page works offline and
 * loads nothing from elsewhere).
 */
import fs from 'node:fs';
import path from 'node:path';
import { escapeHtml } from '../communication/text-escape';
import { table } from '../cli/commands/formatting';
import { fmt, TSB_RISK, type PolicySummary } from './metrics';
import { POLICIES, POLICY_LABELS } from './policies';
import type { EvaluationResult } from './evaluate';

const one = (x: number | null, digits = 1): string | null => (x === null ? null : fmt(x, digits));

/** Rows of the per-policy table: metric name and its value per policy. */
export function summaryRows(r: EvaluationResult): (string | number | null)[][] {
  const s = (p: (typeof POLICIES)[number]): PolicySummary => r.policies[p].summary;
  const row = (name: string, value: (x: PolicySummary) => string | number | null) => [name, ...POLICIES.map((p) => value(s(p)))];
  return [
    row('CTL gain (mean)', (x) => one(x.ctlGain)),
    row('key-stage performance (mean, points vs start)', (x) => one(x.keyStagePerformance, 2)),
    row('last-day performance (mean, points vs start)', (x) => one(x.lastDayPerformance, 2)),
    row(`days with TSB below ${TSB_RISK} (all athletes)`, (x) => x.daysTsbBelowRisk),
    row('illness days (all athletes)', (x) => x.illnessDays),
    row('days trained hard while ill', (x) => x.hardWhileIll),
    row('rest/recovery prescribed on sick days', (x) => (x.restOrRecoveryWhenIllPct === null ? 'no sick day' : `${Math.round(x.restOrRecoveryWhenIllPct)} %`)),
    row('mean weekly hours (prescribed) vs cap', (x) => `${x.meanWeeklyHours.toFixed(1)} / ${x.weeklyHoursCap}`),
    row('most hours in one week', (x) => x.maxWeeklyHours.toFixed(1)),
    row('TSS ridden per athlete (mean)', (x) => Math.round(x.riddenTss)),
  ];
}

export function formatEvaluation(r: EvaluationResult): string {
  const m = r.mission;
  return [
    `${m.name} (${m.file}): ${r.athletes} synthetic athletes, seed ${r.seed}, ${m.days} days ${m.first} … ${m.last}, key stages ${m.keyStages.join(', ') || 'none'}`,
    '',
    table(['metric', ...POLICIES.map((p) => POLICY_LABELS[p])], summaryRows(r)),
    '',
    'targets (issue 12), Lanterne against the fixed plan:',
    table(['target', 'measured', 'result'], r.targets.map((t) => [t.target, t.measured, t.met ? 'met' : 'missed'])),
    '',
    `model: docs/physiology-model.md; ${r.seconds} s`,
  ].join('\n');
}

/** Writes `evaluation.json` and `evaluation.html` under `dir`; returns their paths. */
export function writeEvaluation(r: EvaluationResult, dir: string): { json: string; html: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'evaluation.json');
  const html = path.join(dir, 'evaluation.html');
  fs.writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  fs.writeFileSync(html, renderEvaluationHtml(r));
  return { json, html };
}

function uplotAssets(): { js: string; css: string } {
  const js = fs.readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = fs.readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  return { js, css };
}

/** JSON that is safe inside a <script> element. */
function scriptJson(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function renderEvaluationHtml(r: EvaluationResult): string {
  const { js, css } = uplotAssets();
  const m = r.mission;
  const head = ['metric', ...POLICIES.map((p) => POLICY_LABELS[p])];
  const rows = summaryRows(r);
  const cell = (v: string | number | null) => `<td>${escapeHtml(v === null ? '-' : String(v))}</td>`;
  const charts = {
    dates: r.dates,
    policies: POLICIES.map((p) => ({ id: p, label: POLICY_LABELS[p], bands: r.policies[p].bands })),
    tsbRisk: TSB_RISK,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(`Evaluation — ${m.name}`)}</title>
<style>${css}</style>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.met { color: #16794a; font-weight: 600; } .missed { color: #b3261e; font-weight: 600; }
.chart { margin: 1.5rem 0; }
</style>
</head>
<body>
<h1>${escapeHtml(m.name)}: Lanterne against the plans</h1>
<p>${r.athletes} synthetic athletes (seed ${escapeHtml(r.seed)}) through ${m.days} days, ${escapeHtml(m.first)} to ${escapeHtml(m.last)} (${escapeHtml(m.file)}).
Each athlete rode the block three times: Lanterne's adaptive coaching, the fixed plan, and the readiness-naive plan.
Figures are the athletes' simulated truth (docs/physiology-model.md).</p>
<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('\n')}</tbody></table>
<h2>Targets (issue 12)</h2>
<table><thead><tr><th>target</th><th>measured</th><th>result</th></tr></thead>
<tbody>${r.targets.map((t) => `<tr><td>${escapeHtml(t.target)}</td><td>${escapeHtml(t.measured)}</td><td class="${t.met ? 'met' : 'missed'}">${t.met ? 'met' : 'missed'}</td></tr>`).join('\n')}</tbody></table>
<h2>Fitness, fatigue and form across the cohort</h2>
<p>Lines are the cohort's median, shaded bands the 10th–90th centiles; day 0 is the day before the mission.</p>
<div id="charts"></div>
<script id="evaluation-data" type="application/json">${scriptJson(charts)}</script>
<script>${js}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById('evaluation-data').textContent);
  var x = data.dates.map(function (_, i) { return i; });
  var colours = { ctl: [31, 119, 180], atl: [214, 39, 40], tsb: [44, 160, 44] };
  function rgba(c, a) { return 'rgba(' + c[0] + ',' + c[1] + ',' + c[2] + ',' + a + ')'; }
  data.policies.forEach(function (p) {
    var series = [{ label: 'day' }];
    var values = [x];
    var bands = [];
    ['ctl', 'atl', 'tsb'].forEach(function (k) {
      var b = p.bands[k];
      var base = values.length;
      series.push({ label: k.toUpperCase() + ' p90', stroke: rgba(colours[k], 0.3), width: 1 });
      series.push({ label: k.toUpperCase() + ' median', stroke: rgba(colours[k], 1), width: 2 });
      series.push({ label: k.toUpperCase() + ' p10', stroke: rgba(colours[k], 0.3), width: 1 });
      values.push(b.p90, b.p50, b.p10);
      bands.push({ series: [base, base + 2], fill: rgba(colours[k], 0.12) });
    });
    var div = document.createElement('div');
    div.className = 'chart';
    var h = document.createElement('h3');
    h.textContent = p.label;
    div.appendChild(h);
    document.getElementById('charts').appendChild(div);
    new uPlot({ width: 900, height: 320, series: series, bands: bands, scales: { x: { time: false } }, axes: [{ label: 'mission day' }, { label: 'TSS/day' }] }, values, div);
  });
})();
</script>
</body>
</html>
`;
}
