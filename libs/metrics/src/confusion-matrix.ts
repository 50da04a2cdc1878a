// Ultralytics' detection confusion matrix (ConfusionMatrix.process_batch): predictions with score > conf, matched to
// labels class-agnostically where IoU > iou; pairs ordered by IoU descending, one pair kept per prediction, re-ordered,
// one kept per label. matrix[predicted][true]; the extra last index is background.
import { iouFloat32 } from './box-iou';
import type { ConfusionMatrixResult } from './types';

const BACKGROUND = -1;
const KEY = 2 ** 21; // cell key = (predicted + 1) * KEY + (true + 1), class ids below 2^21

/**
 * numpy argsort()[::-1] then np.unique(keys, return_index=True) over the pairs listed in `idx`: per key the
 * highest-IoU pair, an IoU tie going to the later pair; returned ordered by key.
 */
function keepBestPerKey(idx: number[], iou: number[], key: number[]): number[] {
  const order = idx.map((_, i) => i).sort((i, j) => iou[idx[j]] - iou[idx[i]] || j - i);
  const best = new Map<number, number>();
  for (const i of order) if (!best.has(key[idx[i]])) best.set(key[idx[i]], idx[i]);
  return [...best.entries()].sort((x, y) => x[0] - y[0]).map(([, pair]) => pair);
}

export class ConfusionCounter {
  private readonly cells = new Map<number, number>();
  private seen = new Uint8Array(128); // seen[classId] = 1 once a label or prediction of it was added

  constructor(
    readonly conf: number,
    readonly iou: number,
  ) {}

  private see(classId: number): void {
    if (classId >= this.seen.length) {
      const next = new Uint8Array(Math.max(classId + 1, this.seen.length * 2));
      next.set(this.seen);
      this.seen = next;
    }
    this.seen[classId] = 1;
  }

  /** Class ids of every label and prediction added so far, ascending. */
  get seenClasses(): number[] {
    const out: number[] = [];
    for (let c = 0; c < this.seen.length; c++) if (this.seen[c]) out.push(c);
    return out;
  }

  private bump(predicted: number, actual: number): void {
    const k = (predicted + 1) * KEY + (actual + 1);
    this.cells.set(k, (this.cells.get(k) ?? 0) + 1);
  }

  /** One image; boxes xyxy with float32 values, predictions in score order. */
  add(gtBoxes: ArrayLike<number>, gtClasses: ArrayLike<number>, dtBoxes: ArrayLike<number>, dtScores: ArrayLike<number>, dtClasses: ArrayLike<number>): void {
    for (let g = 0; g < gtClasses.length; g++) this.see(gtClasses[g]);
    for (let d = 0; d < dtClasses.length; d++) this.see(dtClasses[d]);
    const kept: number[] = [];
    for (let d = 0; d < dtClasses.length; d++) if (dtScores[d] > this.conf) kept.push(d);
    if (gtClasses.length === 0) {
      for (const d of kept) this.bump(dtClasses[d], BACKGROUND);
      return;
    }
    if (dtClasses.length === 0) {
      for (let g = 0; g < gtClasses.length; g++) this.bump(BACKGROUND, gtClasses[g]);
      return;
    }
    // candidate pairs in numpy's row-major order (label, prediction)
    const pg: number[] = [];
    const pk: number[] = [];
    const pv: number[] = [];
    for (let g = 0; g < gtClasses.length; g++)
      for (let k = 0; k < kept.length; k++) {
        const v = iouFloat32(gtBoxes, g, dtBoxes, kept[k]);
        if (v > this.iou) {
          pg.push(g);
          pk.push(k);
          pv.push(v);
        }
      }
    let pairs = pg.map((_, i) => i);
    if (pairs.length > 1) pairs = keepBestPerKey(keepBestPerKey(pairs, pv, pk), pv, pg);
    const labelOf = new Int32Array(kept.length).fill(-1);
    const predOf = new Int32Array(gtClasses.length).fill(-1);
    for (const i of pairs) {
      predOf[pg[i]] = pk[i];
      labelOf[pk[i]] = pg[i];
    }
    for (let g = 0; g < gtClasses.length; g++) this.bump(predOf[g] >= 0 ? dtClasses[kept[predOf[g]]] : BACKGROUND, gtClasses[g]);
    for (let k = 0; k < kept.length; k++) if (labelOf[k] < 0) this.bump(dtClasses[kept[k]], BACKGROUND);
  }

  result(classIds: readonly number[]): ConfusionMatrixResult {
    const index = new Map<number, number>();
    classIds.forEach((c, i) => index.set(c, i));
    const nc = classIds.length;
    const matrix = Array.from({ length: nc + 1 }, () => new Array<number>(nc + 1).fill(0));
    for (const [key, n] of this.cells) {
      const p = Math.floor(key / KEY) - 1;
      const t = (key % KEY) - 1;
      const pi = p === BACKGROUND ? nc : index.get(p);
      const ti = t === BACKGROUND ? nc : index.get(t);
      if (pi !== undefined && ti !== undefined) matrix[pi][ti] += n;
    }
    return { classIds: [...classIds], matrix, conf: this.conf, iou: this.iou };
  }
}
