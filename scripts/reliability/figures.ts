/**
 * What a trial kind reports: how many trials ran and what was lost, each figure with its target,
 * one line of the table `npm run reliability` prints, and the JSON it writes next to it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './rig';
import { mulberry32 } from '../../src/observation/seeded-random';

export type TrialId = 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6';

export interface Figure {
  /** What was counted, e.g. "lost days". */
  label: string;
  value: number;
  /** Out of how many (e.g. days run), when that helps read it. */
  of?: number;
  /** The target: at most this many (0 for things that must never be lost). */
  max: number;
  /** Shown as a percentage of `of` (for "clear errors"), with the target as a minimum share. */
  percent?: boolean;
}

export interface TrialReport {
  id: TrialId;
  title: string;
  trials: number;
  /** What one trial is (e.g. "kills", "cells", "cases"). */
  unit: string;
  figures: Figure[];
  /** The settings that produced the figures, one line. */
  settings: string;
  /** Per-trial detail for the JSON (steps hit, recovery times, failures…). */
  details: unknown;
  /** Anything a reader must know (a target missed, a known gap), printed under the table. */
  notes: string[];
  durationS: number;
}

export function figureMet(f: Figure): boolean {
  return f.value <= f.max;
}

export function reportMet(r: TrialReport): boolean {
  return r.figures.every(figureMet);
}

function figureText(f: Figure): string {
  if (f.percent && f.of !== undefined) {
    const share = f.of === 0 ? 100 : (100 * (f.of - f.value)) / f.of;
    return `${f.label} ${share.toFixed(share === 100 ? 0 : 1)} % (${f.of - f.value}/${f.of})`;
  }
  return `${f.label} ${f.value}${f.of !== undefined ? `/${f.of}` : ''}`;
}

/** One line of the table: id, title, trial count, the figures, met or MISSED. */
export function tableLine(r: TrialReport): string {
  const missed = r.figures.filter((f) => !figureMet(f));
  const verdict = missed.length === 0 ? 'met' : `MISSED (${missed.map((f) => f.label).join(', ')})`;
  return `${r.id} ${r.title.padEnd(20)} ${String(r.trials).padStart(4)} ${r.unit.padEnd(6)} │ ${r.figures.map(figureText).join(' · ')} │ ${verdict} │ ${Math.round(r.durationS)} s`;
}

export function resultsDir(): string {
  return path.join(ROOT, 'test-results', 'reliability');
}

/** Writes the trial kind's report (the runner gathers them into one table and one JSON). */
export function writeReport(r: TrialReport): string {
  const dir = resultsDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${r.id}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ ...r, met: reportMet(r), machine: machine(), finishedAt: new Date().toISOString() }, null, 2)}\n`);
  return file;
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

/**
 * The trial count asked for: RELIABILITY_TRIALS_<id> (e.g. RELIABILITY_TRIALS_R1=10), else
 * RELIABILITY_TRIALS (`npm run reliability -- --trials n`), else `fallback`.
 */
export function trialsFromEnv(fallback: number, id?: TrialId): number {
  const name = id && process.env[`RELIABILITY_TRIALS_${id}`] ? `RELIABILITY_TRIALS_${id}` : 'RELIABILITY_TRIALS';
  const raw = process.env[name];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name}=${JSON.stringify(raw)} is not accepted: use a whole number of 1 or more`);
  return n;
}

/** A small seeded random generator (the synthetic athlete's mulberry32), so a trial's choices can be replayed with RELIABILITY_SEED. */
export const seededRandom = mulberry32;

export function seedFromEnv(): number {
  const raw = process.env.RELIABILITY_SEED;
  return raw ? Number(raw) >>> 0 : (Date.now() % 1_000_000_007) >>> 0;
}

/** Progress lines on stderr (jest shows them), prefixed by the trial kind. */
export function progress(id: TrialId): (line: string) => void {
  return (line) => process.stderr.write(`[${id} ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}
