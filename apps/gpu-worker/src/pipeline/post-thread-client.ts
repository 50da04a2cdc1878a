/**
 * The pipeline's handle on a post-processing thread (NMS + metrics). Threads outlive an evaluation: one that finished
 * cleanly goes back to an idle pool (unreferenced, so it never holds the process open) and the next evaluation
 * re-initialises it, its JIT already warm; one that failed, or was closed mid-evaluation, is terminated.
 */
import { Worker } from 'node:worker_threads';
import type { BatchImage, PostConfig, PreparedBatch, ShardResult } from './post-processor';
import { resolveThreadScript } from './thread-script';

type PostReply =
  | { type: 'ready' }
  | { type: 'batch-done'; id: number; ms: number }
  | { type: 'result'; result: ShardResult }
  | { type: 'failed'; message: string };

const MAX_IDLE = 4;
/** Idle threads, each with the listener that drops it from here if it dies while idle. */
const idle: { worker: Worker; drop: () => void }[] = [];
let created = 0;

/** Threads started so far and idle now (tests, benches). */
export function postThreadPoolStats(): { created: number; idle: number } {
  return { created, idle: idle.length };
}

/** Starts idle threads up to `count` ahead of the first evaluation (a worker at boot): their modules load meanwhile. */
export function prewarmPostThreads(count: number): void {
  while (idle.length < Math.min(count, MAX_IDLE)) {
    created++;
    giveBack(new Worker(resolveThreadScript('post-thread', __dirname)));
  }
}

function takeWorker(): Worker {
  const entry = idle.pop();
  if (entry) {
    entry.worker.off('error', entry.drop).off('exit', entry.drop);
    entry.worker.ref();
    return entry.worker;
  }
  created++;
  return new Worker(resolveThreadScript('post-thread', __dirname));
}

function giveBack(worker: Worker): void {
  if (idle.length >= MAX_IDLE) {
    void worker.terminate();
    return;
  }
  worker.unref();
  const entry = {
    worker,
    drop: () => {
      const at = idle.indexOf(entry);
      if (at >= 0) idle.splice(at, 1);
    },
  };
  worker.on('error', entry.drop).on('exit', entry.drop);
  idle.push(entry);
}

export class PostThreadClient {
  private nextId = 0;
  private failure?: Error;
  private finished = false;
  private waiters: { until: (m: PostReply) => boolean; resolve: (m: PostReply) => void; reject: (e: Error) => void }[] = [];
  /** Milliseconds spent in NMS + metrics, summed over batches. */
  busyMs = 0;
  inFlight = 0;

  private readonly onMessage = (message: PostReply) => {
    if (message.type === 'batch-done') {
      this.busyMs += message.ms;
      this.inFlight--;
    }
    if (message.type === 'failed') return this.fail(new Error(`post-processing failed: ${message.message}`));
    for (const waiter of [...this.waiters]) {
      if (waiter.until(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  };
  private readonly onError = (error: Error) => this.fail(error);
  private readonly onExit = (code: number) => this.fail(new Error(`post-processing thread exited with code ${code}`));

  private constructor(private readonly worker: Worker) {
    worker.on('message', this.onMessage).on('error', this.onError).on('exit', this.onExit);
  }

  static async start(config: PostConfig): Promise<PostThreadClient> {
    const client = new PostThreadClient(takeWorker());
    client.worker.postMessage({ type: 'init', config });
    try {
      await client.waitFor((m) => m.type === 'ready');
    } catch (error) {
      await client.worker.terminate();
      throw error;
    }
    return client;
  }

  /** Queues a prepared batch; with `transfer`, its buffers move to the thread (unusable here afterwards). */
  add(images: BatchImage[], batch: PreparedBatch, transfer: boolean): void {
    if (this.failure) throw this.failure;
    const buffers = [batch.starts.buffer, batch.cls.buffer, batch.corners.buffer, batch.area.buffer, batch.score.buffer];
    this.inFlight++;
    this.worker.postMessage({ type: 'batch', id: this.nextId++, images, batch }, transfer ? (buffers as ArrayBuffer[]) : []);
  }

  /** Resolves once fewer than `max` batches wait in the thread (back-pressure). */
  async drainTo(max: number): Promise<void> {
    while (this.inFlight > max) await this.waitFor((m) => m.type === 'batch-done');
  }

  async finish(): Promise<ShardResult> {
    this.worker.postMessage({ type: 'finish' });
    const reply = await this.waitFor((m) => m.type === 'result');
    this.finished = true;
    return (reply as { type: 'result'; result: ShardResult }).result;
  }

  /** Back to the pool after a clean finish (nothing left in flight); terminated otherwise. */
  async close(): Promise<void> {
    const reusable = this.finished && !this.failure && this.inFlight === 0;
    this.failure ??= new Error('post-processing thread closed');
    if (reusable) {
      this.worker.off('message', this.onMessage).off('error', this.onError).off('exit', this.onExit);
      giveBack(this.worker);
    } else {
      await this.worker.terminate();
    }
  }

  private waitFor(until: (m: PostReply) => boolean): Promise<PostReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ until, resolve, reject }));
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
  }
}
