// The `evaluationJobUpdated` stream: the job as it is now, then each change after commit, ending after the final
// status — so a client that subscribes late (or after the job finished) still sees the current state and the result.
import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '../common/app-error';
import { isUuid } from '../common/uuid';
import { PUB_SUB, type PodiumPubSub } from '../graphql/pubsub';
import { FINAL_STATUSES } from './evaluation-job-status';
import { EvaluationJobsRepository } from './evaluation-jobs.repository';
import type { EvaluationJobType } from './dto/evaluation-job.type';
import { toJobType } from './evaluations.mapper';
import { EVALUATION_JOB_UPDATED } from './job-events';

const isFinal = (job: EvaluationJobType) => FINAL_STATUSES.has(job.status);
const timeOf = (d: Date | string) => new Date(d).getTime();

@Injectable()
export class JobUpdateStream {
  constructor(
    private readonly repo: EvaluationJobsRepository,
    @Inject(PUB_SUB) private readonly pubSub: PodiumPubSub,
  ) {}

  async *stream(jobId: string): AsyncGenerator<EvaluationJobType> {
    const events = this.pubSub.subscribe(EVALUATION_JOB_UPDATED, jobId)[Symbol.asyncIterator]();
    // The first next() attaches the listener: from here on no change is missed while the current state is read.
    let pending = events.next();
    try {
      const current = isUuid(jobId) ? await this.repo.findById(jobId) : null;
      if (!current) throw notFound('Evaluation job', jobId);
      const job = toJobType(current);
      yield job;
      if (isFinal(job)) return;
      let seen = timeOf(job.updatedAt);
      for (;;) {
        const next = await pending;
        if (next.done) return;
        const job = next.value;
        // An event published before the read above is older than what was already sent: skip it.
        if (timeOf(job.updatedAt) >= seen) {
          seen = timeOf(job.updatedAt);
          yield job;
          if (isFinal(job)) return;
        }
        pending = events.next();
      }
    } finally {
      await events.return?.();
    }
  }
}
