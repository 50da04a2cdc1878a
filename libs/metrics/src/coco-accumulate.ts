// pycocotools COCOeval.accumulate + summarize for bbox: per category, area range and maxDets, detections of all
// images in one stable score order (ties: image order, then the image's own order), cumulative TP / FP at each IoU
// threshold (ignored detections count as neither), precision made monotone from the right, then read at the 101
// recall thresholds with searchsorted(side='left'); -1 marks settings without ground truth and is left out of means.
import { AREA_COUNT } from './coco-evaluate-image';
import { COCO_MAX_DETS } from './coco-area-ranges';
import { IOU_THRESHOLD_COUNT, RECALL_THRESHOLDS } from './iou-thresholds';
import { pairwiseSum } from './pairwise-sum';

const T = IOU_THRESHOLD_COUNT;
const R = RECALL_THRESHOLDS.length;
const A = AREA_COUNT;
const M = COCO_MAX_DETS.length;
const SPACING_1 = 2.220446049250313e-16; // np.spacing(1)
const ALL = (1 << T) - 1;

export interface CocoCategoryDetections {
  /** Scores in evaluation order (stable: score desc, image order, rank within the image). */
  readonly score: Float64Array;
  /** Rank of each detection within its image (0 = highest score), for the maxDets cut. */
  readonly rank: Uint16Array;
  /** tp / ignore bits, [detection][area], bit t = IoU threshold t. */
  readonly tp: Uint16Array;
  readonly ig: Uint16Array;
  /** Non-ignored ground truths per area range. */
  readonly npig: Float64Array;
}

export interface CocoEval {
  /** Precision at each recall threshold, laid out [K][A][M][T][R] (see precisionIndex); -1 where a category has no
   * ground truth in that area. */
  readonly precision: Float64Array;
  /** [T][K][A][M] row-major. */
  readonly recall: Float64Array;
  readonly categoryCount: number;
}

/** Index of pycocotools' precision[t, r, k, a, m] in CocoEval.precision (stored so each curve is contiguous). */
export const precisionIndex = (_K: number, t: number, r: number, k: number, a: number, m: number): number => (((k * A + a) * M + m) * T + t) * R + r;
export const recallIndex = (K: number, t: number, k: number, a: number, m: number): number => ((t * K + k) * A + a) * M + m;

export function cocoAccumulate(categories: readonly CocoCategoryDetections[]): CocoEval {
  const K = categories.length;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  // Precision only needs reading at true positives: the first index where recall reaches a threshold is a true
  // positive, and the monotone envelope there is the maximum over the later true positives (a false positive always
  // sits below the true positive before it). So one walk per (area, maxDets) collects, for every threshold, the
  // precision at each true positive; everything else is counting.
  let events: Float64Array[] = [];
  const tpCount = new Int32Array(T);
  const fpExtra = new Int32Array(T);

  for (let k = 0; k < K; k++) {
    const cat = categories[k];
    const n = cat.score.length;
    if (events.length === 0 || events[0].length < n) events = Array.from({ length: T }, () => new Float64Array(Math.max(n, 16)));
    for (let a = 0; a < A; a++) {
      const npig = cat.npig[a];
      if (npig === 0) continue;
      for (let m = 0; m < M; m++) {
        const maxDet = COCO_MAX_DETS[m];
        tpCount.fill(0);
        fpExtra.fill(0);
        let fpAll = 0; // false positives at every threshold
        for (let i = 0; i < n; i++) {
          if (cat.rank[i] >= maxDet) continue;
          const tpb = cat.tp[i * A + a];
          const igb = cat.ig[i * A + a];
          if ((tpb | igb) === 0) {
            fpAll++;
            continue;
          }
          if (igb === ALL && tpb === 0) continue; // ignored at every threshold
          for (let t = 0; t < T; t++) {
            const bit = 1 << t;
            if (igb & bit) continue; // neither TP nor FP
            if (tpb & bit) {
              const c = ++tpCount[t];
              events[t][c - 1] = c / (fpAll + fpExtra[t] + c + SPACING_1);
            } else fpExtra[t]++;
          }
        }
        for (let t = 0; t < T; t++) {
          const nTp = tpCount[t];
          const ev = events[t];
          recall[recallIndex(K, t, k, a, m)] = nTp / npig;
          for (let c = nTp - 1; c > 0; c--) if (ev[c] > ev[c - 1]) ev[c - 1] = ev[c];
          // searchsorted(rc, recThrs, 'left') lands on the c-th true positive, rc = (c + 1) / npig
          let c = 0;
          const base = precisionIndex(K, t, 0, k, a, m);
          for (let r = 0; r < R; r++) {
            const thr = RECALL_THRESHOLDS[r];
            while (c < nTp && (c + 1) / npig < thr) c++;
            precision[base + r] = c < nTp ? ev[c] : 0;
          }
        }
      }
    }
  }
  return { precision, recall, categoryCount: K };
}

export interface CocoStats {
  readonly ap: number;
  readonly ap50: number;
  readonly ap75: number;
  readonly apSmall: number;
  readonly apMedium: number;
  readonly apLarge: number;
  readonly ar1: number;
  readonly ar10: number;
  readonly ar100: number;
  readonly arSmall: number;
  readonly arMedium: number;
  readonly arLarge: number;
}

let scratch = new Float64Array(0);

/** Mean of the entries > -1 of values[0 .. n), in order; -1 when there are none (summarize's rule). */
function meanValid(values: Float64Array, n: number): number {
  let valid = 0;
  for (let i = 0; i < n; i++) if (values[i] > -1) values[valid++] = values[i];
  return valid === 0 ? -1 : pairwiseSum(values, 0, valid) / valid;
}

function buffer(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(n);
  return scratch;
}

/** summarize() for AP: t = null for the mean over all thresholds; k = null for all categories. */
export function averagePrecision(e: CocoEval, a: number, m: number, t: number | null, k: number | null = null): number {
  const K = e.categoryCount;
  const t0 = t ?? 0;
  const t1 = t === null ? T : t + 1;
  const k0 = k ?? 0;
  const k1 = k === null ? K : k + 1;
  const values = buffer((t1 - t0) * R * (k1 - k0));
  let n = 0;
  // numpy's order for s[s > -1] of precision[t, r, k]: thresholds, then recall points, then categories
  for (let ti = t0; ti < t1; ti++) for (let r = 0; r < R; r++) for (let ki = k0; ki < k1; ki++) values[n++] = e.precision[precisionIndex(K, ti, r, ki, a, m)];
  return meanValid(values, n);
}

export function averageRecall(e: CocoEval, a: number, m: number): number {
  const K = e.categoryCount;
  const values = buffer(T * K);
  let n = 0;
  for (let t = 0; t < T; t++) for (let k = 0; k < K; k++) values[n++] = e.recall[recallIndex(K, t, k, a, m)];
  return meanValid(values, n);
}

/** The 12 standard bbox numbers, in COCOeval.stats order. */
export function summarize(e: CocoEval): CocoStats {
  const last = M - 1;
  return {
    ap: averagePrecision(e, 0, last, null),
    ap50: averagePrecision(e, 0, last, 0),
    ap75: averagePrecision(e, 0, last, 5),
    apSmall: averagePrecision(e, 1, last, null),
    apMedium: averagePrecision(e, 2, last, null),
    apLarge: averagePrecision(e, 3, last, null),
    ar1: averageRecall(e, 0, 0),
    ar10: averageRecall(e, 0, 1),
    ar100: averageRecall(e, 0, last),
    arSmall: averageRecall(e, 1, last),
    arMedium: averageRecall(e, 2, last),
    arLarge: averageRecall(e, 3, last),
  };
}
