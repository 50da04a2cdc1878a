// Ultralytics' validator matching (DetectionValidator.match_predictions, the scipy-free path), per image:
// for every IoU threshold, candidate pairs are the class-equal (label, prediction) pairs with IoU >= threshold;
// they are ordered by IoU descending, each prediction keeps its best pair, and then each label keeps the pair of the
// lowest-index prediction (the second pass does not re-sort by IoU). Predictions are indexed in score order.
import { iouFloat32 } from './box-iou';
import { ULTRALYTICS_IOU_THRESHOLDS } from './iou-thresholds';

export interface UltralyticsMatchInput {
  /** Label boxes, xyxy, values already rounded to float32. */
  readonly gtBoxes: ArrayLike<number>;
  readonly gtClasses: ArrayLike<number>;
  /** Prediction boxes in score order (highest first), xyxy, float32 values. */
  readonly dtBoxes: ArrayLike<number>;
  readonly dtClasses: ArrayLike<number>;
}

/**
 * One bit per IoU threshold (bit t set = true positive at threshold t) for each prediction, in the order given.
 * `out` must hold dtClasses.length entries.
 */
export function matchPredictions(input: UltralyticsMatchInput, out: Uint16Array): void {
  const nG = input.gtClasses.length;
  const nD = input.dtClasses.length;
  out.fill(0, 0, nD);
  if (nG === 0 || nD === 0) return;

  // A prediction's preferred label does not depend on the threshold: among pairs above any threshold the best is the
  // overall best. On an exact IoU tie the later label wins: numpy's ascending sort keeps row-major order for ties
  // and the validator reverses it.
  const bestLabel = new Int32Array(nD);
  const bestIou = new Float64Array(nD);
  for (let d = 0; d < nD; d++) {
    let best = -1;
    let bestValue = 0;
    const cls = input.dtClasses[d];
    for (let g = 0; g < nG; g++) {
      if (input.gtClasses[g] !== cls) continue;
      const iou = iouFloat32(input.gtBoxes, g, input.dtBoxes, d);
      if (best < 0 || iou >= bestValue) {
        best = g;
        bestValue = iou;
      }
    }
    bestLabel[d] = best;
    bestIou[d] = best < 0 ? -1 : bestValue;
  }

  const claimed = new Uint8Array(nG);
  for (let t = 0; t < ULTRALYTICS_IOU_THRESHOLDS.length; t++) {
    const threshold = ULTRALYTICS_IOU_THRESHOLDS[t];
    claimed.fill(0);
    const bit = 1 << t;
    for (let d = 0; d < nD; d++) {
      if (bestIou[d] < threshold) continue;
      const g = bestLabel[d];
      if (claimed[g]) continue; // a lower-index prediction already holds this label; no second choice is tried
      claimed[g] = 1;
      out[d] |= bit;
    }
  }
}
