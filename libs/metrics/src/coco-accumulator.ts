// The `coco` protocol (pycocotools COCOeval, iouType bbox): per image and category, evaluateImg at add() time; the
// compact per-detection outcome is kept, and finish() runs accumulate + summarize. P / R / F1 and the curves come from
// the same matching at IoU 0.5, area all, maxDets 100, read with Ultralytics' curve rules (see README).
import { apPerClass, type ClassPredictions } from './ap-per-class';
import { nameOf } from './class-names';
import { averagePrecision, cocoAccumulate, summarize, type CocoCategoryDetections } from './coco-accumulate';
import { COCO_MAX_DETS } from './coco-area-ranges';
import { AREA_COUNT, cocoEvaluateImage } from './coco-evaluate-image';
import { ConfusionCounter } from './confusion-matrix';
import { Column } from './growable';
import { imageOrder } from './image-order';
import { normalizeDt, normalizeGt } from './normalize-input';
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
  private readonly slot = new Column(Int32Array);
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
    const s = this.ids.length;
    this.ids.push(image.imageId);
    let regular = 0;
    for (let g = 0; g < gt.n; g++) if (!gt.crowd[g]) regular++;
    this.labels += regular;
    this.crowd += gt.n - regular;
    if (regular === 0) this.backgrounds++;
    this.predictions += dt.n;

    const order = scoreOrder(dt.scores);
    // group by category: ground truth in given order, detections in stable score order
    const gtByCat = new Map<number, number[]>();
    for (let g = 0; g < gt.n; g++) {
      const c = gt.classes[g];
      let list = gtByCat.get(c);
      if (!list) gtByCat.set(c, (list = []));
      list.push(g);
    }
    const dtByCat = new Map<number, number[]>();
    for (let j = 0; j < dt.n; j++) {
      const d = order[j];
      const c = dt.classes[d];
      this.predictionsPerCategory.set(c, (this.predictionsPerCategory.get(c) ?? 0) + 1);
      let list = dtByCat.get(c);
      if (!list) dtByCat.set(c, (list = []));
      if (list.length < MAX_DET) list.push(d);
    }
    const dtArea = new Float64Array(dt.n);
    for (let d = 0; d < dt.n; d++) dtArea[d] = dt.xywh[4 * d + 2] * dt.xywh[4 * d + 3];

    for (const c of new Set([...gtByCat.keys(), ...dtByCat.keys()])) {
      const gtIndex = gtByCat.get(c) ?? [];
      const dtIndex = dtByCat.get(c) ?? [];
      let npig = this.npig.get(c);
      if (!npig) this.npig.set(c, (npig = new Float64Array(AREA_COUNT)));
      const D = dtIndex.length;
      const at = this.score.reserve(D);
      this.cat.reserve(D);
      this.slot.reserve(D);
      this.rank.reserve(D);
      this.tp.reserve(D);
      this.ig.reserve(D);
      cocoEvaluateImage(
        { gtBoxes: gt.xywh, gtCrowd: gt.crowd, gtArea: gt.area, gtIndex, nGt: gtIndex.length, dtBoxes: dt.xywh, dtArea, dtIndex, nDt: D },
        this.tp.values.subarray(at * AREA_COUNT, (at + D) * AREA_COUNT),
        this.ig.values.subarray(at * AREA_COUNT, (at + D) * AREA_COUNT),
        npig,
      );
      for (let j = 0; j < D; j++) {
        this.score.values[at + j] = dt.scores[dtIndex[j]];
        this.cat.values[at + j] = c;
        this.slot.values[at + j] = s;
        this.rank.values[at + j] = j;
      }
    }

    const boxes = new Float32Array(4 * dt.n);
    const classes = new Int32Array(dt.n);
    const scores = new Float64Array(dt.n);
    for (let j = 0; j < dt.n; j++) {
      const i = order[j];
      boxes.set(dt.xyxy32.subarray(4 * i, 4 * i + 4), 4 * j);
      classes[j] = dt.classes[i];
      scores[j] = dt.scores[i];
    }
    const regularIdx: number[] = [];
    for (let g = 0; g < gt.n; g++) if (!gt.crowd[g]) regularIdx.push(g);
    const gtBoxes = new Float32Array(4 * regularIdx.length);
    const gtClasses = new Int32Array(regularIdx.length);
    regularIdx.forEach((g, k) => {
      gtBoxes.set(gt.xyxy32.subarray(4 * g, 4 * g + 4), 4 * k);
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
    const score = this.score.values, cat = this.cat.values, slot = this.slot.values, rank = this.rank.values;
    const tp = this.tp.values, ig = this.ig.values;
    const order = imageOrder(this.ids);
    const buckets: number[][] = ids.map(() => []);
    for (let i = 0; i < n; i++) buckets[position.get(cat[i]) as number].push(i);
    const dets = ids.map((c, p) => {
      const idx = Uint32Array.from(buckets[p]);
      idx.sort((a, b) => score[b] - score[a] || order[slot[a]] - order[slot[b]] || rank[a] - rank[b]);
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
  classPredictions(): ClassPredictions[] {
    const { ids, dets } = this.categories();
    return ids.flatMap((classId, k) => {
      const c = dets[k];
      if (c.npig[0] === 0) return [];
      const keep: number[] = [];
      for (let j = 0; j < c.score.length; j++) if (!(c.ig[j * AREA_COUNT] & 1)) keep.push(j);
      return [{
        classId,
        nLabels: c.npig[0],
        conf: Float64Array.from(keep, (j) => c.score[j]),
        tp: Uint16Array.from(keep, (j) => c.tp[j * AREA_COUNT] & 1),
      }];
    });
  }

  finish(): DetectionResult {
    const { ids, dets } = this.categories();
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
    const classes = this.classPredictions();
    const pr = apPerClass(classes);
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
