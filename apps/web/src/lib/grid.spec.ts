import { describe, expect, it } from 'vitest';
import { readGridAnalysis, type GridAnalysisWire } from '../api/adapters';
import { changeLabel, changeLines, formatNumber, formatPercent, meanStdLabel } from './grid';

// The seed's grid: imgsz 320 → 416 moves the mean map50 from 0.270 to 0.300.
const wire: GridAnalysisWire = {
  metric: 'map50',
  aggregation: 'MAX',
  goal: 'MAXIMIZE',
  runCount: 9,
  best: { runId: 'r1', runName: 'sz416_s1', value: 0.305, step: 2, params: { imgsz: '416', seed: '1' } },
  holes: [{ imgsz: '512', lr0: '0.01' }],
  outsideGrid: [{ runId: 'r9', runName: 'baseline640', value: 0.35, reasons: [{ param: 'imgsz', value: '640' }] }],
  runs: [{ runId: 'r1', runName: 'sz416_s1', value: 0.305, step: 2, params: { imgsz: '416' } }, 'garbage'],
  params: [
    {
      key: 'imgsz',
      isRepeat: false,
      best: '416',
      values: [
        { value: '320', mean: 0.27, std: 0.005, n: 4, runIds: [] },
        { value: '416', mean: 0.3, std: 0.006, n: 4, runIds: [] },
      ],
      changes: [{ from: '320', to: '416', meanFrom: 0.27, meanTo: 0.3, difference: 0.03, relativeChange: 0.1111, significant: true }],
    },
    { key: 'seed', isRepeat: true, best: null, values: [], changes: [{ from: '1', to: '2', relativeChange: 0.01, significant: null }] },
  ],
  noise: {
    std: 0.007,
    significanceThreshold: 0.014,
    degreesOfFreedom: 4,
    repeatParams: ['seed'],
    groups: [{ params: { imgsz: '416' }, runIds: ['a', 'b'], n: 2, mean: 0.3, std: 0.007, range: 0.01, relativeRange: 0.033 }],
  },
};

describe('grid analysis display', () => {
  it('reads "416 vs 320: +11.1 %" for the seed grid, above the noise', () => {
    const g = readGridAnalysis(wire);
    expect(changeLines(g.params)).toEqual([{ key: 'imgsz', label: 'imgsz 416 vs 320: +11.1 %', significance: 'above noise', change: expect.anything() }]);
  });

  it('keeps the JSON sections typed and drops malformed entries', () => {
    const g = readGridAnalysis(wire);
    expect(g.best).toMatchObject({ runId: 'r1', value: 0.305 });
    expect(g.runs).toHaveLength(1);
    expect(g.holes).toEqual([{ imgsz: '512', lr0: '0.01' }]);
    expect(g.outsideGrid[0]).toEqual({ runId: 'r9', runName: 'baseline640', value: 0.35, reasons: [{ param: 'imgsz', value: '640' }] });
    expect(g.noise.groups[0]).toMatchObject({ n: 2, relativeRange: 0.033 });
  });

  it('formats changes, unset values, means and odd numbers', () => {
    expect(changeLabel({ from: null, to: '0.01', meanFrom: 1, meanTo: 0.9, difference: -0.1, relativeChange: -0.1, significant: false })).toBe('0.01 vs (unset): −10.0 %');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(0)).toBe('±0.0 %');
    expect(meanStdLabel({ mean: 0.3, std: 0.0061, n: 4 })).toBe('0.3 ± 0.0061 (n=4)');
    expect(meanStdLabel({ mean: 0.3, std: null, n: 1 })).toBe('0.3 (n=1)');
    expect(formatNumber(NaN)).toBe('NaN');
    expect(formatNumber(-Infinity)).toBe('−∞');
    expect(formatNumber(0.00001234)).toBe('1.23e-5');
  });
});
