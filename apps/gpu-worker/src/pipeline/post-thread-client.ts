/**
 * The pipeline's handle on one post-processing thread for one evaluation, taken from the post pool (threads outlive
 * an evaluation: one that finished cleanly goes back and the next evaluation re-initialises it, its JIT warm).
 */
import type { Channel } from '../threads/channel';
import type { ThreadPool } from '../threads/thread-pool';
import type { PostReply, PostRequest } from './post-thread';
import type { BatchImage, PostConfig, PreparedBatch, ShardResult } from './post-processor';

export type PostPool = ThreadPool<PostRequest, PostReply>;

export class PostThreadClient {
  private failure?: Error;
  private finished = false;
  /** Milliseconds spent in NMS + metrics, summed over batches. */
  busyMs = 0;

  private constructor(
    private readonly pool: PostPool,
    private readonly channel: Channel<PostRequest, PostReply>,
  ) {}

  static async start(pool: PostPool, config: PostConfig): Promise<PostThreadClient> {
    const client = new PostThreadClient(pool, pool.acquire());
    try {
      await client.channel.request({ type: 'init', config });
    } catch (error) {
      await pool.release(client.channel, false);
      throw error;
    }
    return client;
  }

  /** Queues a prepared batch; with `transfer`, its buffers move to the thread (unusable here afterwards). */
  add(images: BatchImage[], batch: PreparedBatch, transfer: boolean): void {
    if (this.failure) throw this.failure;
    const buffers = [batch.starts.buffer, batch.cls.buffer, batch.corners.buffer, batch.area.buffer, batch.score.buffer] as ArrayBuffer[];
    this.channel.request({ type: 'batch', images, batch }, transfer ? buffers : []).then(
      (reply) => (this.busyMs += reply.ms ?? 0),
      (error: Error) => (this.failure ??= new Error(`post-processing failed: ${error.message}`)),
    );
  }

  /** Resolves once at most `max` batches wait in the thread (back-pressure). */
  async drainTo(max: number): Promise<void> {
    await this.channel.drainTo(max);
    if (this.failure) throw this.failure;
  }

  async finish(): Promise<ShardResult & { predictionsPath?: string }> {
    if (this.failure) throw this.failure;
    // Replies come in order: every batch is in once the result is.
    const reply = await this.channel.request({ type: 'finish' }).catch((error: Error) => {
      throw (this.failure ??= new Error(`post-processing failed: ${error.message}`));
    });
    if (this.failure) throw this.failure;
    this.finished = true;
    return reply.result!;
  }

  /** Back to the pool after a clean finish; terminated otherwise. */
  async close(): Promise<void> {
    await this.pool.release(this.channel, this.finished && !this.failure);
  }
}
