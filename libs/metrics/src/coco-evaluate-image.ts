// pycocotools COCOeval.evaluateImg for one image and category, for the four area ranges at once: detections in
// stable score order (cut to 100), ground truth reordered with ignored boxes last, and for each IoU threshold each
// detection takes the best still-free ground truth (crowd regions stay free; a match to a regular box is never traded
// for an ignored one; an equal IoU later in the order wins). Unmatched detections outside the area range are ignored.
import { iouCoco } from './box-iou';
import { COCO_AREA_RANGES } from './coco-area-ranges';
import { COCO_IOU_THRESHOLDS, IOU_THRESHOLD_COUNT } from './iou-thresholds';

export const AREA_COUNT = COCO_AREA_RANGES.length;

export interface CocoImageCategory {
  /** Ground-truth boxes xywh (4 per box) with their crowd flag and area (annotation area, else w * h). */
  readonly gtBoxes: ArrayLike<number>;
  readonly gtCrowd: ArrayLike<number>;
  readonly gtArea: ArrayLike<number>;
  /** Indices of this category's ground truths, in the order given. */
  readonly gtIndex: ArrayLike<number>;
  readonly nGt: number;
  /** Detection boxes xywh and areas (w * h). */
  readonly dtBoxes: ArrayLike<number>;
  readonly dtArea: ArrayLike<number>;
  /** Indices of this category's detections in stable score order, at most 100. */
  readonly dtIndex: ArrayLike<number>;
  readonly nDt: number;
}

/**
 * Writes, for every detection (in dtIndex order) and area range a, tp bits into tpOut[d * 4 + a] and ignore bits
 * into igOut[d * 4 + a] (bit t = IoU threshold t); adds the non-ignored ground truths per area to npig.
 */
export function cocoEvaluateImage(
  x: CocoImageCategory,
  tpOut: Uint16Array,
  igOut: Uint16Array,
  npig: Float64Array,
): void {
  const G = x.nGt;
  const D = x.nDt;
  // ious[d][g] in the ground truth's given order, as computeIoU returns them
  const ious = new Float64Array(D * G);
  for (let d = 0; d < D; d++) {
    const di = x.dtIndex[d];
    for (let g = 0; g < G; g++) {
      const gi = x.gtIndex[g];
      ious[d * G + g] = iouCoco(x.dtBoxes, di, x.gtBoxes, gi, x.gtCrowd[gi] !== 0);
    }
  }
  const order = new Int32Array(G);
  const gtIg = new Uint8Array(G);
  const crowd = new Uint8Array(G);
  const matched = new Uint8Array(G);
  const dtMatched = new Uint8Array(D);

  for (let a = 0; a < AREA_COUNT; a++) {
    const [lo, hi] = COCO_AREA_RANGES[a];
    // stable sort by ignore flag: regular boxes first, ignored after, each in the given order
    let k = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let g = 0; g < G; g++) {
        const gi = x.gtIndex[g];
        const area = x.gtArea[gi];
        const ignore = x.gtCrowd[gi] !== 0 || area < lo || area > hi ? 1 : 0;
        if (ignore !== pass) continue;
        order[k] = g;
        gtIg[k] = ignore;
        crowd[k] = x.gtCrowd[gi] !== 0 ? 1 : 0;
        k++;
      }
    }
    for (let k2 = 0; k2 < G; k2++) if (!gtIg[k2]) npig[a]++;

    for (let d = 0; d < D; d++) {
      tpOut[d * AREA_COUNT + a] = 0;
      igOut[d * AREA_COUNT + a] = 0;
    }
    for (let t = 0; t < IOU_THRESHOLD_COUNT; t++) {
      const bit = 1 << t;
      const threshold = Math.min(COCO_IOU_THRESHOLDS[t], 1 - 1e-10);
      matched.fill(0);
      dtMatched.fill(0);
      for (let d = 0; d < D; d++) {
        let iou = threshold;
        let m = -1;
        const row = d * G;
        for (let g = 0; g < G; g++) {
          if (matched[g] && !crowd[g]) continue;
          if (m > -1 && gtIg[m] === 0 && gtIg[g] === 1) break;
          const v = ious[row + order[g]];
          if (v < iou) continue;
          iou = v;
          m = g;
        }
        if (m === -1) continue;
        matched[m] = 1;
        dtMatched[d] = 1;
        if (gtIg[m]) igOut[d * AREA_COUNT + a] |= bit;
        else tpOut[d * AREA_COUNT + a] |= bit;
      }
      for (let d = 0; d < D; d++) {
        if (dtMatched[d]) continue;
        const area = x.dtArea[x.dtIndex[d]];
        if (area < lo || area > hi) igOut[d * AREA_COUNT + a] |= bit;
      }
    }
  }
}
