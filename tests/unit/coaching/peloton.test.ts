/** Peloton class matching: the offline catalogue, the scorer and the optional live source. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Decision, DecisionKind } from '../../../src/domain/types';
import { dayTargets } from '../../../src/coaching/day-targets';
import { classFormat, loadOfflineCatalogue, matchClasses, scoreClasses, type ClassRequest } from '../../../src/coaching/peloton';

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

describe('matchClasses live source', () => {
  let server: http.Server;
  let baseUrl: string;
  let status = 200;
  const seen: { url: string; auth: string | undefined }[] = [];
  const LIVE_ID = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

  beforeAll(async () => {
    server = http.createServer((r, res) => {
      seen.push({ url: r.url ?? '', auth: r.headers.authorization });
      res.writeHead(status, { 'content-type': 'application/json' });
      if (status !== 200) return res.end(JSON.stringify({ status, message: 'Unauthorized' }));
      res.end(
        JSON.stringify({
          data: [
            { id: LIVE_ID, title: '45 min Climb Ride', duration: 2700, length: 2885, fitness_discipline: 'cycling', difficulty_estimate: 8.1, class_type_ids: ['bf6639f2e50a4f0395cb1479542ed4bd'], is_ftp_test: false },
            { id: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', title: '30 min Full Body Strength', duration: 1800, fitness_discipline: 'strength', class_type_ids: [] },
            { id: 'not-an-id', title: 'broken', duration: 60, fitness_discipline: 'cycling' },
          ],
          page: 0,
          page_count: 1,
          show_next: false,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('uses the live archive with the bearer token when it answers', async () => {
    status = 200;
    const m = await matchClasses(req('as_planned', 'mountain', 60), { offline: catalogue, env: { PELOTON_BEARER_TOKEN: 'jwt-123', PELOTON_BASE_URL: baseUrl } });
    expect(m.source).toBe('live');
    expect(m.note).toBeNull();
    expect(m.suggestions.map((s) => s.id)).toEqual([LIVE_ID]);
    expect(m.suggestions[0].classType).toBe('Climb');
    const last = seen[seen.length - 1];
    expect(last.auth).toBe('Bearer jwt-123');
    expect(last.url).toContain('/api/v2/ride/archived?browse_category=cycling');
  });

  it('falls back to the offline catalogue when the live archive fails, and says so without the token', async () => {
    status = 401;
    const m = await matchClasses(req('as_planned', 'mountain', 60), { offline: catalogue, env: { PELOTON_BEARER_TOKEN: 'jwt-123', PELOTON_BASE_URL: baseUrl } });
    expect(m.source).toBe('offline');
    expect(m.note).toBe('offline catalogue: the live Peloton archive failed (Peloton answered HTTP 401 for /api/v2/ride/archived)');
    expect(m.note).not.toContain('jwt-123');
    expect(m.suggestions[0].title).toBe('60 min Climb Ride');
  });

  it('uses the offline catalogue without a token, and does not call Peloton', async () => {
    const before = seen.length;
    const m = await matchClasses(req('recovery', 'flat', 30), { offline: catalogue, env: { PELOTON_BASE_URL: baseUrl } });
    expect(seen.length).toBe(before);
    expect(m.source).toBe('offline');
    expect(m.note).toContain('no PELOTON_BEARER_TOKEN');
    expect(m.suggestions.length).toBe(3);
  });
});
