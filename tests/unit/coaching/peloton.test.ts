/** Peloton class matching: the offline demo catalogue, the scorer, and the synced library when there is one. */
import type { Decision, DecisionKind } from '../../../src/domain/types';
import { dayTargets } from '../../../src/coaching/day-targets';
import { DEMO_CATALOGUE_LABEL, classFormat, isDemoSuggestion, loadOfflineCatalogue, matchClasses, scoreClasses, type ClassLibrary, type ClassRequest } from '../../../src/coaching/peloton';
import { libraryClass } from '../../../src/coaching/peloton-archive';
import { INSTRUCTORS, archivedRide } from '../../support/fake-peloton-server';

const catalogue = loadOfflineCatalogue();

function req(decision: DecisionKind, stageType: ClassRequest['stageType'], available: number, over: Partial<ClassRequest> = {}): ClassRequest {
  const t = dayTargets(decision, { type: stageType, training: { mode: 'indoor', durationMin: available, focus: '' } }, available);
  const d: Pick<Decision, 'decision' | 'tssBand' | 'maxDurationMin'> = { decision, tssBand: t.tssBand, maxDurationMin: t.maxDurationMin };
  return { decision: d, stageType, disciplines: ['cycling'], ...over };
}

describe('offline catalogue', () => {
  it('holds the 25 example classes of the research plus more durations, with unique 32-hex ids', () => {
    expect(catalogue.length).toBeGreaterThanOrEqual(40);
    const titles = catalogue.map((c) => c.title);
    for (const t of ['20 min Recovery Ride', '45 min Power Zone Max Ride', '20 min Tabata Ride', '60 min Pro Cyclist Ride', '90 min Power Zone Endurance Ride', '20 min FTP Test Ride']) {
      expect(titles).toContain(t);
    }
    expect(new Set(catalogue.map((c) => c.id)).size).toBe(catalogue.length);
    for (const c of catalogue) {
      expect(c.id).toMatch(/^[0-9a-f]{32}$/);
      expect(c.title).toMatch(new RegExp(`^${c.durationMin} min .+ Ride$`));
      expect(c.estTss).toBe(Math.round((c.durationMin / 60) * c.estIf * c.estIf * 100));
    }
    const types = new Set(catalogue.map((c) => c.classType));
    for (const t of ['Power Zone', 'Climb', 'Intervals', 'Low Impact', 'Recovery', 'Beginner', 'Pro Cyclist']) expect(types).toContain(t);
  });

  it('a broken catalogue file is rejected naming the file and field', () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const os = require('node:os') as typeof import('node:os');
    const path = require('node:path') as typeof import('node:path');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pelo-')), 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ classes: [{ ...catalogue[0], id: 'not-hex' }] }));
    expect(() => loadOfflineCatalogue(file)).toThrow(`Peloton catalogue ${file}: classes.0.id: a 32-character lowercase hex id`);
  });
});

describe('scoreClasses', () => {
  it('a mountain stage ridden as planned gets climbing classes that fit the time', () => {
    const top = scoreClasses(catalogue, req('as_planned', 'mountain', 60));
    expect(top).toHaveLength(3);
    expect(top[0].title).toBe('60 min Climb Ride');
    expect(top[0].classType).toBe('Climb');
    expect(top[0].why).toContain('Long seated and standing climbs for a mountain stage');
    expect(top[0].why).toContain('60 of your 60 min');
    expect(top.every((s) => s.durationMin <= 60)).toBe(true);
    expect(top[0].score).toBeGreaterThan(top[2].score);
  });

  it('a recovery day gets recovery classes and nothing intense', () => {
    const top = scoreClasses(catalogue, req('recovery', 'mountain', 90));
    expect(top[0].classType).toBe('Recovery');
    const byId = new Map(catalogue.map((c) => [c.id, c]));
    for (const s of top) expect(byId.get(s.id)?.estIf ?? 1).toBeLessThanOrEqual(0.75);
    expect(top.every((s) => s.durationMin <= 45)).toBe(true);
  });

  it('a flat stage prefers Power Zone Endurance; a hilly one intervals', () => {
    expect(scoreClasses(catalogue, req('as_planned', 'flat', 90))[0].title).toBe('90 min Power Zone Endurance Ride');
    expect(classFormat(catalogue.find((c) => c.id === scoreClasses(catalogue, req('as_planned', 'hilly', 30))[0].id)!)).toBe('Intervals');
  });

  it('on a planned rest day offers three optional easy spins; on a safety rest (strained, sick, unknown) none', () => {
    const rest = req('rest', 'rest', 0);
    const options = scoreClasses(catalogue, { ...rest, decision: { ...rest.decision, state: 'ready' } });
    expect(options).toHaveLength(3);
    for (const o of options) {
      expect(o.durationMin).toBeLessThanOrEqual(30);
      expect(o.why).toMatch(/^Optional, only if you feel like moving: rest is today's plan\./);
      expect(catalogue.find((c) => c.id === o.id)!.estIf).toBeLessThanOrEqual(0.6);
    }
    for (const state of ['strained', 'sick', undefined] as const) {
      expect(scoreClasses(catalogue, { ...rest, decision: { ...rest.decision, state } })).toEqual([]);
    }
  });

  it('suggests nothing for an athlete who does not ride, or when nothing fits the time', () => {
    expect(scoreClasses(catalogue, req('rest', 'flat', 60))).toEqual([]);
    expect(scoreClasses(catalogue, req('as_planned', 'flat', 60, { disciplines: ['running'] }))).toEqual([]);
    expect(scoreClasses(catalogue, req('as_planned', 'flat', 8))).toEqual([]);
  });

  it('never suggests the FTP test', () => {
    const ids = new Set(catalogue.filter((c) => c.isFtpTest).map((c) => c.id));
    for (const kind of ['as_planned', 'reduce_volume', 'modify_intensity'] as const) {
      for (const stage of ['flat', 'hilly', 'mountain', 'itt', 'ttt'] as const) {
        expect(scoreClasses(catalogue, req(kind, stage, 20)).some((s) => ids.has(s.id))).toBe(false);
      }
    }
  });
});

describe('matchClasses: the synced library, else the demo catalogue', () => {
  const NOW = Date.parse('2025-07-20T06:30:00Z');
  const library: ClassLibrary = {
    syncedAt: '2025-07-15T04:00:00.000Z',
    classes: Array.from({ length: 30 }, (_, i) => i).map((i) => libraryClass(archivedRide(i), new Map(INSTRUCTORS.map((x) => [x.id, x.name])))!),
  };

  it('uses the library: real classes with their instructor and link, no demo label', async () => {
    const m = await matchClasses(req('as_planned', 'mountain', 60), { offline: catalogue, library, nowMs: NOW });
    expect(m.source).toBe('library');
    expect(m.note).toBeNull();
    expect(m.suggestions.length).toBe(3);
    const top = m.suggestions[0];
    expect(top).toEqual(expect.objectContaining({ title: '60 min Climb Ride', classType: 'Climb', catalogue: 'peloton', instructor: 'Instructor One' }));
    expect(top.url).toBe(`https://members.onepeloton.com/classes/cycling?modal=classDetailsModal&classId=${top.id}`);
    expect(m.suggestions.every((s) => library.classes.some((c) => c.id === s.id) && !isDemoSuggestion(s))).toBe(true);
  });

  it('says when the library is stale (older than two weeks)', async () => {
    const m = await matchClasses(req('as_planned', 'flat', 60), { offline: catalogue, library, nowMs: Date.parse('2025-08-05T06:30:00Z') });
    expect(m.source).toBe('library');
    expect(m.note).toBe('Peloton library last synced 21 days ago: run `lanterne peloton sync`');
  });

  it('without a library, uses the demo catalogue and says so: no link, no instructor', async () => {
    for (const empty of [null, { syncedAt: library.syncedAt, classes: [] }]) {
      const m = await matchClasses(req('recovery', 'flat', 30), { offline: catalogue, library: empty, nowMs: NOW });
      expect(m.source).toBe('demo');
      expect(m.note).toBe('demo catalogue — not real classes: no Peloton library is synced (set PELOTON_BEARER_TOKEN and run `lanterne peloton sync`)');
      expect(m.suggestions.length).toBe(3);
      expect(m.suggestions.every((s) => s.catalogue === 'demo' && s.url === null && s.instructor === null && isDemoSuggestion(s))).toBe(true);
    }
  });

  it('counts suggestions recorded before the library existed as demo ones', () => {
    expect(isDemoSuggestion({})).toBe(true);
    expect(isDemoSuggestion({ catalogue: 'peloton' })).toBe(false);
    expect(DEMO_CATALOGUE_LABEL).toBe('demo catalogue — not real classes');
  });
});
