import { describe, expect, it } from 'vitest';
import { changeLabel, changeLines, formatNumber, formatPercent, meanStdLabel, type GridParam } from './grid';

// The seed's grid: imgsz 320 → 416 moves the mean map50 from 0.270 to 0.300 (the params as GridAnalysis types them).
const params: GridParam[] = [
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
  { key: 'seed', isRepeat: true, best: null, values: [], changes: [{ from: '1', to: '2', meanFrom: null, meanTo: null, difference: null, relativeChange: 0.01, significant: null }] },
];

describe('grid analysis display', () => {
  it('reads "416 vs 320: +11.1 %" for the seed grid, above the noise', () => {
    expect(changeLines(params)).toEqual([{ key: 'imgsz', label: 'imgsz 416 vs 320: +11.1 %', significance: 'above noise', change: expect.anything() }]);
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
