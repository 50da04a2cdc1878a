import { describe, expect, it } from 'vitest';
import { foldSummaries, type MetricPointRow, type MetricSummaryRow } from './metric-summary';

let seq = 0;
const pt = (key: string, value: number, step: number, timestamp = 1000 + step): MetricPointRow => ({ runId: 'r', key, value, step, timestamp, sequence: ++seq });

describe('foldSummaries', () => {
  it('keeps last by highest step even when a late epoch arrives out of order', () => {
    const s = foldSummaries(new Map(), [pt('map50', 0.1, 0), pt('map50', 0.3, 2), pt('map50', 0.2, 1)]).get('map50')!;
    expect(s).toMatchObject({ last: 0.3, lastStep: 2, min: 0.1, minStep: 0, max: 0.3, maxStep: 2, count: 3 });
  });

  it('breaks a step tie by the latest timestamp, then by the highest sequence', () => {
    const byTime = foldSummaries(new Map(), [pt('k', 1, 5, 2000), pt('k', 2, 5, 1000)]).get('k')!;
    expect(byTime.last).toBe(1);
    const bySeq = foldSummaries(new Map(), [pt('k', 1, 5, 1000), pt('k', 2, 5, 1000)]).get('k')!;
    expect(bySeq.last).toBe(2);
  });

  it('ignores NaN for min and max but counts it, and can report a NaN last value', () => {
    const s = foldSummaries(new Map(), [pt('loss', Number.NaN, 0), pt('loss', 0.5, 1), pt('loss', Number.NaN, 2)]).get('loss')!;
    expect(s.count).toBe(3);
    expect(s.last).toBeNaN();
    expect(s).toMatchObject({ min: 0.5, minStep: 1, max: 0.5, maxStep: 1 });
  });

  it('leaves min and max null while every point is NaN', () => {
    const s = foldSummaries(new Map(), [pt('loss', Number.NaN, 0)]).get('loss')!;
    expect(s).toMatchObject({ min: null, minStep: null, max: null, maxStep: null, count: 1 });
  });

  it('lets ±Infinity take part in min and max', () => {
    const s = foldSummaries(new Map(), [pt('k', 1, 0), pt('k', Number.POSITIVE_INFINITY, 1), pt('k', Number.NEGATIVE_INFINITY, 2)]).get('k')!;
    expect(s).toMatchObject({ min: Number.NEGATIVE_INFINITY, minStep: 2, max: Number.POSITIVE_INFINITY, maxStep: 1 });
  });

  it('continues from an existing summary without modifying it', () => {
    const before: MetricSummaryRow = { runId: 'r', key: 'k', last: 0.4, lastStep: 3, lastTimestamp: 1003, lastSequence: 4, min: 0.1, minStep: 0, max: 0.4, maxStep: 3, count: 4 };
    const existing = new Map([['k', before]]);
    const s = foldSummaries(existing, [pt('k', 0.05, 4), pt('other', 7, 0)]);
    expect(s.get('k')).toMatchObject({ last: 0.05, lastStep: 4, min: 0.05, minStep: 4, max: 0.4, maxStep: 3, count: 5 });
    expect(s.get('other')).toMatchObject({ last: 7, count: 1 });
    expect(before.count).toBe(4);
  });
});
