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

/** Greedy class-aware NMS over candidates already in score order; returns kept indices, highest score first. */
export function nmsSorted(boxes: Float32Array, classes: Int32Array, order: Int32Array, iou: number, maxDet: number): Int32Array {
  let maxClass = 0;
  for (let o = 0; o < order.length; o++) if (classes[order[o]] > maxClass) maxClass = classes[order[o]];
  // Kept boxes per class as linked lists (head by class, next by kept slot): IoU tests stay within a class.
  const head = new Int32Array(maxClass + 1).fill(-1);
  const kept = new Int32Array(Math.min(order.length, maxDet));
  const next = new Int32Array(kept.length);
  let nKept = 0;
  for (let o = 0; o < order.length && nKept < kept.length; o++) {
    const k = order[o];
    const c = classes[k];
    let slot = head[c];
    while (slot !== -1 && iouXyxy(boxes, k, kept[slot]) <= iou) slot = next[slot];
    if (slot !== -1) continue;
    kept[nKept] = k;
    next[nKept] = head[c];
    head[c] = nKept;
    nKept++;
  }
  return kept.subarray(0, nKept);
}

export function nmsClassAware(boxes: Float32Array, scores: Float32Array, classes: Int32Array, start: number, end: number, options: NmsOptions): Int32Array {
  const order = scoreOrder(scores, start, end, classes, options.classes, options.maxNms);
  return nmsSorted(boxes, classes, order, options.iou, options.maxDet);
}

export function iouXyxy(boxes: Float32Array, i: number, j: number): number {
  const ax1 = boxes[4 * i], ay1 = boxes[4 * i + 1], ax2 = boxes[4 * i + 2], ay2 = boxes[4 * i + 3];
  const bx1 = boxes[4 * j], by1 = boxes[4 * j + 1], bx2 = boxes[4 * j + 2], by2 = boxes[4 * j + 3];
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return union > 0 ? inter / union : 0;
}
