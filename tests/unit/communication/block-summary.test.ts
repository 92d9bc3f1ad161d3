import { renderBlockSummary, summariseBlock, type BlockDay } from '../../../src/communication/block-summary';

const days: BlockDay[] = [
  { date: '2025-07-06', stage: 2, decision: 'recovery', plannedTss: 40, actualTss: 35, ctl: 51, atl: 60, tsb: -3, completed: 'partly' },
  { date: '2025-07-05', stage: 1, decision: 'as_planned', plannedTss: 90, actualTss: 95, ctl: 50, atl: 55, tsb: 2, completed: 'yes' },
  { date: '2025-07-07', stage: null, decision: 'rest', plannedTss: 0, actualTss: null, ctl: 50.2, atl: 50, tsb: -9, completed: null },
  { date: '2025-07-08', stage: 3, decision: 'as_planned', plannedTss: 100, actualTss: null, ctl: 52.4, atl: 62, tsb: 0.2, completed: 'no' },
  { date: '2025-07-09', stage: 4, decision: 'modify_intensity', plannedTss: 60, actualTss: null, ctl: 53, atl: 64, tsb: -10, completed: null },
];

describe('block summary', () => {
  it('counts days and decisions, sums TSS, takes CTL from the first and last day, and computes compliance', () => {
    const s = summariseBlock({ mission: { id: 'tdf2025', name: 'TdF' }, athlete: { handle: 'lea' }, days });
    expect(s.days).toBe(5);
    expect(s.firstDate).toBe('2025-07-05');
    expect(s.lastDate).toBe('2025-07-09');
    expect(s.decisions).toEqual({ as_planned: 2, modify_intensity: 1, reduce_volume: 0, recovery: 1, rest: 1 });
    expect(s.totalPlannedTss).toBe(290);
    expect(s.totalActualTss).toBe(130);
    expect(s.ctlStart).toBe(50);
    expect(s.ctlEnd).toBe(53);
    expect(s.ctlChange).toBe(3);
    // training days: 4 (rest excluded); reported: yes, partly, no → (1 + 0.5) / 3
    expect(s.compliance).toEqual({ trainingDays: 4, yes: 1, partly: 1, no: 1, unreported: 1, rate: 0.5 });
  });

  it('handles an empty block', () => {
    const s = summariseBlock({ mission: { id: 'm', name: 'M' }, athlete: { handle: 'a' }, days: [] });
    expect(s).toMatchObject({ days: 0, totalPlannedTss: 0, totalActualTss: null, ctlStart: null, ctlEnd: null });
    expect(s.compliance.rate).toBeNull();
  });

  it('renders the figures in Markdown, HTML (escaped, with a chart) and JSON', () => {
    const out = renderBlockSummary({ mission: { id: 'tdf2025', name: 'TdF <2025>' }, athlete: { handle: 'lea' }, days });
    expect(out.markdown).toContain('| Total planned TSS | 290 |');
    expect(out.markdown).toContain('50 → 53 (+3)');
    expect(out.markdown).toContain('50 %');
    expect(out.html).toContain('TdF &lt;2025&gt;');
    expect(out.html).not.toContain('<2025>');
    expect(out.html).toContain('<svg ');
    expect(JSON.parse(out.json)).toMatchObject({ schema: 'lanterne.block-summary/v1', days: 5, ctlEnd: 53 });
  });
});
