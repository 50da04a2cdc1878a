/** The pipeline's handle on its post-processing thread (NMS + metrics). */
import { Worker } from 'node:worker_threads';
import type { BatchImage, PostConfig, PreparedBatch, ShardResult } from './post-processor';
import { resolveThreadScript } from './thread-script';

type PostReply =
  | { type: 'ready' }
  | { type: 'batch-done'; id: number; ms: number }
  | { type: 'result'; result: ShardResult }
  | { type: 'failed'; message: string };

export class PostThreadClient {
  private nextId = 0;
  private failure?: Error;
  private waiters: { until: (m: PostReply) => boolean; resolve: (m: PostReply) => void; reject: (e: Error) => void }[] = [];
  /** Milliseconds spent in NMS + metrics, summed over batches. */
  busyMs = 0;
  inFlight = 0;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: PostReply) => {
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
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`post-processing thread exited with code ${code}`)));
  }

  static async start(config: PostConfig): Promise<PostThreadClient> {
    const client = new PostThreadClient(new Worker(resolveThreadScript('post-thread', __dirname)));
    client.worker.postMessage({ type: 'init', config });
    await client.waitFor((m) => m.type === 'ready');
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
    return (reply as { type: 'result'; result: ShardResult }).result;
  }

  async close(): Promise<void> {
    this.failure ??= new Error('post-processing thread closed');
    await this.worker.terminate();
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
