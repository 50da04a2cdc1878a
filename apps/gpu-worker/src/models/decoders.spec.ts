import { describe, expect, it } from 'vitest';
import { candidatesFromFused, candidatesFromOutput, imageRanges } from './candidates';
import { decodeBoxes, yoloxGrid } from './decode-boxes';

describe('YOLOv8 channels-first [B, 4+nc, N]', () => {
  // batch 2, 2 classes, 3 anchors; channel-major: out[b][c][a]
  const dims = [2, 6, 3];
  const out = new Float32Array(2 * 6 * 3);
  const set = (b: number, c: number, a: number, v: number) => (out[b * 18 + c * 3 + a] = v);
  [
    [100, 50, 20, 10],
    [200, 200, 40, 40],
    [10, 10, 4, 4],
  ].forEach((box, a) =>
    box.forEach((v, k) => {
      set(0, k, a, v);
      set(1, k, a, v + 1);
    }),
  );
  set(0, 4, 0, 0.9); // image 0, class 0, anchor 0
  set(0, 5, 0, 0.3); // multi-label: class 1 on the same anchor
  set(0, 5, 2, 0.0005); // below conf
  set(1, 4, 1, 0.8);

  it('emits every (image, class, anchor) above conf in NonZero order with cx,cy,w,h → xyxy', () => {
    const c = candidatesFromOutput(out, dims, 'channels-first', 0.001);
    expect(c.count).toBe(3);
    expect(Array.from(c.image)).toEqual([0, 0, 1]);
    expect(Array.from(c.cls)).toEqual([0, 1, 0]);
    expect(Array.from(c.anchor)).toEqual([0, 0, 1]);
    expect(Array.from(c.score)).toEqual([Math.fround(0.9), Math.fround(0.3), Math.fround(0.8)]);
    expect(Array.from(decodeBoxes(c, 'yolov8', 640))).toEqual([90, 45, 110, 55, 90, 45, 110, 55, 180.5, 180.5, 221.5, 221.5]);
    expect(Array.from(imageRanges(c, 2))).toEqual([0, 2, 3]);
  });

  it('ignores padding images beyond the real batch', () => {
    expect(candidatesFromOutput(out, dims, 'channels-first', 0.001, 1).count).toBe(2);
  });

  it('reads the fused graph outputs in the same layout', () => {
    const c = candidatesFromFused(new Int32Array([0, 0, 0, 1, 0, 1]), new Float32Array([0.9, 0.8]), new Float32Array([100, 50, 20, 10, 201, 201, 41, 41]), 'channels-first');
    expect(Array.from(c.cls)).toEqual([0, 0]);
    expect(Array.from(c.anchor)).toEqual([0, 1]);
    expect(Array.from(c.image)).toEqual([0, 1]);
  });
});

describe('anchors-first [B, N, 5+nc]', () => {
  const out = new Float32Array([
    // anchor 0: cx cy w h obj c0 c1
    0.5,
    0.5,
    0,
    0,
    0.5,
    0.8,
    0.1,
    // anchor 1
    0.25,
    0.75,
    Math.log(2),
    0,
    0.1,
    0.009,
    0.5,
  ]);

  it('scores objectness × class (float32) and keeps the raw head for YOLOX', () => {
    const c = candidatesFromOutput(out, [1, 2, 7], 'anchors-first', 0.01);
    expect(Array.from(c.cls)).toEqual([0, 1, 1]);
    expect(Array.from(c.anchor)).toEqual([0, 0, 1]);
    expect(c.score[0]).toBe(Math.fround(Math.fround(0.5) * Math.fround(0.8)));
    expect(c.score[2]).toBeCloseTo(0.05, 7);
  });

  it('decodes YOLOX grid offsets and log sizes with strides 8/16/32', () => {
    const grid = yoloxGrid(416);
    expect(grid.length / 3).toBe(52 * 52 + 26 * 26 + 13 * 13);
    // anchor 53 = stride 8, row 1, column 1; anchor 2704 = first stride-16 cell
    expect(Array.from(grid.slice(53 * 3, 53 * 3 + 3))).toEqual([1, 1, 8]);
    expect(Array.from(grid.slice(2704 * 3, 2704 * 3 + 3))).toEqual([0, 0, 16]);
    const c = candidatesFromFused(new Int32Array([0, 53, 0, 0, 2704, 1]), new Float32Array([0.9, 0.8]), new Float32Array([0.5, 0.5, 0, 0, 0.25, 0.75, Math.log(2), 0]), 'anchors-first');
    const boxes = decodeBoxes(c, 'yolox', 416);
    // cx = (1.5)*8 = 12, w = 8 → [8, 8, 16, 16]; cx = 0.25*16 = 4, w = 32, cy = 12, h = 16 → [-12, 4, 20, 20]
    expect(Array.from(boxes.slice(0, 4))).toEqual([8, 8, 16, 16]);
    expect(Array.from(boxes.slice(4, 8)).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([-12, 4, 20, 20]);
  });

  it('passes YOLOv5 boxes through as cx, cy, w, h in pixels', () => {
    const c = candidatesFromFused(new Int32Array([0, 7, 3]), new Float32Array([0.5]), new Float32Array([320, 320, 64, 32]), 'anchors-first');
    expect(Array.from(decodeBoxes(c, 'yolov5', 640))).toEqual([288, 304, 352, 336]);
    expect(c.cls[0]).toBe(3);
  });
});
