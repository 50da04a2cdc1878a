// The worker–api contract of an evaluation job: the settings a claim hands the worker, the params the api writes on
// the evaluation run (read again by the registry's gates), and the result the worker reports.

export type ExecutionProviderName = 'AUTO' | 'CUDA' | 'CPU';

/** A job's settings as claimed (the api's enum type may stand for the provider's). */
export interface JobSettings<Provider extends string = ExecutionProviderName> {
  imgsz: number;
  conf: number;
  iou: number;
  maxDet: number;
  classes: number[] | null;
  batch: number | null;
  executionProvider: Provider;
}

/** Param keys of an evaluation run. `classes` is absent (not empty) for a full, unfiltered evaluation. */
export const RUN_PARAM = {
  jobId: 'job_id',
  dataset: 'dataset',
  datasetDigest: 'dataset_digest',
  datasetVersion: 'dataset_version',
  imgsz: 'imgsz',
  conf: 'conf',
  iou: 'iou',
  maxDet: 'max_det',
  batch: 'batch',
  artifactPath: 'artifact_path',
  classes: 'classes',
  sourceRunId: 'source_run_id',
  modelName: 'model_name',
  modelVersion: 'model_version',
  epoch: 'epoch',
  executionProvider: 'execution_provider',
  device: 'device',
} as const;

export interface SweepPointData {
  conf: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * What a worker reports with completeEvaluationJob (the api checks it before anything is written; unknown extra
 * fields are kept in the stored JSON).
 */
export interface EvaluationResultData {
  map50: number;
  map50_95: number;
  map75: number;
  precision: number;
  recall: number;
  f1: number;
  bestConfidence: number;
  fitness: number;
  precisionAtConf?: number;
  recallAtConf?: number;
  perClass: unknown[];
  coco: { ap: number; ap50: number; ap75: number; ar100: number; stats?: Record<string, number> };
  thresholdSweep: { iou: number; points: SweepPointData[] }[];
  bestOperatingPoint?: SweepPointData & { iou: number };
  prCurve?: unknown;
  f1Curve?: unknown;
  executionProvider: 'CUDA' | 'CPU';
  device: string;
  fallbackReason?: string;
  imagesPerSecond: number;
  imagesEvaluated: number;
  skippedImages: number;
  skipped?: { file: string; reason: string }[];
  [extra: string]: unknown;
}
