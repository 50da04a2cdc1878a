// Ultralytics ap_per_class (release 8.4.50): per class present in the labels, AP at the ten IoU thresholds from the
// score-ordered true-positive flags, and the precision / recall / F1 curves over 1000 confidences
// (np.interp(-px, -conf, …), left = 0 for recall and 1 for precision); P and R are reported at the index that
// maximises smooth(mean F1 over classes, 0.1).
import { ApWorkspace, computeAp } from './compute-ap';
import { IOU_THRESHOLD_COUNT } from './iou-thresholds';
import { linspace } from './linspace';
import { interpAscending } from './numpy-interp';
import { argmax, smooth } from './smooth';

export const CURVE_POINTS = 1000;
const EPS = 1e-16;

/** The 1000 confidences the curves are sampled at: np.linspace(0, 1, 1000). */
export const CURVE_CONFIDENCES: Float64Array = linspace(0, 1, CURVE_POINTS);

/** One class's predictions, highest score first. */
export interface ClassPredictions {
  readonly classId: number;
  readonly nLabels: number;
  /** Scores, highest first (ties in the documented stable order). */
  readonly conf: Float64Array;
  /** Bit t set: true positive at IoU threshold t; same order as conf. */
  readonly tp: Uint16Array;
}

export interface ApPerClassResult {
  /** AP per class and threshold, row-major [class][threshold]. */
  readonly ap: Float64Array;
  readonly pCurve: Float64Array[];
  readonly rCurve: Float64Array[];
  readonly f1Curve: Float64Array[];
  /** Enveloped precision at IoU 0.5 sampled at recall = CURVE_CONFIDENCES (the PR plot). */
  readonly prCurve: Float64Array[];
  /** Mean over classes of the F1 curve (classes summed in order, as numpy's axis-0 mean). */
  readonly meanF1: Float64Array;
  /** Index into CURVE_CONFIDENCES of the smoothed-F1 maximum. */
  readonly bestIndex: number;
}

/** Per-class recall / precision after each prediction at one threshold, reused across classes. */
class CurveBuffers {
  recall = new Float64Array(0);
  precision = new Float64Array(0);
  negConf = new Float64Array(0);
  ensure(n: number): void {
    if (this.recall.length < n) {
      this.recall = new Float64Array(n);
      this.precision = new Float64Array(n);
      this.negConf = new Float64Array(n);
    }
  }
}

/** `thresholds`: how many IoU thresholds to compute AP for (1 when only the IoU-0.5 curves are wanted). */
export function apPerClass(classes: readonly ClassPredictions[], thresholds = IOU_THRESHOLD_COUNT): ApPerClassResult {
  const nc = classes.length;
  const ap = new Float64Array(nc * IOU_THRESHOLD_COUNT);
  const pCurve: Float64Array[] = [];
  const rCurve: Float64Array[] = [];
  const f1Curve: Float64Array[] = [];
  const prCurve: Float64Array[] = [];
  const ws = new ApWorkspace();
  const buf = new CurveBuffers();
  const px = CURVE_CONFIDENCES;

  for (let ci = 0; ci < nc; ci++) {
    const { conf, tp, nLabels } = classes[ci];
    const n = conf.length;
    const p = new Float64Array(CURVE_POINTS);
    const r = new Float64Array(CURVE_POINTS);
    const pr = new Float64Array(CURVE_POINTS);
    pCurve.push(p);
    rCurve.push(r);
    prCurve.push(pr);
    if (n === 0 || nLabels === 0) continue;
    buf.ensure(n);
    const { recall, precision, negConf } = buf;
    const denom = nLabels + EPS;
    for (let i = 0; i < n; i++) negConf[i] = -conf[i];

    for (let t = 0; t < thresholds; t++) {
      const bit = 1 << t;
      let tpc = 0;
      for (let i = 0; i < n; i++) {
        if (tp[i] & bit) tpc++;
        recall[i] = tpc / denom;
        precision[i] = tpc / (i + 1);
      }
      // np.interp(-px, -conf, …): the queries -px ascend when px is read backwards
      if (t === 0) interpAscending(px, negConf, n, recall, r, 0, recall[n - 1], precision, p, 1, precision[n - 1], true);
      ap[ci * IOU_THRESHOLD_COUNT + t] = computeAp(recall, precision, n, ws);
      if (t === 0) interpAscending(px, ws.mrec, n + 3, ws.mpre, pr, ws.mpre[0], ws.mpre[n + 2]);
    }
  }

  const meanF1 = new Float64Array(CURVE_POINTS);
  for (let ci = 0; ci < nc; ci++) {
    const p = pCurve[ci];
    const r = rCurve[ci];
    const f1 = new Float64Array(CURVE_POINTS);
    for (let k = 0; k < CURVE_POINTS; k++) {
      f1[k] = (2 * p[k] * r[k]) / (p[k] + r[k] + EPS);
      meanF1[k] += f1[k];
    }
    f1Curve.push(f1);
  }
  for (let k = 0; k < CURVE_POINTS; k++) meanF1[k] = nc > 0 ? meanF1[k] / nc : 0;

  const bestIndex = nc > 0 ? argmax(smooth(meanF1, 0.1)) : 0;
  return { ap, pCurve, rCurve, f1Curve, prCurve, meanF1, bestIndex };
}
