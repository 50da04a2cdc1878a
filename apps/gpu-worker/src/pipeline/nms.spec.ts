import { describe, expect, it } from 'vitest';
import { iouXyxy, nmsClassAware, scoreOrder } from './nms';

const boxes = new Float32Array([
  0, 0, 10, 10, // 0
  1, 0, 11, 10, // 1: IoU with 0 = 90/110 ≈ 0.818
  0, 0, 10, 10, // 2: same box as 0, other class
  20, 20, 30, 30, // 3: far away
  0, 0, 10, 5, // 4: IoU with 0 = 0.5 exactly
]);

describe('nmsClassAware', () => {
  it('suppresses overlaps within a class only, highest score first', () => {
    const scores = new Float32Array([0.9, 0.8, 0.7, 0.6, 0.5]);
    const classes = new Int32Array([0, 0, 1, 0, 0]);
    expect(Array.from(nmsClassAware(boxes, scores, classes, 0, 5, { iou: 0.7, maxDet: 300 }))).toEqual([0, 2, 3, 4]);
  });

  it('drops a box only when its IoU is above the threshold (torchvision: strictly greater)', () => {
    expect(iouXyxy(boxes, 0, 4)).toBeCloseTo(0.5, 12);
    const scores = new Float32Array([0.9, 0, 0, 0, 0.5]);
    const classes = new Int32Array(5);
    expect(Array.from(nmsClassAware(boxes, scores, classes, 0, 5, { iou: 0.5, maxDet: 300, classes: new Set([0]) }))).toContain(4);
    expect(Array.from(nmsClassAware(boxes, scores, classes, 0, 5, { iou: 0.49, maxDet: 300 }))).not.toContain(4);
  });

  it('keeps at most maxDet boxes and filters classes before NMS', () => {
    const scores = new Float32Array([0.9, 0.8, 0.7, 0.6, 0.5]);
    const classes = new Int32Array([0, 0, 1, 0, 0]);
    expect(Array.from(nmsClassAware(boxes, scores, classes, 0, 5, { iou: 0.7, maxDet: 2 }))).toEqual([0, 2]);
    expect(Array.from(nmsClassAware(boxes, scores, classes, 0, 5, { iou: 0.7, maxDet: 300, classes: new Set([1]) }))).toEqual([2]);
  });

  it('honours the range and keeps input order on tied scores', () => {
    const scores = new Float32Array([0.1, 0.5, 0.5, 0.5, 0.5]);
    const classes = new Int32Array([0, 1, 2, 3, 4]);
    expect(Array.from(nmsClassAware(boxes, scores, classes, 1, 5, { iou: 0.7, maxDet: 300 }))).toEqual([1, 2, 3, 4]);
  });
});

describe('scoreOrder', () => {
  it('sorts by descending score, ties in input order, and cuts at maxNms', () => {
    const scores = new Float32Array([0.2, 0.9, 0.2, 0.5, 0.9, 0.001]);
    expect(Array.from(scoreOrder(scores, 0, 6))).toEqual([1, 4, 3, 0, 2, 5]);
    expect(Array.from(scoreOrder(scores, 2, 6))).toEqual([4, 3, 2, 5]);
    expect(Array.from(scoreOrder(scores, 0, 6, undefined, undefined, 2))).toEqual([1, 4]);
  });
});
