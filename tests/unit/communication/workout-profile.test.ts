import { POWER_LEVELS } from '../../../src/coaching/training-zones';
import type { Workout, WorkoutInterval } from '../../../src/domain/types';
import { powerZone, workoutProfile, workoutProfileSvg, workoutProfileText, ZONE_COLORS } from '../../../src/communication/workout-profile';
import { sampleReport } from './fixtures';

const iv = (durationMin: number, targetPctFtp: number | null, extra: Partial<WorkoutInterval> = {}): WorkoutInterval => ({
  durationMin,
  targetPctFtp,
  hrZone: null,
  targetWatts: targetPctFtp == null ? null : Math.round(targetPctFtp * 250),
  targetHr: null,
  cadenceRpm: null,
  cue: 'go',
  ...extra,
});
const workout = (intervals: WorkoutInterval[]): Workout => ({ ...sampleReport().workout!, intervals, durationMin: intervals.reduce((s, i) => s + i.durationMin, 0) });

interface Rect { zone: string; basis: string; x: number; y: number; width: number; height: number; fill: string }
const rects = (svg: string): Rect[] =>
  [...svg.matchAll(/<rect class="block" data-zone="([^"]*)" data-basis="([^"]+)" x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)" fill="([^"]+)"/g)].map((m) => ({
    zone: m[1]!, basis: m[2]!, x: Number(m[3]), y: Number(m[4]), width: Number(m[5]), height: Number(m[6]), fill: m[7]!,
  }));

describe('workout profile', () => {
  it('gives each %FTP target its Coggan level, at the level edges too', () => {
    expect([0.3, 0.55, 0.56, 0.75, 0.76, 0.9, 0.91, 1.05, 1.06, 1.2, 1.21, 1.5, 1.51, 2.5].map(powerZone)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7]);
    for (const [level, { low, high }] of Object.entries(POWER_LEVELS)) {
      expect(powerZone(low)).toBe(Number(level));
      expect(powerZone(high)).toBe(Number(level));
    }
  });

  it('lays the blocks end to end in time, heart-rate blocks at their power equivalent, free blocks without a height', () => {
    const p = workoutProfile(workout([iv(10, 0.6), iv(0.5, 1.6), iv(5, null, { hrZone: 2 }), iv(4.5, null)]))!;
    expect(p.durationMin).toBe(20);
    expect(p.blocks.map((b) => [b.startMin, b.endMin, b.zone, b.basis])).toEqual([
      [0, 10, 2, 'power'],
      [10, 10.5, 7, 'power'],
      [10.5, 15.5, 2, 'heart-rate'],
      [15.5, 20, null, 'none'],
    ]);
    expect(p.blocks[2]).toMatchObject({ pctFtp: 0.65, watts: null, zoneName: 'endurance' });
    expect(p.blocks[3]).toMatchObject({ pctFtp: null, zoneName: null });
    expect(workoutProfile(null)).toBeNull();
    expect(workoutProfile(workout([]))).toBeNull();
  });

  it('draws block widths by duration, heights by target, colours by zone, and the FTP line', () => {
    const p = workoutProfile(workout([iv(15, 0.55), iv(30, 0.95), iv(15, 0.5, { cue: 'Cool <down> & "spin"' })]))!;
    const svg = workoutProfileSvg(p, { title: 'Threshold <b>' });
    const r = rects(svg);
    expect(r).toHaveLength(3);
    expect(r[1]!.width).toBeCloseTo(2 * r[0]!.width, 0);
    expect(r[1]!.x).toBeCloseTo(r[0]!.x + r[0]!.width, 0);
    expect(r[1]!.height).toBeGreaterThan(r[0]!.height);
    expect(r[0]!.height / r[1]!.height).toBeCloseTo(0.55 / 0.95, 1);
    expect(r.map((b) => b.fill)).toEqual([ZONE_COLORS[1], ZONE_COLORS[4], ZONE_COLORS[1]]);
    const ftp = Number(/<line class="ftp" x1="[^"]+" y1="([^"]+)"/.exec(svg)![1]);
    expect(ftp).toBeLessThan(r[1]!.y); // 100 % FTP is above a 95 % block
    expect(svg).toContain('Z1 active recovery');
    expect(svg).toContain('Z4 threshold');
    expect(svg).not.toContain('Z2');
    // input text is escaped; no script, no external reference
    expect(svg).toContain('Workout profile: Threshold &lt;b&gt;');
    expect(svg).toContain('Cool &lt;down&gt; &amp; &quot;spin&quot;');
    expect(svg).not.toMatch(/<script|href|src=/i);
    expect(workoutProfileSvg(p, { title: 'Threshold <b>' })).toBe(svg);
  });

  it('marks heart-rate blocks as such', () => {
    const svg = workoutProfileSvg(workoutProfile(workout([iv(20, null, { hrZone: 3 })]))!);
    expect(rects(svg)[0]).toMatchObject({ basis: 'heart-rate', fill: ZONE_COLORS[3] });
    expect(svg).toContain('fill-opacity="0.45"');
    expect(svg).toContain('pale: heart-rate target');
  });

  it('fits a long ride into 60 characters of text and keeps a 30-second sprint visible', () => {
    const p = workoutProfile(workout([iv(60, 0.65), iv(0.5, 1.5), iv(119.5, 0.65)]))!;
    const [bars, scale] = workoutProfileText(p);
    expect(bars).toHaveLength(60);
    expect(scale).toBe('(1 character = 3 min; ▇ = 100 % FTP, █ = 120 % and above)');
    expect(bars![20]).toBe('█');
    expect(bars!.replace('█', '')).toBe('▄'.repeat(59));
    const free = workoutProfileText(workoutProfile(workout([iv(2, 0.5), iv(2, null)]))!)[0];
    expect(free).toBe('▃▃  ');
  });
});
