/**
 * Host side of one evaluation after inference: candidates → boxes → class-aware NMS at each swept IoU →
 * original pixels → metric accumulators. One inference pass feeds every IoU of the threshold sweep.
 */
import { candidatesFromFused, candidatesFromOutput, imageRanges, type Candidates } from '../models/candidates';
import { decodeBoxes } from '../models/decode-boxes';
import type { ModelFamily, OutputLayout } from '../models/model-family';
import type { Letterbox } from './letterbox';
import { unletterboxBoxes } from './letterbox';
import { createMetricsAccumulator, type Accumulator, type AccumulatorResult, type Detections, type GroundTruth, type OperatingPoint } from './metrics-adapter';
import { nmsClassAware } from './nms';

export const SWEEP_IOUS = [0.5, 0.6, 0.7] as const;
export const SWEEP_CONFIDENCES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;

export interface PostConfig {
  family: ModelFamily;
  layout: OutputLayout;
  imgsz: number;
  conf: number;
  iou: number;
  maxDet: number;
  classes?: number[];
  classNames?: string[];
}

export interface BatchImage {
  imageId: string;
  width: number;
  height: number;
  letterbox: Letterbox;
  gt: GroundTruth;
}

/** The fused graph's three outputs, or the model's full output tensor. */
export type BatchOutputs =
  | { kind: 'candidates'; indices: Int32Array; scores: Float32Array; boxes: Float32Array }
  | { kind: 'full'; data: Float32Array; dims: number[] };

export interface SweepResult {
  iou: number;
  points: OperatingPoint[];
}

export interface PostResult {
  ultralytics: AccumulatorResult;
  coco: AccumulatorResult;
  thresholdSweep: SweepResult[];
}

export class PostProcessor {
  private readonly ious: number[];
  private readonly accumulators = new Map<number, Accumulator>();
  private readonly coco: Accumulator;
  private readonly classFilter?: ReadonlySet<number>;

  constructor(private readonly config: PostConfig) {
    this.ious = [...new Set([config.iou, ...SWEEP_IOUS])];
    const base = { classNames: config.classNames, classes: config.classes };
    for (const iou of this.ious) this.accumulators.set(iou, createMetricsAccumulator({ protocol: 'ultralytics', ...base }));
    this.coco = createMetricsAccumulator({ protocol: 'coco', ...base });
    this.classFilter = config.classes ? new Set(config.classes) : undefined;
  }

  addBatch(images: BatchImage[], outputs: BatchOutputs): void {
    const candidates = toCandidates(outputs, this.config, images.length);
    const boxes = decodeBoxes(candidates, this.config.family, this.config.imgsz);
    for (const [iou, accumulator] of this.accumulators) {
      const detections = detectionsPerImage(candidates, images, this.config, iou, this.classFilter, boxes);
      images.forEach((image, b) => {
        const entry = { imageId: image.imageId, width: image.width, height: image.height, gt: image.gt, dt: detections[b] };
        accumulator.add(entry);
        if (iou === this.config.iou) this.coco.add(entry);
      });
    }
  }

  finish(): PostResult {
    const ultralytics = this.accumulators.get(this.config.iou)!.finish();
    const coco = this.coco.finish();
    const thresholdSweep = SWEEP_IOUS.map((iou) => {
      const accumulator = this.accumulators.get(iou)!;
      if (iou !== this.config.iou) accumulator.finish();
      return { iou, points: SWEEP_CONFIDENCES.map((c) => accumulator.operatingPointAt(c)) };
    });
    return { ultralytics, coco, thresholdSweep };
  }
}

export function toCandidates(outputs: BatchOutputs, config: Pick<PostConfig, 'layout' | 'conf'>, batchSize: number): Candidates {
  return outputs.kind === 'candidates'
    ? candidatesFromFused(outputs.indices, outputs.scores, outputs.boxes, config.layout)
    : candidatesFromOutput(outputs.data, outputs.dims, config.layout, config.conf, batchSize);
}

/** NMS per image at one IoU, boxes scaled back to original pixels; padding images of the batch are ignored. */
export function detectionsPerImage(
  candidates: Candidates,
  images: Pick<BatchImage, 'width' | 'height' | 'letterbox'>[],
  config: Pick<PostConfig, 'family' | 'imgsz' | 'maxDet'>,
  iou: number,
  classes?: ReadonlySet<number>,
  boxes = decodeBoxes(candidates, config.family, config.imgsz),
): Detections[] {
  const ranges = imageRanges(candidates, images.length);
  return images.map((image, b) => {
    const kept = nmsClassAware(boxes, candidates.score, candidates.cls, ranges[b], ranges[b + 1], { iou, maxDet: config.maxDet, classes });
    const dt: Detections = { boxes: new Float32Array(kept.length * 4), scores: new Float32Array(kept.length), classes: new Int32Array(kept.length) };
    kept.forEach((k, i) => {
      dt.boxes.set(boxes.subarray(4 * k, 4 * k + 4), 4 * i);
      dt.scores[i] = candidates.score[k];
      dt.classes[i] = candidates.cls[k];
    });
    unletterboxBoxes(dt.boxes, image.letterbox, image.width, image.height);
    return dt;
  });
}
