// Ultralytics' detection confusion matrix (ConfusionMatrix.process_batch): predictions with score > conf, matched to
// labels class-agnostically where IoU > iou; pairs ordered by IoU descending, one pair kept per prediction, re-ordered,
// one kept per label. matrix[predicted][true]; the extra last index is background.
import { iouFloat32 } from './box-iou';
import type { ConfusionMatrixResult } from './types';

const BACKGROUND = -1;

/** numpy argsort()[::-1] then np.unique(keys, return_index=True): per key the highest-IoU pair; ties → later pair. */
function keepBestPerKey(pairs: number[][], keyColumn: number): number[][] {
  const order = pairs.map((_, i) => i).sort((i, j) => pairs[j][2] - pairs[i][2] || j - i);
  const seen = new Map<number, number[]>();
  for (const i of order) if (!seen.has(pairs[i][keyColumn])) seen.set(pairs[i][keyColumn], pairs[i]);
  return [...seen.entries()].sort((x, y) => x[0] - y[0]).map(([, pair]) => pair);
}

export class ConfusionCounter {
  private readonly cells = new Map<number, Map<number, number>>();
  readonly seenClasses = new Set<number>();

  constructor(
    readonly conf: number,
    readonly iou: number,
  ) {}

  private bump(predicted: number, actual: number): void {
    let row = this.cells.get(predicted);
    if (!row) this.cells.set(predicted, (row = new Map()));
    row.set(actual, (row.get(actual) ?? 0) + 1);
  }

  /** One image; boxes xyxy with float32 values, predictions in score order. */
  add(
    gtBoxes: ArrayLike<number>,
    gtClasses: ArrayLike<number>,
    dtBoxes: ArrayLike<number>,
    dtScores: ArrayLike<number>,
    dtClasses: ArrayLike<number>,
  ): void {
    for (let g = 0; g < gtClasses.length; g++) this.seenClasses.add(gtClasses[g]);
    for (let d = 0; d < dtClasses.length; d++) this.seenClasses.add(dtClasses[d]);
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
    let pairs: number[][] = [];
    for (let g = 0; g < gtClasses.length; g++)
      for (let k = 0; k < kept.length; k++) {
        const v = iouFloat32(gtBoxes, g, dtBoxes, kept[k]);
        if (v > this.iou) pairs.push([g, k, v]);
      }
    if (pairs.length > 1) pairs = keepBestPerKey(keepBestPerKey(pairs, 1), 0);
    const labelOf = new Int32Array(kept.length).fill(-1);
    const predOf = new Int32Array(gtClasses.length).fill(-1);
    for (const [g, k] of pairs) {
      predOf[g] = k;
      labelOf[k] = g;
    }
    for (let g = 0; g < gtClasses.length; g++)
      this.bump(predOf[g] >= 0 ? dtClasses[kept[predOf[g]]] : BACKGROUND, gtClasses[g]);
    for (let k = 0; k < kept.length; k++) if (labelOf[k] < 0) this.bump(dtClasses[kept[k]], BACKGROUND);
  }

  result(classIds: readonly number[]): ConfusionMatrixResult {
    const index = new Map<number, number>();
    classIds.forEach((c, i) => index.set(c, i));
    const nc = classIds.length;
    const matrix = Array.from({ length: nc + 1 }, () => new Array<number>(nc + 1).fill(0));
    for (const [p, row] of this.cells)
      for (const [t, n] of row) {
        const pi = p === BACKGROUND ? nc : index.get(p);
        const ti = t === BACKGROUND ? nc : index.get(t);
        if (pi !== undefined && ti !== undefined) matrix[pi][ti] += n;
      }
    return { classIds: [...classIds], matrix, conf: this.conf, iou: this.iou };
  }
}
