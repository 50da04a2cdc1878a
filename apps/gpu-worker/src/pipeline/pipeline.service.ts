/**
 * The pipeline as a Nest provider: what the agent injects to evaluate jobs and describe the machine. On shutdown
 * it aborts running evaluations, which stop after their current batch and close their sessions.
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { WORKER_CONFIG, type WorkerConfig } from '../config/worker-config';
import { DecodePool } from './decode-pool';
import { DecodedCache } from './decoded-cache';
import type { EvaluationOptions, EvaluationResult } from './evaluation-types';
import { probeCapabilities, type WorkerCapabilities } from './probe-capabilities';
import { planShards } from './post-processor';
import { prewarmPostThreads } from './post-thread-client';
import { defaultDecodeThreads, runEvaluation } from './run-evaluation';

@Injectable()
export class PipelineService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly running = new Map<AbortController, Promise<unknown>>();
  private readonly probes = new Map<number, Promise<WorkerCapabilities>>();
  /** One per process: every epoch's evaluation on the same dataset decodes it once. */
  private readonly decodedCache: DecodedCache | null;

  constructor(@Inject(WORKER_CONFIG) private readonly config: WorkerConfig) {
    this.decodedCache = config.decodeCacheMb > 0 ? new DecodedCache(config.decodeCacheMb * 1024 * 1024) : null;
  }

  /** The decode and post-processing threads start with the worker, not with its first job (they are reused). */
  onApplicationBootstrap(): void {
    DecodePool.shared(defaultDecodeThreads());
    prewarmPostThreads(planShards(0.7).length);
  }

  runEvaluation(opts: EvaluationOptions): Promise<EvaluationResult> {
    const abort = new AbortController();
    opts.signal?.addEventListener('abort', () => abort.abort(opts.signal?.reason), { once: true });
    if (opts.signal?.aborted) abort.abort(opts.signal.reason);
    const run = runEvaluation({
      ...opts,
      deviceId: opts.deviceId ?? this.config.cudaDeviceId,
      decodedCache: opts.decodedCache === undefined ? this.decodedCache : opts.decodedCache,
      signal: abort.signal,
    });
    this.running.set(abort, run.catch(() => undefined));
    return run.finally(() => this.running.delete(abort));
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
