/**
 * Inline SVG line charts for the report and the e-mail, where no script can run (no scripts, no
 * external assets, attributes only). Points are placed by date: a day with no value, or no row at
 * all, is a gap in the line. Pure: the same input gives the same markup; text from input is escaped.
 *
 * Hand-written on purpose: the chart libraries that render SVG without a DOM were tried (Apache
 * ECharts' SSR mode, Vega's headless view): ECharts numbers its CSS classes per chart instance, so
 * the same report renders differently within one process, and Vega's SVG is asynchronous and
 * numbers its clip paths with a process-wide counter; both are large (28–62 MB) for three charts.
 */
import { assertIsoDate, daysBetween, addDays } from '../domain/iso-date';
import type { IsoDate } from '../domain/types';
import type { HistoryPoint } from './report-model';
import { escapeHtml } from './text-escape';

export interface ChartSeries {
  name: string;
  color: string;
  /** One value per date of `labels`; null is a gap. */
  values: (number | null)[];
  /** Which y axis the series is drawn against (default left). */
  axis?: 'left' | 'right';
}

export interface LineChartOptions {
  /** Used for element ids; letters, digits and dashes. */
  id: string;
  title: string;
  /** The dates (YYYY-MM-DD) of the values, in any order; a date left out is a gap. */
  labels: IsoDate[];
  /** Dates the x axis spans at least (e.g. up to the report's date); default the labels' range. */
  range?: { from: IsoDate; to: IsoDate };
  series: ChartSeries[];
  width?: number;
  height?: number;
  /** Fixed range of the left axis (e.g. 0..100 for scores); otherwise fitted to the data. */
  leftRange?: [number, number];
  /** Draw a dashed line at y = 0 when it is in range (for TSB). */
  zeroLine?: boolean;
}

const M = { top: 30, right: 46, bottom: 30, left: 46 };

export function lineChartSvg(opts: LineChartOptions): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 220;
  const id = opts.id.replace(/[^A-Za-z0-9-]/g, '-');
  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  opts.labels.forEach((d, i) => assertIsoDate(d, `chart ${id}: date ${i + 1}`));
  const n = opts.labels.length;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title">`,
    `<title id="${id}-title">${escapeHtml(opts.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  );

  // legend
  let lx = M.left;
  for (const s of opts.series) {
    parts.push(
      `<rect x="${lx}" y="8" width="12" height="4" fill="${safeColor(s.color)}"/>`,
      `<text x="${lx + 16}" y="14" font-size="11" font-family="sans-serif" fill="#333">${escapeHtml(s.name)}</text>`,
    );
    lx += 24 + 7 * s.name.length;
  }

  const hasData = opts.series.some((s) => s.values.some(isNum));
  if (n === 0 || !hasData) {
    parts.push(
      `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="13" font-family="sans-serif" fill="#888">no data yet</text>`,
      '</svg>',
    );
    return parts.join('');
  }

  // x by date: the span from the earliest to the latest date (widened to `range`)
  const sorted = [...opts.labels].sort();
  const first = opts.range && opts.range.from < sorted[0]! ? opts.range.from : sorted[0]!;
  const last = opts.range && opts.range.to > sorted[n - 1]! ? opts.range.to : sorted[n - 1]!;
  const span = daysBetween(first, last);
  const x = (date: IsoDate): number => (span === 0 ? M.left + plotW / 2 : M.left + (daysBetween(first, date) * plotW) / span);
  const axes: Record<'left' | 'right', { min: number; max: number } | null> = {
    left: fitRange(opts.series.filter((s) => (s.axis ?? 'left') === 'left'), opts.leftRange),
    right: fitRange(opts.series.filter((s) => s.axis === 'right')),
  };
  const yOf = (axis: 'left' | 'right', v: number): number => {
    const r = axes[axis]!;
    return M.top + plotH - ((v - r.min) / (r.max - r.min)) * plotH;
  };

  // frame and ticks
  parts.push(
    `<line x1="${M.left}" y1="${M.top + plotH}" x2="${M.left + plotW}" y2="${M.top + plotH}" stroke="#999"/>`,
  );
  for (const axis of ['left', 'right'] as const) {
    const r = axes[axis];
    if (!r) continue;
    const ax = axis === 'left' ? M.left : M.left + plotW;
    parts.push(`<line x1="${ax}" y1="${M.top}" x2="${ax}" y2="${M.top + plotH}" stroke="#999"/>`);
    for (const v of [r.min, (r.min + r.max) / 2, r.max]) {
      const y = yOf(axis, v);
      const tx = axis === 'left' ? ax - 4 : ax + 4;
      parts.push(
        `<text x="${tx}" y="${fmt(y + 4)}" text-anchor="${axis === 'left' ? 'end' : 'start'}" font-size="10" font-family="sans-serif" fill="#555">${fmtTick(v)}</text>`,
      );
    }
  }
  if (opts.zeroLine && axes.left && axes.left.min < 0 && axes.left.max > 0) {
    const y = fmt(yOf('left', 0));
    parts.push(
      `<line x1="${M.left}" y1="${y}" x2="${M.left + plotW}" y2="${y}" stroke="#bbb" stroke-dasharray="4 3"/>`,
    );
  }
  const tickDates = span === 0 ? [first] : span === 1 ? [first, last] : [first, addDays(first, Math.floor(span / 2)), last];
  for (const date of tickDates) {
    parts.push(
      `<text x="${fmt(x(date))}" y="${height - 10}" text-anchor="middle" font-size="10" font-family="sans-serif" fill="#555">${escapeHtml(date.slice(5))}</text>`,
    );
  }

  // series: a line joins the values of consecutive days only
  const order = opts.labels.map((date, i) => ({ date, i })).sort((a, b) => a.date.localeCompare(b.date));
  for (const s of opts.series) {
    const axis = s.axis ?? 'left';
    const color = safeColor(s.color);
    const points = order.map(({ date, i }) => ({ date, v: s.values[i] })).filter((p): p is { date: IsoDate; v: number } => isNum(p.v));
    let d = '';
    points.forEach((p, k) => {
      const joined = k > 0 && daysBetween(points[k - 1]!.date, p.date) === 1;
      d += `${joined ? 'L' : 'M'}${fmt(x(p.date))} ${fmt(yOf(axis, p.v))} `;
    });
    if (d) {
      parts.push(
        `<path class="series" data-series="${escapeHtml(s.name)}" d="${d.trim()}" fill="none" stroke="${color}" stroke-width="2"/>`,
      );
    }
    for (const p of points) {
      parts.push(`<circle cx="${fmt(x(p.date))}" cy="${fmt(yOf(axis, p.v))}" r="2.5" fill="${color}" data-date="${p.date}"/>`);
    }
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Readiness (0–100, left axis) and nightly HRV (ms, right axis), by date. */
export function readinessHrvChart(history: HistoryPoint[], range?: { from: IsoDate; to: IsoDate }): string {
  return lineChartSvg({
    id: 'chart-readiness-hrv',
    title: 'Readiness and HRV trend',
    labels: history.map((h) => h.date),
    range,
    leftRange: [0, 100],
    series: [
      { name: 'Readiness', color: '#2a7ab0', values: history.map((h) => h.readiness) },
      { name: 'HRV (ms)', color: '#d0782a', values: history.map((h) => h.hrv), axis: 'right' },
    ],
  });
}

/** Fitness (CTL), fatigue (ATL) and form (TSB) on one axis, with the zero line, by date. */
export function trainingLoadChart(history: HistoryPoint[], range?: { from: IsoDate; to: IsoDate }): string {
  return lineChartSvg({
    id: 'chart-load',
    title: 'Fitness (CTL), fatigue (ATL) and form (TSB)',
    labels: history.map((h) => h.date),
    range,
    zeroLine: true,
    series: [
      { name: 'CTL', color: '#2a7ab0', values: history.map((h) => h.ctl) },
      { name: 'ATL', color: '#c0392b', values: history.map((h) => h.atl) },
      { name: 'TSB', color: '#27ae60', values: history.map((h) => h.tsb) },
    ],
  });
}

function fitRange(series: ChartSeries[], fixed?: [number, number]): { min: number; max: number } | null {
  const values = series.flatMap((s) => s.values.filter(isNum));
  if (series.length === 0) return null;
  if (fixed) {
    return { min: Math.min(fixed[0], ...values), max: Math.max(fixed[1], ...values) };
  }
  if (values.length === 0) return { min: 0, max: 1 };
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (min === max) {
    min -= 1;
    max += 1;
  }
  const pad = (max - min) * 0.08;
  return { min: niceFloor(min - pad), max: niceCeil(max + pad) };
}

function niceFloor(v: number): number {
  return Math.floor(v);
}
function niceCeil(v: number): number {
  return Math.ceil(v);
}

function isNum(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function fmt(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

function fmtTick(v: number): string {
  return Math.abs(v) >= 10 ? Math.round(v).toString() : (Math.round(v * 10) / 10).toString();
}

function safeColor(color: string): string {
  return /^#[0-9a-fA-F]{3,8}$/.test(color) ? color : '#333333';
}
