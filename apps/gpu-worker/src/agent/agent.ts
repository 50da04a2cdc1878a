// The worker agent: registers, waits for jobs (subscription wake-up, polling fallback), claims one with a lease,
// evaluates it with the pipeline while heartbeating, and reports the result or the failure on the job.
import { hostname } from 'node:os';
import { WorkerError } from '../errors/worker-error';
import type { EvaluationOptions, EvaluationProgress, EvaluationResult } from '../pipeline/evaluation-types';
import type { WorkerCapabilities } from '../pipeline/probe-capabilities';
import { ApiClient, ApiError } from './api-client';
import { WorkerCache } from './cache';
import { datasetSpec, failureOf, reportedResult } from './job-mapping';
import { CLAIM_JOB, COMPLETE, FAIL, HEARTBEAT, JOB_QUEUED, type JobClaim, REGISTER_WORKER, RELEASE } from './protocol';

export interface AgentOptions {
  apiUrl: string;
  token?: string;
  name?: string;
  cacheDir: string;
  pollSeconds?: number;
  leaseSeconds?: number;
  deviceId?: number;
  /** Overrides the job's provider request (e.g. CPU on a box whose CUDA is known broken); AUTO keeps the job's. */
  executionProvider?: 'AUTO' | 'CUDA' | 'CPU';
  log?: (msg: string) => void;
}

export interface AgentDeps {
  runEvaluation(opts: EvaluationOptions): Promise<EvaluationResult>;
  probeCapabilities(deviceId?: number): Promise<WorkerCapabilities>;
}

/** Why a running job is being stopped: cancelled by a user, released on shutdown, or lost to another attempt. */
type StopMode = 'cancel' | 'release' | 'lost';

export type JobOutcome = 'SUCCEEDED' | 'FAILED' | 'RELEASED' | 'CANCELLED' | 'LOST';

export const AGENT_VERSION = '0.1.0';

type HeartbeatProgress = Pick<EvaluationProgress, 'done' | 'total' | 'imagesPerSecond' | 'etaSeconds'>;

export class WorkerAgent {
  readonly api: ApiClient;
  private readonly cache: WorkerCache;
  private workerId?: string;
  private stopping = false;
  private wake?: () => void;
  private woken = false;
  private current?: { claim: JobClaim; abort: AbortController; mode?: StopMode };
  private loop?: Promise<void>;
  private unsubscribe?: () => void;
  private readonly log: (msg: string) => void;
  private readonly pollMs: number;
  private readonly leaseSeconds: number;
  private readonly registered: Promise<string>;
  private resolveRegistered!: (id: string) => void;
  /** Jobs finished by this agent, for logs and tests. */
  readonly finished: { jobId: string; outcome: JobOutcome; error?: string }[] = [];

  constructor(
    private readonly opts: AgentOptions,
    private readonly deps: AgentDeps,
  ) {
    this.pollMs = (opts.pollSeconds ?? 5) * 1000;
    this.leaseSeconds = opts.leaseSeconds ?? 60;
    this.api = new ApiClient(opts.apiUrl, opts.token ?? '');
    this.cache = new WorkerCache(opts.cacheDir, this.api);
    this.log = opts.log ?? ((m) => console.log(`[worker] ${m}`));
    this.registered = new Promise((resolve) => (this.resolveRegistered = resolve));
  }

  /**
   * Starts the job loop in the background; `ready()` resolves once the worker is registered. `onFatal` hears of an
   * error no retry can fix (a refused token), after which the loop has stopped.
   */
  start(onFatal?: (error: Error) => void): void {
    this.loop ??= this.main().catch((e) => {
      this.log(`job loop stopped: ${(e as Error).message}`);
      onFatal?.(e as Error);
    });
  }

  /** The worker's id once registered (the api may be unreachable for a while: registration retries). */
  ready(): Promise<string> {
    return this.registered;
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Stops taking jobs; a running job stops after its current batch and is released (back to QUEUED). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.current) {
      this.current.mode ??= 'release';
      this.current.abort.abort(new Error('worker shutting down'));
    }
    this.wakeUp();
    await this.loop;
    this.unsubscribe?.();
    await this.api.close();
  }

  private async main(): Promise<void> {
    await this.register();
    if (this.stopping) return;
    this.unsubscribe = this.api.subscribe(JOB_QUEUED, () => this.wakeUp(), (e) => this.log(`job wake-up subscription dropped (${describe(e)}); re-subscribing, polling every ${this.pollMs / 1000} s meanwhile`));
    while (!this.stopping) {
      let claim: JobClaim | null = null;
      try {
        claim = await this.claim();
      } catch (e) {
        this.log(`claim failed: ${(e as Error).message}`);
      }
      if (claim) {
        await this.process(claim);
        continue;
      }
      await this.sleep(this.pollMs);
    }
  }

  private async register(): Promise<void> {
    const caps = await this.deps.probeCapabilities(this.opts.deviceId ?? 0);
    const name = this.opts.name ?? `${hostname()}-${process.pid}`;
    const input = {
      name,
      executionProviders: caps.executionProviders,
      gpuName: caps.gpuName ?? null,
      gpuMemoryMb: caps.gpuMemoryMb ?? null,
      cpuCores: caps.cpuCores,
      cpuModel: caps.cpuModel?.slice(0, 256) || null,
      version: AGENT_VERSION,
    };
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        const { registerWorker } = await this.api.request<{ registerWorker: { id: string } }>(REGISTER_WORKER, { input });
        this.workerId = registerWorker.id;
        this.resolveRegistered(registerWorker.id);
        const cuda = caps.cudaUnavailableReason ? ` (CUDA: ${caps.cudaUnavailableReason})` : '';
        this.log(`registered as ${name} (${registerWorker.id}) at ${this.opts.apiUrl}; providers ${caps.executionProviders.join(', ')}${cuda}${caps.gpuName ? `; GPU ${caps.gpuName}` : ''}`);
        return;
      } catch (e) {
        // Auth and validation errors will not fix themselves; an api still starting (or restarting) will.
        if (e instanceof ApiError && ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT'].includes(e.code ?? '')) throw e;
        const waitMs = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
        if (attempt % 5 === 0) this.log(`cannot register at ${this.opts.apiUrl} (${(e as Error).message}); retrying`);
        await this.sleep(waitMs);
      }
    }
  }

  private wakeUp(): void {
    this.woken = true;
    this.wake?.();
  }

  /** Waits `ms` or until woken; a wake-up that arrived while busy is not lost. */
  private async sleep(ms: number): Promise<void> {
    if (this.woken || this.stopping) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
    this.woken = false;
  }

  private async claim(): Promise<JobClaim | null> {
    const { claimEvaluationJob } = await this.api.request<{ claimEvaluationJob: JobClaim | null }>(CLAIM_JOB, {
      input: { workerId: this.workerId, leaseSeconds: this.leaseSeconds },
    });
    return claimEvaluationJob;
  }

  private async process(claim: JobClaim): Promise<void> {
    const { job, attempt } = claim;
    const settings = job.settings;
    const abort = new AbortController();
    const current: NonNullable<WorkerAgent['current']> = { claim, abort };
    this.current = current;
    this.log(`job ${job.id} attempt ${attempt}: ${claim.dataset.name} imgsz ${settings.imgsz} ${settings.executionProvider}${job.epoch !== null ? ` epoch ${job.epoch}` : ''}`);
    // What the api's heartbeat takes (the timings stay in the result).
    let latest: HeartbeatProgress = { done: 0, total: 0, imagesPerSecond: 0, etaSeconds: 0 };
    // 0: the first progress (after the first batch) is reported at once, so watchers see the total early.
    let lastBeat = 0;
    let beating: Promise<void> | undefined;
    const beat = (): Promise<void> => {
      // One heartbeat in flight at a time: progress callbacks and the lease timer share it.
      beating ??= this.heartbeat(current, latest).finally(() => {
        lastBeat = Date.now();
        beating = undefined;
      });
      return beating;
    };
    // The lease is kept by the timer even while one long batch gives no progress.
    const leaseMs = this.leaseSeconds * 1000;
    const timer = setInterval(() => void beat(), Math.max(1000, leaseMs / 3));
    const names: Record<string, string> = {};
    try {
      const [modelPath, datasetDir, predictionsPath] = await Promise.all([this.cache.model(claim), this.cache.dataset(claim), this.cache.predictionsPath(claim)]);
      names[modelPath] = claim.modelUrl;
      names[datasetDir] = `dataset ${claim.dataset.name}`;
      if (abort.signal.aborted) throw new WorkerError('CANCELLED', 'stopped before the evaluation started');
      const override = this.opts.executionProvider;
      const result = await this.deps.runEvaluation({
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
        deviceId: this.opts.deviceId,
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
      await this.api.request(COMPLETE, { input: { jobId: job.id, attempt, result: reportedResult(result, settings.conf, settings.iou) } });
      this.finished.push({ jobId: job.id, outcome: 'SUCCEEDED' });
      this.log(`job ${job.id}: map50 ${result.map50.toFixed(4)} map50-95 ${result.map50_95.toFixed(4)} on ${result.executionProvider} (${result.imagesPerSecond.toFixed(1)} images/s, pixels ${result.run.inputCache === 'hit' ? 'from the tensor cache' : result.run.inputCache === 'off' ? 'decoded' : 'decoded into the tensor cache'})${result.predictionsPath ? `; detections in ${result.predictionsPath}` : ''}`);
    } catch (e) {
      clearInterval(timer);
      await beating;
      await this.reportFailure(claim, e, current.mode, names);
    } finally {
      clearInterval(timer);
      this.current = undefined;
    }
  }

  private async heartbeat(current: NonNullable<WorkerAgent['current']>, progress: HeartbeatProgress): Promise<void> {
    const { job, attempt } = current.claim;
    try {
      const { heartbeatEvaluationJob } = await this.api.request<{ heartbeatEvaluationJob: { cancelRequested: boolean } }>(HEARTBEAT, {
        input: { jobId: job.id, attempt, progress: sanitizeProgress(progress) },
      });
      if (heartbeatEvaluationJob.cancelRequested && !current.abort.signal.aborted) {
        this.log(`job ${job.id}: cancel requested; stopping after the current batch`);
        current.mode = 'cancel';
        current.abort.abort(new Error('cancelled'));
      }
    } catch (e) {
      // A stale attempt (the lease expired and the job was re-queued or finished elsewhere): stop working on it.
      if (e instanceof ApiError && e.code === 'CONFLICT') {
        this.log(`job ${job.id}: lease lost (${e.message}); abandoning`);
        current.mode = 'lost';
        current.abort.abort(new Error('lease lost'));
      } else {
        this.log(`job ${job.id}: heartbeat failed (${(e as Error).message})`);
      }
    }
  }

  private async reportFailure(claim: JobClaim, e: unknown, mode: StopMode | undefined, names: Record<string, string>): Promise<void> {
    const { job, attempt } = claim;
    const failure = failureOf(e, mode === 'cancel', names);
    try {
      if (mode === 'lost') {
        this.finished.push({ jobId: job.id, outcome: 'LOST', error: failure.error });
      } else if (mode === 'release') {
        await this.api.request(RELEASE, { input: { jobId: job.id, attempt, reason: 'worker shutting down (SIGTERM)' } });
        this.finished.push({ jobId: job.id, outcome: 'RELEASED' });
        this.log(`job ${job.id}: released (back to the queue)`);
      } else {
        await this.api.request(FAIL, { input: { jobId: job.id, attempt, error: failure.error, code: failure.code } });
        const outcome = failure.code === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
        this.finished.push({ jobId: job.id, outcome, error: failure.error });
        this.log(`job ${job.id}: ${outcome === 'CANCELLED' ? 'cancelled' : `failed: ${failure.code} ${failure.error}`}`);
      }
    } catch (reportError) {
      // Stale attempt or api down: the lease will expire and the api re-queues the job.
      this.finished.push({ jobId: job.id, outcome: 'LOST', error: (reportError as Error).message });
      this.log(`job ${job.id}: could not report (${(reportError as Error).message})`);
    }
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  const close = e as { code?: number; reason?: string };
  return close?.code ? `closed ${close.code} ${close.reason ?? ''}`.trim() : JSON.stringify(e);
}

/** The api refuses NaN/Infinity; the first progress callbacks may carry them (no rate yet). */
function sanitizeProgress(p: HeartbeatProgress): HeartbeatProgress {
  const finite = (v: number) => (Number.isFinite(v) && v >= 0 ? v : 0);
  return { done: Math.trunc(finite(p.done)), total: Math.trunc(finite(p.total)), imagesPerSecond: finite(p.imagesPerSecond), etaSeconds: finite(p.etaSeconds) };
}
