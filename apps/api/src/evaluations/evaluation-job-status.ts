// Job statuses (defined with the lifecycle, registered for GraphQL here), requested settings and progress of a job.
import { registerEnumType } from 'type-graphql';
import { EvaluationJobStatus } from './job-lifecycle';
import type { JobSettings } from '@podium/contracts';

export { EvaluationJobStatus, FINAL_STATUSES, type JobProgress } from './job-lifecycle';

registerEnumType(EvaluationJobStatus, {
  name: 'EvaluationJobStatus',
  valuesConfig: {
    QUEUED: { description: 'Waiting for a worker to claim it.' },
    RUNNING: { description: 'Leased to a worker.' },
    SUCCEEDED: { description: 'Done; result holds the numbers.' },
    FAILED: { description: 'Failed on its last attempt (error, errorCode).' },
    CANCELLED: { description: 'Cancelled before it finished.' },
  },
  description: 'QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED (an expired lease puts RUNNING back to QUEUED).',
});

export enum ExecutionProvider {
  AUTO = 'AUTO',
  CUDA = 'CUDA',
  CPU = 'CPU',
}
registerEnumType(ExecutionProvider, {
  name: 'ExecutionProvider',
  valuesConfig: { AUTO: { description: 'CUDA when it loads, else CPU (fallbackReason says why).' }, CUDA: { description: 'CUDA or fail the job.' }, CPU: { description: 'CPU only.' } },
  description: 'AUTO tries CUDA and falls back to CPU; CUDA fails the job when it cannot load.',
});

/** A job's settings: the worker–api contract's (@podium/contracts), with the GraphQL enum for the provider. */
export type EvaluationSettings = JobSettings<ExecutionProvider>;
