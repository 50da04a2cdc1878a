/**
 * Every helper the pipeline uses, owned in one place with one lifecycle: decode helpers (threads or processes),
 * post-processing threads and inference threads. In the worker it is a Nest provider (worker.module.ts): helpers
 * start at boot (`onApplicationBootstrap`) and stop at shutdown (`onApplicationShutdown`, after running evaluations
 * have let go of theirs). A standalone `runEvaluation` (benches, scripts) uses `WorkerThreads.shared()`, whose idle
 * helpers never hold the process open.
 */
import '../pipeline/ort-telemetry';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { cpus } from 'node:os';
import { defaultDecode } from '../config/worker-config';
import { DecodePool, type DecodePoolOptions } from '../pipeline/decode-pool';
import type { InferencePool } from '../pipeline/inference-thread-client';
import type { PostPool } from '../pipeline/post-thread-client';
import { planShards } from '../pipeline/post-processor';
import { ThreadPool } from './thread-pool';

const pipelineDir = `${__dirname}/../pipeline`;

export class WorkerThreads implements OnApplicationBootstrap, OnApplicationShutdown {
  private static sharedInstance?: WorkerThreads;
  readonly post: PostPool = new ThreadPool({ script: 'post-thread', fromDir: pipelineDir }, 4);
  readonly inference: InferencePool = new ThreadPool({ script: 'inference-thread', fromDir: pipelineDir }, 1);
  private decodePool?: DecodePool;

  constructor(private readonly decodeOptions: DecodePoolOptions = defaultDecode(cpus().length)) {}

  /** The process's helpers for standalone use, made on first use. */
  static shared(): WorkerThreads {
    return (WorkerThreads.sharedInstance ??= new WorkerThreads());
  }

  /** Started on first use when not at boot. */
  get decode(): DecodePool {
    return (this.decodePool ??= new DecodePool(this.decodeOptions));
  }

  /** Starts the helpers a first job needs, so their modules load before it arrives. */
  start(): void {
    void this.decode;
    this.post.prewarm(planShards(0.7).length);
    this.inference.prewarm(1);
  }

  async close(): Promise<void> {
    await Promise.all([this.post.close(), this.inference.close(), this.decodePool?.close()]);
    if (WorkerThreads.sharedInstance === this) WorkerThreads.sharedInstance = undefined;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
