// Turns a claimed job into what a worker needs to run it: where to GET the model (and its sha256) and the dataset.
import { Injectable } from '@nestjs/common';
import { ArtifactsService } from '../artifacts/artifacts.service';
import type { Identity } from '../auth/roles';
import type { DatasetEntity } from '../datasets/dataset.entity';
import { DatasetsService } from '../datasets/datasets.service';
import type { EvaluationJobEntity } from './evaluation-job.entity';
import { artifactUrl } from './evaluations.mapper';
import { JobLeaseService } from './job-lease.service';

export interface JobClaim {
  job: EvaluationJobEntity;
  modelUrl: string;
  modelSha256: string;
  dataset: DatasetEntity;
}

@Injectable()
export class JobClaimService {
  constructor(
    private readonly lease: JobLeaseService,
    private readonly artifacts: ArtifactsService,
    private readonly datasets: DatasetsService,
  ) {}

  /** Claims the next job for `workerId` (the caller's); one whose model or dataset has disappeared since it was queued fails, and the next is tried. */
  async claim(workerId: string, leaseSeconds: number, actor: Identity): Promise<JobClaim | null> {
    for (;;) {
      const job = await this.lease.claim({ workerId, leaseSeconds }, actor);
      if (!job) return null;
      const [artifacts] = job.sourceRunId ? await this.artifacts.listByRunIds([job.sourceRunId]) : [[]];
      const model = artifacts.find((a) => a.path === job.artifactPath);
      const dataset = await this.datasets.get(job.datasetName, job.datasetVersion);
      if (model && dataset && dataset.digest === job.datasetDigest) {
        return { job, modelUrl: artifactUrl(job.sourceRunId!, job.artifactPath), modelSha256: model.sha256, dataset };
      }
      const missing = !model ? `model artifact ${job.sourceRunId}/${job.artifactPath} no longer exists` : `dataset ${job.datasetName} v${job.datasetVersion} no longer exists`;
      await this.lease.fail({ jobId: job.id, attempt: job.attempt, workerId }, missing, 'INPUT_MISSING', actor);
    }
  }
}
