import { describe, expect, it } from 'vitest';
import { assembleSeries, KEY_STRIDE, planBuckets, seriesComplexity } from './metric-series';

describe('planBuckets', () => {
  it('keeps a key with at most maxPoints points whole and cuts a longer one into maxPoints / 5 equal step ranges', () => {
    const specs = planBuckets(
      [
        { key: 'short', count: 1000, lo: 0, hi: 999_999 },
        { key: 'long', count: 10_001, lo: -5, hi: 9_994 },
        { key: 'empty', count: 0, lo: 0, hi: 0 },
      ],
      1000,
    );
    expect(specs).toEqual([
      { key: 'short', offset: 0, lo: 0, width: 1, downsampled: false },
      // 10,000 steps in 200 buckets of 50.
      { key: 'long', offset: KEY_STRIDE, lo: -5, width: 50, downsampled: true },
    ]);
  });

  it('never makes a bucket narrower than one step', () => {
    expect(planBuckets([{ key: 'dense', count: 5000, lo: 0, hi: 9 }], 100)[0].width).toBe(1);
  });
});

describe('assembleSeries', () => {
  it('puts kept rows under their key in the order asked, a step seen twice keeping its later value', () => {
    const stats = [
      { key: 'b', count: 3, lo: 0, hi: 2 },
      { key: 'a', count: 2, lo: 0, hi: 1 },
    ];
    const specs = planBuckets(stats, 10);
    const rows = [
      { group: 0, sequence: 1, step: 0, value: 1 },
      { group: 1, sequence: 3, step: 1, value: 2 },
      { group: 1, sequence: 9, step: 1, value: 5 },
      { group: 2, sequence: 5, step: 2, value: Number.NaN },
      { group: KEY_STRIDE, sequence: 2, step: 0, value: 7 },
      { group: KEY_STRIDE + 1, sequence: 4, step: 1, value: 8 },
    ];
    const out = assembleSeries(['a', 'b', 'c'], stats, specs, rows);
    expect(out).toEqual([
      { key: 'a', steps: [0, 1], values: [7, 8], count: 2, downsampled: false },
      { key: 'b', steps: [0, 1, 2], values: [1, 5, Number.NaN], count: 3, downsampled: false },
      { key: 'c', steps: [], values: [], count: 0, downsampled: false },
    ]);
  });
});

describe('seriesComplexity', () => {
  it('counts keys × ⌈maxPoints / 100⌉ × the selection', () => {
    expect(seriesComplexity({ args: { keys: ['a', 'b'], maxPoints: 1000 }, childComplexity: 6 })).toBe(1 + 2 * 10 * 6);
    expect(seriesComplexity({ args: { keys: ['a'], maxPoints: 150 }, childComplexity: 1 })).toBe(1 + 2);
    // A default maxPoints (absent) counts as 1,000; a nonsense one as 1 (the service refuses it).
    expect(seriesComplexity({ args: { keys: ['a'] }, childComplexity: 1 })).toBe(11);
    expect(seriesComplexity({ args: { keys: ['a'], maxPoints: -5 }, childComplexity: 1 })).toBe(2);
  });
});
