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
  /** Indices of this category's ground truths, in the order given: gtIndex[gtStart .. gtStart + nGt). */
  readonly gtIndex: ArrayLike<number>;
  readonly gtStart: number;
  readonly nGt: number;
  /** Detection boxes xywh and areas (w * h). */
  readonly dtBoxes: ArrayLike<number>;
  readonly dtArea: ArrayLike<number>;
  /** Indices of this category's detections in stable score order, at most 100: dtIndex[dtStart .. dtStart + nDt). */
  readonly dtIndex: ArrayLike<number>;
  readonly dtStart: number;
  readonly nDt: number;
}

/** Scratch buffers reused across images so evaluating one allocates nothing. */
export class CocoImageWorkspace {
  ious = new Float64Array(256);
  maxIou = new Float64Array(128);
  order = new Int32Array(64);
  gtIg = new Uint8Array(64);
  crowd = new Uint8Array(64);
  matched = new Uint8Array(64);
  candidates = new Int32Array(128);

  ensure(D: number, G: number): void {
    if (this.ious.length < D * G) this.ious = new Float64Array(Math.max(D * G, this.ious.length * 2));
    if (this.maxIou.length < D) {
      this.maxIou = new Float64Array(Math.max(D, this.maxIou.length * 2));
      this.candidates = new Int32Array(this.maxIou.length);
    }
    if (this.order.length < G) {
      const size = Math.max(G, this.order.length * 2);
      this.order = new Int32Array(size);
      this.gtIg = new Uint8Array(size);
      this.crowd = new Uint8Array(size);
      this.matched = new Uint8Array(size);
    }
  }
}

/**
 * Writes, for every detection (in dtIndex order) and area range a, tp bits into tpOut[(out + d) * 4 + a] and ignore
 * bits into igOut[(out + d) * 4 + a] (bit t = IoU threshold t); adds the non-ignored ground truths per area to npig.
 */
export function cocoEvaluateImage(x: CocoImageCategory, tpOut: Uint16Array, igOut: Uint16Array, npig: Float64Array, ws: CocoImageWorkspace = new CocoImageWorkspace(), out = 0): void {
  const G = x.nGt;
  const D = x.nDt;
  if (G === 0 || D === 0) {
    // nothing can match: count the regular boxes, and mark detections outside each range ignored
    for (let a = 0; a < AREA_COUNT; a++) {
      const [lo, hi] = COCO_AREA_RANGES[a];
      for (let g = 0; g < G; g++) {
        const gi = x.gtIndex[x.gtStart + g];
        const area = x.gtArea[gi];
        if (!(x.gtCrowd[gi] !== 0 || area < lo || area > hi)) npig[a]++;
      }
      for (let d = 0; d < D; d++) {
        const area = x.dtArea[x.dtIndex[x.dtStart + d]];
        tpOut[(out + d) * AREA_COUNT + a] = 0;
        igOut[(out + d) * AREA_COUNT + a] = area < lo || area > hi ? (1 << IOU_THRESHOLD_COUNT) - 1 : 0;
      }
    }
    return;
  }
  ws.ensure(D, G);
  const { ious, maxIou, order, gtIg, crowd, matched, candidates } = ws;
  const lowest = Math.min(COCO_IOU_THRESHOLDS[0], 1 - 1e-10);
  // ious[d][g] in the ground truth's given order, as computeIoU returns them
  for (let d = 0; d < D; d++) {
    const di = x.dtIndex[x.dtStart + d];
    let best = 0;
    for (let g = 0; g < G; g++) {
      const gi = x.gtIndex[x.gtStart + g];
      const v = iouCoco(x.dtBoxes, di, x.gtBoxes, gi, x.gtCrowd[gi] !== 0);
      ious[d * G + g] = v;
      if (v > best) best = v;
    }
    maxIou[d] = best;
  }
  // only detections reaching the lowest threshold with some box can ever match; the rest are unmatched everywhere
  let nc = 0;
  for (let d = 0; d < D; d++) if (maxIou[d] >= lowest) candidates[nc++] = d;
  const ALL = (1 << IOU_THRESHOLD_COUNT) - 1;

  for (let a = 0; a < AREA_COUNT; a++) {
    const [lo, hi] = COCO_AREA_RANGES[a];
    // stable sort by ignore flag: regular boxes first, ignored after, each in the given order
    let k = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let g = 0; g < G; g++) {
        const gi = x.gtIndex[x.gtStart + g];
        const area = x.gtArea[gi];
        const ignore = x.gtCrowd[gi] !== 0 || area < lo || area > hi ? 1 : 0;
        if (ignore !== pass) continue;
        order[k] = g;
        gtIg[k] = ignore;
        crowd[k] = x.gtCrowd[gi] !== 0 ? 1 : 0;
        if (!ignore) npig[a]++;
        k++;
      }
    }

    for (let d = 0; d < D; d++) {
      const area = x.dtArea[x.dtIndex[x.dtStart + d]];
      tpOut[(out + d) * AREA_COUNT + a] = 0;
      igOut[(out + d) * AREA_COUNT + a] = area < lo || area > hi ? ALL : 0; // unmatched outside the range: ignored
    }
    for (let t = 0; t < IOU_THRESHOLD_COUNT; t++) {
      const bit = 1 << t;
      const threshold = Math.min(COCO_IOU_THRESHOLDS[t], 1 - 1e-10);
      matched.fill(0, 0, G);
      for (let q = 0; q < nc; q++) {
        const d = candidates[q];
        if (maxIou[d] < threshold) continue; // no box reaches the threshold: unmatched
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
        // a matched detection is ignored exactly when its box is (whatever its own area)
        const j = (out + d) * AREA_COUNT + a;
        if (gtIg[m]) igOut[j] |= bit;
        else {
          tpOut[j] |= bit;
          igOut[j] &= ~bit;
        }
      }
    }
  }
}
