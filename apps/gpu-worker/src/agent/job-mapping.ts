// Pure translations between the job protocol and the pipeline: the dataset paths, the reported result, the failure.
import type { EvaluationResultData } from '@podium/contracts';
import { join, normalize, sep } from 'node:path';
import { WorkerError } from '../errors/worker-error';
import type { DatasetSpec } from '../pipeline/dataset-reader';
import type { EvaluationResult, SweepPoint } from '../pipeline/evaluation-types';
import type { JobClaim } from './protocol';

/** The api's limit on a job's error text. */
const MAX_ERROR_LENGTH = 10_000;

/** Paths inside the extracted archive; a relative path that climbs out of it is refused. */
export function datasetSpec(claim: JobClaim, datasetDir: string): DatasetSpec {
  const ds = claim.dataset;
  const inside = (rel: string | null, fallback: string) => {
    const p = normalize(join(datasetDir, rel ?? fallback));
    if (p !== normalize(datasetDir) && !p.startsWith(normalize(datasetDir) + sep)) throw new WorkerError('DATASET_INVALID', `dataset path ${rel} leaves the archive`);
    return p;
  };
  return ds.format === 'YOLO'
    ? { format: 'YOLO', imagesDir: inside(ds.imagesDir, 'images'), labelsDir: inside(ds.labelsDir, 'labels'), classNames: ds.classNames }
    : { format: 'COCO', imagesDir: inside(ds.imagesDir, 'images'), annotationsPath: inside(ds.annotationsPath, 'annotations.json') };
}

type ResultWithExtras = EvaluationResult & { operatingPointAtConf?: SweepPoint; precisionAtConf?: number; recallAtConf?: number };

/**
 * What completeEvaluationJob receives: the pipeline's result plus P/R at the job's own conf. The pipeline's
 * accumulator knows that point exactly (`operatingPointAtConf`); without it, the sweep's point at that conf (same
 * NMS IoU as the job) is exact too; otherwise the fields are left out (the api treats them as optional). Typed by the
 * contract the api checks it against (@podium/contracts).
 */
export function reportedResult(result: EvaluationResult, conf: number, iou?: number): EvaluationResultData {
  // The detections file's path is this worker's, not the api's business.
  const { run, predictionsPath: _local, ...rest } = result as ResultWithExtras;
  const atConf = rest.operatingPointAtConf ?? sweepPointAt(result, conf, iou);
  return {
    ...rest,
    ...(atConf && rest.precisionAtConf === undefined ? { precisionAtConf: atConf.precision, recallAtConf: atConf.recall } : {}),
    // How it ran (family, fused graph, batch, timings): kept with the stored result for diagnosis.
    ...(run ? { pipeline: run } : {}),
  };
}

function sweepPointAt(result: EvaluationResult, conf: number, iou?: number): SweepPoint | undefined {
  const sweeps = iou === undefined ? result.thresholdSweep : result.thresholdSweep.filter((s) => Math.abs(s.iou - iou) < 1e-9);
  for (const sweep of sweeps) {
    const point = sweep.points.find((p) => Math.abs(p.conf - conf) < 1e-9);
    if (point) return point;
  }
  return undefined;
}

/**
 * The job's error and code: a WorkerError's code, CANCELLED for a cancel, WORKER_ERROR for anything unexpected.
 * `names` maps this worker's cache paths to what the user knows (the model's api path): a message should name the
 * artifact, not a file on some worker.
 */
export function failureOf(e: unknown, cancelled: boolean, names: Record<string, string> = {}): { error: string; code: string } {
  if (cancelled) return { error: 'cancelled', code: 'CANCELLED' };
  const code = (e as { code?: unknown })?.code;
  let message = e instanceof Error ? e.message : String(e);
  for (const [local, shown] of Object.entries(names)) message = message.split(local).join(shown);
  return {
    error: (message || 'unknown error').slice(0, MAX_ERROR_LENGTH),
    code: typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code : 'WORKER_ERROR',
  };
}
