/**
 * The pipeline as a Nest provider: what the agent injects to evaluate jobs, prepare datasets and describe the
 * machine. It runs on the worker's helpers (WorkerThreads) and its tensor cache. On shutdown it aborts running
 * evaluations, which stop after their current batch and give their helpers back.
 */
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker-config';
import { WorkerThreads } from '../threads/worker-threads';
import type { EvaluationOptions, EvaluationResult } from './evaluation-types';
import { prepareDataset, type PrepareOptions, type PrepareResult } from './prepare-dataset';
import { probeCapabilities, type WorkerCapabilities } from './probe-capabilities';
import { runEvaluation } from './run-evaluation';
import { TensorCache } from './tensor-cache';

@Injectable()
export class PipelineService implements OnApplicationShutdown {
  private readonly running = new Map<AbortController, Promise<unknown>>();
  private readonly probes = new Map<number, Promise<WorkerCapabilities>>();
  /** One per process: every checkpoint's evaluation on the same dataset version decodes it once. */
  readonly tensorCache: TensorCache | null;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly threads: WorkerThreads,
  ) {
    this.tensorCache = config.tensorCacheGb > 0 ? new TensorCache(join(config.cacheDir, 'tensors'), config.tensorCacheGb * 1024 ** 3) : null;
  }

  runEvaluation(opts: EvaluationOptions): Promise<EvaluationResult> {
    const abort = new AbortController();
    opts.signal?.addEventListener('abort', () => abort.abort(opts.signal?.reason), { once: true });
    if (opts.signal?.aborted) abort.abort(opts.signal.reason);
    const run = runEvaluation({
      ...opts,
      threads: this.threads,
      deviceId: opts.deviceId ?? this.config.cudaDeviceId,
      tensorCache: opts.tensorCache === undefined ? this.tensorCache : opts.tensorCache,
      signal: abort.signal,
    });
    this.running.set(
      abort,
      run.catch(() => undefined),
    );
    return run.finally(() => this.running.delete(abort));
  }

  /** Builds the tensor cache's entry for a dataset now, so its first evaluation reads instead of decoding. */
  prepareDataset(opts: Omit<PrepareOptions, 'tensorCache' | 'threads'>): Promise<PrepareResult> {
    if (!this.tensorCache) return Promise.reject(new Error('the tensor cache is off (PODIUM_WORKER_TENSOR_CACHE_GB=0)'));
    return prepareDataset({ ...opts, tensorCache: this.tensorCache, threads: this.threads });
  }

  /** Probed once per device: the boot log and the agent's registration both ask, and a CUDA probe costs a context. */
  probeCapabilities(deviceId = this.config.cudaDeviceId): Promise<WorkerCapabilities> {
    let probe = this.probes.get(deviceId);
    if (!probe) this.probes.set(deviceId, (probe = probeCapabilities(deviceId)));
    return probe;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const abort of this.running.keys()) abort.abort(new Error('worker shutting down'));
    await Promise.all(this.running.values());
  }
}
