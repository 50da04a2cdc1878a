import { describe, expect, it } from 'vitest';
import { alignSeries, applyBatch, applySeries, downsample, emaSmooth, emptyStream, metricNumber, prepareSeries, type WirePoint } from './series';

const pt = (sequence: number, step: number, value: unknown, key = 'map50'): WirePoint => ({ key, step, sequence, value });

describe('metricNumber', () => {
  it('reads the MetricValue scalar: numbers and the three strings', () => {
    expect(metricNumber(0.5)).toBe(0.5);
    expect(metricNumber('Infinity')).toBe(Infinity);
    expect(metricNumber('-Infinity')).toBe(-Infinity);
    expect(metricNumber('NaN')).toBeNaN();
    expect(metricNumber('0.3')).toBeNaN();
    expect(metricNumber(null)).toBeNaN();
  });
});

describe('applySeries: a downsampled read, then the stream from its sequence', () => {
  it('starts the series from the read and appends the live points after its sequence, with no duplicate', () => {
    const s = emptyStream();
    const changed = applySeries(s, 300, [
      { key: 'map50', totalCount: 150, steps: [0, 70, 149], values: [0.1, 'NaN', 0.3] },
      { key: 'loss', totalCount: 0, steps: [], values: [] },
    ]);
    expect([...changed]).toEqual(['map50', 'loss']);
    expect(s.lastSequence).toBe(300);
    // The stream from 300 may repeat a point the read covered (at or below 300): skipped.
    applyBatch(s, [pt(300, 149, 9), pt(301, 150, 0.4), pt(302, 150, 1.1, 'loss')]);
    expect(s.series.get('map50')).toEqual({ steps: [0, 70, 149, 150], values: [0.1, NaN, 0.3, 0.4], sequences: [300, 300, 300, 301] });
    expect(s.series.get('loss')).toEqual({ steps: [150], values: [1.1], sequences: [302] });
    expect([s.totals.get('map50'), s.totals.get('loss')]).toEqual([151, 1]);
    // A step logged again after the read shows its later value.
    applyBatch(s, [pt(303, 70, 0.2)]);
    expect(s.series.get('map50')!.values[1]).toBe(0.2);
  });

  it('ignores a read older than what the stream has applied', () => {
    const s = emptyStream();
    applyBatch(s, [pt(1, 0, 0.1), pt(2, 1, 0.2)]);
    expect(applySeries(s, 1, [{ key: 'map50', totalCount: 1, steps: [0], values: [0.1] }]).size).toBe(0);
    expect(s.series.get('map50')!.steps).toEqual([0, 1]);
  });
});

describe('applyBatch: a stream that resumes with afterSequence', () => {
  it('applies a replay and live batches in order, one value per step', () => {
    const s = emptyStream();
    expect([...applyBatch(s, [pt(1, 0, 0.1), pt(2, 0, 1.5, 'loss'), pt(3, 1, 0.2), pt(4, 1, 1.2, 'loss')])]).toEqual(['map50', 'loss']);
    applyBatch(s, [pt(5, 2, 0.3)]);
    expect(s.lastSequence).toBe(5);
    expect(s.series.get('map50')).toEqual({ steps: [0, 1, 2], values: [0.1, 0.2, 0.3], sequences: [1, 3, 5] });
    expect(s.series.get('loss')!.values).toEqual([1.5, 1.2]);
  });

  it('after a dropped connection the overlapping replay adds no duplicate and the stream has no gap', () => {
    const s = emptyStream();
    applyBatch(s, [pt(1, 0, 0.1), pt(2, 1, 0.2)]);
    // The connection dropped after sequence 2; the client resubscribed with afterSequence: 2, but a batch that was in
    // flight (2, 3) arrives again together with the replay (3, 4) and the next live batch (5).
    const changed = applyBatch(s, [pt(2, 1, 0.2), pt(3, 2, 0.3)]);
    applyBatch(s, [pt(3, 2, 0.3), pt(4, 3, 0.4)]);
    applyBatch(s, [pt(5, 4, 0.5)]);
    expect([...changed]).toEqual(['map50']);
    expect(s.series.get('map50')).toEqual({ steps: [0, 1, 2, 3, 4], values: [0.1, 0.2, 0.3, 0.4, 0.5], sequences: [1, 2, 3, 4, 5] });
    expect(s.lastSequence).toBe(5);
  });

  it('a batch entirely at or below lastSequence changes nothing', () => {
    const s = emptyStream();
    applyBatch(s, [pt(1, 0, 0.1), pt(2, 1, 0.2)]);
    expect(applyBatch(s, [pt(1, 0, 9), pt(2, 1, 9)]).size).toBe(0);
    expect(s.series.get('map50')!.values).toEqual([0.1, 0.2]);
  });

  it('a step logged again keeps the later commit; an older step arriving late is inserted in order', () => {
    const s = emptyStream();
    applyBatch(s, [pt(1, 0, 0.1), pt(2, 5, 0.5), pt(3, 5, 0.55), pt(4, 2, 0.2)]);
    expect(s.series.get('map50')).toEqual({ steps: [0, 2, 5], values: [0.1, 0.2, 0.55], sequences: [1, 4, 3] });
  });

  it('keeps NaN and ±Infinity as values (the chart decides how to draw them)', () => {
    const s = emptyStream();
    applyBatch(s, [pt(1, 0, 'NaN'), pt(2, 1, 'Infinity'), pt(3, 2, 0.3)]);
    const v = s.series.get('map50')!.values;
    expect(v[0]).toBeNaN();
    expect(v.slice(1)).toEqual([Infinity, 0.3]);
  });
});

describe('emaSmooth', () => {
  it('is TensorBoard’s debiased EMA: the first value is kept, later values pulled towards the average', () => {
    const out = emaSmooth([1, 2, 3], 0.5);
    expect(out[0]).toBeCloseTo(1);
    expect(out[1]).toBeCloseTo((0.5 * 0.5 + 0.5 * 2) / 0.75);
    expect(out[2]).toBeLessThan(3);
  });
  it('leaves NaN as a gap and does not let it poison the average', () => {
    const out = emaSmooth([1, NaN, 1], 0.9);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeCloseTo(1);
  });
  it('weight 0 is no smoothing', () => expect(emaSmooth([3, 1, 2], 0)).toEqual([3, 1, 2]));
});

describe('downsample', () => {
  const n = 10_000;
  const steps = Array.from({ length: n }, (_, i) => i);

  it('leaves a short series alone', () => {
    expect(downsample([0, 1, 2], [1, 2, 3], 100)).toEqual({ steps: [0, 1, 2], values: [1, 2, 3] });
  });

  it('cuts 10,000 steps to about the pixel budget, keeping the first and last step and every spike', () => {
    const values = steps.map((i) => Math.sin(i / 100));
    values[4321] = 50;
    values[8765] = -50;
    const out = downsample(steps, values, 1200);
    expect(out.steps.length).toBeLessThanOrEqual(1200 + 400);
    expect(out.steps.length).toBeGreaterThan(600);
    expect(out.steps[0]).toBe(0);
    expect(out.steps.at(-1)).toBe(n - 1);
    expect(out.values).toContain(50);
    expect(out.values).toContain(-50);
    expect([...out.steps].sort((a, b) => a - b)).toEqual(out.steps);
  });

  it('keeps a NaN so the gap survives downsampling', () => {
    const values = steps.map(() => 1);
    values[5000] = NaN;
    const out = downsample(steps, values, 300);
    expect(out.values.some((v) => Number.isNaN(v))).toBe(true);
    expect(out.steps[out.values.findIndex((v) => Number.isNaN(v))]).toBe(5000);
  });

  it('prepareSeries smooths on every point before it downsamples', () => {
    const values = steps.map((i) => (i % 2 ? 1 : 0));
    const out = prepareSeries({ steps, values }, { smoothing: 0.99, maxPoints: 500 });
    expect(out.steps.length).toBeLessThan(1000);
    expect(Math.max(...out.values.slice(10))).toBeLessThan(0.8);
  });
});

describe('alignSeries', () => {
  it('puts series on the union of their steps: NaN and ±Infinity are gaps (null), a missing step is undefined', () => {
    const data = alignSeries([
      { steps: [0, 1, 2], values: [0.1, NaN, 0.3] },
      { steps: [1, 3], values: [Infinity, 0.4] },
    ]);
    expect(data).toEqual([
      [0, 1, 2, 3],
      [0.1, null, 0.3, undefined],
      [undefined, null, undefined, 0.4],
    ]);
  });
  it('on a log scale a value ≤ 0 is a gap', () => {
    expect(alignSeries([{ steps: [0, 1, 2], values: [1, 0, -1] }], { logScale: true })).toEqual([
      [0, 1, 2],
      [1, null, null],
    ]);
  });
});
