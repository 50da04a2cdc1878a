// Regression fixtures for the situations hand cases cannot cover at scale (ties, crowd regions, integer boxes with
// exact IoU ties, more than 100 detections per image). The expected numbers were computed once, while building, by a
// numpy re-statement of Ultralytics' ap_per_class / match_predictions and of pycocotools' evaluateImg / accumulate /
// summarize (not by the peers themselves: no Python with those packages is available here), and our output equalled
// them bit for bit. They guard that agreement; the hand-computed goldens are in the other specs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAccumulator, type ImageInput } from '../src';

interface Fixture {
  images: (ImageInput & { dt: { boxes: number[]; scores: number[]; classes: number[] } })[];
  expected: {
    ultralytics: { map50: number; map50_95: number; map75: number; precision: number; recall: number; bestConfidence: number; perClassAp50: number[]; perClassAp: number[]; p: number[]; r: number[] };
    coco: { stats: Record<string, number>; perCategory: number[]; catIds: number[] };
  };
}

const load = (name: string): Fixture => JSON.parse(readFileSync(join(__dirname, 'fixtures', `cross-check-${name}.json`), 'utf8')) as Fixture;

describe.each(['mixed', 'tied-scores-integer-boxes', 'over-100-per-image'])('cross-check fixture %s', (name) => {
  const fx = load(name);

  it('ultralytics: mAPs, P, R, best confidence and per-class values', () => {
    const acc = createAccumulator({ protocol: 'ultralytics' });
    for (const im of fx.images) acc.add({ ...im, dt: { ...im.dt, scores: Float32Array.from(im.dt.scores) } });
    const r = acc.finish();
    const e = fx.expected.ultralytics;
    for (const k of ['map50', 'map50_95', 'map75', 'precision', 'recall', 'bestConfidence'] as const) expect(r[k]).toBeCloseTo(e[k], 12);
    r.perClass.forEach((c, i) => {
      expect(c.ap50).toBeCloseTo(e.perClassAp50[i], 12);
      expect(c.ap50_95).toBeCloseTo(e.perClassAp[i], 12);
      expect(c.precision).toBeCloseTo(e.p[i], 12);
      expect(c.recall).toBeCloseTo(e.r[i], 12);
    });
  });

  it('coco: the 12 stats and per-category AP', () => {
    const acc = createAccumulator({ protocol: 'coco' });
    acc.addBatch(fx.images);
    const r = acc.finish();
    for (const [k, v] of Object.entries(fx.expected.coco.stats)) expect(r.stats?.[k as keyof typeof r.stats]).toBeCloseTo(v, 12);
    expect(r.perCategory?.map((c) => c.categoryId)).toEqual(fx.expected.coco.catIds);
    r.perCategory?.forEach((c, i) => expect(c.ap).toBeCloseTo(fx.expected.coco.perCategory[i], 12));
  });
});

describe('tied scores across images', () => {
  it('give the same result whatever order the images are added in', () => {
    const fx = load('tied-scores-integer-boxes');
    for (const protocol of ['ultralytics', 'coco'] as const) {
      const forward = createAccumulator({ protocol });
      forward.addBatch(fx.images);
      const backward = createAccumulator({ protocol });
      backward.addBatch([...fx.images].reverse());
      expect(backward.finish()).toEqual(forward.finish());
    }
  });
});
