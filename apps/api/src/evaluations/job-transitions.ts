// The one way a job moves: a plan from job-lifecycle.ts is persisted inside the caller's transaction (the patch under
// its compare-and-set, the evaluation run's part in the same transaction) and published once that has committed (the
// run's events, then a finished run's result files, which are not transactional, then the job's own events).
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Identity } from '../auth/roles';
import { PUB_SUB, type PodiumPubSub } from '../graphql/pubsub';
import type { EvaluationResultData } from './evaluation-contract';
import type { EvaluationJobEntity } from './evaluation-job.entity';
import { EvaluationJobsRepository } from './evaluation-jobs.repository';
import { type AfterCommit, EvaluationRunWriter } from './evaluation-run.writer';
import { publishJobQueued, publishJobUpdated } from './job-events';
import type { JobEvent, JobMove } from './job-lifecycle';
import { jobTransitions } from '../observability/metrics';

/** A move written in a transaction, waiting for its commit to be published. */
export interface AppliedMove {
  readonly job: EvaluationJobEntity;
  readonly runEvents: AfterCommit | null;
  /** A SUCCEEDED job's result: its files are written after commit. */
  readonly files: EvaluationResultData | null;
  readonly events: readonly JobEvent[];
}

@Injectable()
export class JobTransitions {
  constructor(
    private readonly repo: EvaluationJobsRepository,
    private readonly runWriter: EvaluationRunWriter,
    @Inject(PUB_SUB) private readonly pubSub: PodiumPubSub,
  ) {}

  /** Writes `plan` inside `tx`; null when the compare-and-set found the job moved by someone else. */
  async persist(tx: EntityManager, plan: JobMove<EvaluationJobEntity>): Promise<AppliedMove | null> {
    if (!(await this.repo.moveIf(tx, plan.next.id, plan.expect, plan.patch))) return null;
    const job = plan.next;
    // The run's result and FINISHED (or its FAILED/KILLED) commit with the job's move or not at all: no reader sees one
    // without the other, and a crash cannot split them (a refused run write rolls the job back, still reportable).
    if (plan.run?.kind === 'FINISH') return { job, runEvents: await this.runWriter.finishIn(tx, job, plan.run.result), files: plan.run.result, events: plan.events };
    if (plan.run?.kind === 'END') return { job, runEvents: await this.runWriter.endIn(tx, job), files: null, events: plan.events };
    return { job, runEvents: null, files: null, events: plan.events };
  }

  /** After a new job's commit: it is claimable (idle workers wake) and its first state is out. */
  announceQueued(job: EvaluationJobEntity): void {
    publishJobQueued(this.pubSub, job.id);
    publishJobUpdated(this.pubSub, job);
  }

  /** After commit only: the run's events, the result files (by `actor`), then the job's events, move by move. */
  async publish(moves: readonly AppliedMove[], actor: Identity): Promise<void> {
    for (const move of moves) {
      jobTransitions.inc({ status: move.job.status });
      move.runEvents?.();
      if (move.files) await this.runWriter.writeResultFiles(move.job, move.files, actor);
      for (const event of move.events) {
        if (event === 'JOB_QUEUED') publishJobQueued(this.pubSub, move.job.id);
        else publishJobUpdated(this.pubSub, move.job);
      }
    }
  }
}
