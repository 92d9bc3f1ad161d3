/**
 * Seeded randomness for the synthetic athlete: every number is fixed by (seed, date, channel), so a
 * day's values never depend on which range is asked for, in which order, or how far the athlete
 * was simulated before. Pure, no Node builtins.
 */
import type { IsoDate } from '../domain/types';

/** FNV-1a hash of a string to 32 bits. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, well-mixed 32-bit PRNG. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform number in [0, 1) fixed by (seed, date, channel). */
export function uniform(seed: number | string, date: IsoDate, channel: string): number {
  return mulberry32(hash32(`${seed}|${date}|${channel}`))();
}

/** A standard normal number fixed by (seed, date, channel) (Box–Muller). */
export function normal(seed: number | string, date: IsoDate, channel: string): number {
  const next = mulberry32(hash32(`${seed}|${date}|${channel}|n`));
  const u1 = Math.max(next(), 1e-12);
  const u2 = next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Draws for one key (an athlete's fixed parameters): uniform, normal and log-normal numbers in sequence. */
export class SeededDraws {
  private readonly next: () => number;
  constructor(key: string) {
    this.next = mulberry32(hash32(key));
  }
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }
  normal(mean = 0, sd = 1): number {
    const u1 = Math.max(this.next(), 1e-12);
    const u2 = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  /** exp(N(ln median, sigma)): a positive number whose median is `median`. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }
}
