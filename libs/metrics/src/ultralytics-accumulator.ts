// The `ultralytics` protocol (release 8.4.50): per image, predictions in score order are matched to labels as the
// validator does (float32 IoU); finish() runs ap_per_class over the classes present in the labels.
import { apPerClass, CURVE_CONFIDENCES, type ApPerClassResult, type ClassPredictions } from './ap-per-class';
import { nameOf } from './class-names';
import { ConfusionCounter } from './confusion-matrix';
import { Column } from './growable';
import { evaluationOrder } from './evaluation-order';
import { IOU_THRESHOLD_COUNT } from './iou-thresholds';
import { matchPredictions } from './match-predictions';
import { detectionsInOrder, normalizeDt, normalizeGt } from './normalize-input';
import { npMean, pairwiseSum } from './pairwise-sum';
import { scoreOrder } from './score-order';
import type { AccumulatorOptions, CurveResult, DetectionResult, ImageId, ImageInput, PerClassResult } from './types';

export class UltralyticsAccumulator {
  private readonly keep: ReadonlySet<number> | null;
  private readonly ids: ImageId[] = [];
  private readonly labelsPerClass = new Map<number, number>();
  private backgrounds = 0;
  private labels = 0;
  private readonly score = new Column(Float32Array); // float32 scores, as Ultralytics holds them
  private readonly cls = new Column(Int32Array);
  private readonly tp = new Column(Uint16Array);
  private readonly rowStart = new Column(Int32Array);
  private readonly rowEnd = new Column(Int32Array);
  readonly confusion: ConfusionCounter;
  private cache: ClassPredictions[] | null = null;

  constructor(private readonly options: AccumulatorOptions) {
    this.keep = options.classes ? new Set(options.classes) : null;
    this.confusion = new ConfusionCounter(options.confusionConf ?? 0.25, options.confusionIou ?? 0.45);
  }

  add(image: ImageInput): void {
    const gt = normalizeGt(image, this.keep, true);
    const dt = normalizeDt(image, this.keep);
    this.ids.push(image.imageId);
    this.cache = null;

    for (let g = 0; g < gt.n; g++) this.labelsPerClass.set(gt.classes[g], (this.labelsPerClass.get(gt.classes[g]) ?? 0) + 1);
    this.labels += gt.n;
    if (gt.n === 0) this.backgrounds++;

    const n = dt.n;
    // Ultralytics' conf and boxes are float32 tensors; NMS hands predictions over in score order.
    const scores32 = new Float64Array(n);
    for (let i = 0; i < n; i++) scores32[i] = Math.fround(dt.scores[i]);
    const { boxes, classes, scores: sortedScores } = detectionsInOrder(dt, scoreOrder(scores32), scores32);
    const tpBits = new Uint16Array(n);
    matchPredictions({ gtBoxes: gt.xyxy32, gtClasses: gt.classes, dtBoxes: boxes, dtClasses: classes }, tpBits);
    this.confusion.add(gt.xyxy32, gt.classes, boxes, sortedScores, classes);

    const at = this.score.reserve(n);
    this.cls.reserve(n);
    this.tp.reserve(n);
    this.score.values.set(sortedScores, at);
    this.cls.values.set(classes, at);
    this.tp.values.set(tpBits, at);
    this.rowStart.push(at);
    this.rowEnd.push(at + n);
  }

  /** Classes present in the labels, ascending, each with its predictions in evaluation order. */
  classPredictions(): ClassPredictions[] {
    if (this.cache) return this.cache;
    const classIds = [...this.labelsPerClass.keys()].sort((a, b) => a - b);
    const position = new Map<number, number>();
    classIds.forEach((c, i) => position.set(c, i));
    const n = this.score.length;
    const score = this.score.values,
      cls = this.cls.values,
      tp = this.tp.values;
    const group = new Int32Array(n);
    for (let i = 0; i < n; i++) group[i] = position.get(cls[i]) ?? -1;
    const rows = evaluationOrder({ ids: this.ids, rowStart: this.rowStart.values, rowEnd: this.rowEnd.values, score, group }, classIds.length);
    this.cache = classIds.map((classId, p) => {
      const idx = rows[p];
      const conf = new Float64Array(idx.length);
      const bits = new Uint16Array(idx.length);
      for (let j = 0; j < idx.length; j++) {
        conf[j] = score[idx[j]];
        bits[j] = tp[idx[j]];
      }
      return { classId, nLabels: this.labelsPerClass.get(classId) ?? 0, conf, tp: bits };
    });
    return this.cache;
  }

  finish(): DetectionResult {
    const classes = this.classPredictions();
    const r = apPerClass(classes);
    return buildUltralyticsResult(this.options, classes, r, this.confusion, {
      images: this.ids.length,
      backgrounds: this.backgrounds,
      labels: this.labels,
      crowdLabels: 0,
      predictions: this.score.length,
      classes: classes.length,
    });
  }
}

/** Plain arrays so results serialise as JSON; a loop is much cheaper than Array.from on typed arrays. */
function toArray(a: Float64Array): number[] {
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i];
  return out;
}

function curve(x: Float64Array, rows: Float64Array[], mean?: Float64Array): CurveResult {
  const m = mean ?? meanRows(rows);
  return { x: toArray(x), mean: toArray(m), perClass: rows.map(toArray) };
}

/** Mean over classes per point, classes summed in order (numpy's axis-0 reduction). */
function meanRows(rows: Float64Array[]): Float64Array {
  const out = new Float64Array(CURVE_CONFIDENCES.length);
  for (const row of rows) for (let k = 0; k < out.length; k++) out[k] += row[k];
  for (let k = 0; k < out.length; k++) out[k] = rows.length ? out[k] / rows.length : 0;
  return out;
}

export function buildUltralyticsResult(
  options: AccumulatorOptions,
  classes: readonly ClassPredictions[],
  r: ApPerClassResult,
  confusion: ConfusionCounter,
  counts: DetectionResult['counts'],
): DetectionResult {
  const nc = classes.length;
  const i = r.bestIndex;
  const T = IOU_THRESHOLD_COUNT;
  const ap50 = new Float64Array(nc);
  const ap75 = new Float64Array(nc);
  const p = new Float64Array(nc);
  const rec = new Float64Array(nc);
  const f1 = new Float64Array(nc);
  const perClass: PerClassResult[] = classes.map((c, ci) => {
    ap50[ci] = r.ap[ci * T];
    ap75[ci] = r.ap[ci * T + 5];
    p[ci] = r.pCurve[ci][i];
    rec[ci] = r.rCurve[ci][i];
    f1[ci] = r.f1Curve[ci][i];
    return {
      classId: c.classId,
      name: nameOf(options.classNames, c.classId),
      nLabels: c.nLabels,
      nPredictions: c.conf.length,
      ap50: ap50[ci],
      ap50_95: pairwiseSum(r.ap, ci * T, T) / T,
      precision: p[ci],
      recall: rec[ci],
      f1: f1[ci],
    };
  });
  const map50_95 = nc ? pairwiseSum(r.ap) / r.ap.length : 0;
  const seen = new Set<number>([...confusion.seenClasses, ...classes.map((c) => c.classId)]);
  if (Array.isArray(options.classNames)) options.classNames.forEach((_, id) => seen.add(id));
  const matrixClasses = [...seen].filter((c) => !options.classes || options.classes.includes(c)).sort((a, b) => a - b);
  return {
    protocol: 'ultralytics',
    map50: nc ? npMean(ap50) : 0,
    map50_95,
    map75: nc ? npMean(ap75) : 0,
    precision: nc ? npMean(p) : 0,
    recall: nc ? npMean(rec) : 0,
    f1: nc ? npMean(f1) : 0,
    bestConfidence: nc ? CURVE_CONFIDENCES[i] : 0,
    fitness: map50_95, // 8.3.198+: mAP50-95 alone (earlier: 0.1 * mAP50 + 0.9 * mAP50-95)
    perClass,
    prCurve: curve(CURVE_CONFIDENCES, r.prCurve),
    f1Curve: curve(CURVE_CONFIDENCES, r.f1Curve, r.meanF1),
    pCurve: curve(CURVE_CONFIDENCES, r.pCurve),
    rCurve: curve(CURVE_CONFIDENCES, r.rCurve),
    confusionMatrix: confusion.result(matrixClasses),
    counts,
  };
}
