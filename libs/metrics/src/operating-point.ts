// P, R and F1 at any confidence from the same pass: per class, Ultralytics' curve interpolation
// (np.interp(-conf, -scores, …) at IoU 0.5), averaged over classes; plus micro TP / FP / FN counts of the
// predictions scoring at least that confidence. The table is built once, so a threshold sweep costs
// O(classes · log predictions) per point.
import type { ClassPredictions } from './ap-per-class';
import { interpAt } from './numpy-interp';
import type { OperatingPoint } from './types';

const EPS = 1e-16;

interface ClassTable {
  readonly n: number;
  readonly negConf: Float64Array;
  readonly recall: Float64Array;
  readonly precision: Float64Array;
  /** True positives among the first i + 1 predictions. */
  readonly tpc: Uint32Array;
}

export class OperatingPointTable {
  private readonly tables: ClassTable[];
  private readonly labels: number;

  constructor(classes: readonly ClassPredictions[]) {
    this.labels = classes.reduce((s, c) => s + c.nLabels, 0);
    this.tables = classes.map((c) => {
      const n = c.nLabels === 0 ? 0 : c.conf.length;
      const negConf = new Float64Array(n);
      const recall = new Float64Array(n);
      const precision = new Float64Array(n);
      const tpc = new Uint32Array(n);
      let t = 0;
      for (let i = 0; i < n; i++) {
        negConf[i] = -c.conf[i];
        if (c.tp[i] & 1) t++;
        tpc[i] = t;
        recall[i] = t / (c.nLabels + EPS);
        precision[i] = t / (i + 1);
      }
      return { n, negConf, recall, precision, tpc };
    });
  }

  at(confidence: number): OperatingPoint {
    let pSum = 0,
      rSum = 0,
      f1Sum = 0,
      tpAll = 0,
      fpAll = 0;
    const q = -confidence;
    for (const t of this.tables) {
      const n = t.n;
      if (n === 0) continue;
      const p = interpAt(q, t.negConf, t.precision, n, 1, t.precision[n - 1]);
      const r = interpAt(q, t.negConf, t.recall, n, 0, t.recall[n - 1]);
      pSum += p;
      rSum += r;
      f1Sum += (2 * p * r) / (p + r + EPS);
      // predictions with score >= confidence are those with -score <= -confidence: a prefix of the table
      let lo = 0,
        hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (t.negConf[mid] <= q) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0) {
        tpAll += t.tpc[lo - 1];
        fpAll += lo - t.tpc[lo - 1];
      }
    }
    const nc = this.tables.length;
    return {
      confidence,
      precision: nc ? pSum / nc : 0,
      recall: nc ? rSum / nc : 0,
      f1: nc ? f1Sum / nc : 0,
      tp: tpAll,
      fp: fpAll,
      fn: this.labels - tpAll,
    };
  }
}
