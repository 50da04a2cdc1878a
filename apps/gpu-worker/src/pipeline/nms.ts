/**
 * Class-aware greedy NMS over one image's multi-label candidates, as Ultralytics' validator runs it
 * (torchvision `nms` on class-offset boxes): highest score first, a box is dropped when its IoU with a kept box of
 * the same class is above `iou`; at most `maxNms` candidates enter, at most `maxDet` survive.
 * The score order is computed once per image and shared by every IoU of the threshold sweep.
 */
export interface NmsOptions {
  readonly iou: number;
  readonly maxDet: number;
  readonly maxNms?: number;
  /** Keep only these classes (applied before NMS, as Ultralytics does). */
  readonly classes?: ReadonlySet<number>;
}

const INDEX_BITS = 2 ** 21;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * Candidate indices in [start, end) by descending score, ties in input order, cut to `maxNms`. Scores are
 * non-negative floats, whose float32 bit patterns order like the values: one native numeric sort of packed
 * (inverted bits, position) keys replaces a comparator sort.
 */
export function scoreOrder(scores: Float32Array, start: number, end: number, classes?: Int32Array, keep?: ReadonlySet<number>, maxNms = 30_000): Int32Array {
  if (end - start >= INDEX_BITS) throw new Error(`too many candidates in one image: ${end - start}`);
  const keys = new Float64Array(end - start);
  let n = 0;
  for (let k = start; k < end; k++) {
    if (keep && !keep.has(classes![k])) continue;
    f32[0] = scores[k];
    keys[n++] = (0x7fffffff - (u32[0] & 0x7fffffff)) * INDEX_BITS + (k - start);
  }
  const sorted = keys.subarray(0, n).sort();
  const order = new Int32Array(Math.min(n, maxNms));
  for (let i = 0; i < order.length; i++) order[i] = start + (sorted[i] % INDEX_BITS);
  return order;
}

/**
 * One image's candidates in score order, laid out for NMS once and shared by every IoU of the sweep: class, corners
 * side by side (float32, as the model gave them) and areas (float64: the values the pairwise formula would compute).
 * Positions index these arrays; position 0 is the highest score.
 */
export interface NmsInput {
  readonly cls: Int32Array;
  /** 4 per position: x1, y1, x2, y2. */
  readonly corners: Float32Array;
  readonly area: Float64Array;
  /** At least the largest class present. */
  readonly maxClass: number;
}

/** Lays `order`'s candidates out as an NmsInput (its positions are `order`'s). */
export function prepareNms(boxes: Float32Array, classes: Int32Array, order: Int32Array): NmsInput {
  const n = order.length;
  const cls = new Int32Array(n);
  const corners = new Float32Array(4 * n);
  const area = new Float64Array(n);
  let maxClass = 0;
  for (let p = 0; p < n; p++) maxClass = Math.max(maxClass, writePosition(boxes, classes, order[p], p, cls, corners, area));
  return { cls, corners, area, maxClass };
}

/** Copies candidate `k` to position `p`; returns its class. */
export function writePosition(boxes: Float32Array, classes: Int32Array, k: number, p: number, cls: Int32Array, corners: Float32Array, area: Float64Array): number {
  const x1 = boxes[4 * k],
    y1 = boxes[4 * k + 1],
    x2 = boxes[4 * k + 2],
    y2 = boxes[4 * k + 3];
  corners[4 * p] = x1;
  corners[4 * p + 1] = y1;
  corners[4 * p + 2] = x2;
  corners[4 * p + 3] = y2;
  // float32 corners, float64 product: what iouXyxy computes for each pair.
  area[p] = (x2 - x1) * (y2 - y1);
  cls[p] = classes[k];
  return classes[k];
}

// Kept boxes, per class in contiguous runs (a candidate is tested against its own class only, in order in memory);
// reused from call to call on this thread.
let keptCorners = new Float32Array(0);
let keptArea = new Float64Array(0);
let keptCount = new Int32Array(0);

/**
 * Greedy class-aware NMS over prepared candidates; returns the kept positions, highest score first. A box is dropped
 * when its IoU with a kept box of its class is above `iou` (the same arithmetic as `iouXyxy`).
 */
export function nmsPrepared(input: NmsInput, iou: number, maxDet: number): Int32Array {
  const { cls, corners, area } = input;
  const n = cls.length;
  const cap = Math.min(n, maxDet);
  const classes = input.maxClass + 1;
  if (keptCorners.length < classes * cap * 4) {
    keptCorners = new Float32Array(classes * cap * 4);
    keptArea = new Float64Array(classes * cap);
  }
  if (keptCount.length < classes) keptCount = new Int32Array(classes);
  keptCount.fill(0, 0, classes);
  const kept = new Int32Array(cap);
  let nKept = 0;
  for (let p = 0; p < n && nKept < cap; p++) {
    const c = cls[p];
    const ax1 = corners[4 * p],
      ay1 = corners[4 * p + 1],
      ax2 = corners[4 * p + 2],
      ay2 = corners[4 * p + 3];
    const a = area[p];
    const base = c * cap;
    const count = keptCount[c];
    let suppressed = false;
    for (let q = base; q < base + count; q++) {
      const iw = Math.min(ax2, keptCorners[4 * q + 2]) - Math.max(ax1, keptCorners[4 * q]);
      if (iw <= 0) continue;
      const ih = Math.min(ay2, keptCorners[4 * q + 3]) - Math.max(ay1, keptCorners[4 * q + 1]);
      if (ih <= 0) continue;
      const inter = iw * ih;
      const union = a + keptArea[q] - inter;
      if (union > 0 && inter / union > iou) {
        suppressed = true;
        break;
      }
    }
    if (suppressed) continue;
    const q = base + count;
    keptCorners[4 * q] = ax1;
    keptCorners[4 * q + 1] = ay1;
    keptCorners[4 * q + 2] = ax2;
    keptCorners[4 * q + 3] = ay2;
    keptArea[q] = a;
    keptCount[c] = count + 1;
    kept[nKept++] = p;
  }
  return kept.subarray(0, nKept);
}

/** Greedy class-aware NMS over candidates already in score order; returns kept indices, highest score first. */
export function nmsSorted(boxes: Float32Array, classes: Int32Array, order: Int32Array, iou: number, maxDet: number): Int32Array {
  return nmsPrepared(prepareNms(boxes, classes, order), iou, maxDet).map((p) => order[p]);
}

export function nmsClassAware(boxes: Float32Array, scores: Float32Array, classes: Int32Array, start: number, end: number, options: NmsOptions): Int32Array {
  const order = scoreOrder(scores, start, end, classes, options.classes, options.maxNms);
  return nmsSorted(boxes, classes, order, options.iou, options.maxDet);
}

export function iouXyxy(boxes: Float32Array, i: number, j: number): number {
  const ax1 = boxes[4 * i],
    ay1 = boxes[4 * i + 1],
    ax2 = boxes[4 * i + 2],
    ay2 = boxes[4 * i + 3];
  const bx1 = boxes[4 * j],
    by1 = boxes[4 * j + 1],
    bx2 = boxes[4 * j + 2],
    by2 = boxes[4 * j + 3];
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return union > 0 ? inter / union : 0;
}
