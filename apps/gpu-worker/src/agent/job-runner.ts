// One claimed job on this worker: fetch the model and dataset (cached), evaluate while heartbeating, and report the
// result, the failure, or the release on shutdown. Every report names the job, the attempt and this worker.
import { WorkerError } from '../errors/worker-error';
import type { EvaluationOptions, EvaluationProgress, EvaluationResult } from '../pipeline/evaluation-types';
import { type ApiClient, ApiError } from './api-client';
import type { WorkerCache } from './cache';
import { datasetSpec, failureOf, reportedResult } from './job-mapping';
import { COMPLETE, FAIL, HEARTBEAT, type JobClaim, RELEASE, WORKER_REMOVED } from './protocol';

/** Why a running job is being stopped: cancelled by a user, released on shutdown, or lost to another attempt. */
export type StopMode = 'cancel' | 'release' | 'lost';

export type JobOutcome = 'SUCCEEDED' | 'FAILED' | 'RELEASED' | 'CANCELLED' | 'LOST';

/** What the api's heartbeat takes (the timings stay in the result). */
type HeartbeatProgress = Pick<EvaluationProgress, 'done' | 'total' | 'imagesPerSecond' | 'etaSeconds'>;

export const isRemoval = (e: unknown): e is ApiError => e instanceof ApiError && e.reason === WORKER_REMOVED;

export interface RunningJob {
  claim: JobClaim;
  abort: AbortController;
  mode?: StopMode;
}

export interface AttemptRef {
  jobId: string;
  attempt: number;
  workerId: string;
}

/** What a job run needs from its agent. */
export interface JobHost {
  api: ApiClient;
  cache: WorkerCache;
  leaseSeconds: number;
  executionProvider?: 'AUTO' | 'CUDA' | 'CPU';
  deviceId?: number;
  runEvaluation(opts: EvaluationOptions): Promise<EvaluationResult>;
  workerId(): string;
  log(msg: string): void;
  /** An ADMIN removed the worker (seen on a report): the agent stops. */
  retire(message: string): void;
  finished: { jobId: string; outcome: JobOutcome; error?: string }[];
}

export class JobRunner {
  /** The job being run, if any. */
  current?: RunningJob;

  constructor(private readonly host: JobHost) {}

  /** Stops the running job after its current batch; the first reason given wins unless `force`. */
  stop(mode: StopMode, why: string, force = false): void {
    if (!this.current) return;
    if (force) this.current.mode = mode;
    else this.current.mode ??= mode;
    this.current.abort.abort(new Error(why));
  }

  /** Runs `claim` to its end: the result, a failure, a release (shutdown) or nothing (lost, removed). */
  async run(claim: JobClaim): Promise<void> {
    const { job, attempt } = claim;
    const settings = job.settings;
    const abort = new AbortController();
    const current: RunningJob = { claim, abort };
    this.current = current;
    this.host.log(`job ${job.id} attempt ${attempt}: ${claim.dataset.name} imgsz ${settings.imgsz} ${settings.executionProvider}${job.epoch !== null ? ` epoch ${job.epoch}` : ''}`);
    let latest: HeartbeatProgress = { done: 0, total: 0, imagesPerSecond: 0, etaSeconds: 0 };
    // 0: the first progress (after the first batch) is reported at once, so watchers see the total early.
    let lastBeat = 0;
    let beating: Promise<void> | undefined;
    let again = false;
    const beat = (): Promise<void> => {
      // One heartbeat in flight at a time: progress callbacks and the lease timer share it. A beat asked for while one
      // is in flight (which carries older progress) follows it, so the latest progress is always reported.
      if (beating) {
        again = true;
        return beating;
      }
      beating = this.heartbeat(current, latest)
        .finally(() => {
          lastBeat = Date.now();
          beating = undefined;
        })
        .then(() => {
          if (!again) return;
          again = false;
          return beat();
        });
      return beating;
    };
    // The lease is kept by the timer even while one long batch gives no progress.
    const leaseMs = this.host.leaseSeconds * 1000;
    const timer = setInterval(() => void beat(), Math.max(1000, leaseMs / 3));
    const names: Record<string, string> = {};
    try {
      const [modelPath, datasetDir, predictionsPath] = await Promise.all([this.host.cache.model(claim), this.host.cache.dataset(claim), this.host.cache.predictionsPath(claim)]);
      names[modelPath] = claim.modelUrl;
      names[datasetDir] = `dataset ${claim.dataset.name}`;
      if (abort.signal.aborted) throw new WorkerError('CANCELLED', 'stopped before the evaluation started');
      const override = this.host.executionProvider;
      const result = await this.host.runEvaluation({
        modelPath,
        dataset: datasetSpec(claim, datasetDir),
        datasetDigest: claim.dataset.digest,
        predictionsPath,
        imgsz: settings.imgsz,
        conf: settings.conf,
        iou: settings.iou,
        maxDet: settings.maxDet,
        classes: settings.classes ?? undefined,
        batch: settings.batch ?? undefined,
        executionProvider: override && override !== 'AUTO' ? override : settings.executionProvider,
        deviceId: this.host.deviceId,
        signal: abort.signal,
        onProgress: (p) => {
          latest = p;
          if (Date.now() - lastBeat > 1000) void beat();
        },
      });
      // No heartbeat after this point: one racing the completion would be refused and read as a lost lease.
      clearInterval(timer);
      // A cancel or a lost lease that arrived during the last batch wins; a shutdown does not throw work away.
      if (current.mode === 'cancel' || current.mode === 'lost') throw new WorkerError('CANCELLED', 'cancelled');
      await beating;
      if (result.predictionsPath) await this.keepDetections(claim, result.predictionsPath);
      await this.host.api.request(COMPLETE, { input: { ...this.ref(claim), result: reportedResult(result, settings.conf, settings.iou) } });
      this.host.finished.push({ jobId: job.id, outcome: 'SUCCEEDED' });
      this.host.log(
        `job ${job.id}: map50 ${result.map50.toFixed(4)} map50-95 ${result.map50_95.toFixed(4)} on ${result.executionProvider} (${result.imagesPerSecond.toFixed(1)} images/s, pixels ${result.run.inputCache === 'hit' ? 'from the tensor cache' : result.run.inputCache === 'off' ? 'decoded' : 'decoded into the tensor cache'})${result.predictionsPath ? `; detections in ${result.predictionsPath}` : ''}`,
      );
    } catch (e) {
      clearInterval(timer);
      await beating;
      await this.reportFailure(claim, e, current.mode, names);
    } finally {
      clearInterval(timer);
      this.current = undefined;
    }
  }

  /**
   * Stores the detections file on the job's evaluation run (`evaluation/predictions.json.gz`) before the completion.
   * A refusal of the attempt (stale, not the claimant) is thrown: the completion would be refused the same way. Any
   * other failure (storage full, a dropped connection) is logged and the job still completes: its metrics stand,
   * and the file stays in the worker's cache.
   */
  private async keepDetections(claim: JobClaim, file: string): Promise<void> {
    const { jobId, attempt, workerId } = this.ref(claim);
    const route = `/evaluation-jobs/${encodeURIComponent(jobId)}/predictions?attempt=${attempt}&workerId=${encodeURIComponent(workerId)}`;
    try {
      await this.host.api.upload(route, file, 'application/gzip');
    } catch (e) {
      if (e instanceof ApiError && (e.reason === 'STALE_ATTEMPT' || e.reason === 'NOT_CLAIMANT')) throw e;
      this.host.log(`job ${jobId}: detections not stored on the evaluation run (${(e as Error).message}); they stay in ${file}`);
    }
  }

  /** What every report names: the job, the attempt this worker holds, and this worker. */
  private ref(claim: JobClaim): AttemptRef {
    return { jobId: claim.job.id, attempt: claim.attempt, workerId: this.host.workerId() };
  }

  private async heartbeat(current: RunningJob, progress: HeartbeatProgress): Promise<void> {
    const { job } = current.claim;
    try {
      const { heartbeatEvaluationJob } = await this.host.api.request<{ heartbeatEvaluationJob: { cancelRequested: boolean } }>(HEARTBEAT, {
        input: { ...this.ref(current.claim), progress: sanitizeProgress(progress) },
      });
      if (heartbeatEvaluationJob.cancelRequested && !current.abort.signal.aborted) {
        this.host.log(`job ${job.id}: cancel requested; stopping after the current batch`);
        current.mode = 'cancel';
        current.abort.abort(new Error('cancelled'));
      }
    } catch (e) {
      if (isRemoval(e)) return this.host.retire(e.message);
      // A stale attempt (the lease expired and the job was re-queued or finished elsewhere), or an attempt that is no
      // longer this worker's: stop working on it.
      if (e instanceof ApiError && (e.code === 'CONFLICT' || e.code === 'FORBIDDEN')) {
        this.host.log(`job ${job.id}: lease lost (${e.message}); abandoning`);
        current.mode = 'lost';
        current.abort.abort(new Error('lease lost'));
      } else {
        this.host.log(`job ${job.id}: heartbeat failed (${(e as Error).message})`);
      }
    }
  }

  private async reportFailure(claim: JobClaim, e: unknown, mode: StopMode | undefined, names: Record<string, string>): Promise<void> {
    const { job } = claim;
    // The completion itself was refused because the worker was removed: nothing is left to report.
    if (isRemoval(e)) {
      this.host.retire(e.message);
      mode = 'lost';
    }
    const failure = failureOf(e, mode === 'cancel', names);
    try {
      if (mode === 'lost') {
        this.host.finished.push({ jobId: job.id, outcome: 'LOST', error: failure.error });
      } else if (mode === 'release') {
        await this.host.api.request(RELEASE, { input: { ...this.ref(claim), reason: 'worker shutting down (SIGTERM)' } });
        this.host.finished.push({ jobId: job.id, outcome: 'RELEASED' });
        this.host.log(`job ${job.id}: released (back to the queue)`);
      } else {
        await this.host.api.request(FAIL, { input: { ...this.ref(claim), error: failure.error, code: failure.code } });
        const outcome = failure.code === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
        this.host.finished.push({ jobId: job.id, outcome, error: failure.error });
        this.host.log(`job ${job.id}: ${outcome === 'CANCELLED' ? 'cancelled' : `failed: ${failure.code} ${failure.error}`}`);
      }
    } catch (reportError) {
      if (isRemoval(reportError)) this.host.retire(reportError.message);
      // Stale attempt or api down: the lease will expire and the api re-queues the job.
      this.host.finished.push({ jobId: job.id, outcome: 'LOST', error: (reportError as Error).message });
      this.host.log(`job ${job.id}: could not report (${(reportError as Error).message})`);
    }
  }
}

/** The api refuses NaN/Infinity; the first progress callbacks may carry them (no rate yet). */
function sanitizeProgress(p: HeartbeatProgress): HeartbeatProgress {
  const finite = (v: number) => (Number.isFinite(v) && v >= 0 ? v : 0);
  return { done: Math.trunc(finite(p.done)), total: Math.trunc(finite(p.total)), imagesPerSecond: finite(p.imagesPerSecond), etaSeconds: finite(p.etaSeconds) };
}
