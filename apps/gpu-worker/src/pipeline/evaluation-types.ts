/** The pipeline's public contract: what the agent passes in and gets back. */
import type { CurveResult, PerClassResult } from '@podium/metrics';
import type { DatasetSpec } from './dataset-reader';
import type { DecodedCache } from './decoded-cache';
import type { OperatingPoint } from './metrics-adapter';

export type ExecutionProviderRequest = 'AUTO' | 'CUDA' | 'CPU';

export interface EvaluationProgress {
  done: number;
  total: number;
  imagesPerSecond: number;
  etaSeconds: number;
}

export interface EvaluationOptions {
  modelPath: string;
  dataset: DatasetSpec;
  imgsz: number;
  conf: number;
  iou: number;
  maxDet: number;
  classes?: number[];
  batch?: number;
  executionProvider: ExecutionProviderRequest;
  deviceId?: number;
  family?: 'auto' | 'yolov8' | 'yolov5' | 'yolox';
  /** Fuse pre/post-processing into the graph; defaults to true when the graph is recognised. */
  fuse?: boolean;
  /** CPU EP only: ORT intra-op threads (default: all cores). Fewer leave room for decoding and NMS threads. */
  cpuThreads?: number;
  /** Decode threads (default: a quarter of the cores, 1 to 6). */
  decodeThreads?: number;
  /**
   * Keep letterboxed pixels for the next evaluation of the same files (continuous evaluation): the cache to use,
   * or `null` for none. Default: none; PipelineService passes one process-wide cache.
   */
  decodedCache?: DecodedCache | null;
  signal?: AbortSignal;
  onProgress?: (p: EvaluationProgress) => void;
}

export interface SweepPoint {
  conf: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface EvaluationResult {
  map50: number;
  map50_95: number;
  map75: number;
  precision: number;
  recall: number;
  f1: number;
  bestConfidence: number;
  fitness: number;
  perClass: PerClassResult[];
  /** pycocotools-style numbers, computed on the same YOLO-paired ground truth (crowd flags only with COCO input). */
  coco: { ap: number; ap50: number; ap75: number; ar100: number; stats: Record<string, number> };
  thresholdSweep: { iou: number; points: SweepPoint[] }[];
  bestOperatingPoint: SweepPoint & { iou: number };
  /** P/R/F1 at the job's own conf and NMS IoU (exact, from the accumulator). */
  operatingPointAtConf: SweepPoint;
  /** Precision (envelope, IoU 0.5) against recall, per class and mean: the PR-curve artifact's content. */
  prCurve: CurveResult;
  f1Curve: CurveResult;
  executionProvider: 'CUDA' | 'CPU';
  device: string;
  fallbackReason?: string;
  imagesPerSecond: number;
  imagesEvaluated: number;
  skippedImages: number;
  skipped: { file: string; reason: string }[];
  /** How it ran, for logs and benchmarks. */
  run: {
    family: string;
    fused: boolean;
    batch: number;
    imgsz: number;
    wallSeconds: number;
    sessionLoadSeconds: number;
    inferenceSeconds: number;
    postSeconds: number;
  };
}

export function toSweepPoint(point: OperatingPoint): SweepPoint {
  return { conf: point.confidence, precision: point.precision, recall: point.recall, f1: point.f1 };
}
