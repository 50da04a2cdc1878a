/** Typed failures of an evaluation; the agent maps `code` onto the job's error. */
export type WorkerErrorCode = 'MODEL_INVALID' | 'MODEL_INCOMPATIBLE' | 'PROVIDER_UNAVAILABLE' | 'DATASET_INVALID' | 'CANCELLED';

export class WorkerError extends Error {
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}
