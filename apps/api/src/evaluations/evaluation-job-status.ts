// Job statuses, requested settings and progress of an evaluation job.
import { registerEnumType } from 'type-graphql';

export enum EvaluationJobStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(EvaluationJobStatus, { name: 'EvaluationJobStatus', description: 'QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED (an expired lease puts RUNNING back to QUEUED).' });

export enum ExecutionProvider {
  AUTO = 'AUTO',
  CUDA = 'CUDA',
  CPU = 'CPU',
}
registerEnumType(ExecutionProvider, { name: 'ExecutionProvider', description: 'AUTO tries CUDA and falls back to CPU; CUDA fails the job when it cannot load.' });

export const FINAL_STATUSES: ReadonlySet<EvaluationJobStatus> = new Set([EvaluationJobStatus.SUCCEEDED, EvaluationJobStatus.FAILED, EvaluationJobStatus.CANCELLED]);

export interface EvaluationSettings {
  imgsz: number;
  conf: number;
  iou: number;
  maxDet: number;
  classes: number[] | null;
  batch: number | null;
  executionProvider: ExecutionProvider;
}

export interface JobProgress {
  done: number;
  total: number;
  imagesPerSecond: number;
  etaSeconds: number;
}
