/**
 * Host side of one evaluation after inference: candidates → boxes → class-aware NMS → original pixels → metric
 * accumulators. One inference pass feeds every IoU of the threshold sweep. A batch is prepared once (boxes decoded,
 * each image's candidates in score order, laid out for NMS: `prepareBatch`); a processor owns one shard of the rest
 * (some IoUs under the ultralytics protocol, and/or the coco protocol), so shards run in parallel threads.
 */
import { candidatesFromFused, imageRanges, type Candidates } from '../models/candidates';
import { decodeBoxes } from '../models/decode-boxes';
import type { ModelFamily, OutputLayout } from '../models/model-family';
import type { Letterbox } from './letterbox';
import { unletterboxBoxes } from './letterbox';
import { createMetricsAccumulator, type Accumulator, type AccumulatorResult, type Detections, type GroundTruth, type MetricsSummary, type OperatingPoint } from './metrics-adapter';
import { nmsPrepared, scoreOrder, writePosition, type NmsInput } from './nms';
import type { PredictionsTarget } from './predictions-writer';

export const SWEEP_IOUS = [0.5, 0.6, 0.7] as const;
export const SWEEP_CONFIDENCES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;

export interface PostConfig {
  family: ModelFamily;
  layout: OutputLayout;
  imgsz: number;
  conf: number;
  /** The job's NMS IoU: its detections feed the headline metrics and the coco protocol. */
  iou: number;
  maxDet: number;
  classes?: number[];
  classNames?: string[];
  /** This shard's share: ultralytics accumulators at these IoUs, and the coco protocol at `iou` if set. */
  shard: { ultralyticsIous: number[]; coco: boolean };
  /** Write the detections at `iou` as a COCO results file (by the shard with the coco protocol). */
  predictions?: PredictionsTarget;
}

export interface BatchImage {
  imageId: string;
  width: number;
  height: number;
  letterbox: Letterbox;
  gt: GroundTruth;
}

/**
 * One batch's candidates in the fused graph's output format (the inference thread reduces an unfused graph's full
 * output to the same format, so only candidates reach the shards).
 */
export interface BatchOutputs {
  indices: Int32Array;
  scores: Float32Array;
  boxes: Float32Array;
}

/**
 * A batch's candidates ready for NMS: per image (positions `starts[b]` … `starts[b+1]`), in descending score order
 * after the class filter and the NMS input cap, with class, corners in model-input pixels, area and score.
 */
export interface PreparedBatch {
  starts: Int32Array;
  cls: Int32Array;
  corners: Float32Array;
  area: Float64Array;
  score: Float32Array;
  maxClass: number;
}

/**
 * What the evaluation reads of the ultralytics result at the job's IoU (assemble-result.ts). The rest (P and R
 * curves, confusion matrix) stays in the thread: cloning a result's 1,000-point curves per class back to the event
 * loop cost more CPU than computing them.
 */
export type HeadlineMetrics = Pick<AccumulatorResult, 'map50' | 'map50_95' | 'map75' | 'precision' | 'recall' | 'f1' | 'bestConfidence' | 'fitness' | 'perClass' | 'prCurve' | 'f1Curve'>;
/** What the evaluation reads of the coco protocol's result: its summary (no curves, per-class figures or matrix). */
export type CocoMetrics = MetricsSummary;

export interface ShardResult {
  /**
   * `result` only at the job's IoU (the other swept IoUs give their operating points alone, so their AP is never
   * computed); `atConf`: P/R/F1 at the job's own conf (e.g. 0.001: the low precision users see in the raw detections).
   */
  ultralytics: { iou: number; result?: HeadlineMetrics; points: OperatingPoint[]; atConf: OperatingPoint }[];
  coco?: CocoMetrics;
}

/**
 * Splits the host work into two parallel shards: the other swept IoUs, and the job's IoU with the coco protocol
 * (both read its detections). Measured (bench/worker-post.ts, 5,120 images, 2 cores): one thread per IoU plus one
 * for coco cost 1.92 ms of CPU an image, these two 1.48 ms, one thread 1.4 ms but then one thread bounds the stage;
 * each thread also pays its own start and JIT warm-up, once per worker process (threads are reused).
 */
export function planShards(iou: number): PostConfig['shard'][] {
  const others = [...new Set(SWEEP_IOUS)].filter((i) => i !== iou);
  return [
    { ultralyticsIous: others, coco: false },
    { ultralyticsIous: [iou], coco: true },
  ];
}

export class PostProcessor {
  private readonly ultralytics = new Map<number, Accumulator>();
  private readonly coco?: Accumulator;
  private readonly classFilter?: ReadonlySet<number>;
  private readonly ious: number[];

  constructor(
    private readonly config: PostConfig,
    /** Hears the detections at the job's IoU, image by image (the predictions file). */
    private readonly onDetections?: (imageId: string, dt: Detections) => void,
  ) {
    const base = { classNames: config.classNames, classes: config.classes };
    for (const iou of config.shard.ultralyticsIous) this.ultralytics.set(iou, createMetricsAccumulator({ protocol: 'ultralytics', ...base }));
    if (config.shard.coco) this.coco = createMetricsAccumulator({ protocol: 'coco', ...base });
    this.classFilter = config.classes ? new Set(config.classes) : undefined;
    this.ious = [...new Set([...config.shard.ultralyticsIous, ...(config.shard.coco ? [config.iou] : [])])];
  }

  addBatch(images: BatchImage[], outputs: BatchOutputs): void {
    this.addPrepared(images, prepareBatch(outputs, images.length, this.config, this.classFilter));
  }

  addPrepared(images: BatchImage[], batch: PreparedBatch): void {
    const perIou = detectionsAtIous(batch, images, this.config, this.ious);
    images.forEach((image, b) => {
      for (const [iou, detections] of perIou) {
        const entry = { imageId: image.imageId, width: image.width, height: image.height, gt: image.gt, dt: detections[b] };
        if (iou === this.config.iou) this.onDetections?.(image.imageId, detections[b]);
        this.ultralytics.get(iou)?.add(entry);
        if (this.coco && iou === this.config.iou) this.coco.add(entry);
      }
    });
  }

  finish(): ShardResult {
    const ultralytics = [...this.ultralytics].map(([iou, accumulator]) => ({
      iou,
      ...(iou === this.config.iou ? { result: headline(accumulator.finish()) } : {}),
      points: SWEEP_CONFIDENCES.map((c) => accumulator.operatingPointAt(c)),
      atConf: accumulator.operatingPointAt(this.config.conf),
    }));
    return { ultralytics, ...(this.coco ? { coco: this.coco.summary() } : {}) };
  }
}

function headline(r: AccumulatorResult): HeadlineMetrics {
  const { map50, map50_95, map75, precision, recall, f1, bestConfidence, fitness, perClass, prCurve, f1Curve } = r;
  return { map50, map50_95, map75, precision, recall, f1, bestConfidence, fitness, perClass, prCurve, f1Curve };
}

/**
 * Boxes decoded once, then each image's candidates (index < `images`: padding images of the batch are ignored) in
 * score order, cut to the NMS input cap and laid out for NMS. Done once per batch, whatever the number of shards.
 */
export function prepareBatch(outputs: BatchOutputs, images: number, config: Pick<PostConfig, 'family' | 'layout' | 'imgsz'>, classes?: ReadonlySet<number>): PreparedBatch {
  return prepareCandidates(candidatesFromFused(outputs.indices, outputs.scores, outputs.boxes, config.layout), images, config, classes);
}

export function prepareCandidates(candidates: Candidates, images: number, config: Pick<PostConfig, 'family' | 'imgsz'>, classes?: ReadonlySet<number>): PreparedBatch {
  const boxes = decodeBoxes(candidates, config.family, config.imgsz);
  const ranges = imageRanges(candidates, images);
  const orders = Array.from({ length: images }, (_, b) => scoreOrder(candidates.score, ranges[b], ranges[b + 1], candidates.cls, classes));
  const starts = new Int32Array(images + 1);
  for (let b = 0; b < images; b++) starts[b + 1] = starts[b] + orders[b].length;
  const total = starts[images];
  const batch: PreparedBatch = { starts, cls: new Int32Array(total), corners: new Float32Array(4 * total), area: new Float64Array(total), score: new Float32Array(total), maxClass: 0 };
  orders.forEach((order, b) => {
    for (let i = 0; i < order.length; i++) {
      const p = starts[b] + i;
      batch.maxClass = Math.max(batch.maxClass, writePosition(boxes, candidates.cls, order[i], p, batch.cls, batch.corners, batch.area));
      batch.score[p] = candidates.score[order[i]];
    }
  });
  return batch;
}

/** NMS per image at each IoU over a prepared batch, boxes scaled back to original pixels. */
export function detectionsAtIous(batch: PreparedBatch, images: Pick<BatchImage, 'width' | 'height' | 'letterbox'>[], config: Pick<PostConfig, 'maxDet'>, ious: number[]): Map<number, Detections[]> {
  const out = new Map<number, Detections[]>(ious.map((iou) => [iou, []]));
  images.forEach((image, b) => {
    const start = batch.starts[b];
    const end = batch.starts[b + 1];
    const input: NmsInput = { cls: batch.cls.subarray(start, end), corners: batch.corners.subarray(4 * start, 4 * end), area: batch.area.subarray(start, end), maxClass: batch.maxClass };
    for (const iou of ious) {
      const kept = nmsPrepared(input, iou, config.maxDet);
      const dt: Detections = { boxes: new Float32Array(kept.length * 4), scores: new Float32Array(kept.length), classes: new Int32Array(kept.length) };
      for (let i = 0; i < kept.length; i++) {
        const p = kept[i];
        // Element by element: a subarray per box is an allocation per box (young-generation churn in the threads).
        dt.boxes[4 * i] = input.corners[4 * p];
        dt.boxes[4 * i + 1] = input.corners[4 * p + 1];
        dt.boxes[4 * i + 2] = input.corners[4 * p + 2];
        dt.boxes[4 * i + 3] = input.corners[4 * p + 3];
        dt.scores[i] = batch.score[start + p];
        dt.classes[i] = input.cls[p];
      }
      unletterboxBoxes(dt.boxes, image.letterbox, image.width, image.height);
      out.get(iou)!.push(dt);
    }
  });
  return out;
}

export function detectionsPerImage(
  candidates: Candidates,
  images: Pick<BatchImage, 'width' | 'height' | 'letterbox'>[],
  config: Pick<PostConfig, 'family' | 'imgsz' | 'maxDet'>,
  iou: number,
  classes?: ReadonlySet<number>,
): Detections[] {
  return detectionsAtIous(prepareCandidates(candidates, images.length, config, classes), images, config, [iou]).get(iou)!;
}
