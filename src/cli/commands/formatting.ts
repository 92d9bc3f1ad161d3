/** Human renderings of the extra commands' results: plain text tables, no colours. */
import type { ClassSuggestion, Decision, DayObservation, LoadFigures, Workout } from '../../domain/types';
import type { CoachPreview, ObservePreview } from './day-preview';
import { DEMO_CATALOGUE_LABEL, isDemoSuggestion } from '../../coaching/peloton';

/** A text table: columns padded to their widest cell, numbers right-aligned. */
export function table(headers: string[], rows: (string | number | null)[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))));
  const numeric = headers.map((_, i) => rows.some((r) => typeof r[i] === 'number') && rows.every((r) => r[i] === null || typeof r[i] === 'number'));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

const num = (v: number | null | undefined, unit = ''): string => (v === null || v === undefined ? '-' : `${v}${unit}`);

export function formatObservation(o: DayObservation): string {
  const lines: string[] = [];
  lines.push(o.readiness ? `readiness ${num(o.readiness.score)} (${o.readiness.source}), temperature deviation ${num(o.readiness.temperatureDeviation, ' °C')}` : 'readiness -');
  lines.push(
    o.sleep
      ? `sleep score ${num(o.sleep.score)}, ${o.sleep.totalSleepS === null ? '-' : `${Math.round((o.sleep.totalSleepS / 3600) * 10) / 10} h`}, efficiency ${num(o.sleep.efficiency, ' %')} (${o.sleep.source})`
      : 'sleep -',
  );
  lines.push(o.hrv ? `HRV ${num(o.hrv.averageHrvMs, ' ms')}, lowest HR ${num(o.hrv.lowestHeartRate, ' bpm')} (${o.hrv.source})` : 'HRV -');
  const last = o.rides[o.rides.length - 1];
  lines.push(`rides ${o.rides.length} in the history window${last ? `, last ${last.date} "${last.name}" ${Math.round(last.movingTimeS / 60)} min` : ''}`);
  if (o.missing.length === 0) lines.push('missing: nothing');
  else for (const m of o.missing) lines.push(`missing ${m.part} (${m.source}): ${m.reason}`);
  return lines.join('\n');
}

export function formatLoad(l: LoadFigures): string {
  return [
    `yesterday TSS ${l.yesterdayTss}${l.yesterdayTssMethod ? ` (${l.yesterdayTssMethod})` : ''}`,
    `CTL ${l.ctl}  ATL ${l.atl}  TSB ${l.tsb}  ACWR ${num(l.acwr)}${l.acwrSpike ? ' (spike)' : ''}`,
    `HRV 7-day mean ${num(l.hrv7dMean, ' ms')}, normal ${num(l.hrvNormalLow)}–${num(l.hrvNormalHigh)} ms, resting HR deviation ${num(l.restingHrDeviation)}`,
  ].join('\n');
}

/** Where CTL comes from: the stored daily load, what was pulled from the source, what is short. */
export function formatLoadHistory(h: ObservePreview['loadHistory']): string {
  const where = h.stored > 0 ? `${h.stored} days stored in PostgreSQL` : 'nothing stored';
  const pulled = h.pulled ? `; rides pulled from ${h.pulled.from} to ${h.pulled.to}` : '';
  const lines = [`load history: ${h.days} days${h.from ? ` from ${h.from}` : ''} (${where}${pulled})`];
  for (const n of h.notes) lines.push(`  ${n}`);
  return lines.join('\n');
}

function heading(p: Omit<ObservePreview, 'wellness'>): string {
  const src = p.sources === 'synthetic' ? 'synthetic athlete' : [p.sources.oura && 'Oura', p.sources.strava && 'Strava'].filter(Boolean).join(' + ');
  const day = p.day ? `day ${p.day.index + 1}${p.day.stage !== null ? `, stage ${p.day.stage}` : ''}: ${p.day.name} (${p.day.type})` : 'not a mission day';
  return `${p.missionId} ${p.date} — ${day}\nsources: ${src}`;
}

export function formatObservePreview(p: ObservePreview): string {
  const errors = p.errors.map((e) => `source error ${e.source} (${e.type}${e.retryable ? ', retryable' : ''}): ${e.message}`);
  return [heading(p), '', 'observation', formatObservation(p.observation), '', 'load', formatLoad(p.load), formatLoadHistory(p.loadHistory), ...(errors.length ? ['', ...errors] : [])].join('\n');
}

export function formatDecision(d: Decision): string {
  const lines = [`decision ${d.decision} — readiness ${d.state}, confidence ${d.confidence}`, `TSS band ${d.tssBand.min}–${d.tssBand.max}, up to ${d.maxDurationMin} min`, 'rationale:'];
  for (const r of d.rationale) lines.push(`  - ${r}`);
  lines.push(
    d.negotiation
      ? `negotiation: reasoning proposed ${d.negotiation.reasoningProposed}, mission proposed ${d.negotiation.missionProposed}; ${d.negotiation.prevailed} prevailed — ${d.negotiation.why}`
      : 'negotiation: none (the mission agreed with the reasoning)',
  );
  return lines.join('\n');
}

export function formatWorkout(w: Workout): string {
  const head = `workout "${w.title}" — ${w.sport}, ${w.durationMin} min, TSS ${w.targetTss} (${w.source}${w.fallbackReason ? `: ${w.fallbackReason}` : ''})`;
  if (w.intervals.length === 0) return `${head}\n${w.notes}`.trimEnd();
  const rows = w.intervals.map((i, n) => [
    n + 1,
    i.durationMin,
    i.targetPctFtp === null ? null : Math.round(i.targetPctFtp * 100),
    i.targetWatts,
    i.targetHr ? `${i.targetHr.low}-${i.targetHr.high}` : i.hrZone !== null ? `Z${i.hrZone}` : '-',
    i.cadenceRpm,
    i.cue,
  ]);
  return [head, table(['#', 'min', '%FTP', 'watts', 'HR', 'rpm', 'cue'], rows), ...(w.notes ? [w.notes] : [])].join('\n');
}

export function formatClasses(classes: ClassSuggestion[]): string {
  if (classes.length === 0) return 'classes: none to suggest';
  const head = classes.some(isDemoSuggestion) ? `classes (${DEMO_CATALOGUE_LABEL}):` : 'classes:';
  return [
    head,
    ...classes.flatMap((c, i) => [`  ${i + 1}. ${c.title}${c.instructor ? ` with ${c.instructor}` : ''} — ${c.durationMin} min ${c.classType} (${c.why})`, ...(c.url ? [`     ${c.url}`] : [])]),
  ].join('\n');
}

export function formatCoachPreview(p: CoachPreview): string {
  return [
    heading(p),
    '',
    formatObservation(p.observation),
    '',
    formatLoad(p.load),
    formatLoadHistory(p.loadHistory),
    '',
    formatDecision(p.decision),
    '',
    formatWorkout(p.workout),
    '',
    formatClasses(p.classes),
    ...(p.degraded.length ? ['', `degraded: ${p.degraded.join('; ')}`] : []),
    '',
    'dry run: nothing was recorded and nobody was notified',
  ].join('\n');
}

/** A one-line progress bar: [#####-----] 12/23. */
export function progressBar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
}
