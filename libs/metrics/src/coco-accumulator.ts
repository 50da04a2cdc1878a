// The `coco` protocol (pycocotools COCOeval, iouType bbox): per image and category, evaluateImg at add() time; the
// compact per-detection outcome is kept, and finish() runs accumulate + summarize. P / R / F1 and the curves come from
// the same matching at IoU 0.5, area all, maxDets 100, read with Ultralytics' curve rules (see README).
import { apPerClass, type ClassPredictions } from './ap-per-class';
import { nameOf } from './class-names';
import { averagePrecision, cocoAccumulate, summarize, type CocoCategoryDetections } from './coco-accumulate';
import { COCO_MAX_DETS } from './coco-area-ranges';
import { AREA_COUNT, CocoImageWorkspace, cocoEvaluateImage } from './coco-evaluate-image';
import { ConfusionCounter } from './confusion-matrix';
import { Column } from './growable';
import { evaluationOrder } from './evaluation-order';
import { detectionsInOrder, normalizeDt, normalizeGt } from './normalize-input';
import { scoreOrder } from './score-order';
import { buildUltralyticsResult } from './ultralytics-accumulator';
import type { AccumulatorOptions, DetectionResult, ImageId, ImageInput, PerCategoryResult, PerClassResult } from './types';

const MAX_DET = COCO_MAX_DETS[COCO_MAX_DETS.length - 1];

export class CocoAccumulator {
  private readonly keep: ReadonlySet<number> | null;
  private readonly ids: ImageId[] = [];
  private readonly npig = new Map<number, Float64Array>();
  private readonly predictionsPerCategory = new Map<number, number>();
  private backgrounds = 0;
  private labels = 0;
  private crowd = 0;
  private predictions = 0;
  private readonly score = new Column(Float64Array);
  private readonly cat = new Column(Int32Array);
  private readonly rowStart = new Column(Int32Array);
  private readonly rowEnd = new Column(Int32Array);
  private readonly workspace = new CocoImageWorkspace();
  private readonly rank = new Column(Uint16Array);
  private readonly tp = new Column(Uint16Array, AREA_COUNT);
  private readonly ig = new Column(Uint16Array, AREA_COUNT);
  readonly confusion: ConfusionCounter;

  constructor(private readonly options: AccumulatorOptions) {
    this.keep = options.classes ? new Set(options.classes) : null;
    this.confusion = new ConfusionCounter(options.confusionConf ?? 0.25, options.confusionIou ?? 0.45);
  }

  add(image: ImageInput): void {
    const gt = normalizeGt(image, this.keep, false);
    const dt = normalizeDt(image, this.keep);
    this.ids.push(image.imageId);
    const firstRow = this.score.length;
    let regular = 0;
    for (let g = 0; g < gt.n; g++) if (!gt.crowd[g]) regular++;
    this.labels += regular;
    this.crowd += gt.n - regular;
    if (regular === 0) this.backgrounds++;
    this.predictions += dt.n;

    const order = scoreOrder(dt.scores);
    // categories of this image (ground truth or detections), each with its ground truths in the given order and its
    // detections in stable score order, cut to maxDets = 100: a counting sort by category, no per-category arrays
    const slotOf = new Map<number, number>();
    const cats: number[] = [];
    const slotFor = (c: number): number => {
      let s = slotOf.get(c);
      if (s === undefined) {
        slotOf.set(c, (s = cats.length));
        cats.push(c);
      }
      return s;
    };
    const gtSlot = new Int32Array(gt.n);
    for (let g = 0; g < gt.n; g++) gtSlot[g] = slotFor(gt.classes[g]);
    const dtSlot = new Int32Array(dt.n);
    for (let d = 0; d < dt.n; d++) dtSlot[d] = slotFor(dt.classes[d]);
    const S = cats.length;
    const gtStart = new Int32Array(S + 1);
    const dtStart = new Int32Array(S + 1);
    for (let g = 0; g < gt.n; g++) gtStart[gtSlot[g] + 1]++;
    for (let d = 0; d < dt.n; d++) {
      const s = dtSlot[d];
      this.predictionsPerCategory.set(cats[s], (this.predictionsPerCategory.get(cats[s]) ?? 0) + 1);
      if (dtStart[s + 1] < MAX_DET) dtStart[s + 1]++;
    }
    for (let s = 0; s < S; s++) {
      gtStart[s + 1] += gtStart[s];
      dtStart[s + 1] += dtStart[s];
    }
    const gtIndex = new Int32Array(gt.n);
    const dtIndex = new Int32Array(dtStart[S]);
    const gtFill = gtStart.slice(0, S);
    const dtFill = dtStart.slice(0, S);
    for (let g = 0; g < gt.n; g++) gtIndex[gtFill[gtSlot[g]]++] = g;
    for (let j = 0; j < dt.n; j++) {
      const d = order[j];
      const s = dtSlot[d];
      if (dtFill[s] < dtStart[s + 1]) dtIndex[dtFill[s]++] = d;
    }
    const dtArea = new Float64Array(dt.n);
    for (let d = 0; d < dt.n; d++) dtArea[d] = dt.xywh[4 * d + 2] * dt.xywh[4 * d + 3];

    const rows = dtStart[S];
    const at = this.score.reserve(rows);
    this.cat.reserve(rows);
    this.rank.reserve(rows);
    this.tp.reserve(rows);
    this.ig.reserve(rows);
    const tpValues = this.tp.values,
      igValues = this.ig.values;
    for (let s = 0; s < S; s++) {
      const c = cats[s];
      let npig = this.npig.get(c);
      if (!npig) this.npig.set(c, (npig = new Float64Array(AREA_COUNT)));
      const D = dtStart[s + 1] - dtStart[s];
      const first = at + dtStart[s];
      cocoEvaluateImage(
        {
          gtBoxes: gt.xywh,
          gtCrowd: gt.crowd,
          gtArea: gt.area,
          gtIndex,
          gtStart: gtStart[s],
          nGt: gtStart[s + 1] - gtStart[s],
          dtBoxes: dt.xywh,
          dtArea,
          dtIndex,
          dtStart: dtStart[s],
          nDt: D,
        },
        tpValues,
        igValues,
        npig,
        this.workspace,
        first,
      );
      for (let j = 0; j < D; j++) {
        this.score.values[first + j] = dt.scores[dtIndex[dtStart[s] + j]];
        this.cat.values[first + j] = c;
        this.rank.values[first + j] = j;
      }
    }

    this.rowStart.push(firstRow);
    this.rowEnd.push(this.score.length);

    const { boxes, classes, scores } = detectionsInOrder(dt, order);
    const regularIdx: number[] = [];
    for (let g = 0; g < gt.n; g++) if (!gt.crowd[g]) regularIdx.push(g);
    const gtBoxes = new Float32Array(4 * regularIdx.length);
    const gtClasses = new Int32Array(regularIdx.length);
    regularIdx.forEach((g, k) => {
      for (let v = 0; v < 4; v++) gtBoxes[4 * k + v] = gt.xyxy32[4 * g + v];
      gtClasses[k] = gt.classes[g];
    });
    this.confusion.add(gtBoxes, gtClasses, boxes, scores, classes);
  }

  /** Categories seen (ground truth or detections), ascending, each with its detections in evaluation order. */
  private categories(): { ids: number[]; dets: CocoCategoryDetections[] } {
    const ids = [...this.npig.keys()].sort((a, b) => a - b);
    const position = new Map<number, number>();
    ids.forEach((c, i) => position.set(c, i));
    const n = this.score.length;
    const score = this.score.values,
      cat = this.cat.values,
      rank = this.rank.values;
    const tp = this.tp.values,
      ig = this.ig.values;
    const group = new Int32Array(n);
    for (let i = 0; i < n; i++) group[i] = position.get(cat[i]) as number;
    const rows = evaluationOrder({ ids: this.ids, rowStart: this.rowStart.values, rowEnd: this.rowEnd.values, score, group }, ids.length);
    const dets = ids.map((c, p) => {
      const idx = rows[p];
      const m = idx.length;
      const out = {
        score: new Float64Array(m),
        rank: new Uint16Array(m),
        tp: new Uint16Array(m * AREA_COUNT),
        ig: new Uint16Array(m * AREA_COUNT),
        npig: this.npig.get(c) as Float64Array,
      };
      for (let j = 0; j < m; j++) {
        const i = idx[j];
        out.score[j] = score[i];
        out.rank[j] = rank[i];
        for (let a = 0; a < AREA_COUNT; a++) {
          out.tp[j * AREA_COUNT + a] = tp[i * AREA_COUNT + a];
          out.ig[j * AREA_COUNT + a] = ig[i * AREA_COUNT + a];
        }
      }
      return out;
    });
    return { ids, dets };
  }

  /** IoU 0.5, area all, maxDets 100, ignored detections dropped: the input of the P/R/F1 analysis. */
  classPredictions(categories = this.categories()): ClassPredictions[] {
    const { ids, dets } = categories;
    return ids.flatMap((classId, k) => {
      const c = dets[k];
      if (c.npig[0] === 0) return [];
      const keep: number[] = [];
      for (let j = 0; j < c.score.length; j++) if (!(c.ig[j * AREA_COUNT] & 1)) keep.push(j);
      return [
        {
          classId,
          nLabels: c.npig[0],
          conf: Float64Array.from(keep, (j) => c.score[j]),
          tp: Uint16Array.from(keep, (j) => c.tp[j * AREA_COUNT] & 1),
        },
      ];
    });
  }

  /** accumulate() + summarize() alone: finish()'s mAP figures and stats, from the same computation. */
  summary(): Pick<DetectionResult, 'protocol' | 'map50' | 'map50_95' | 'map75' | 'stats'> {
    const stats = summarize(cocoAccumulate(this.categories().dets));
    return { protocol: 'coco', map50: stats.ap50, map50_95: stats.ap, map75: stats.ap75, stats };
  }

  finish(): DetectionResult {
    const categories = this.categories();
    const { ids, dets } = categories;
    const e = cocoAccumulate(dets);
    const stats = summarize(e);
    const last = COCO_MAX_DETS.length - 1;
    const perCategory: PerCategoryResult[] = ids.map((categoryId, k) => ({
      categoryId,
      name: nameOf(this.options.classNames, categoryId),
      ap: averagePrecision(e, 0, last, null, k),
      ap50: averagePrecision(e, 0, last, 0, k),
      ap75: averagePrecision(e, 0, last, 5, k),
    }));
    const classes = this.classPredictions(categories);
    const pr = apPerClass(classes, 1); // AP comes from accumulate(); only the IoU-0.5 curves are needed here
    const base = buildUltralyticsResult(this.options, classes, pr, this.confusion, {
      images: this.ids.length,
      backgrounds: this.backgrounds,
      labels: this.labels,
      crowdLabels: this.crowd,
      predictions: this.predictions,
      classes: classes.length,
    });
    const byId = new Map(perCategory.map((c) => [c.categoryId, c]));
    const perClass: PerClassResult[] = base.perClass.map((c) => ({
      ...c,
      nPredictions: this.predictionsPerCategory.get(c.classId) ?? 0,
      ap50: byId.get(c.classId)?.ap50 ?? 0,
      ap50_95: byId.get(c.classId)?.ap ?? 0,
    }));
    return {
      ...base,
      protocol: 'coco',
      map50: stats.ap50,
      map50_95: stats.ap,
      map75: stats.ap75,
      fitness: stats.ap,
      perClass,
      stats,
      perCategory,
    };
  }
}
