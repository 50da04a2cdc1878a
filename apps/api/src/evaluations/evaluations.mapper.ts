import { datasetArchiveUrl } from '../datasets/datasets.mapper';
import type { EvaluationJobEntity } from './evaluation-job.entity';
import type { EvaluationResultData } from './evaluation-contract';
import type { EvaluationJobType } from './dto/evaluation-job.type';
import type { EvaluationResultType, PerClassResultType } from './dto/evaluation-result.type';
import type { JobClaimType, JobLeaseType } from './dto/job-claim.type';
import type { JobClaim } from './job-claim.service';

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const count = (v: unknown): number | null => (Number.isInteger(v) ? (v as number) : null);

/** The worker's per-class rows (checked only as an array on completion): rows without an integer classId are left out. */
function toPerClass(rows: unknown[]): PerClassResultType[] {
  return rows.flatMap((c) => {
    if (typeof c !== 'object' || c === null) return [];
    const o = c as Record<string, unknown>;
    const classId = count(o.classId);
    if (classId === null) return [];
    return [
      {
        classId,
        name: typeof o.name === 'string' ? o.name : String(classId),
        nLabels: count(o.nLabels),
        nPredictions: count(o.nPredictions),
        ap50: finite(o.ap50),
        ap50_95: finite(o.ap50_95),
        precision: finite(o.precision),
        recall: finite(o.recall),
        f1: finite(o.f1),
      },
    ];
  });
}

export function toResultType(raw: Record<string, unknown>): EvaluationResultType {
  const r = raw as EvaluationResultData;
  return {
    map50: r.map50,
    map50_95: r.map50_95,
    map75: r.map75,
    precision: r.precision,
    recall: r.recall,
    f1: r.f1,
    bestConfidence: r.bestConfidence,
    fitness: r.fitness,
    precisionAtConf: r.precisionAtConf ?? null,
    recallAtConf: r.recallAtConf ?? null,
    perClass: toPerClass(r.perClass ?? []),
    coco: { ap: r.coco.ap, ap50: r.coco.ap50, ap75: r.coco.ap75, ar100: r.coco.ar100 },
    thresholdSweep: r.thresholdSweep ?? [],
    bestOperatingPoint: r.bestOperatingPoint ?? null,
    executionProvider: r.executionProvider,
    device: r.device,
    fallbackReason: r.fallbackReason ?? null,
    imagesPerSecond: r.imagesPerSecond,
    imagesEvaluated: Math.round(r.imagesEvaluated),
    skippedImages: Math.round(r.skippedImages),
    skipped: r.skipped ?? [],
    raw,
  };
}

export function toJobType(e: EvaluationJobEntity): EvaluationJobType {
  return {
    id: e.id,
    status: e.status,
    runId: e.runId,
    sourceRunId: e.sourceRunId,
    artifactPath: e.artifactPath,
    modelName: e.modelName,
    modelVersion: e.modelVersion,
    dataset: { name: e.datasetName, version: e.datasetVersion, digest: e.datasetDigest },
    settings: e.settings,
    epoch: e.epoch,
    attempt: e.attempt,
    maxAttempts: e.maxAttempts,
    workerId: e.workerId,
    leaseExpiresAt: date(e.leaseExpiresAt),
    cancelRequested: e.cancelRequested,
    progress: e.progress,
    result: e.result ? toResultType(e.result) : null,
    error: e.error,
    errorCode: e.errorCode,
    createdBy: e.createdBy,
    createdAt: new Date(e.createdAt),
    updatedAt: new Date(e.updatedAt),
    startedAt: date(e.startedAt),
    finishedAt: date(e.finishedAt),
  };
}

export function toJobClaimType(c: JobClaim): JobClaimType {
  const d = c.dataset;
  return {
    job: toJobType(c.job),
    attempt: c.job.attempt,
    leaseExpiresAt: new Date(c.job.leaseExpiresAt!),
    modelUrl: c.modelUrl,
    modelSha256: c.modelSha256,
    dataset: {
      name: d.name,
      version: d.version,
      digest: d.digest,
      format: d.format,
      classNames: d.classNames,
      archiveUrl: datasetArchiveUrl(d.digest),
      imagesDir: d.imagesDir,
      labelsDir: d.labelsDir,
      annotationsPath: d.annotationsPath,
    },
  };
}

/** `/artifacts/<runId>/<path>` with each path segment percent-encoded. */
export const artifactUrl = (runId: string, path: string): string => `/artifacts/${runId}/${path.split('/').map(encodeURIComponent).join('/')}`;

export function toJobLeaseType(job: EvaluationJobEntity): JobLeaseType {
  return { leaseExpiresAt: new Date(job.leaseExpiresAt!), cancelRequested: job.cancelRequested };
}
