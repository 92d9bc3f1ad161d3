/**
 * The missions shipped in missions/ load, and say what they promise. The Tour's stage list
 * (tests/fixtures/missions/tdf2025_stages.csv) is a copy of the project's researched data.
 */
import { readFileSync } from 'node:fs';
import { canonicalMissionJson, loadMissionFile, missionFromData, missionHash, missionValidate } from '../../../src/mission';
import { addDays } from '../../../src/domain/iso-date';

const TDF = 'missions/tdf_sim_2025.toml';
const FONDO = 'missions/gran_fondo_base.toml';

function csvStages(): { stage: number | null; date: string; start: string; finish: string; km: number; type: string }[] {
  const [, ...rows] = readFileSync('tests/fixtures/missions/tdf2025_stages.csv', 'utf8').trim().split('\n');
  return rows.map((row) => {
    const [stage, date, start, finish, km, type] = row.split(',');
    return { stage: stage === '' ? null : Number(stage), date, start, finish, km: Number(km), type };
  });
}

describe('missions/tdf_sim_2025.toml', () => {
  test('23 consecutive days from 2025-07-05 to 2025-07-27: 21 stages and rest days on 15 and 21 July', async () => {
    const m = await loadMissionFile(TDF);
    expect(m.id).toBe('tdf_sim_2025');
    expect(m.timezone).toBe('Europe/Paris');
    expect(m.runTime).toBe('06:30');
    expect(m.startDate).toBe('2025-07-05');
    expect(m.athlete.handle).toBe('rider');
    expect(m.days).toHaveLength(23);
    m.days.forEach((day, i) => {
      expect(day.index).toBe(i);
      expect(day.date).toBe(addDays('2025-07-05', i));
    });
    expect(m.days[m.days.length - 1].date).toBe('2025-07-27');
    expect(m.days.filter((d) => d.stage !== null).map((d) => d.stage)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    const rest = m.days.filter((d) => d.type === 'rest');
    expect(rest.map((d) => d.date)).toEqual(['2025-07-15', '2025-07-21']);
    for (const d of rest) {
      expect(d.stage).toBeNull();
      expect(d.training).toEqual({ mode: 'rest', durationMin: 0, focus: 'rest and recovery' });
    }
  });

  test('matches the stage list of the Tour (dates, places, distances, types)', async () => {
    const m = await loadMissionFile(TDF);
    const csv = csvStages();
    expect(m.days.map((d) => [d.stage, d.date, d.start, d.finish, d.distanceKm, d.type])).toEqual(
      csv.map((s) => [s.stage, s.date, s.start, s.finish, s.km, s.type]),
    );
  });

  test('each stage becomes a session an amateur can do, sized by its type', async () => {
    const m = await loadMissionFile(TDF);
    for (const d of m.days.filter((x) => x.type !== 'rest')) {
      expect(['indoor', 'outdoor']).toContain(d.training.mode);
      const [min, max] = { flat: [60, 120], hilly: [60, 120], mountain: [90, 150], itt: [45, 60], ttt: [45, 90] }[d.type as 'flat'];
      expect(d.training.durationMin).toBeGreaterThanOrEqual(min);
      expect(d.training.durationMin).toBeLessThanOrEqual(max);
      expect(d.training.focus.length).toBeGreaterThan(10);
    }
  });

  test('the big mountain stages are key', async () => {
    const m = await loadMissionFile(TDF);
    expect(m.goals.keyStages).toEqual(expect.arrayContaining([12, 18]));
    for (const stage of m.goals.keyStages) {
      const day = m.days.find((d) => d.stage === stage);
      expect(day?.type).toBe('mountain');
      expect(day?.importance).toBe('key');
    }
    expect(m.days.filter((d) => d.importance === 'key').map((d) => d.stage)).toEqual(m.goals.keyStages);
  });
});

describe('missions/gran_fondo_base.toml', () => {
  test('8 weeks written with day offsets, in America/Denver, with planner defaults', async () => {
    const m = await loadMissionFile(FONDO);
    expect(m.id).toBe('gran_fondo_base');
    expect(m.timezone).toBe('America/Denver');
    expect(m.days).toHaveLength(56);
    expect(m.days[0].date).toBe(m.startDate);
    expect(m.days[55].date).toBe(addDays(m.startDate, 55));
    expect(m.days.every((d) => d.stage === null)).toBe(true);
    expect(m.planner).toEqual({ useLlm: true, model: 'gpt-4o-mini', language: 'en' });
    // Key days are day indexes in a mission without stages.
    expect(m.goals.keyStages).toEqual([19, 40, 47]);
    expect(m.goals.keyStages.map((i) => m.days[i].importance)).toEqual(['key', 'key', 'key']);
    // Never more than the weekly cap in any 7 days.
    for (let i = 0; i + 7 <= m.days.length; i++) {
      const minutes = m.days.slice(i, i + 7).reduce((s, d) => s + d.training.durationMin, 0);
      expect(minutes).toBeLessThanOrEqual(m.goals.weeklyHoursCap * 60);
    }
  });
});

describe('defaults', () => {
  test('a minimal mission gets the documented defaults', async () => {
    const m = await loadMissionFile('tests/fixtures/missions/minimal.toml');
    expect(m.runTime).toBe('06:00');
    expect(m.startDate).toBe('2025-03-01');
    expect(m.athlete.restingHr).toBeNull();
    expect(m.athlete.disciplines).toEqual(['cycling']);
    expect(m.notifications).toEqual({ channels: ['email'], quietHours: null });
    expect(m.planner).toEqual({ useLlm: true, model: 'gpt-4o-mini', language: 'en' });
    expect(m.goals).toEqual({
      summary: 'Minimal mission',
      weeklyHoursCap: 2.5, // busiest 7 days: 75 + 0 + 50 min, rounded up to the half hour
      maxConsecutiveHardDays: 2,
      keyStages: [],
      taperDays: 0,
    });
    expect(m.days.map((d) => [d.name, d.importance, d.training.mode, d.training.durationMin])).toEqual([
      ['Day 1', 'normal', 'indoor', 75],
      ['Rest day', 'low', 'rest', 0],
      ['Day 3', 'normal', 'indoor', 50],
    ]);
    expect(m.days[2].training.focus).toBe('threshold intervals at time-trial effort');
    expect(m.days[0]).toMatchObject({ stage: null, start: null, finish: null, distanceKm: 0, elevationM: 0, notes: null });
  });

  test('every shipped mission, sent as canonical data, is accepted as the same mission with the same hash', async () => {
    for (const f of [TDF, FONDO]) {
      const m = await loadMissionFile(f);
      const received = missionFromData(JSON.parse(canonicalMissionJson(m)), 'workflow input');
      expect(received).toEqual(m);
      expect(missionHash(received)).toBe(missionHash(m));
    }
  });
});

describe('lanterne mission validate', () => {
  test('prints a readable summary and exits 0 for a valid mission', async () => {
    const result = await missionValidate(TDF, { json: false });
    expect(result.exitCode).toBe(0);
    const lines = result.output.split('\n');
    expect(lines[0]).toBe(`${TDF}: OK`);
    expect(result.output).toContain('2025-07-05 to 2025-07-27: 23 days (21 stages, 2 rest days)');
    expect(result.output).toContain('06:30 Europe/Paris');
    expect(lines).toContain('  2025-07-15  rest      rest     rest             Rest day: Toulouse');
    expect(lines.filter((l) => /^ {2}\d{4}-\d{2}-\d{2} /.test(l))).toHaveLength(23);
  });

  test('prints the normalised mission as JSON with --json', async () => {
    const result = await missionValidate(FONDO, { json: true });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.output)).toEqual(await loadMissionFile(FONDO));
  });

  test('a missing file is one clear line', async () => {
    const result = await missionValidate('missions/nope.toml', { json: false });
    expect(result).toEqual({ exitCode: 1, output: 'mission file not found: missions/nope.toml' });
  });
});
