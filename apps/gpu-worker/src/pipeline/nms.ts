/**
 * Class-aware greedy NMS over one image's multi-label candidates, as Ultralytics' validator runs it
 * (torchvision `nms` on class-offset boxes): highest score first, a box is dropped when its IoU with a kept box of
 * the same class is above `iou`; at most `maxNms` candidates enter, at most `maxDet` survive.
 */
export interface NmsOptions {
  readonly iou: number;
  readonly maxDet: number;
  readonly maxNms?: number;
  /** Keep only these classes (applied before NMS, as Ultralytics does). */
  readonly classes?: ReadonlySet<number>;
}

/** Returns the kept candidate indices (into the whole arrays), highest score first. Ties keep input order. */
export function nmsClassAware(
  boxes: Float32Array,
  scores: Float32Array,
  classes: Int32Array,
  start: number,
  end: number,
  options: NmsOptions,
): Int32Array {
  const maxNms = options.maxNms ?? 30_000;
  const order: number[] = [];
  for (let k = start; k < end; k++) {
    if (!options.classes || options.classes.has(classes[k])) order.push(k);
  }
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  if (order.length > maxNms) order.length = maxNms;

  const kept = new Int32Array(Math.min(order.length, options.maxDet));
  // Kept boxes per class as linked lists (head by class, next by kept slot): the IoU tests stay within a class.
  const head = new Map<number, number>();
  const next = new Int32Array(kept.length);
  let nKept = 0;
  for (let o = 0; o < order.length && nKept < kept.length; o++) {
    const k = order[o];
    const c = classes[k];
    let slot = head.get(c) ?? -1;
    let suppressed = false;
    while (slot !== -1) {
      if (iouXyxy(boxes, k, kept[slot]) > options.iou) {
        suppressed = true;
        break;
      }
      slot = next[slot];
    }
    if (suppressed) continue;
    kept[nKept] = k;
    next[nKept] = head.get(c) ?? -1;
    head.set(c, nKept);
    nKept++;
  }
  return kept.subarray(0, nKept);
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
