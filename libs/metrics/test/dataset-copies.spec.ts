// Property: the same images added k times (distinct ids) give the same metrics. Counts scale by exactly k; each
// class's score sequence is the k = 1 sequence with every score repeated k times (copies of a score are ties, ordered
// by image id), with k times the true positives in each run of equal scores; AP moves only by the 101-point
// interpolation over a denser recall grid (numpy's ap_per_class moves the same way). Run on COCO128 labels with noisy
// synthetic predictions (many tied scores, many low-confidence false positives) and k up to 12, past 1024 images:
// mAP50 jumped at 9 copies when the columns' first growth dropped an image's row range.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAccumulator, readYoloDataset, type DetectionResult, type ImageInput, type OperatingPoint, type Protocol } from '../src';
import type { ClassPredictions } from '../src/ap-per-class';
import { CocoAccumulator } from '../src/coco-accumulator';
import { UltralyticsAccumulator } from '../src/ultralytics-accumulator';

const coco128 = join(__dirname, '..', '..', '..', 'assets', 'datasets', 'coco128');

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/** Jittered copies of the labels (some with a wrong class) and 150 low-score boxes per image; scores on a coarse grid. */
function noisyPredictions(): ImageInput[] {
  const ds = readYoloDataset({ imagesDir: join(coco128, 'images', 'train2017'), labelsDir: join(coco128, 'labels', 'train2017') });
  const r = lcg(42);
  return ds.images.map((im) => {
    const boxes: number[] = [],
      scores: number[] = [],
      classes: number[] = [];
    const gb = im.gt.boxes,
      gc = im.gt.classes;
    for (let g = 0; g < gc.length; g++) {
      const copies = 1 + Math.floor(r() * 3);
      for (let k = 0; k < copies; k++) {
        const w = gb[4 * g + 2] - gb[4 * g],
          h = gb[4 * g + 3] - gb[4 * g + 1],
          j = 0.05 + 0.5 * r();
        boxes.push(gb[4 * g] + (r() - 0.5) * j * w, gb[4 * g + 1] + (r() - 0.5) * j * h, gb[4 * g + 2] + (r() - 0.5) * j * w, gb[4 * g + 3] + (r() - 0.5) * j * h);
        scores.push(Math.round((k === 0 ? 0.2 + 0.8 * r() : 0.001 + 0.5 * r()) * 100) / 100);
        classes.push(r() < 0.85 ? gc[g] : Math.floor(r() * 80));
      }
    }
    for (let q = 0; q < 150; q++) {
      const w = 4 + r() * im.width * 0.4,
        h = 4 + r() * im.height * 0.4;
      const x = r() * (im.width - w),
        y = r() * (im.height - h);
      boxes.push(x, y, x + w, y + h);
      scores.push(Math.round((0.001 + 0.3 * r() ** 3) * 1000) / 1000);
      classes.push(Math.floor(r() * 80));
    }
    return {
      imageId: im.imageId,
      width: im.width,
      height: im.height,
      gt: im.gt,
      dt: { boxes: Float32Array.from(boxes), scores: Float32Array.from(scores), classes: Int32Array.from(classes) },
    };
  });
}

const base = noisyPredictions();
const copies = (k: number): ImageInput[] => Array.from({ length: k }, (_, copy) => base.map((im) => ({ ...im, imageId: `${im.imageId}#${copy}` }))).flat();
const CONFIDENCES = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.77, 0.9, 1];

interface Evaluation {
  result: DetectionResult;
  classes: ClassPredictions[];
  points: OperatingPoint[];
}

function evaluate(protocol: Protocol, k: number): Evaluation {
  const images = copies(k);
  const acc = createAccumulator({ protocol });
  acc.addBatch(images);
  const points = CONFIDENCES.map((c) => acc.operatingPointAt(c));
  const impl = protocol === 'coco' ? new CocoAccumulator({ protocol }) : new UltralyticsAccumulator({ protocol });
  for (const im of images) impl.add(im);
  return { result: acc.finish(), classes: impl.classPredictions(), points };
}

/** Runs of equal scores: [score, length, true positives (bit 0)]. */
function runs(c: ClassPredictions): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < c.conf.length; i++) {
    const last = out[out.length - 1];
    if (last && last[0] === c.conf[i]) {
      last[1]++;
      last[2] += c.tp[i] & 1;
    } else out.push([c.conf[i], 1, c.tp[i] & 1]);
  }
  return out;
}

describe.each<Protocol>(['ultralytics', 'coco'])('%s: the dataset added k times', (protocol) => {
  const one = evaluate(protocol, 1);

  it.each([9, 12])('k = %i (past 1024 images) keeps the per-class score order, counts and AP of k = 1', (k) => {
    const many = evaluate(protocol, k);
    const a = one.result,
      b = many.result;
    expect(b.counts).toEqual({
      ...a.counts,
      images: k * a.counts.images,
      backgrounds: k * a.counts.backgrounds,
      labels: k * a.counts.labels,
      crowdLabels: k * a.counts.crowdLabels,
      predictions: k * a.counts.predictions,
    });

    // exact: every class's scores repeated k times, k times the true positives in every run of equal scores
    expect(many.classes.map((c) => c.classId)).toEqual(one.classes.map((c) => c.classId));
    many.classes.forEach((c, i) => {
      expect(c.nLabels).toBe(k * one.classes[i].nLabels);
      expect(runs(c)).toEqual(runs(one.classes[i]).map(([s, n, tp]) => [s, k * n, k * tp]));
    });
    expect(b.confusionMatrix.matrix).toEqual(a.confusionMatrix.matrix.map((row) => row.map((v) => k * v)));
    many.points.forEach((p, i) => {
      const q = one.points[i];
      expect([p.tp, p.fp, p.fn]).toEqual([k * q.tp, k * q.fp, k * q.fn]);
    });
    // below every score P is each class's last precision, tp / predictions: the same ratio (P elsewhere interpolates
    // between neighbouring scores, and the k copies of a score sit between them)
    expect(many.points[0].precision).toBeCloseTo(one.points[0].precision, 12);
    expect(many.points[0].recall).toBeCloseTo(one.points[0].recall, 12);

    // AP: only the interpolation over the denser recall grid moves it (measured up to 1.4e-4 on this set)
    expect(Math.abs(b.map50 - a.map50)).toBeLessThan(5e-4);
    expect(Math.abs(b.map50_95 - a.map50_95)).toBeLessThan(5e-4);
    expect(Math.abs(b.map75 - a.map75)).toBeLessThan(5e-4);
    b.perClass.forEach((c, i) => {
      expect(c.nPredictions).toBe(k * a.perClass[i].nPredictions);
      expect(Math.abs(c.ap50 - a.perClass[i].ap50)).toBeLessThan(5e-3); // measured up to 1.2e-3 (few-label classes)
    });
  });

  it('answers operatingPointAt for any confidence in [0, 1], 0.001 included', () => {
    const labels = one.result.perClass.reduce((s, c) => s + c.nLabels, 0);
    let previous: OperatingPoint | null = null;
    for (const p of one.points) {
      for (const v of [p.precision, p.recall, p.f1]) expect(v >= 0 && v <= 1).toBe(true);
      expect(p.tp + p.fn).toBe(labels);
      if (previous) expect(p.tp + p.fp).toBeLessThanOrEqual(previous.tp + previous.fp);
      previous = p;
    }
    // tp + fp: the predictions scoring at least the confidence (float32 scores: a score given as 0.001 counts at 0.001)
    one.points.forEach((p, i) => {
      const atLeast = one.classes.reduce((s, c) => s + c.conf.filter((v) => v >= CONFIDENCES[i]).length, 0);
      expect(p.tp + p.fp).toBe(atLeast);
    });
  });
});
