// The worker side of evaluation jobs: claim with a lease, heartbeat, complete, fail, release, lease expiry and the
// hand-back of a removed worker's jobs. Each is lock → plan (job-lifecycle.ts: the stale-attempt and claimant rules)
// → persist → publish after commit (job-transitions.ts); the worker itself is admitted first (workers/worker-rules.ts).
import { Injectable, Logger } from '@nestjs/common';
import { type Identity, Role } from '../auth/roles';
import { AppError } from '../common/app-error';
import { refusalError } from '../common/refusal';
import { Database, type UnitOfWork } from '../database/database';
import type { WorkerEntity } from '../workers/worker.entity';
import { WorkersService } from '../workers/workers.service';
import { type EvaluationResultData, validateResult } from './evaluation-contract';
import type { EvaluationJobEntity } from './evaluation-job.entity';
import { EvaluationJobStatus } from './evaluation-job-status';
import { EvaluationJobsRepository } from './evaluation-jobs.repository';
import { EvaluationRunWriter } from './evaluation-run.writer';
import {
  type Claimant,
  type JobPlan,
  type JobProgress,
  planClaim,
  planComplete,
  planFail,
  planHeartbeat,
  planLeaseExpiry,
  planRelease,
  planResultFile,
  planWorkerRemoval,
  staleAttempt,
} from './job-lifecycle';
import { JobTransitions } from './job-transitions';

const SWEEPER: Identity = { name: 'lease-sweeper', role: Role.ADMIN };

/** What every report carries: the job, the attempt it holds, and the worker sending it. */
export interface ReportRef {
  jobId: string;
  attempt: number;
  workerId: string;
}

type Job = EvaluationJobEntity;

@Injectable()
export class JobLeaseService {
  private readonly logger = new Logger('Evaluations');

  constructor(
    private readonly db: Database,
    private readonly repo: EvaluationJobsRepository,
    private readonly workers: WorkersService,
    private readonly transitions: JobTransitions,
    private readonly runWriter: EvaluationRunWriter,
  ) {}

  /**
   * Takes the oldest QUEUED job `workerId` can run, in one write transaction; null when none. The worker must be the
   * caller's and ACTIVE. A job that asks for CUDA waits for a CUDA worker while an ACTIVE one is alive (seen in the
   * last 2 minutes); when none is, any worker takes it and fails it with the provider's reason (PROVIDER_UNAVAILABLE)
   * rather than leaving it queued forever. The claim records the worker and the caller's api token.
   */
  async claim(req: { workerId: string; leaseSeconds: number }, caller: Identity): Promise<Job | null> {
    const at = Date.now();
    return this.db.write(async (tx) => {
      const worker = await this.workers.admitClaim(tx, req.workerId, caller, at);
      const canRunCuda = worker.executionProviders.includes('CUDA') || !(await this.workers.anyLiveWithProvider(tx, 'CUDA', at));
      const next = await this.repo.lockNextQueued(tx, { canRunCuda });
      if (!next) return null;
      const plan = planClaim(next, { claimant: claimantOf(req.workerId, caller), leaseSeconds: req.leaseSeconds }, at);
      // The row is locked (PostgreSQL) or the writer is ours alone (SQLite): the compare-and-set cannot lose.
      return plan.kind === 'MOVE' ? this.transitions.persist(tx, plan, caller) : null;
    });
  }

  heartbeat(ref: ReportRef, progress: JobProgress | null, caller: Identity): Promise<Job> {
    return this.report(ref, caller, (job, claimant, at) => planHeartbeat(job, { ...ref, claimant, progress }, at));
  }

  /** Idempotent per attempt: the claimant completing the same attempt again gets the job back; nothing is written. */
  complete(ref: ReportRef, raw: Record<string, unknown>, caller: Identity): Promise<Job> {
    const result: EvaluationResultData = validateResult(raw);
    return this.report(ref, caller, (job, claimant, at) => planComplete(job, { ...ref, claimant, raw, result }, at));
  }

  /** FAILED, or CANCELLED when the worker stopped for a cancel (code CANCELLED or a cancel was requested). */
  fail(ref: ReportRef, error: string, code: string | null, caller: Identity): Promise<Job> {
    return this.report(ref, caller, (job, claimant, at) => planFail(job, { ...ref, claimant, error, code }, at));
  }

  /** A worker stopping (SIGTERM) hands the job back: QUEUED again, not counted against the attempt cap. */
  release(ref: ReportRef, reason: string, caller: Identity): Promise<Job> {
    return this.report(ref, caller, (job, claimant, at) => planRelease(job, { ...ref, claimant, reason }, at));
  }

  /**
   * Inside the transaction that removes `worker`: its RUNNING jobs go back to the queue (a new attempt, not counted
   * as a failure; CANCELLED if a cancel was requested). Returns them; their events go after commit.
   */
  async handBackJobsOf(tx: UnitOfWork, worker: WorkerEntity, by: Identity, at: number): Promise<Job[]> {
    const moved: Job[] = [];
    for (const job of await this.repo.lockRunningByWorker(tx, worker.id)) {
      const plan = planWorkerRemoval(job, { workerId: worker.id, workerName: worker.name, by: by.name }, at);
      const applied = plan.kind === 'MOVE' ? await this.transitions.persist(tx, plan, by) : null;
      if (applied) moved.push(applied);
    }
    return moved;
  }

  /**
   * Re-queues RUNNING jobs whose lease ended before `now` (the next claim is attempt + 1); the maxAttempts-th expiry
   * fails the job instead. Returns the jobs it moved. Called by the sweeper timer, and by tests with a chosen `now`.
   */
  async requeueExpiredLeases(now: number = Date.now()): Promise<Job[]> {
    const moves = await this.db.write(async (tx) => {
      const out: Job[] = [];
      for (const job of await this.repo.lockExpired(tx, now)) {
        const plan = planLeaseExpiry(job, now);
        const applied = plan.kind === 'MOVE' ? await this.transitions.persist(tx, plan, SWEEPER) : null;
        if (applied) out.push(applied);
      }
      return out;
    });
    if (moves.length) this.logger.log(`lease sweep: ${moves.map((j) => `${j.id.slice(0, 8)}→${j.status}`).join(', ')}`);
    return moves;
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
        if (job.status === EvaluationJobStatus.SUCCEEDED && job.result) {
          const result = validateResult(job.result);
          await this.runWriter.finish(job, result);
          await this.runWriter.writeResultFiles(job, result, SWEEPER);
        } else await this.runWriter.end(job);
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
   * The evaluation run a result file of this attempt is stored on (its detections), once the caller is the attempt's
   * claimant and it runs: admitted as any report (worker, lock, plan), nothing written on the job.
   */
  async resultFileRun(ref: ReportRef, caller: Identity): Promise<string> {
    const at = Date.now();
    return this.db.write(async (tx) => {
      await this.workers.admitReport(tx, ref.workerId, caller, at);
      const p = planResultFile(await this.repo.lockById(tx, ref.jobId), { jobId: ref.jobId, attempt: ref.attempt, claimant: claimantOf(ref.workerId, caller) });
      if (p.kind === 'REFUSED') throw refusalError(p.refusal);
      if (!p.job.runId) throw new AppError('FAILED_PRECONDITION', `job ${ref.jobId} has no evaluation run to keep files on`);
      return p.job.runId;
    });
  }

  /** A report: admit the worker (the caller's, not removed), lock the job, plan, persist, publish after commit. */
  private async report(ref: ReportRef, caller: Identity, plan: (job: Job | null, claimant: Claimant, at: number) => JobPlan<Job>): Promise<Job> {
    const at = Date.now();
    return this.db.write(async (tx) => {
      await this.workers.admitReport(tx, ref.workerId, caller, at);
      const job = await this.repo.lockById(tx, ref.jobId);
      const p = plan(job, claimantOf(ref.workerId, caller), at);
      if (p.kind === 'REFUSED') throw refusalError(p.refusal);
      if (p.kind === 'UNCHANGED') return p.job;
      const applied = await this.transitions.persist(tx, p, caller);
      // The row is locked, so this is a last guard: a move that lost its compare-and-set reports the attempt stale.
      if (!applied) throw refusalError(staleAttempt(job, ref.jobId, ref.attempt).refusal);
      return applied;
    });
  }
}

function claimantOf(workerId: string, caller: Identity): Claimant {
  return { workerId, tokenId: caller.tokenId ?? null };
}
