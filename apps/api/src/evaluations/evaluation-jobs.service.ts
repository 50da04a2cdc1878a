// The user side of evaluation jobs: queue one (validated, with its evaluation run), cancel, read and list.
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Identity } from '../auth/roles';
import { failedPrecondition, notFound } from '../common/app-error';
import { offsetPage, type Page } from '../common/pagination';
import { isUuid } from '../common/uuid';
import { Database } from '../database/database';
import type { DatasetEntity } from '../datasets/dataset.entity';
import { DatasetsService } from '../datasets/datasets.service';
import { PUB_SUB, type PodiumPubSub } from '../graphql/pubsub';
import { type SettingsRequest, validateSettings } from './evaluation-contract';
import { EvaluationJobEntity } from './evaluation-job.entity';
import { EvaluationJobStatus, type EvaluationSettings } from './evaluation-job-status';
import { EvaluationJobsRepository, type JobFilter } from './evaluation-jobs.repository';
import { EvaluationRunWriter } from './evaluation-run.writer';
import { publishJobQueued, publishJobUpdated } from './job-events';
import { type ModelRequest, type ModelSource, ModelSourceLookup } from './model-source';

export const MAX_ATTEMPTS = 3;

export interface EvaluateModelRequest extends SettingsRequest, ModelRequest {
  dataset: { name: string; version?: number | null };
  epoch?: number | null;
}

export interface QueueSpec {
  source: ModelSource;
  dataset: DatasetEntity;
  settings: EvaluationSettings;
  epoch: number | null;
  mirrorRunId: string | null;
}

@Injectable()
export class EvaluationJobsService {
  constructor(
    private readonly db: Database,
    private readonly repo: EvaluationJobsRepository,
    private readonly datasets: DatasetsService,
    private readonly sources: ModelSourceLookup,
    private readonly runWriter: EvaluationRunWriter,
    @Inject(PUB_SUB) private readonly pubSub: PodiumPubSub,
  ) {}

  async evaluateModel(req: EvaluateModelRequest, actor: Identity): Promise<EvaluationJobEntity> {
    const dataset = await this.datasets.require(req.dataset.name, req.dataset.version);
    const settings = validateSettings(req, dataset.classNames.length);
    const source = await this.sources.resolve(req);
    return this.enqueue({ source, dataset, settings, epoch: req.epoch ?? null, mirrorRunId: null }, actor);
  }

  /**
   * Creates the evaluation run, then the QUEUED job that names it. RunsService owns its transaction, so the two are
   * consecutive commits: if the job's insert fails the run is marked FAILED, and no worker sees a job without a run.
   */
  async enqueue(spec: QueueSpec, actor: Identity): Promise<EvaluationJobEntity> {
    const id = randomUUID();
    const { source, dataset, settings } = spec;
    const run = await this.runWriter.create(
      {
        jobId: id,
        datasetName: dataset.name,
        datasetDigest: dataset.digest,
        datasetVersion: dataset.version,
        settings,
        sourceRunId: source.sourceRun?.id ?? null,
        artifactPath: source.artifactPath,
        modelName: source.modelName,
        modelVersion: source.modelVersion,
        epoch: spec.epoch,
      },
      source.sourceRun,
      actor,
    );
    const now = Date.now();
    const job = Object.assign(new EvaluationJobEntity(), {
      id,
      status: EvaluationJobStatus.QUEUED,
      runId: run.id,
      sourceRunId: source.sourceRun?.id ?? null,
      artifactPath: source.artifactPath,
      modelName: source.modelName,
      modelVersion: source.modelVersion,
      datasetId: dataset.id,
      datasetName: dataset.name,
      datasetVersion: dataset.version,
      datasetDigest: dataset.digest,
      settings,
      epoch: spec.epoch,
      mirrorRunId: spec.mirrorRunId,
      attempt: 0,
      maxAttempts: MAX_ATTEMPTS,
      leaseExpiries: 0,
      workerId: null,
      leaseSeconds: 60,
      leaseExpiresAt: null,
      cancelRequested: false,
      progress: null,
      result: null,
      error: null,
      errorCode: null,
      createdBy: actor.name,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      finishedAt: null,
    });
    try {
      await this.db.write((tx) => this.repo.insert(tx, job));
    } catch (e) {
      await this.runWriter.end(job);
      throw e;
    }
    publishJobQueued(this.pubSub, job.id);
    publishJobUpdated(this.pubSub, job);
    return job;
  }

  /** QUEUED → CANCELLED at once; RUNNING → cancel requested (the worker sees it on its next heartbeat). */
  async cancel(id: string, actor: Identity): Promise<EvaluationJobEntity> {
    for (let tries = 0; tries < 5; tries++) {
      const job = await this.require(id);
      const now = Date.now();
      if (job.status === EvaluationJobStatus.CANCELLED || (job.status === EvaluationJobStatus.RUNNING && job.cancelRequested)) return job;
      if (job.status !== EvaluationJobStatus.QUEUED && job.status !== EvaluationJobStatus.RUNNING) throw failedPrecondition(`job ${id} is already ${job.status}`, { status: job.status });
      const patch: Partial<EvaluationJobEntity> =
        job.status === EvaluationJobStatus.QUEUED ? { status: EvaluationJobStatus.CANCELLED, finishedAt: now, error: `cancelled by ${actor.name}`, errorCode: 'CANCELLED' } : { cancelRequested: true };
      const updated = { ...job, ...patch, updatedAt: now } as EvaluationJobEntity;
      const moved = await this.db.write(async (tx) => {
        if (!(await this.repo.moveIf(tx, id, { status: job.status, attempt: job.attempt }, patch))) return undefined;
        // A queued job ends here, and its run (KILLED) with it in this transaction.
        return updated.status === EvaluationJobStatus.CANCELLED ? await this.runWriter.endIn(tx, updated) : () => undefined;
      });
      if (!moved) continue; // a worker claimed or reported meanwhile: decide again on the new state
      moved();
      publishJobUpdated(this.pubSub, updated);
      return updated;
    }
    throw failedPrecondition(`job ${id} kept changing; retry the cancel`);
  }

  async require(id: string): Promise<EvaluationJobEntity> {
    const job = await this.get(id);
    if (!job) throw notFound('Evaluation job', id);
    return job;
  }

  async get(id: string): Promise<EvaluationJobEntity | null> {
    return isUuid(id) ? this.repo.findById(id) : null;
  }

  list(filter: JobFilter, first?: number | null, after?: string | null): Promise<Page<EvaluationJobEntity>> {
    return offsetPage(first, after, (offset, limit) => this.repo.findPage(filter, offset, limit));
  }
}
