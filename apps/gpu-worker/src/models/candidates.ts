/**
 * Multi-label candidates: every (image, class, anchor) whose score is above the confidence threshold, with the
 * model's raw box channels. The fused graph emits exactly these; the unfused path extracts them on the host from
 * the full output in the same order as ONNX `NonZero` would (row-major over the score tensor), so both paths feed
 * NMS identical input.
 */
import type { OutputLayout } from './model-family';

export interface Candidates {
  readonly count: number;
  /** Index of the image in its batch; candidates are grouped by image in ascending order. */
  readonly image: Int32Array;
  readonly cls: Int32Array;
  readonly anchor: Int32Array;
  readonly score: Float32Array;
  /** 4 per candidate: the box channels as the model emits them (cx, cy, w, h or raw YOLOX offsets). */
  readonly raw: Float32Array;
}

/**
 * From the fused graph's outputs: `indices` int32 `[K, 3]` as NonZero gives them — (image, class, anchor) for
 * channels-first scores `[B, nc, N]`, (image, anchor, class) for anchors-first `[B, N, nc]` — with scores `[K]` and boxes `[K, 4]`.
 */
export function candidatesFromFused(indices: Int32Array, scores: Float32Array, boxes: Float32Array, layout: OutputLayout): Candidates {
  const count = scores.length;
  const image = new Int32Array(count);
  const cls = new Int32Array(count);
  const anchor = new Int32Array(count);
  const classColumn = layout === 'channels-first' ? 1 : 2;
  const anchorColumn = layout === 'channels-first' ? 2 : 1;
  for (let k = 0; k < count; k++) {
    image[k] = indices[3 * k];
    cls[k] = indices[3 * k + classColumn];
    anchor[k] = indices[3 * k + anchorColumn];
  }
  return { count, image, cls, anchor, score: scores, raw: boxes };
}

/**
 * From the full output tensor. channels-first `[B, 4+nc, N]`: score = class channel. anchors-first `[B, N, 5+nc]`:
 * score = objectness × class, rounded to float32 as the graph's `Mul` does.
 */
export function candidatesFromOutput(output: Float32Array, dims: readonly number[], layout: OutputLayout, conf: number, batchSize = dims[0]): Candidates {
  const threshold = Math.fround(conf);
  const builder = new CandidateBuilder(1024);
  if (layout === 'channels-first') {
    const [, channels, anchors] = dims;
    const numClasses = channels - 4;
    for (let b = 0; b < batchSize; b++) {
      const base = b * channels * anchors;
      for (let c = 0; c < numClasses; c++) {
        const row = base + (4 + c) * anchors;
        for (let a = 0; a < anchors; a++) {
          const s = output[row + a];
          if (s > threshold) {
            builder.push(b, c, a, s, output[base + a], output[base + anchors + a], output[base + 2 * anchors + a], output[base + 3 * anchors + a]);
          }
        }
      }
    }
  } else {
    const [, anchors, channels] = dims;
    const numClasses = channels - 5;
    for (let b = 0; b < batchSize; b++) {
      for (let a = 0; a < anchors; a++) {
        const row = (b * anchors + a) * channels;
        const objectness = output[row + 4];
        for (let c = 0; c < numClasses; c++) {
          const s = Math.fround(objectness * output[row + 5 + c]);
          if (s > threshold) builder.push(b, c, a, s, output[row], output[row + 1], output[row + 2], output[row + 3]);
        }
      }
    }
  }
  return builder.build();
}

class CandidateBuilder {
  private count = 0;
  private image: Int32Array;
  private cls: Int32Array;
  private anchor: Int32Array;
  private score: Float32Array;
  private raw: Float32Array;

  constructor(private capacity: number) {
    this.image = new Int32Array(capacity);
    this.cls = new Int32Array(capacity);
    this.anchor = new Int32Array(capacity);
    this.score = new Float32Array(capacity);
    this.raw = new Float32Array(capacity * 4);
  }

  push(image: number, cls: number, anchor: number, score: number, r0: number, r1: number, r2: number, r3: number): void {
    if (this.count === this.capacity) this.grow();
    const k = this.count++;
    this.image[k] = image;
    this.cls[k] = cls;
    this.anchor[k] = anchor;
    this.score[k] = score;
    this.raw[4 * k] = r0;
    this.raw[4 * k + 1] = r1;
    this.raw[4 * k + 2] = r2;
    this.raw[4 * k + 3] = r3;
  }

  build(): Candidates {
    const n = this.count;
    return {
      count: n,
      image: this.image.slice(0, n),
      cls: this.cls.slice(0, n),
      anchor: this.anchor.slice(0, n),
      score: this.score.slice(0, n),
      raw: this.raw.slice(0, 4 * n),
    };
  }

  private grow(): void {
    this.capacity *= 2;
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(this.capacity);
      b.set(a);
      return b;
    };
    this.image = grow32(this.image);
    this.cls = grow32(this.cls);
    this.anchor = grow32(this.anchor);
    const score = new Float32Array(this.capacity);
    score.set(this.score);
    this.score = score;
    const raw = new Float32Array(this.capacity * 4);
    raw.set(this.raw);
    this.raw = raw;
  }
}

/** [start, end) of each image's candidates, for a batch of `batchSize` images. */
export function imageRanges(candidates: Candidates, batchSize: number): Int32Array {
  const ranges = new Int32Array(batchSize + 1);
  let k = 0;
  for (let b = 0; b < batchSize; b++) {
    ranges[b] = k;
    while (k < candidates.count && candidates.image[k] === b) k++;
  }
  ranges[batchSize] = k;
  return ranges;
}
