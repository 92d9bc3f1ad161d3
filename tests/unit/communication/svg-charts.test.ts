import { lineChartSvg, readinessHrvChart, trainingLoadChart } from '../../../src/communication/svg-charts';

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

  it('puts higher values higher on the chart', () => {
    const svg = lineChartSvg({ id: 't', title: 'T', labels: ['a', 'b'], series: [{ name: 'A', color: '#000', values: [10, 20] }] });
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

  it('escapes titles and series names and refuses non-hex colours', () => {
    const svg = lineChartSvg({
      id: 'x"><script>',
      title: '<script>alert(1)</script>',
      labels: ['a'],
      series: [{ name: '<b>n</b>', color: 'red" onload="x', values: [1] }],
    });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).not.toContain('onload');
  });
});
