// The worker agent: registers, waits for jobs (subscription wake-up, polling fallback), claims one with a lease,
// evaluates it with the pipeline while heartbeating, and reports the result or the failure on the job.
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { EvaluationOptions, EvaluationProgress, EvaluationResult } from '../pipeline/evaluation-types';
import type { WorkerCapabilities } from '../pipeline/probe-capabilities';
import { ApiClient, ApiError } from './api-client';
import { WorkerCache } from './cache';
import { CLAIM_JOB, COMPLETE, FAIL, HEARTBEAT, JOB_QUEUED, type JobClaim, REGISTER_WORKER, RELEASE } from './protocol';

export interface AgentOptions {
  apiUrl: string;
  token: string;
  name?: string;
  cacheDir: string;
  pollSeconds?: number;
  leaseSeconds?: number;
  deviceId?: number;
  /** Overrides the job's provider request (e.g. CPU on a box whose CUDA is known broken). */
  executionProvider?: 'AUTO' | 'CUDA' | 'CPU';
  log?: (msg: string) => void;
}

export interface AgentDeps {
  runEvaluation(opts: EvaluationOptions): Promise<EvaluationResult>;
  probeCapabilities(deviceId?: number): Promise<WorkerCapabilities>;
}

type StopMode = 'cancel' | 'release';

export class WorkerAgent {
  readonly api: ApiClient;
  private readonly cache: WorkerCache;
  private workerId?: string;
  private stopping = false;
  private wake?: () => void;
  private current?: { claim: JobClaim; abort: AbortController; mode?: StopMode };
  private loop?: Promise<void>;
  private unsubscribe?: () => void;
  private readonly log: (msg: string) => void;
  /** Jobs finished by this agent, for logs and tests. */
  readonly finished: { jobId: string; outcome: 'SUCCEEDED' | 'FAILED' | 'RELEASED' | 'CANCELLED'; error?: string }[] = [];

  constructor(
    private readonly opts: AgentOptions,
    private readonly deps: AgentDeps,
  ) {
    this.api = new ApiClient(opts.apiUrl, opts.token);
    this.cache = new WorkerCache(opts.cacheDir, this.api);
    this.log = opts.log ?? ((m) => console.log(`[worker] ${m}`));
  }

  async start(): Promise<void> {
    const caps = await this.deps.probeCapabilities(this.opts.deviceId ?? 0);
    const name = this.opts.name ?? `${hostname()}-${process.pid}`;
    const { registerWorker } = await this.api.request<{ registerWorker: { id: string } }>(REGISTER_WORKER, {
      input: {
        name,
        executionProviders: caps.executionProviders,
        gpuName: caps.gpuName ?? null,
        gpuMemoryMb: caps.gpuMemoryMb ?? null,
        cpuCores: caps.cpuCores,
        cpuModel: caps.cpuModel,
        version: '0.1.0',
      },
    });
    this.workerId = registerWorker.id;
    this.log(`registered as ${name} (${registerWorker.id}); providers ${caps.executionProviders.join(', ')}${caps.cudaUnavailableReason ? ` (CUDA: ${caps.cudaUnavailableReason})` : ''}${caps.gpuName ? `; GPU ${caps.gpuName}` : ''}`);
    this.unsubscribe = this.api.subscribe(JOB_QUEUED, () => this.wake?.());
    this.loop = this.run();
  }

  /** Stops taking jobs; a running job is released (SIGTERM) after its current batch. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.current) {
      this.current.mode = 'release';
      this.current.abort.abort();
    }
    this.wake?.();
    await this.loop;
    this.unsubscribe?.();
    await this.api.close();
  }

  private async run(): Promise<void> {
    const pollMs = (this.opts.pollSeconds ?? 5) * 1000;
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
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async claim(): Promise<JobClaim | null> {
    const { claimEvaluationJob } = await this.api.request<{ claimEvaluationJob: JobClaim | null }>(CLAIM_JOB, {
      input: { workerId: this.workerId, leaseSeconds: this.opts.leaseSeconds ?? 60 },
    });
    return claimEvaluationJob;
  }

  private async process(claim: JobClaim): Promise<void> {
    const { job, attempt } = claim;
    const abort = new AbortController();
    this.current = { claim, abort };
    this.log(`job ${job.id} attempt ${attempt}: ${claim.dataset.name} imgsz ${job.imgsz} ${job.executionProvider}`);
    let latest: EvaluationProgress = { done: 0, total: 0, imagesPerSecond: 0, etaSeconds: 0 };
    let lastBeat = 0;
    const beat = async () => {
      lastBeat = Date.now();
      try {
        const { heartbeatEvaluationJob } = await this.api.request<{ heartbeatEvaluationJob: { cancelRequested: boolean } }>(HEARTBEAT, {
          input: { jobId: job.id, attempt, progress: latest },
        });
        if (heartbeatEvaluationJob.cancelRequested && this.current?.claim === claim) {
          this.current.mode = 'cancel';
          abort.abort();
        }
      } catch (e) {
        // A stale attempt (the lease expired and the job went to another worker): stop working on it.
        if (e instanceof ApiError && e.code === 'CONFLICT') {
          this.log(`job ${job.id}: lease lost (${e.message}); abandoning`);
          if (this.current?.claim === claim) this.current.mode = 'cancel';
          abort.abort();
        }
      }
    };
    const leaseMs = (this.opts.leaseSeconds ?? 60) * 1000;
    const timer = setInterval(() => void beat(), Math.max(1000, leaseMs / 3));
    try {
      const [modelPath, datasetDir] = await Promise.all([this.cache.model(claim), this.cache.dataset(claim)]);
      const ds = claim.dataset;
      const result = await this.deps.runEvaluation({
        modelPath,
        dataset:
          ds.format === 'YOLO'
            ? { format: 'YOLO', imagesDir: join(datasetDir, ds.imagesDir), labelsDir: join(datasetDir, ds.labelsDir ?? 'labels'), classNames: ds.classNames }
            : { format: 'COCO', imagesDir: join(datasetDir, ds.imagesDir), annotationsPath: join(datasetDir, ds.annotationsPath ?? 'annotations.json') },
        imgsz: job.imgsz,
        conf: job.conf,
        iou: job.iou,
        maxDet: job.maxDet,
        classes: job.classes ?? undefined,
        batch: job.batch ?? undefined,
        executionProvider: this.opts.executionProvider ?? job.executionProvider,
        deviceId: this.opts.deviceId,
        signal: abort.signal,
        onProgress: (p) => {
          latest = p;
          if (Date.now() - lastBeat > 1000) void beat();
        },
      });
      if (abort.signal.aborted) throw Object.assign(new Error('cancelled'), { code: 'CANCELLED' });
      const { run: _run, ...reported } = result as EvaluationResult & { run?: unknown };
      await this.api.request(COMPLETE, { input: { jobId: job.id, attempt, result: reported } });
      this.finished.push({ jobId: job.id, outcome: 'SUCCEEDED' });
      this.log(`job ${job.id}: map50 ${result.map50.toFixed(4)} map50-95 ${result.map50_95.toFixed(4)} on ${result.executionProvider} (${result.imagesPerSecond.toFixed(1)} images/s)`);
    } catch (e) {
      await this.reportFailure(claim, e, this.current?.mode);
    } finally {
      clearInterval(timer);
      this.current = undefined;
    }
  }

  private async reportFailure(claim: JobClaim, e: unknown, mode: StopMode | undefined): Promise<void> {
    const { job, attempt } = claim;
    const code = (e as { code?: string }).code;
    const message = (e as Error).message ?? String(e);
    try {
      if (mode === 'release') {
        await this.api.request(RELEASE, { input: { jobId: job.id, attempt, reason: 'worker shutting down (SIGTERM)' } });
        this.finished.push({ jobId: job.id, outcome: 'RELEASED' });
        this.log(`job ${job.id}: released`);
      } else {
        const cancelled = mode === 'cancel' || code === 'CANCELLED';
        await this.api.request(FAIL, { input: { jobId: job.id, attempt, error: cancelled ? 'cancelled' : message, code: cancelled ? 'CANCELLED' : (code ?? 'WORKER_ERROR') } });
        this.finished.push({ jobId: job.id, outcome: cancelled ? 'CANCELLED' : 'FAILED', error: message });
        this.log(`job ${job.id}: ${cancelled ? 'cancelled' : `failed: ${code ?? ''} ${message}`}`);
      }
    } catch (reportError) {
      // Stale attempt or api down: the lease will expire and the api re-queues the job.
      this.log(`job ${job.id}: could not report (${(reportError as Error).message})`);
    }
  }
}
