// Ultralytics compute_ap as of 8.4.37+ (release followed: 8.4.50). Sentinels: recall [0, r…, r_last, 1], precision
// [1, p…, 0, 0], so the envelope drops to 0 right after the last recall reached (releases before 8.4.37 ran a line
// down to recall 1 and inflated AP for classes that never reach full recall). The envelope is the running maximum
// from the right; AP is the trapezoid integral of np.interp(linspace(0, 1, 101), mrec, mpre). A class found
// perfectly scores 0.995: the last trapezoid runs from 1 at recall 0.99 to 0 at recall 1.
import { interpAscending } from './numpy-interp';
import { RECALL_THRESHOLDS } from './iou-thresholds';
import { pairwiseSum } from './pairwise-sum';

/** Reusable buffers so a class's ten AP computations allocate nothing. */
export class ApWorkspace {
  mrec = new Float64Array(16);
  mpre = new Float64Array(16);
  readonly y = new Float64Array(RECALL_THRESHOLDS.length);
  readonly terms = new Float64Array(RECALL_THRESHOLDS.length - 1);

  ensure(n: number): void {
    if (this.mrec.length < n + 3) {
      const size = Math.max(n + 3, this.mrec.length * 2);
      this.mrec = new Float64Array(size);
      this.mpre = new Float64Array(size);
    }
  }
}

/**
 * AP of one class at one IoU threshold, from its recall and precision after each prediction (score order), `n`
 * entries. Leaves the enveloped curve in ws.mrec / ws.mpre (n + 3 entries) for the PR plot.
 */
export function computeAp(recall: ArrayLike<number>, precision: ArrayLike<number>, n: number, ws: ApWorkspace): number {
  ws.ensure(n);
  const { mrec, mpre } = ws;
  const m = n + 3;
  mrec[0] = 0;
  mpre[0] = 1;
  for (let i = 0; i < n; i++) {
    mrec[i + 1] = recall[i];
    mpre[i + 1] = precision[i];
  }
  mrec[n + 1] = n > 0 ? recall[n - 1] : 0;
  mrec[n + 2] = 1;
  mpre[n + 1] = 0;
  mpre[n + 2] = 0;
  for (let i = m - 2; i >= 0; i--) if (mpre[i + 1] > mpre[i]) mpre[i] = mpre[i + 1];

  const x = RECALL_THRESHOLDS;
  const y = ws.y;
  interpAscending(x, mrec, m, mpre, y, mpre[0], mpre[m - 1]);
  // np.trapezoid: sum of diff(x) * (y[1:] + y[:-1]) / 2.0, summed pairwise like numpy.
  const terms = ws.terms;
  for (let i = 0; i < terms.length; i++) terms[i] = ((x[i + 1] - x[i]) * (y[i + 1] + y[i])) / 2;
  return pairwiseSum(terms);
}
