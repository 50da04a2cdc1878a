import { describe, expect, it } from 'vitest';
import { iouCoco, iouFloat32 } from '../src/box-iou';
import { ApWorkspace, computeAp } from '../src/compute-ap';
import { COCO_IOU_THRESHOLDS, RECALL_THRESHOLDS, ULTRALYTICS_IOU_THRESHOLDS } from '../src/iou-thresholds';
import { interpAt } from '../src/numpy-interp';
import { pairwiseSum } from '../src/pairwise-sum';
import { scoreOrder } from '../src/score-order';
import { argmax, smooth } from '../src/smooth';

describe('IoU as each peer computes it', () => {
  it('gives 1/3 for two half-overlapping squares, in float32 (ultralytics) and float64 (coco)', () => {
    expect(iouFloat32([0, 0, 10, 10], 0, [5, 0, 15, 10], 0)).toBe(Math.fround(1 / 3));
    expect(iouCoco([5, 0, 10, 10], 0, [0, 0, 10, 10], 0, false)).toBe(1 / 3);
  });

  it('lets the 1e-7 eps vanish in float32, so an IoU of exactly 0.5 still reaches the 0.5 threshold', () => {
    const iou = iouFloat32([0, 0, 10, 10], 0, [0, 0, 10, 20], 0);
    expect(iou).toBe(0.5);
    expect(iou >= ULTRALYTICS_IOU_THRESHOLDS[0]).toBe(true);
  });

  it('divides by the detection area alone for a COCO crowd region', () => {
    expect(iouCoco([0, 0, 10, 10], 0, [0, 0, 100, 100], 0, true)).toBe(1);
    expect(iouCoco([0, 0, 10, 10], 0, [0, 0, 100, 100], 0, false)).toBe(0.01);
  });

  it('returns 0 for boxes that only touch', () => {
    expect(iouCoco([10, 0, 5, 5], 0, [0, 0, 10, 10], 0, false)).toBe(0);
    expect(iouFloat32([0, 0, 10, 10], 0, [10, 0, 20, 10], 0)).toBe(0);
  });
});

describe('thresholds', () => {
  it('holds torch.linspace float32 values for ultralytics and numpy.linspace doubles for coco', () => {
    expect(Array.from(ULTRALYTICS_IOU_THRESHOLDS)).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95].map(Math.fround));
    expect(COCO_IOU_THRESHOLDS[8]).toBe(0.8999999999999999);
    expect(COCO_IOU_THRESHOLDS[5]).toBe(0.75);
    expect(RECALL_THRESHOLDS.length).toBe(101);
    expect(RECALL_THRESHOLDS[100]).toBe(1);
  });
});

describe('numpy.interp rules', () => {
  const xp = [0, 0.5, 0.5, 1];
  const fp = [1, 0.8, 0.2, 0];
  it('takes the last of repeated xp, and fp itself at an exact xp', () => {
    expect(interpAt(0.5, xp, fp, 4)).toBe(0.2);
    expect(interpAt(0.25, xp, fp, 4)).toBeCloseTo(0.9, 15);
    expect(interpAt(1, xp, fp, 4)).toBe(0);
  });
  it('uses left / right outside the range', () => {
    expect(interpAt(-1, xp, fp, 4, 7, 9)).toBe(7);
    expect(interpAt(2, xp, fp, 4, 7, 9)).toBe(9);
  });
});

describe('compute_ap (Ultralytics 8.4.37+ envelope)', () => {
  it('scores a perfectly found class 0.995', () => {
    expect(computeAp([0.5, 1], [1, 1], 2, new ApWorkspace())).toBeCloseTo(0.995, 12);
  });

  it('drops precision to 0 right after the last recall reached (no line down to recall 1)', () => {
    // one TP out of two labels: 1 up to recall 0.49, then the last trapezoid (1 + 0) / 2 to recall 0.5, then 0.
    // The pre-8.4.37 envelope ran a line from (0.5, 1) to (1, 0) and gave about 0.75.
    expect(computeAp([0.5], [1], 1, new ApWorkspace())).toBeCloseTo(0.495, 12);
  });

  it('integrates a TP, FP, TP sequence by hand: 49 + 5/6 + 49 * 2/3 + 1/3 hundredths', () => {
    const ap = computeAp([0.5, 0.5, 1], [1, 0.5, 2 / 3], 3, new ApWorkspace());
    expect(ap).toBeCloseTo((49 + 5 / 6 + (49 * 2) / 3 + 1 / 3) / 100, 12);
  });
});

describe('smooth and argmax', () => {
  it('uses 101 taps on 1000 points and keeps a constant curve constant', () => {
    const y = new Float64Array(1000).fill(0.5);
    const s = smooth(y, 0.1);
    expect(s.length).toBe(1000);
    expect(s[0]).toBeCloseTo(0.5, 14);
    expect(s[999]).toBeCloseTo(0.5, 14);
  });
  it('averages a step over its window', () => {
    const y = new Float64Array(1000);
    y[500] = 101;
    const s = smooth(y, 0.1);
    expect(s[500]).toBeCloseTo(1, 12);
    expect(s[449]).toBe(0);
    expect(s[450]).toBeCloseTo(1, 12);
    expect(argmax(s)).toBe(450);
  });
});

describe('pairwiseSum', () => {
  it('sums short and long runs', () => {
    expect(pairwiseSum([1, 2, 3])).toBe(6);
    const a = Array.from({ length: 1000 }, (_, i) => i);
    expect(pairwiseSum(a)).toBe(499500);
  });
});

describe('scoreOrder (the documented stable rule)', () => {
  it('orders by score descending and keeps the given order on ties', () => {
    expect(Array.from(scoreOrder([0.5, 0.9, 0.5, 0.7, 0.9]))).toEqual([1, 4, 3, 0, 2]);
  });
  it('agrees with a stable comparator sort on large inputs with many ties', () => {
    let s = 7;
    const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
    const scores = Float64Array.from({ length: 5000 }, () => Math.round(rand() * 50) / 50 - 0.2);
    const expected = Array.from({ length: 5000 }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
    expect(Array.from(scoreOrder(scores))).toEqual(expected);
  });
});
