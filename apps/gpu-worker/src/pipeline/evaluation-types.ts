/** The pipeline's public contract: what the agent passes in and gets back. */
import type { CurveResult, PerClassResult } from '@podium/metrics';
import type { DatasetSpec } from './dataset-reader';
import type { WorkerThreads } from '../threads/worker-threads';
import type { OperatingPoint } from './metrics-adapter';
import type { TensorCache } from './tensor-cache';

export type ExecutionProviderRequest = 'AUTO' | 'CUDA' | 'CPU';

/** Where an evaluation's time went, in seconds. Stages overlap: they do not add up to the wall time. */
export interface EvaluationTimings {
  wallSeconds: number;
  sessionLoadSeconds: number;
  /** The loop waiting for its next batch's pixels: what decoding or reading cost the pipeline. */
  inputWaitSeconds: number;
  /** Decode + letterbox of the images this evaluation got decoded, summed over decode helpers. */
  decodeSeconds: number;
  /** Tensor-cache reads and their checksums. */
  cacheReadSeconds: number;
  /** `session.run`, summed over batches. */
  inferenceSeconds: number;
  /** NMS + metrics of the busiest post-processing thread. */
  postSeconds: number;
}

export interface EvaluationProgress {
  done: number;
  total: number;
  imagesPerSecond: number;
  etaSeconds: number;
  /** So far (`postSeconds` counts the batches the post threads have finished). */
  timings: EvaluationTimings;
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
  /** The helpers to run on (decode, post-processing, inference); default `WorkerThreads.shared()`. */
  threads?: WorkerThreads;
  /**
   * The persistent tensor cache (continuous evaluation decodes a dataset once): read from it, or build the entry.
   * Default none; PipelineService passes the worker's.
   */
  tensorCache?: TensorCache | null;
  /** The dataset version's digest, the cache's key; without it the image files' names, sizes and mtimes are. */
  datasetDigest?: string;
  /**
   * Write the detections at the job's NMS IoU here as a gzipped COCO results file (predictions-writer.ts); the
   * path comes back as `result.predictionsPath`.
   */
  predictionsPath?: string;
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
  timings: EvaluationTimings;
  /** How it ran, for logs and benchmarks. */
  run: {
    family: string;
    fused: boolean;
    batch: number;
    imgsz: number;
    /** Pixels from the tensor cache (`hit`), from a build this evaluation started or joined, or decoded (`off`). */
    inputCache: 'hit' | 'built' | 'joined' | 'off';
    decodeHelpers: { kind: 'thread' | 'process'; count: number };
    /**
     * CPU time of the inference thread (Linux): on the CPU EP with one ORT thread, the inference itself, which the
     * benches subtract from the process's CPU time to get the host's share.
     */
    inferenceThreadCpuSeconds: number | null;
  };
  /** Where the detections file was written (a path on the worker), when `predictionsPath` was given. */
  predictionsPath?: string;
}

export function toSweepPoint(point: OperatingPoint): SweepPoint {
  return { conf: point.confidence, precision: point.precision, recall: point.recall, f1: point.f1 };
}
