/**
 * The slice of `@podium/metrics` the worker uses, under the worker's names: ground truth in original pixels
 * (xyxy, Float64), detections after NMS (xyxy, Float32), one accumulator per protocol and swept IoU.
 */
import { createAccumulator, type DetectionResult, type MetricsAccumulator, type MetricsSummary, type OperatingPoint } from '@podium/metrics';

export interface GroundTruth {
  /** xyxy, or xywh (a COCO json's own numbers) when `format` says so. */
  boxes: Float64Array;
  format?: 'xyxy' | 'xywh';
  classes: Int32Array;
  iscrowd?: Uint8Array;
  areas?: Float64Array;
}

export interface Detections {
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
}

export type Accumulator = MetricsAccumulator;
export type AccumulatorResult = DetectionResult;
export type { MetricsSummary, OperatingPoint };

export interface AccumulatorOptions {
  protocol: 'ultralytics' | 'coco';
  classNames?: string[];
  classes?: number[];
}

export function createMetricsAccumulator(options: AccumulatorOptions): Accumulator {
  return createAccumulator(options);
}
