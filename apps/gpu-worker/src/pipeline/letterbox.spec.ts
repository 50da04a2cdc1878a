import { describe, expect, it } from 'vitest';
import { computeLetterbox, letterboxPoint, unletterboxBoxes } from './letterbox';

describe('letterbox', () => {
  it('centres a portrait image as Ultralytics does (bus.jpg 810×1080 at 640)', () => {
    const box = computeLetterbox(810, 1080, 640, 'center');
    expect(box.gain).toBeCloseTo(640 / 1080, 12);
    expect([box.resizedWidth, box.resizedHeight]).toEqual([480, 640]);
    expect([box.left, box.right, box.top, box.bottom]).toEqual([80, 80, 0, 0]);
  });

  it('splits an odd padding with round(d ∓ 0.1)', () => {
    const box = computeLetterbox(640, 427, 640, 'center');
    expect(box.resizedHeight).toBe(427);
    expect([box.top, box.bottom]).toEqual([106, 107]);
  });

  it('puts YOLOX images top-left and truncates the size', () => {
    const box = computeLetterbox(810, 1080, 416, 'top-left');
    expect([box.resizedWidth, box.resizedHeight]).toEqual([312, 416]);
    expect([box.left, box.top, box.right, box.bottom]).toEqual([0, 0, 104, 0]);
  });

  it.each(['center', 'top-left'] as const)('round-trips coordinates (%s)', (pad) => {
    const [w, h] = [1280, 720];
    const box = computeLetterbox(w, h, 640, pad);
    const original = [100.5, 40.25, 1100, 700];
    const [x1, y1] = letterboxPoint(original[0], original[1], box);
    const [x2, y2] = letterboxPoint(original[2], original[3], box);
    const back = unletterboxBoxes(new Float32Array([x1, y1, x2, y2]), box, w, h);
    for (let i = 0; i < 4; i++) expect(back[i]).toBeCloseTo(original[i], 3);
  });

  it('clips boxes to the original image', () => {
    const box = computeLetterbox(810, 1080, 640, 'center');
    const back = unletterboxBoxes(new Float32Array([0, -5, 640, 700]), box, 810, 1080);
    expect(Array.from(back)).toEqual([0, 0, 810, 1080]);
  });
});
