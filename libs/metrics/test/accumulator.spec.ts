import { describe, expect, it } from 'vitest';
import { createAccumulator, MetricsError, type ImageInput, type Protocol } from '../src';

const box = (x1: number, y1: number, x2: number, y2: number) => [x1, y1, x2, y2];

function image(id: string | number, gt: { boxes: number[][]; classes: number[]; iscrowd?: number[] }, dt?: { boxes: number[][]; scores: number[]; classes: number[] }): ImageInput {
  return {
    imageId: id,
    width: 640,
    height: 480,
    gt: { boxes: Float64Array.from(gt.boxes.flat()), classes: Int32Array.from(gt.classes), iscrowd: gt.iscrowd ? Uint8Array.from(gt.iscrowd) : undefined },
    dt: dt && { boxes: Float32Array.from(dt.boxes.flat()), scores: Float32Array.from(dt.scores), classes: Int32Array.from(dt.classes) },
  };
}

function evaluate(protocol: Protocol, images: ImageInput[]) {
  const acc = createAccumulator({ protocol });
  acc.addBatch(images);
  return { result: acc.finish(), acc };
}

/** A small scene: 3 images, 2 classes, a duplicate, a wrong class, a miss, a background image with a false alarm. */
function scene(): ImageInput[] {
  return [
    image(
      'a',
      { boxes: [box(10, 10, 110, 110), box(200, 200, 260, 300)], classes: [0, 1] },
      {
        boxes: [box(12, 8, 108, 112), box(15, 15, 115, 115), box(205, 195, 262, 298), box(400, 400, 450, 450)],
        scores: [0.91, 0.42, 0.77, 0.33],
        classes: [0, 0, 1, 1],
      },
    ),
    image(
      'b',
      { boxes: [box(50, 50, 150, 120), box(300, 100, 330, 160)], classes: [0, 0] },
      {
        boxes: [box(52, 48, 149, 125), box(300, 100, 330, 160)],
        scores: [0.88, 0.12],
        classes: [0, 1],
      },
    ),
    image('c', { boxes: [], classes: [] }, { boxes: [box(0, 0, 40, 40)], scores: [0.55], classes: [0] }),
  ];
}

describe.each<Protocol>(['ultralytics', 'coco'])('%s protocol properties', (protocol) => {
  it('scores perfect predictions at the peer maximum (0.995 under ultralytics, 1 under coco) for every class', () => {
    const images = [
      image(1, { boxes: [box(0, 0, 50, 50), box(100, 100, 300, 200)], classes: [3, 7] }, { boxes: [box(0, 0, 50, 50), box(100, 100, 300, 200)], scores: [0.9, 0.8], classes: [3, 7] }),
      image(2, { boxes: [box(10, 20, 30, 60)], classes: [3] }, { boxes: [box(10, 20, 30, 60)], scores: [0.7], classes: [3] }),
    ];
    const { result } = evaluate(protocol, images);
    const top = protocol === 'ultralytics' ? 0.995 : 1;
    expect(result.map50).toBeCloseTo(top, 12);
    expect(result.map50_95).toBeCloseTo(top, 12);
    for (const c of result.perClass) {
      expect(c.ap50).toBeCloseTo(top, 12);
      expect(c.ap50_95).toBeCloseTo(top, 12);
    }
    expect(result.precision).toBeCloseTo(1, 12);
    expect(result.recall).toBeCloseTo(1, 12);
    expect(result.fitness).toBe(result.map50_95);
  });

  it('does not depend on the order images or predictions are given when scores are distinct', () => {
    const a = evaluate(protocol, scene()).result;
    const shuffled = scene()
      .reverse()
      .map((im) => {
        if (!im.dt) return im;
        const n = im.dt.classes.length;
        const order = Array.from({ length: n }, (_, i) => n - 1 - i);
        const pick = <T extends Float32Array | Int32Array>(src: T, w: number, ctor: new (n: number) => T): T => {
          const out = new ctor(n * w);
          order.forEach((i, j) => out.set(src.subarray(i * w, i * w + w), j * w));
          return out;
        };
        return {
          ...im,
          dt: { boxes: pick(im.dt.boxes as Float32Array, 4, Float32Array), scores: pick(im.dt.scores as Float32Array, 1, Float32Array), classes: pick(im.dt.classes as Int32Array, 1, Int32Array) },
        };
      });
    const b = evaluate(protocol, shuffled).result;
    expect(b).toEqual(a);
  });

  it("lowers precision but not recall with a background image's false positives", () => {
    const base = scene().slice(0, 2);
    const withBackground = [...base, image('bg', { boxes: [], classes: [] }, { boxes: [box(0, 0, 30, 30), box(50, 50, 90, 90)], scores: [0.95, 0.6], classes: [0, 0] })];
    const before = evaluate(protocol, base).acc.operatingPointAt(0.1);
    const after = evaluate(protocol, withBackground).acc.operatingPointAt(0.1);
    expect(after.recall).toBe(before.recall);
    expect(after.fn).toBe(before.fn);
    expect(after.fp).toBe(before.fp + 2);
    expect(after.precision).toBeLessThan(before.precision);
  });

  it('reports P and R at the confidence that maximises the smoothed F1, reproducible with operatingPointAt', () => {
    const { result, acc } = evaluate(protocol, scene());
    const op = acc.operatingPointAt(result.bestConfidence);
    expect(op.precision).toBeCloseTo(result.precision, 12);
    expect(op.recall).toBeCloseTo(result.recall, 12);
    expect(result.f1Curve.x.length).toBe(1000);
    expect(result.f1Curve.x[999]).toBe(1);
  });

  it('counts images, backgrounds, labels and predictions', () => {
    const { result } = evaluate(protocol, scene());
    expect(result.counts).toMatchObject({ images: 3, backgrounds: 1, labels: 4, predictions: 7, classes: 2 });
    expect(result.perClass.map((c) => [c.classId, c.nLabels])).toEqual([
      [0, 3],
      [1, 1],
    ]);
  });

  it('keeps only the requested classes, in labels and predictions', () => {
    const acc = createAccumulator({ protocol, classes: [1] });
    acc.addBatch(scene());
    const r = acc.finish();
    expect(r.perClass.map((c) => c.classId)).toEqual([1]);
    expect(r.counts.labels).toBe(1);
    expect(r.counts.predictions).toBe(3);
  });

  it('throws typed errors for malformed input, duplicate images and add after finish', () => {
    const acc = createAccumulator({ protocol });
    const bad = () => acc.add({ imageId: 'x', gt: { boxes: [1, 2, 3], classes: [0] } });
    expect(bad).toThrow(MetricsError);
    expect(bad).toThrow(/3 box values for 1 classes/);
    acc.add(image('y', { boxes: [], classes: [] }));
    try {
      acc.add(image('y', { boxes: [], classes: [] }));
      expect.unreachable();
    } catch (e) {
      expect((e as MetricsError).code).toBe('INVALID_INPUT');
    }
    acc.finish();
    expect(() => acc.add(image('z', { boxes: [], classes: [] }))).toThrow(expect.objectContaining({ code: 'ALREADY_FINISHED' }));
  });

  it("summary() gives finish()'s figures exactly, before or after it, and closes the accumulator", () => {
    const before = createAccumulator({ protocol });
    before.addBatch(scene());
    const summary = before.summary();
    expect(() => before.add(image('z', { boxes: [], classes: [] }))).toThrow(expect.objectContaining({ code: 'ALREADY_FINISHED' }));
    const { result, acc: after } = evaluate(protocol, scene());
    expect(result.map50_95).toBeGreaterThan(0);
    for (const s of [summary, after.summary(), before.summary()]) {
      expect(s.protocol).toBe(protocol);
      expect(s.map50).toBe(result.map50);
      expect(s.map50_95).toBe(result.map50_95);
      expect(s.map75).toBe(result.map75);
      expect(s.stats).toEqual(result.stats);
    }
    expect(before.finish()).toEqual(result);
  });
});

describe('ultralytics protocol, hand-computed', () => {
  it('matches as the validator does: the lower-index prediction keeps a label and the other is not re-matched', () => {
    // P0 (score 0.9) overlaps L0 with IoU 7/13; P1 (0.8) overlaps L0 with 9/11 and L1 with 7/13. Ultralytics: P0
    // keeps L0, P1's best label is taken, so P1 is a false positive. COCO instead matches P1 to the free L1.
    const images = [
      image(
        1,
        { boxes: [box(0, 0, 100, 100), box(40, 0, 140, 100)], classes: [0, 0] },
        {
          boxes: [box(-30, 0, 70, 100), box(10, 0, 110, 100)],
          scores: [0.9, 0.8],
          classes: [0, 0],
        },
      ),
    ];
    const u = evaluate('ultralytics', images).acc.operatingPointAt(0.5);
    expect([u.tp, u.fp, u.fn]).toEqual([1, 1, 1]);
    const c = evaluate('coco', images).acc.operatingPointAt(0.5);
    expect([c.tp, c.fp, c.fn]).toEqual([2, 0, 0]);
  });

  it('breaks equal scores by the order given (stable): map50-95 0.8955 one way, 0.796 the other', () => {
    const a = box(0, 0, 100, 90); // IoU 0.9 with the label
    const b = box(0, 0, 100, 80); // IoU 0.8
    const run = (first: number[], second: number[]) =>
      evaluate('ultralytics', [image(1, { boxes: [box(0, 0, 100, 100)], classes: [0] }, { boxes: [first, second], scores: [0.5, 0.5], classes: [0, 0] })]).result;
    // a first: TP then FP at every threshold up to 0.90 (0.995 each), nothing at 0.95
    expect(run(a, b).map50_95).toBeCloseTo((9 * 0.995) / 10, 12);
    // b first: TP at 0.50..0.80 (7 x 0.995); at 0.85 and 0.90 only a qualifies and comes second (0.4975); 0 at 0.95
    expect(run(b, a).map50_95).toBeCloseTo((7 * 0.995 + 2 * 0.4975) / 10, 12);
  });

  it('gives a TP, FP, TP class the hand-integrated AP50 of 0.828333…', () => {
    const images = [
      image(
        1,
        { boxes: [box(0, 0, 100, 100), box(200, 200, 300, 300)], classes: [0, 0] },
        {
          boxes: [box(0, 0, 100, 100), box(400, 400, 450, 450), box(200, 200, 300, 300)],
          scores: [0.9, 0.8, 0.7],
          classes: [0, 0, 0],
        },
      ),
    ];
    const r = evaluate('ultralytics', images).result;
    expect(r.map50).toBeCloseTo((49 + 5 / 6 + (49 * 2) / 3 + 1 / 3) / 100, 12);
    // and COCO's 101-point reading of the same curve: 51 thresholds at precision 1, 50 at 2/3
    const c = evaluate('coco', images).result;
    expect(c.map50).toBeCloseTo((51 + (50 * 2) / 3) / 101, 12);
  });

  it('drops crowd labels (as its COCO conversion does) while coco ignores detections on them', () => {
    const images = [
      image(
        1,
        { boxes: [box(0, 0, 100, 100), box(200, 200, 400, 400)], classes: [0, 0], iscrowd: [0, 1] },
        {
          boxes: [box(0, 0, 100, 100), box(210, 210, 300, 300)],
          scores: [0.9, 0.8],
          classes: [0, 0],
        },
      ),
    ];
    const u = evaluate('ultralytics', images);
    expect(u.result.counts.labels).toBe(1);
    expect(u.acc.operatingPointAt(0.5).fp).toBe(1);
    const c = evaluate('coco', images);
    expect(c.result.counts.crowdLabels).toBe(1);
    expect(c.acc.operatingPointAt(0.5).fp).toBe(0);
    expect(c.result.stats?.ap).toBeCloseTo(1, 12);
  });

  it('builds the confusion matrix at conf > 0.25 and IoU > 0.45, background last', () => {
    const r = evaluate('ultralytics', scene()).result.confusionMatrix;
    expect(r.classIds).toEqual([0, 1]);
    // rows = predicted (0, 1, background), columns = true (0, 1, background)
    expect(r.matrix).toEqual([
      [2, 0, 2],
      [0, 1, 1],
      [1, 0, 0],
    ]);
  });
});

describe('exact IoU ties between two labels (later label wins, in both peers)', () => {
  // P (0.9) has IoU 9/11 with L0 and with L1; P2 (0.8) is L0 exactly (IoU 2/3 with L1).
  const images = [
    image(
      1,
      { boxes: [box(0, 0, 100, 100), box(20, 0, 120, 100)], classes: [0, 0] },
      {
        boxes: [box(10, 0, 110, 100), box(0, 0, 100, 100)],
        scores: [0.9, 0.8],
        classes: [0, 0],
      },
    ),
  ];

  it('ultralytics: P takes L1, so P2 keeps L0: 0.995 up to IoU 0.80, then FP-before-TP (0.2475)', () => {
    expect(evaluate('ultralytics', images).result.map50_95).toBeCloseTo((7 * 0.995 + 3 * 0.2475) / 10, 12);
  });

  it('coco: P takes L1, so P2 matches L0 at every threshold: 1 up to 0.80, then 51 recall points at 0.5', () => {
    expect(evaluate('coco', images).result.map50_95).toBeCloseTo((7 + (3 * 51 * 0.5) / 101) / 10, 9);
  });
});

describe('coco protocol, hand-computed', () => {
  it('evaluates only the 100 highest-scoring detections per image and category', () => {
    const dtBoxes: number[][] = [];
    const scores: number[] = [];
    for (let i = 0; i < 100; i++) {
      dtBoxes.push(box(500, 400, 510, 410));
      scores.push(0.9 - i * 0.001);
    }
    dtBoxes.push(box(0, 0, 100, 100)); // the only true positive, ranked 101st
    scores.push(0.1);
    const r = evaluate('coco', [image(1, { boxes: [box(0, 0, 100, 100)], classes: [0] }, { boxes: dtBoxes, scores, classes: new Array(101).fill(0) })]).result;
    expect(r.stats?.ap).toBe(0);
    expect(r.stats?.ar100).toBe(0);
  });

  it('sorts boxes into area ranges by annotation area and marks empty ranges -1', () => {
    const images: ImageInput[] = [
      {
        imageId: 1,
        gt: { boxes: [0, 0, 20, 20, 100, 100, 300, 300], classes: [0, 0], areas: [400, 40000] },
        dt: { boxes: [0, 0, 20, 20], scores: [0.9], classes: [0] },
      },
    ];
    const s = evaluate('coco', images).result.stats!;
    expect(s.apSmall).toBeCloseTo(1, 12);
    expect(s.apLarge).toBe(0);
    expect(s.apMedium).toBe(-1);
    expect(s.ar1).toBe(0.5);
  });
});

describe('operating points', () => {
  it('counts the predictions scoring at least the confidence, and follows later add() calls', () => {
    const acc = createAccumulator({ protocol: 'ultralytics' });
    acc.addBatch(scene());
    // scores of classes 0 and 1: 0.91 TP, 0.88 TP, 0.77 TP, 0.55 FP (background), 0.42 FP, 0.33 FP, 0.12 FP
    expect(acc.operatingPointAt(0.7)).toMatchObject({ tp: 3, fp: 0, fn: 1 });
    expect(acc.operatingPointAt(0.5)).toMatchObject({ tp: 3, fp: 1, fn: 1 });
    expect(acc.operatingPointAt(0.0)).toMatchObject({ tp: 3, fp: 4, fn: 1 });
    acc.add(image('d', { boxes: [box(0, 0, 10, 10)], classes: [1] }, { boxes: [box(0, 0, 10, 10)], scores: [0.6], classes: [1] }));
    expect(acc.operatingPointAt(0.5)).toMatchObject({ tp: 4, fp: 1, fn: 1 });
  });
});
