/**
 * The workout's shape: power target against time, each block coloured by its Coggan zone
 * (src/coaching/training-zones). Three renderings of one profile: its data points (report JSON,
 * and for charts drawn elsewhere, e.g. the dashboard), an inline SVG for the HTML report and the
 * e-mail (no script can run there), and a one-line text profile for Markdown and plain text.
 * Pure and deterministic.
 */
import { HR_ZONES, POWER_LEVELS, intervalIntensityFactor } from '../coaching/training-zones';
import type { Workout } from '../domain/types';
import { escapeHtml } from './text-escape';

/** What a block's height stands for: its power target, the power equivalent of its heart-rate zone, or nothing (free riding). */
export type ProfileBasis = 'power' | 'heart-rate' | 'none';

export interface ProfileBlock {
  /** Minutes from the start of the workout. */
  startMin: number;
  endMin: number;
  /** Power target as a fraction of FTP (for a heart-rate block, its zone's power equivalent); null when free. */
  pctFtp: number | null;
  /** Target watts from the athlete's FTP, when the block has a power target. */
  watts: number | null;
  /** Coggan power level 1–7, or the Coggan heart-rate zone 1–5 of a heart-rate block; null when free. */
  zone: number | null;
  zoneName: string | null;
  basis: ProfileBasis;
  cue: string;
}

export interface WorkoutProfile {
  durationMin: number;
  blocks: ProfileBlock[];
}

/** Zone colours, the usual training-app palette: grey, blue, green, yellow, orange, red, purple. */
export const ZONE_COLORS: Record<number, string> = {
  1: '#8c8c8c',
  2: '#2f80ed',
  3: '#27ae60',
  4: '#e5b50b',
  5: '#f2813a',
  6: '#e0452b',
  7: '#9b51e0',
};
const FREE_COLOR = '#c8c8c8';

/** The Coggan power level (1–7) of a target given as a fraction of FTP. */
export function powerZone(pctFtp: number): number {
  let zone = 1;
  for (const [level, { low }] of Object.entries(POWER_LEVELS)) if (pctFtp >= low - 1e-9) zone = Number(level);
  return zone;
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** The profile of a workout; null when there is none (rest day) or it has no intervals. */
export function workoutProfile(workout: Workout | null): WorkoutProfile | null {
  if (!workout || workout.intervals.length === 0) return null;
  let t = 0;
  const blocks = workout.intervals.map((iv): ProfileBlock => {
    const startMin = round(t, 2);
    t += Number.isFinite(iv.durationMin) && iv.durationMin > 0 ? iv.durationMin : 0;
    const base = { startMin, endMin: round(t, 2), cue: iv.cue };
    if (iv.targetPctFtp != null && Number.isFinite(iv.targetPctFtp)) {
      const zone = powerZone(iv.targetPctFtp);
      return { ...base, pctFtp: round(iv.targetPctFtp, 3), watts: iv.targetWatts ?? null, zone, zoneName: POWER_LEVELS[zone]!.name, basis: 'power' };
    }
    if (iv.hrZone != null && HR_ZONES[iv.hrZone]) {
      const pct = intervalIntensityFactor({ durationMin: iv.durationMin, targetPctFtp: null, hrZone: iv.hrZone });
      return { ...base, pctFtp: round(pct, 3), watts: null, zone: iv.hrZone, zoneName: HR_ZONES[iv.hrZone]!.name, basis: 'heart-rate' };
    }
    return { ...base, pctFtp: null, watts: null, zone: null, zoneName: null, basis: 'none' };
  });
  return { durationMin: round(t, 2), blocks };
}

const pctText = (pct: number): string => `${Math.round(pct * 100)} %`;

function blockText(b: ProfileBlock): string {
  const len = `${round(b.endMin - b.startMin, 1)} min`;
  if (b.basis === 'power') return `${len} at ${pctText(b.pctFtp!)} FTP${b.watts != null ? ` (${Math.round(b.watts)} W)` : ''}, Z${b.zone} ${b.zoneName}`;
  if (b.basis === 'heart-rate') return `${len} in heart-rate zone ${b.zone} (${b.zoneName}, about ${pctText(b.pctFtp!)} FTP)`;
  return `${len} free`;
}

const M = { top: 30, right: 16, bottom: 30, left: 46 };

/** The profile as an inline SVG: blocks by time, height by % FTP, coloured by zone, the FTP line dashed. */
export function workoutProfileSvg(profile: WorkoutProfile, opts: { title?: string; width?: number; height?: number } = {}): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 200;
  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const top = Math.max(1.2, Math.ceil((Math.max(0, ...profile.blocks.map((b) => b.pctFtp ?? 0)) + 0.1) * 10) / 10);
  const total = profile.durationMin > 0 ? profile.durationMin : 1;
  const x = (min: number): number => M.left + (min / total) * plotW;
  const y = (pct: number): number => M.top + plotH - (Math.min(pct, top) / top) * plotH;
  const f = (n: number): string => round(n, 1).toString();
  const title = opts.title ? `Workout profile: ${opts.title}` : 'Workout profile';
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart profile" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="chart-profile-title">`,
    `<title id="chart-profile-title">${escapeHtml(title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  ];

  // legend: the zones the workout uses
  const zones = [...new Set(profile.blocks.map((b) => b.zone).filter((z): z is number => z != null))].sort((a, b) => a - b);
  let lx = M.left;
  for (const z of zones) {
    const name = `Z${z} ${(POWER_LEVELS[z] ?? HR_ZONES[z])!.name}`;
    parts.push(
      `<rect x="${lx}" y="8" width="12" height="8" fill="${ZONE_COLORS[z]}"/>`,
      `<text x="${lx + 16}" y="16" font-size="11" font-family="sans-serif" fill="#333">${escapeHtml(name)}</text>`,
    );
    lx += 28 + 6.5 * name.length;
  }
  if (profile.blocks.some((b) => b.basis === 'heart-rate')) {
    parts.push(`<text x="${width - M.right}" y="16" text-anchor="end" font-size="10" font-family="sans-serif" fill="#666">pale: heart-rate target</text>`);
  }

  // axes: % FTP on the left, minutes below, the FTP line
  const base = M.top + plotH;
  parts.push(`<line x1="${M.left}" y1="${base}" x2="${M.left + plotW}" y2="${base}" stroke="#999"/>`, `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${base}" stroke="#999"/>`);
  for (let pct = 0.5; pct <= top + 1e-9; pct += 0.5) {
    parts.push(`<text x="${M.left - 4}" y="${f(y(pct) + 4)}" text-anchor="end" font-size="10" font-family="sans-serif" fill="#555">${pctText(pct)}</text>`);
  }
  parts.push(
    `<line class="ftp" x1="${M.left}" y1="${f(y(1))}" x2="${M.left + plotW}" y2="${f(y(1))}" stroke="#555" stroke-dasharray="4 3"/>`,
    `<text x="${M.left + plotW - 2}" y="${f(y(1) - 3)}" text-anchor="end" font-size="10" font-family="sans-serif" fill="#555">FTP</text>`,
  );
  const step = [5, 10, 15, 30, 60].find((s) => total / s <= 8) ?? 120;
  for (let m = 0; m <= total + 1e-9; m += step) {
    parts.push(`<text x="${f(x(m))}" y="${height - 10}" text-anchor="middle" font-size="10" font-family="sans-serif" fill="#555">${m === 0 ? '0' : `${m}′`}</text>`);
  }

  // blocks
  for (const b of profile.blocks) {
    const x0 = x(b.startMin);
    const w = Math.max(0.5, x(b.endMin) - x0);
    const color = b.zone != null ? ZONE_COLORS[b.zone]! : FREE_COLOR;
    const y0 = b.pctFtp != null ? y(b.pctFtp) : base - 4;
    const pale = b.basis === 'heart-rate' ? ' fill-opacity="0.45"' : '';
    parts.push(
      `<rect class="block" data-zone="${b.zone ?? ''}" data-basis="${b.basis}" x="${f(x0)}" y="${f(y0)}" width="${f(w)}" height="${f(base - y0)}" fill="${color}"${pale} stroke="#ffffff" stroke-width="1"><title>${escapeHtml(`${blockText(b)}${b.cue ? ` — ${b.cue}` : ''}`)}</title></rect>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

const BARS = '▁▂▃▄▅▆▇█';
/** % FTP at the top bar of the text profile. */
const TEXT_TOP = 1.2;

/**
 * The profile as text: one bar character per time step (the highest target in that step), and a
 * line saying the scale. At most `width` characters wide.
 */
export function workoutProfileText(profile: WorkoutProfile, width = 60): string[] {
  const total = profile.durationMin;
  if (total <= 0) return [];
  const step = [1, 2, 3, 5, 10, 15, 30].find((s) => Math.ceil(total / s) <= width) ?? Math.ceil(total / width);
  let bars = '';
  for (let i = 0; i * step < total - 1e-9; i += 1) {
    const from = i * step;
    const to = Math.min(total, from + step);
    const inStep = profile.blocks.filter((b) => b.startMin < to - 1e-9 && b.endMin > from + 1e-9 && b.pctFtp != null);
    if (inStep.length === 0) {
      bars += ' ';
      continue;
    }
    const pct = Math.max(...inStep.map((b) => b.pctFtp!));
    bars += BARS[Math.min(BARS.length, Math.max(1, Math.round((pct / TEXT_TOP) * BARS.length))) - 1];
  }
  const ftpBar = BARS[Math.round((1 / TEXT_TOP) * BARS.length) - 1];
  return [bars, `(1 character = ${step} min; ${ftpBar} = 100 % FTP, ${BARS[BARS.length - 1]} = ${pctText(TEXT_TOP)} and above)`];
}
