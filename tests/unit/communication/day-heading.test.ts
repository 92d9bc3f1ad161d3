import type { MissionConfig, MissionDay } from '../../../src/domain/types';
import { loadMissionFile } from '../../../src/mission';
import { dayHeading, stageLabel } from '../../../src/communication/day-heading';
import { renderDayReport, renderPlainText, reportSubject } from '../../../src/communication/report';
import { renderSmsText } from '../../../src/communication/sms';
import type { DayReport } from '../../../src/communication/report-model';
import { sampleReport } from './fixtures';

let tdf: MissionConfig;
let granFondo: MissionConfig;
beforeAll(async () => {
  tdf = await loadMissionFile('missions/tdf_sim_2025.toml');
  granFondo = await loadMissionFile('missions/gran_fondo_base.toml');
});

/** The report of a real mission day (the sample's figures, that day's stage, rest on a rest day). */
function reportOf(mission: MissionConfig, day: MissionDay): DayReport {
  const base = sampleReport();
  const rest = day.type === 'rest';
  return {
    ...base,
    mission: { id: mission.id, name: mission.name },
    athlete: { handle: mission.athlete.handle },
    date: day.date,
    day,
    totalDays: mission.days.length,
    decision: rest ? { ...base.decision, decision: 'rest', negotiation: null, degraded: [] } : base.decision,
    workout: rest ? null : base.workout,
    classes: rest ? [] : base.classes,
  };
}

/** Every header line of every format, by name (the HTML heading without the session's focus, which is the plan's own text). */
function headers(r: DayReport): Record<string, string> {
  const out = renderDayReport(r);
  const md = out.markdown.split('\n');
  const text = renderPlainText(r).split('\n');
  return {
    'markdown title': md[0]!,
    'markdown heading': md[2]!,
    'html title': /<title>(.*)<\/title>/.exec(out.html)![1]!,
    'html h1': /<h1>(.*)<\/h1>/.exec(out.html)![1]!,
    'html heading': /<p class="sub">(.*)<\/p>/.exec(out.html)![1]!.replace(/<[^>]+>/g, '').replace(` · ${r.day.training.focus}`, ''),
    'json heading': JSON.parse(out.json).heading.label,
    'e-mail subject': reportSubject(r),
    'e-mail text heading': `${text[0]} ${text[1]}`,
    sms: renderSmsText(r).split('.')[0]!,
  };
}

const count = (text: string, word: string): number => text.toLowerCase().split(word.toLowerCase()).length - 1;

/** Each place, the stage and the word "rest" at most once in each header line. */
function expectSaidOnce(r: DayReport): void {
  const words = [r.day.start, r.day.finish, r.day.stage != null ? `Stage ${r.day.stage}` : null, 'rest'].filter((w): w is string => Boolean(w));
  for (const [where, line] of Object.entries(headers(r))) {
    for (const w of new Set(words)) {
      if (count(line, w) > 1) throw new Error(`${where} says "${w}" ${count(line, w)} times: ${line}`);
    }
  }
}

describe('report headings say each thing once', () => {
  it('a Tour stage that starts and finishes in the same town', () => {
    const day = tdf.days[0]!;
    expect(day.name).toBe('Stage 1: Lille Métropole → Lille Métropole');
    expect(dayHeading(day)).toEqual({ head: 'Stage 1', title: null, route: 'Lille Métropole', type: 'flat', label: 'Stage 1 · Lille Métropole (flat)' });
    const r = reportOf(tdf, day);
    expect(headers(r)).toEqual({
      'markdown title': '# Tour de France 2025 simulation — 2025-07-05',
      'markdown heading': '**Stage 1 · Lille Métropole (flat)** · day 1 of 23 · athlete rider · importance normal',
      'html title': 'Tour de France 2025 simulation — 2025-07-05 — Stage 1 · Lille Métropole (flat) — Lower the intensity',
      'html h1': 'Tour de France 2025 simulation — 2025-07-05',
      'html heading': 'Stage 1 · Lille Métropole (flat) · day 1 of 23 · athlete rider · importance normal · outdoor 90 min',
      'json heading': 'Stage 1 · Lille Métropole (flat)',
      'e-mail subject': 'Tour de France 2025 simulation — 2025-07-05 — Stage 1 · Lille Métropole (flat) — Lower the intensity',
      'e-mail text heading': 'Tour de France 2025 simulation — 2025-07-05 Stage 1 · Lille Métropole (flat) · day 1 of 23',
      sms: 'Lanterne 07-05 Stage 1: Lower the intensity',
    });
    expectSaidOnce(r);
    expect(renderDayReport(r).html).toContain('importance normal · outdoor 90 min · endurance in zone 2; finish with 3 short seated sprints like a bunch finish</p>');
  });

  it('a Tour stage from one town to another, and every other Tour day', () => {
    expect(stageLabel(tdf.days[1]!)).toBe('Stage 2 · Lauwin-Planque → Boulogne-sur-Mer (hilly)');
    expect(stageLabel(tdf.days[4]!)).toBe('Stage 5 · Caen (itt)');
    for (const day of tdf.days) expectSaidOnce(reportOf(tdf, day));
  });

  it('a Tour rest day', () => {
    const day = tdf.days[10]!;
    expect(day).toMatchObject({ stage: null, type: 'rest', name: 'Rest day: Toulouse', start: 'Toulouse', finish: 'Toulouse' });
    const r = reportOf(tdf, day);
    expect(headers(r)).toMatchObject({
      'markdown heading': '**Rest day · Toulouse** · day 11 of 23 · athlete rider · importance low',
      'html heading': 'Rest day · Toulouse · day 11 of 23 · athlete rider · importance low',
      'e-mail subject': 'Tour de France 2025 simulation — 2025-07-15 — Rest day · Toulouse',
      sms: 'Lanterne 07-15 Rest day',
    });
    expectSaidOnce(r);
    // a decision other than the planned rest is still said
    const spin = { ...r, decision: { ...r.decision, decision: 'recovery' as const } };
    expect(reportSubject(spin)).toBe('Tour de France 2025 simulation — 2025-07-15 — Rest day · Toulouse — Recovery ride');
  });

  it('a mission written with day offsets (no stages, no places)', () => {
    const rest = granFondo.days[0]!;
    const ride = granFondo.days[1]!;
    expect(rest).toMatchObject({ stage: null, name: 'Week 1 Mon: rest', type: 'rest' });
    expect(stageLabel(rest)).toBe('Week 1 Mon: rest');
    expect(stageLabel(ride)).toBe('Week 1 Tue: sweet-spot (hilly)');
    expect(headers(reportOf(granFondo, ride))).toMatchObject({
      'markdown heading': '**Week 1 Tue: sweet-spot (hilly)** · day 2 of 56 · athlete climber · importance normal',
      'e-mail subject': 'Gran fondo base block — 2026-04-07 — Week 1 Tue: sweet-spot (hilly) — Lower the intensity',
      sms: 'Lanterne 04-07 Day 2: Lower the intensity',
    });
    expect(headers(reportOf(granFondo, rest))).toMatchObject({ 'e-mail subject': 'Gran fondo base block — 2026-04-06 — Week 1 Mon: rest', sms: 'Lanterne 04-06 Rest day' });
    for (const day of granFondo.days) expectSaidOnce(reportOf(granFondo, day));
  });

  it('keeps what a name adds, and never leaves a heading empty', () => {
    const base = tdf.days[12]!;
    expect(stageLabel({ ...base, name: 'Queen stage: Auch → Hautacam' })).toBe('Stage 12 · Queen stage: Auch → Hautacam (mountain)');
    expect(stageLabel({ ...base, name: 'Hautacam summit finish' })).toBe('Stage 12 · Hautacam summit finish · Auch → Hautacam (mountain)');
    expect(stageLabel({ ...base, stage: 1, name: 'Stage 12' })).toBe('Stage 1 · Stage 12 · Auch → Hautacam (mountain)');
    expect(stageLabel({ ...base, stage: null, name: '', start: null, finish: null, type: 'flat' })).toBe('Day 13 (flat)');
    expect(stageLabel({ ...base, name: 'Mountain day in the Pyrenees' })).toBe('Stage 12 · Mountain day in the Pyrenees · Auch → Hautacam');
  });
});
