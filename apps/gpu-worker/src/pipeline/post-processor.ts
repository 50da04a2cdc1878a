/**
 * Host side of one evaluation after inference: candidates → boxes → class-aware NMS → original pixels → metric
 * accumulators. One inference pass feeds every IoU of the threshold sweep. A processor owns one shard of that
 * work (some IoUs under the ultralytics protocol, and/or the coco protocol), so shards run in parallel threads.
 */
import { candidatesFromFused, imageRanges, type Candidates } from '../models/candidates';
import { decodeBoxes } from '../models/decode-boxes';
import type { ModelFamily, OutputLayout } from '../models/model-family';
import type { Letterbox } from './letterbox';
import { unletterboxBoxes } from './letterbox';
import { createMetricsAccumulator, type Accumulator, type AccumulatorResult, type Detections, type GroundTruth, type OperatingPoint } from './metrics-adapter';
import { nmsSorted, scoreOrder } from './nms';

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

export interface ShardResult {
  /** `atConf`: P/R/F1 at the job's own conf (e.g. 0.001: the low precision users see in the raw detections). */
  ultralytics: { iou: number; result: AccumulatorResult; points: OperatingPoint[]; atConf: OperatingPoint }[];
  coco?: AccumulatorResult;
}

/** Splits the host work into parallel shards: one per swept IoU, one for the coco protocol. */
export function planShards(iou: number): PostConfig['shard'][] {
  const ious = [...new Set([iou, ...SWEEP_IOUS])];
  return [...ious.map((i) => ({ ultralyticsIous: [i], coco: false })), { ultralyticsIous: [], coco: true }];
}

export class PostProcessor {
  private readonly ultralytics = new Map<number, Accumulator>();
  private readonly coco?: Accumulator;
  private readonly classFilter?: ReadonlySet<number>;
  private readonly ious: number[];

  constructor(private readonly config: PostConfig) {
    const base = { classNames: config.classNames, classes: config.classes };
    for (const iou of config.shard.ultralyticsIous) this.ultralytics.set(iou, createMetricsAccumulator({ protocol: 'ultralytics', ...base }));
    if (config.shard.coco) this.coco = createMetricsAccumulator({ protocol: 'coco', ...base });
    this.classFilter = config.classes ? new Set(config.classes) : undefined;
    this.ious = [...new Set([...config.shard.ultralyticsIous, ...(config.shard.coco ? [config.iou] : [])])];
  }

  addBatch(images: BatchImage[], outputs: BatchOutputs): void {
    const candidates = candidatesFromFused(outputs.indices, outputs.scores, outputs.boxes, this.config.layout);
    const perIou = detectionsAtIous(candidates, images, this.config, this.ious, this.classFilter);
    images.forEach((image, b) => {
      for (const [iou, detections] of perIou) {
        const entry = { imageId: image.imageId, width: image.width, height: image.height, gt: image.gt, dt: detections[b] };
        this.ultralytics.get(iou)?.add(entry);
        if (this.coco && iou === this.config.iou) this.coco.add(entry);
      }
    });
  }

  finish(): ShardResult {
    const ultralytics = [...this.ultralytics].map(([iou, accumulator]) => ({
      iou,
      result: accumulator.finish(),
      points: SWEEP_CONFIDENCES.map((c) => accumulator.operatingPointAt(c)),
      atConf: accumulator.operatingPointAt(this.config.conf),
    }));
    return { ultralytics, ...(this.coco ? { coco: this.coco.finish() } : {}) };
  }
}

/**
 * NMS per image at each IoU (score order computed once per image), boxes scaled back to original pixels.
 * Padding images of the batch (index ≥ images.length) are ignored.
 */
export function detectionsAtIous(
  candidates: Candidates,
  images: Pick<BatchImage, 'width' | 'height' | 'letterbox'>[],
  config: Pick<PostConfig, 'family' | 'imgsz' | 'maxDet'>,
  ious: number[],
  classes?: ReadonlySet<number>,
): Map<number, Detections[]> {
  const boxes = decodeBoxes(candidates, config.family, config.imgsz);
  const ranges = imageRanges(candidates, images.length);
  const out = new Map<number, Detections[]>(ious.map((iou) => [iou, []]));
  images.forEach((image, b) => {
    const order = scoreOrder(candidates.score, ranges[b], ranges[b + 1], candidates.cls, classes);
    for (const iou of ious) {
      const kept = nmsSorted(boxes, candidates.cls, order, iou, config.maxDet);
      const dt: Detections = { boxes: new Float32Array(kept.length * 4), scores: new Float32Array(kept.length), classes: new Int32Array(kept.length) };
      for (let i = 0; i < kept.length; i++) {
        const k = kept[i];
        dt.boxes.set(boxes.subarray(4 * k, 4 * k + 4), 4 * i);
        dt.scores[i] = candidates.score[k];
        dt.classes[i] = candidates.cls[k];
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
  return detectionsAtIous(candidates, images, config, [iou], classes).get(iou)!;
}
