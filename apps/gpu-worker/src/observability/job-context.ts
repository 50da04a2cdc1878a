// The job a worker's code runs for, carried through AsyncLocalStorage: every log line written while a job runs
// carries its id and attempt, and each job's outcome is counted once it ends.
import { AsyncLocalStorage } from 'node:async_hooks';
import { workerMetrics } from './worker-metrics';

export interface JobContext {
  jobId: string;
  attempt: number;
}

const storage = new AsyncLocalStorage<JobContext>();

/** Log fields of the running job ({} outside one). */
export function jobLogFields(): Partial<JobContext> {
  const job = storage.getStore();
  return job ? { jobId: job.jobId, attempt: job.attempt } : {};
}

/** Runs one claimed job inside its context; `outcome` says how it ended (SUCCEEDED, FAILED, RELEASED, …) once done. */
export async function runInJob(job: JobContext, run: () => Promise<void>, outcome: () => string | undefined): Promise<void> {
  workerMetrics.jobRunning.set(1);
  try {
    await storage.run(job, run);
  } finally {
    workerMetrics.jobRunning.set(0);
    workerMetrics.jobs.inc({ outcome: outcome() ?? 'UNKNOWN' });
  }
}
