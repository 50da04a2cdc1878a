/**
 * The slice of `@podium/metrics` the worker uses (its accumulator contract), kept in one place so the pipeline
 * depends on the names it needs and nothing else.
 */
import * as metrics from '@podium/metrics';

export interface GroundTruth {
  /** xyxy, original pixels, 4 per box. */
  boxes: Float64Array;
  classes: Int32Array;
  iscrowd?: Uint8Array;
  areas?: Float64Array;
}

export interface Detections {
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
}

export interface AccumulatorImage {
  imageId: string | number;
  width: number;
  height: number;
  gt: GroundTruth;
  dt: Detections;
}

export interface OperatingPoint {
  confidence: number;
  precision: number;
  recall: number;
  f1: number;
}

/** The fields of libs/metrics' DetectionResult the worker reads; the rest passes through untouched. */
export interface AccumulatorResult {
  map50: number;
  map50_95: number;
  map75: number;
  precision: number;
  recall: number;
  f1: number;
  bestConfidence: number;
  fitness: number;
  perClass: unknown[];
  prCurve: unknown;
  f1Curve: unknown;
  stats?: Record<string, number>;
  [key: string]: unknown;
}

export interface Accumulator {
  add(image: AccumulatorImage): void;
  finish(): AccumulatorResult;
  operatingPointAt(confidence: number): OperatingPoint;
}

export interface AccumulatorOptions {
  protocol: 'ultralytics' | 'coco';
  classNames?: string[];
  classes?: number[];
}

export function createMetricsAccumulator(options: AccumulatorOptions): Accumulator {
  const factory = (metrics as Record<string, unknown>).createAccumulator as ((o: AccumulatorOptions) => Accumulator) | undefined;
  if (typeof factory !== 'function') throw new Error('@podium/metrics does not export createAccumulator');
  return factory(options);
}
