// The one way a job moves: a plan from job-lifecycle.ts is persisted inside the caller's transaction (the patch under
// its compare-and-set, the evaluation run's part in the same transaction) and published once that has committed (the
// run's events, then a finished run's result files, which are not transactional, then the job's own events).
import { Inject, Injectable } from '@nestjs/common';
import type { Identity } from '../auth/roles';
import type { UnitOfWork } from '../database/database';
import { PUB_SUB, type PodiumPubSub } from '../graphql/pubsub';
import type { EvaluationJobEntity } from './evaluation-job.entity';
import { EvaluationJobsRepository } from './evaluation-jobs.repository';
import { EvaluationRunWriter } from './evaluation-run.writer';
import { publishJobQueued, publishJobUpdated } from './job-events';
import type { JobMove } from './job-lifecycle';
import { jobTransitions } from '../observability/metrics';

@Injectable()
export class JobTransitions {
  constructor(
    private readonly repo: EvaluationJobsRepository,
    private readonly runWriter: EvaluationRunWriter,
    @Inject(PUB_SUB) private readonly pubSub: PodiumPubSub,
  ) {}

  /**
   * Writes `plan` in `tx`; null when the compare-and-set found the job moved by someone else. After commit, in this
   * order: the run's events, a SUCCEEDED job's result files (written by `actor`), then the job's own events.
   */
  async persist(tx: UnitOfWork, plan: JobMove<EvaluationJobEntity>, actor: Identity): Promise<EvaluationJobEntity | null> {
    if (!(await this.repo.moveIf(tx, plan.next.id, plan.expect, plan.patch))) return null;
    const job = plan.next;
    // The run's result and FINISHED (or its FAILED/KILLED) commit with the job's move or not at all: no reader sees one
    // without the other, and a crash cannot split them (a refused run write rolls the job back, still reportable).
    if (plan.run?.kind === 'FINISH') await this.runWriter.finish(job, plan.run.result, tx);
    if (plan.run?.kind === 'END') await this.runWriter.end(job, tx);
    tx.afterCommit(() => void jobTransitions.inc({ status: job.status }));
    const result = plan.run?.kind === 'FINISH' ? plan.run.result : null;
    if (result) tx.afterCommit(() => this.runWriter.writeResultFiles(job, result, actor));
    tx.afterCommit(() => {
      for (const event of plan.events) {
        if (event === 'JOB_QUEUED') publishJobQueued(this.pubSub, job.id);
        else publishJobUpdated(this.pubSub, job);
      }
    });
    return job;
  }

  /** In the unit of work that inserts a new job: after commit it is claimable (idle workers wake) and its first state is out. */
  announceQueued(tx: UnitOfWork, job: EvaluationJobEntity): void {
    tx.afterCommit(() => {
      publishJobQueued(this.pubSub, job.id);
      publishJobUpdated(this.pubSub, job);
    });
  }
}
