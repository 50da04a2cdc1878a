// The user side of evaluation jobs: queue one (validated, with its evaluation run), cancel, read and list.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Identity } from '../auth/roles';
import { conflict, notFound } from '../common/app-error';
import { keysetPage, type Page } from '../common/pagination';
import { refusalError } from '../common/refusal';
import { isUuid } from '../common/uuid';
import { Database } from '../database/database';
import type { DatasetEntity } from '../datasets/dataset.entity';
import { DatasetsService } from '../datasets/datasets.service';
import { type SettingsRequest, validateSettings } from './evaluation-contract';
import { EvaluationJobEntity } from './evaluation-job.entity';
import { EvaluationJobStatus, type EvaluationSettings } from './evaluation-job-status';
import { EvaluationJobsRepository, type JobFilter } from './evaluation-jobs.repository';
import { EvaluationRunWriter } from './evaluation-run.writer';
import { planCancel } from './job-lifecycle';
import { JobTransitions } from './job-transitions';
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
    private readonly transitions: JobTransitions,
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
      claimTokenId: null,
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
      await this.db.write(async (tx) => {
        await this.repo.insert(tx, job);
        this.transitions.announceQueued(tx, job);
      });
    } catch (e) {
      await this.runWriter.end(job);
      throw e;
    }
    return job;
  }

  /** QUEUED → CANCELLED at once (its run KILLED in the same transaction); RUNNING → cancel requested (the worker sees it on its next heartbeat). */
  async cancel(id: string, actor: Identity): Promise<EvaluationJobEntity> {
    if (!isUuid(id)) throw notFound('Evaluation job', id);
    const at = Date.now();
    return this.db.write(async (tx) => {
      const job = await this.repo.lockById(tx, id);
      if (!job) throw notFound('Evaluation job', id);
      const plan = planCancel(job, { by: actor.name }, at);
      if (plan.kind === 'REFUSED') throw refusalError(plan.refusal);
      if (plan.kind === 'UNCHANGED') return plan.job;
      const applied = await this.transitions.persist(tx, plan, actor);
      // Locked (PostgreSQL) or the one writer (SQLite): the compare-and-set holds; this is a last guard.
      if (!applied) throw conflict(`job ${id} changed while it was being cancelled; retry the cancel`);
      return applied;
    });
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
    return keysetPage(
      first,
      after,
      (a, limit) => this.repo.findPage(filter, a, limit),
      (j) => ({ key: j.createdAt, id: j.id }),
    );
  }
}
