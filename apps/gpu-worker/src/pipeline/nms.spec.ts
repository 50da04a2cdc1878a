import { describe, expect, it } from 'vitest';
import { iouXyxy, nmsClassAware, nmsPrepared, nmsSorted, prepareNms, scoreOrder } from './nms';

const boxes = new Float32Array([
  0,
  0,
  10,
  10, // 0
  1,
  0,
  11,
  10, // 1: IoU with 0 = 90/110 ≈ 0.818
  0,
  0,
  10,
  10, // 2: same box as 0, other class
  20,
  20,
  30,
  30, // 3: far away
  0,
  0,
  10,
  5, // 4: IoU with 0 = 0.5 exactly
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

/** Greedy class-aware NMS written plainly: every candidate against every kept box, with iouXyxy. */
function reference(boxes: Float32Array, classes: Int32Array, order: Int32Array, iou: number, maxDet: number): number[] {
  const kept: number[] = [];
  for (const k of order) {
    if (kept.length >= maxDet) break;
    if (kept.some((j) => classes[j] === classes[k] && iouXyxy(boxes, k, j) > iou)) continue;
    kept.push(k);
  }
  return kept;
}

describe('nmsPrepared', () => {
  it('keeps exactly what plain greedy NMS keeps, on random crowded images, at every IoU and cap', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 40; trial++) {
      const n = 50 + Math.floor(random() * 900);
      const boxes = new Float32Array(4 * n);
      const classes = new Int32Array(n);
      const scores = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        // Clustered boxes (many overlaps), a few degenerate ones, and repeated exact boxes.
        const cx = Math.floor(random() * 8) * 80 + random() * 20;
        const cy = Math.floor(random() * 8) * 80 + random() * 20;
        const w = random() < 0.02 ? 0 : 5 + random() * 120;
        const h = 5 + random() * 120;
        boxes.set(k > 0 && random() < 0.05 ? boxes.subarray(4 * (k - 1), 4 * k) : [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 4 * k);
        classes[k] = Math.floor(random() * (trial % 2 ? 80 : 3));
        scores[k] = random() < 0.1 ? 0.5 : random();
      }
      const order = scoreOrder(scores, 0, n);
      const prepared = prepareNms(boxes, classes, order);
      for (const iou of [0.45, 0.5, 0.6, 0.7]) {
        for (const maxDet of [300, 40]) {
          const expected = reference(boxes, classes, order, iou, maxDet);
          expect(Array.from(nmsPrepared(prepared, iou, maxDet), (p) => order[p])).toEqual(expected);
          expect(Array.from(nmsSorted(boxes, classes, order, iou, maxDet))).toEqual(expected);
        }
      }
    }
  });
});
