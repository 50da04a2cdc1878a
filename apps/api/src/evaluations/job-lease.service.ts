// The worker side of evaluation jobs: claim with a lease, heartbeat, complete, fail, release, and lease expiry.
// Every report names its attempt; a report whose attempt is not the job's current RUNNING one is refused (CONFLICT),
// so a worker that lost its lease can never overwrite the work of the one that re-claimed the job.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Identity, Role } from '../auth/roles';
import { conflict } from '../common/app-error';
import { Database } from '../database/database';
import { PUB_SUB, type PodiumPubSub } from '../graphql/pubsub';
import { WorkersService } from '../workers/workers.service';
import { validateResult } from './evaluation-contract';
import type { EvaluationJobEntity } from './evaluation-job.entity';
import { EvaluationJobStatus, type JobProgress } from './evaluation-job-status';
import { EvaluationJobsRepository } from './evaluation-jobs.repository';
import { type AfterCommit, EvaluationRunWriter } from './evaluation-run.writer';
import { publishJobQueued, publishJobUpdated } from './job-events';

const SWEEPER: Identity = { name: 'lease-sweeper', role: Role.ADMIN };

function stale(job: EvaluationJobEntity | null, jobId: string, attempt: number): Error {
  const state = job ? `it is ${job.status} at attempt ${job.attempt}` : 'it does not exist';
  return conflict(`stale attempt: job ${jobId} attempt ${attempt} is no longer current (${state})`, { reason: 'STALE_ATTEMPT', status: job?.status ?? null, currentAttempt: job?.attempt ?? null });
}

@Injectable()
export class JobLeaseService {
  private readonly logger = new Logger('Evaluations');

  constructor(
    private readonly db: Database,
    private readonly repo: EvaluationJobsRepository,
    private readonly workers: WorkersService,
    private readonly runWriter: EvaluationRunWriter,
    @Inject(PUB_SUB) private readonly pubSub: PodiumPubSub,
  ) {}

  /**
   * Takes the oldest QUEUED job `workerId` can run, in one write transaction; null when none. A job that asks for CUDA
   * waits for a CUDA worker while one is alive (seen in the last 2 minutes); when none is, any worker takes it and
   * fails it with the provider's reason (PROVIDER_UNAVAILABLE) rather than leaving it queued forever.
   */
  async claim(workerId: string, leaseSeconds: number): Promise<EvaluationJobEntity | null> {
    const now = Date.now();
    const job = await this.db.write(async (tx) => {
      const worker = await this.workers.touch(tx, workerId, now);
      const canRunCuda = worker.executionProviders.includes('CUDA') || !(await this.workers.anyLiveWithProvider(tx, 'CUDA', now));
      const next = await this.repo.lockNextQueued(tx, { canRunCuda });
      if (!next) return null;
      const patch: Partial<EvaluationJobEntity> = {
        status: EvaluationJobStatus.RUNNING,
        attempt: next.attempt + 1,
        workerId,
        leaseSeconds,
        leaseExpiresAt: now + leaseSeconds * 1000,
        startedAt: next.startedAt ?? now,
        progress: null,
      };
      // The row is locked (PostgreSQL) or the writer is ours alone (SQLite): the conditional move cannot lose.
      if (!(await this.repo.moveIf(tx, next.id, { status: EvaluationJobStatus.QUEUED, attempt: next.attempt }, patch))) return null;
      return { ...next, ...patch, updatedAt: now } as EvaluationJobEntity;
    });
    if (job) publishJobUpdated(this.pubSub, job);
    return job;
  }

  async heartbeat(jobId: string, attempt: number, progress: JobProgress | null): Promise<EvaluationJobEntity> {
    const now = Date.now();
    const job = await this.db.write(async (tx) => {
      const current = await this.repo.findById(jobId, tx);
      if (!current || current.status !== EvaluationJobStatus.RUNNING || current.attempt !== attempt) throw stale(current, jobId, attempt);
      const patch: Partial<EvaluationJobEntity> = { leaseExpiresAt: now + current.leaseSeconds * 1000, ...(progress ? { progress } : {}) };
      if (!(await this.repo.moveIf(tx, jobId, { status: EvaluationJobStatus.RUNNING, attempt }, patch))) throw stale(current, jobId, attempt);
      if (current.workerId) await this.workers.touch(tx, current.workerId, now);
      return { ...current, ...patch, updatedAt: now } as EvaluationJobEntity;
    });
    publishJobUpdated(this.pubSub, job);
    return job;
  }

  /** Idempotent per attempt: the same attempt completing again returns the job and writes nothing. */
  async complete(jobId: string, attempt: number, raw: Record<string, unknown>, actor: Identity): Promise<EvaluationJobEntity> {
    const result = validateResult(raw);
    const now = Date.now();
    const outcome = await this.db.write(async (tx) => {
      const current = await this.repo.findById(jobId, tx);
      if (current && current.status === EvaluationJobStatus.SUCCEEDED && current.attempt === attempt) return { job: current, publish: undefined };
      if (!current || current.status !== EvaluationJobStatus.RUNNING || current.attempt !== attempt) throw stale(current, jobId, attempt);
      const total = Math.round(result.imagesEvaluated + result.skippedImages);
      const patch: Partial<EvaluationJobEntity> = {
        status: EvaluationJobStatus.SUCCEEDED,
        result: raw,
        finishedAt: now,
        leaseExpiresAt: null,
        progress: { done: total, total, imagesPerSecond: result.imagesPerSecond, etaSeconds: 0 },
      };
      if (!(await this.repo.moveIf(tx, jobId, { status: EvaluationJobStatus.RUNNING, attempt }, patch))) throw stale(current, jobId, attempt);
      const job = { ...current, ...patch, updatedAt: now } as EvaluationJobEntity;
      // The run's result and FINISHED commit with the job's SUCCEEDED or not at all (then the job stays reportable):
      // no reader sees one without the other, and a crash cannot split them. Exactly once, whatever the retries.
      return { job, publish: await this.runWriter.finishIn(tx, job, result) };
    });
    if (outcome.publish) {
      outcome.publish();
      await this.runWriter.writeResultFiles(outcome.job, result, actor);
      publishJobUpdated(this.pubSub, outcome.job);
    }
    return outcome.job;
  }

  /** FAILED, or CANCELLED when the worker stopped for a cancel (code CANCELLED or a cancel was requested). */
  async fail(jobId: string, attempt: number, error: string, code: string | null, _actor: Identity): Promise<EvaluationJobEntity> {
    const now = Date.now();
    const outcome = await this.db.write(async (tx) => {
      const current = await this.repo.findById(jobId, tx);
      const final = code === 'CANCELLED' || current?.cancelRequested ? EvaluationJobStatus.CANCELLED : EvaluationJobStatus.FAILED;
      if (current && current.status === final && current.attempt === attempt) return { job: current, publish: undefined };
      if (!current || current.status !== EvaluationJobStatus.RUNNING || current.attempt !== attempt) throw stale(current, jobId, attempt);
      const patch: Partial<EvaluationJobEntity> = { status: final, error, errorCode: code ?? null, finishedAt: now, leaseExpiresAt: null };
      if (!(await this.repo.moveIf(tx, jobId, { status: EvaluationJobStatus.RUNNING, attempt }, patch))) throw stale(current, jobId, attempt);
      const job = { ...current, ...patch, updatedAt: now } as EvaluationJobEntity;
      // The run ends (FAILED, or KILLED) in the job's transaction.
      return { job, publish: await this.runWriter.endIn(tx, job) };
    });
    if (outcome.publish) {
      outcome.publish();
      publishJobUpdated(this.pubSub, outcome.job);
    }
    return outcome.job;
  }

  /** A worker stopping (SIGTERM) hands the job back: QUEUED again, not counted against the attempt cap. */
  async release(jobId: string, attempt: number, reason: string, _actor: Identity): Promise<EvaluationJobEntity> {
    const now = Date.now();
    const { job, publish } = await this.db.write(async (tx) => {
      const current = await this.repo.findById(jobId, tx);
      if (!current || current.status !== EvaluationJobStatus.RUNNING || current.attempt !== attempt) throw stale(current, jobId, attempt);
      const patch: Partial<EvaluationJobEntity> = current.cancelRequested
        ? { status: EvaluationJobStatus.CANCELLED, error: `cancelled (released: ${reason})`, errorCode: 'CANCELLED', finishedAt: now, leaseExpiresAt: null }
        : { status: EvaluationJobStatus.QUEUED, workerId: null, leaseExpiresAt: null, progress: null, error: `released: ${reason}` };
      if (!(await this.repo.moveIf(tx, jobId, { status: EvaluationJobStatus.RUNNING, attempt }, patch))) throw stale(current, jobId, attempt);
      const job = { ...current, ...patch, updatedAt: now } as EvaluationJobEntity;
      return { job, publish: job.status === EvaluationJobStatus.CANCELLED ? await this.runWriter.endIn(tx, job) : undefined };
    });
    if (publish) publish();
    else publishJobQueued(this.pubSub, job.id);
    publishJobUpdated(this.pubSub, job);
    return job;
  }

  /**
   * Repairs the evaluation runs of jobs that ended between `since` and `now - graceMs`: a run still RUNNING (left by a
   * version that committed the job and its run separately) is finished or ended, and a SUCCEEDED job's run without its
   * result files (the api stopped between the commit and the files) gets them. The writes are idempotent.
   */
  async repairOpenRuns(now: number = Date.now(), graceMs = 60_000, since = now - 24 * 3600_000): Promise<string[]> {
    const ended = await this.repo.findFinishedBetween(since, now - graceMs);
    const broken = await this.runWriter.runsToRepair(ended);
    const repaired: string[] = [];
    for (const job of await this.repo.findByIds(ended.filter((j) => broken.has(j.runId!)).map((j) => j.id))) {
      try {
        if (job.status === EvaluationJobStatus.SUCCEEDED && job.result) await this.runWriter.finish(job, validateResult(job.result), SWEEPER);
        else await this.runWriter.end(job);
        repaired.push(job.id);
      } catch (e) {
        // One run that cannot take its result (a param changed by hand, say) must not hold up the others.
        this.logger.error(`evaluation run of job ${job.id.slice(0, 8)} not repaired: ${(e as Error).message}`, (e as Error).stack);
      }
    }
    if (repaired.length) this.logger.warn(`repaired ${repaired.length} evaluation run(s) left RUNNING or without their result files: ${repaired.map((id) => id.slice(0, 8)).join(', ')}`);
    return repaired;
  }

  /**
   * Re-queues RUNNING jobs whose lease ended before `now` (the next claim is attempt + 1); the maxAttempts-th expiry
   * fails the job instead. Returns the jobs it moved. Called by the sweeper timer, and by tests with a chosen `now`.
   */
  async requeueExpiredLeases(now: number = Date.now()): Promise<EvaluationJobEntity[]> {
    const { moved, published } = await this.db.write(async (tx) => {
      const moved: EvaluationJobEntity[] = [];
      const published: AfterCommit[] = [];
      for (const job of await this.repo.lockExpired(tx, now)) {
        const expiries = job.leaseExpiries + 1;
        let patch: Partial<EvaluationJobEntity>;
        if (job.cancelRequested) patch = { status: EvaluationJobStatus.CANCELLED, leaseExpiries: expiries, error: 'cancelled (lease expired)', errorCode: 'CANCELLED', finishedAt: now, leaseExpiresAt: null };
        else if (expiries >= job.maxAttempts) patch = { status: EvaluationJobStatus.FAILED, leaseExpiries: expiries, error: `lease expired ${expiries} times`, errorCode: 'LEASE_EXPIRED', finishedAt: now, leaseExpiresAt: null };
        else patch = { status: EvaluationJobStatus.QUEUED, leaseExpiries: expiries, workerId: null, leaseExpiresAt: null, progress: null, error: `lease expired (attempt ${job.attempt})` };
        if (!(await this.repo.moveIf(tx, job.id, { status: EvaluationJobStatus.RUNNING, attempt: job.attempt }, patch))) continue;
        const next = { ...job, ...patch, updatedAt: now } as EvaluationJobEntity;
        moved.push(next);
        // A job that ends here (CANCELLED, FAILED) ends its run in this transaction too.
        if (next.status !== EvaluationJobStatus.QUEUED) published.push(await this.runWriter.endIn(tx, next));
      }
      return { moved, published };
    });
    published.forEach((publish) => publish());
    for (const job of moved) {
      if (job.status === EvaluationJobStatus.QUEUED) publishJobQueued(this.pubSub, job.id);
      publishJobUpdated(this.pubSub, job);
    }
    if (moved.length) this.logger.log(`lease sweep: ${moved.map((j) => `${j.id.slice(0, 8)}→${j.status}`).join(', ')}`);
    return moved;
  }
}
