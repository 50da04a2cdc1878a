import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../runs/epoch-ms.transformer';
import type { EvaluationJobStatus, EvaluationSettings, JobProgress } from './evaluation-job-status';

/** One evaluation job: a queue entry with a lease (worker, expiry, attempt) and, once done, its full result. */
@Entity({ name: 'evaluation_jobs' })
export class EvaluationJobEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  status: EvaluationJobStatus;

  /** The evaluation run (kind EVALUATION) that records this job. */
  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId: string | null;

  @Column({ name: 'source_run_id', type: 'uuid', nullable: true })
  sourceRunId: string | null;

  @Column({ name: 'artifact_path', type: 'varchar', length: 1024 })
  artifactPath: string;

  @Column({ name: 'model_name', type: 'varchar', length: 256, nullable: true })
  modelName: string | null;

  @Column({ name: 'model_version', type: 'integer', nullable: true })
  modelVersion: number | null;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  @Column({ name: 'dataset_name', type: 'varchar', length: 256 })
  datasetName: string;

  @Column({ name: 'dataset_version', type: 'integer' })
  datasetVersion: number;

  @Column({ name: 'dataset_digest', type: 'varchar', length: 64 })
  datasetDigest: string;

  @Column({ type: 'simple-json' })
  settings: EvaluationSettings;

  @Column({ type: 'integer', nullable: true })
  epoch: number | null;

  /** Continuous evaluation: the training run that receives `<dataset>/<key>` at step = epoch. */
  @Column({ name: 'mirror_run_id', type: 'uuid', nullable: true })
  mirrorRunId: string | null;

  /** Claims so far; a report must carry the current one. */
  @Column({ type: 'integer' })
  attempt: number;

  @Column({ name: 'max_attempts', type: 'integer' })
  maxAttempts: number;

  @Column({ name: 'lease_expiries', type: 'integer' })
  leaseExpiries: number;

  /** The worker holding the current attempt (kept on a finished job: who finished it). */
  @Column({ name: 'worker_id', type: 'uuid', nullable: true })
  workerId: string | null;

  /** The api token that claimed the current attempt: only it (with workerId) may report (job-lifecycle.ts). */
  @Column({ name: 'claim_token_id', type: 'uuid', nullable: true })
  claimTokenId: string | null;

  @Column({ name: 'lease_seconds', type: 'integer' })
  leaseSeconds: number;

  @Column({ name: 'lease_expires_at', type: 'bigint', nullable: true, transformer: epochMs })
  leaseExpiresAt: number | null;

  @Column({ name: 'cancel_requested', type: 'boolean' })
  cancelRequested: boolean;

  @Column({ type: 'simple-json', nullable: true })
  progress: JobProgress | null;

  @Column({ type: 'simple-json', nullable: true })
  result: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 128, nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;

  @Column({ name: 'started_at', type: 'bigint', nullable: true, transformer: epochMs })
  startedAt: number | null;

  @Column({ name: 'finished_at', type: 'bigint', nullable: true, transformer: epochMs })
  finishedAt: number | null;
}
