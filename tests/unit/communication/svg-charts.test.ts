import { lineChartSvg, readinessHrvChart, trainingLoadChart } from '../../../src/communication/svg-charts';
import type { HistoryPoint } from '../../../src/communication/report-model';

const xs = (svg: string): number[] => [...svg.matchAll(/<circle cx="([^"]+)"/g)].map((m) => Number(m[1]));
const point = (date: string, v: number | null): HistoryPoint => ({ date, readiness: v, hrv: null, ctl: v, atl: null, tsb: null });

describe('SVG charts', () => {
  it('draws one path per series and breaks lines at missing values', () => {
    const svg = lineChartSvg({
      id: 't',
      title: 'T',
      labels: ['2025-07-01', '2025-07-02', '2025-07-03', '2025-07-04'],
      series: [{ name: 'A', color: '#123456', values: [1, null, 3, 4] }],
    });
    const d = /<path class="series" data-series="A" d="([^"]+)"/.exec(svg)![1]!;
    // two segments: M (point 1), then M L (points 3–4)
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(1);
    expect(svg.match(/<circle /g)).toHaveLength(3);
  });

  it('places points by date: a day with no row is a gap, not a step to the next point', () => {
    // 07-03 is missing altogether (no row): the points stay where their dates are
    const svg = trainingLoadChart([point('2025-07-01', 50), point('2025-07-02', 51), point('2025-07-04', 53), point('2025-07-05', 54)]);
    const [a, b, c, d] = xs(svg);
    expect(b! - a!).toBeCloseTo(d! - c!, 5); // one day apart
    expect(c! - b!).toBeCloseTo(2 * (b! - a!), 5); // two days apart: the gap is there
    const path = /<path class="series" data-series="CTL" d="([^"]+)"/.exec(svg)![1]!;
    expect(path).toMatch(/^M\S+ \S+ L\S+ \S+ M\S+ \S+ L\S+ \S+$/); // 07-02 is not joined to 07-04
    expect(svg).toContain('data-date="2025-07-04"');
  });

  it('gives the same x to the same date whatever the order or the other days', () => {
    const sorted = trainingLoadChart([point('2025-07-01', 50), point('2025-07-03', 52), point('2025-07-05', 54)]);
    const shuffled = trainingLoadChart([point('2025-07-05', 54), point('2025-07-01', 50), point('2025-07-03', 52)]);
    expect(xs(shuffled).sort((p, q) => p - q)).toEqual(xs(sorted));
    const middle = xs(sorted)[1]!;
    expect(middle).toBeCloseTo((xs(sorted)[0]! + xs(sorted)[2]!) / 2, 5);
  });

  it('spans the range it is given, so a missing last day shows at the end', () => {
    const range = { from: '2025-07-01', to: '2025-07-05' };
    const svg = readinessHrvChart([point('2025-07-01', 80), point('2025-07-02', 70), point('2025-07-03', 75)], range);
    const [a, b, c] = xs(svg);
    // five days span the width: the last point (07-03) sits at the middle, not at the right edge
    expect(c! - a!).toBeCloseTo(2 * (b! - a!), 5);
    expect(svg).toContain('>07-05</text>');
    expect(svg).toContain('>07-01</text>');
    const wide = xs(readinessHrvChart([point('2025-07-01', 80), point('2025-07-02', 70), point('2025-07-03', 75)]));
    expect(wide[2]! - wide[0]!).toBeGreaterThan(c! - a!);
  });

  it('puts higher values higher on the chart', () => {
    const svg = lineChartSvg({ id: 't', title: 'T', labels: ['2025-07-01', '2025-07-02'], series: [{ name: 'A', color: '#000', values: [10, 20] }] });
    const ys = [...svg.matchAll(/<circle cx="[^"]+" cy="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(ys[1]!).toBeLessThan(ys[0]!);
  });

  it('says so when there is no data', () => {
    expect(readinessHrvChart([])).toContain('no data yet');
    expect(trainingLoadChart([{ date: '2025-07-01', readiness: null, hrv: null, ctl: null, atl: null, tsb: null }])).toContain('no data yet');
  });

  it('draws the zero line for TSB when form goes negative', () => {
    const svg = trainingLoadChart([
      { date: '2025-07-01', readiness: null, hrv: null, ctl: 50, atl: 40, tsb: 5 },
      { date: '2025-07-02', readiness: null, hrv: null, ctl: 51, atl: 70, tsb: -12 },
    ]);
    expect(svg).toContain('stroke-dasharray');
  });

  it('refuses a label that is not a date, naming the chart', () => {
    expect(() => lineChartSvg({ id: 'c', title: 'T', labels: ['2025-07-01', 'yesterday'], series: [{ name: 'A', color: '#000', values: [1, 2] }] })).toThrow(
      'chart c: date 2 must be a real date written YYYY-MM-DD, got "yesterday"',
    );
  });

  it('escapes titles and series names and refuses non-hex colours', () => {
    const svg = lineChartSvg({
      id: 'x"><script>',
      title: '<script>alert(1)</script>',
      labels: ['2025-07-01'],
      series: [{ name: '<b>n</b>', color: 'red" onload="x', values: [1] }],
    });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).not.toContain('onload');
  });
});
