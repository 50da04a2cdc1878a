/** The pipeline's handle on its inference thread for one evaluation, taken from the inference pool. */
import type { Channel } from '../threads/channel';
import './ort-telemetry';
import type { ThreadPool } from '../threads/thread-pool';
import type { InferenceInit, InferenceReply, InferenceRequest, InferenceResult } from './inference-protocol';

export type InferencePool = ThreadPool<InferenceRequest, InferenceReply>;

export class InferenceThreadClient {
  /** CPU time of the inference thread over the session's life, known once closed (Linux). */
  threadCpuMs: number | null = null;
  private closed = false;

  private constructor(
    private readonly pool: InferencePool,
    private readonly channel: Channel<InferenceRequest, InferenceReply>,
  ) {}

  /** Loads the session in a pooled thread; rejects with ORT's message when the provider cannot load. */
  static async start(pool: InferencePool, init: InferenceInit): Promise<InferenceThreadClient> {
    const channel = pool.acquire();
    try {
      await channel.request({ type: 'init', init });
    } catch (error) {
      // A provider that failed to load may leave the thread's ORT in any state: not reused.
      await pool.release(channel, false);
      throw error;
    }
    return new InferenceThreadClient(pool, channel);
  }

  /** Sends one batch of uint8 HWC pixels; the buffer is transferred, and comes back with the result. */
  async run(pixels: Uint8Array, batch: number, imgsz: number, images = batch): Promise<InferenceResult> {
    return (await this.channel.request({ type: 'run', run: { pixels, batch, images, imgsz } }, [pixels.buffer as ArrayBuffer])) as InferenceResult;
  }

  /** Releases the session; the thread goes back to the pool when that went cleanly. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let clean = false;
    try {
      await this.channel.drainTo(0);
      const reply = (await this.channel.request({ type: 'release' })) as { threadCpuMs: number | null };
      this.threadCpuMs = reply.threadCpuMs;
      clean = true;
    } catch {
      // The thread died or refused: terminated below.
    }
    await this.pool.release(this.channel, clean);
  }
}
