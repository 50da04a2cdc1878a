// Typed topics of evaluation jobs; published after commit only.
import type { PodiumPubSub } from '../graphql/pubsub';
import type { EvaluationJobEntity } from './evaluation-job.entity';
import { toJobType } from './evaluations.mapper';

/** Per-job topic (topicId = job id): status changes, progress and the final result. */
export const EVALUATION_JOB_UPDATED = 'EVALUATION_JOB_UPDATED';
/** Wakes idle workers: a job became claimable. */
export const EVALUATION_JOB_QUEUED = 'EVALUATION_JOB_QUEUED';

export function publishJobUpdated(pubSub: PodiumPubSub, job: EvaluationJobEntity): void {
  pubSub.publish(EVALUATION_JOB_UPDATED, job.id, toJobType(job));
}

export function publishJobQueued(pubSub: PodiumPubSub, jobId: string): void {
  pubSub.publish(EVALUATION_JOB_QUEUED, { jobId });
}
