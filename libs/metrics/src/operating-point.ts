// P, R and F1 at any confidence from the same pass: per class, Ultralytics' curve interpolation
// (np.interp(-conf, -scores, …) at IoU 0.5), averaged over classes; plus micro TP / FP / FN counts of the
// predictions scoring at least that confidence.
import type { ClassPredictions } from './ap-per-class';
import { interpAt } from './numpy-interp';
import type { OperatingPoint } from './types';

const EPS = 1e-16;

export function operatingPoint(classes: readonly ClassPredictions[], confidence: number): OperatingPoint {
  let pSum = 0;
  let rSum = 0;
  let f1Sum = 0;
  let tpAll = 0;
  let fpAll = 0;
  let labels = 0;
  for (const c of classes) {
    labels += c.nLabels;
    const n = c.conf.length;
    if (n === 0 || c.nLabels === 0) continue;
    const negConf = new Float64Array(n);
    const recall = new Float64Array(n);
    const precision = new Float64Array(n);
    let tpc = 0;
    for (let i = 0; i < n; i++) {
      negConf[i] = -c.conf[i];
      if (c.tp[i] & 1) tpc++;
      recall[i] = tpc / (c.nLabels + EPS);
      precision[i] = tpc / (i + 1);
      if (c.conf[i] >= confidence) {
        if (c.tp[i] & 1) tpAll++;
        else fpAll++;
      }
    }
    const p = interpAt(-confidence, negConf, precision, n, 1, precision[n - 1]);
    const r = interpAt(-confidence, negConf, recall, n, 0, recall[n - 1]);
    pSum += p;
    rSum += r;
    f1Sum += (2 * p * r) / (p + r + EPS);
  }
  const nc = classes.length;
  return {
    confidence,
    precision: nc ? pSum / nc : 0,
    recall: nc ? rSum / nc : 0,
    f1: nc ? f1Sum / nc : 0,
    tp: tpAll,
    fp: fpAll,
    fn: labels - tpAll,
  };
}
