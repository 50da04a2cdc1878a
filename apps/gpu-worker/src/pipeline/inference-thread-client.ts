/** The pipeline's handle on its inference thread: requests in flight are answered in order by id. */
import { Worker } from 'node:worker_threads';
import './ort-telemetry';
import type { InferenceInit, InferenceReply, OutputTensor } from './inference-protocol';
import { resolveThreadScript } from './thread-script';

export interface InferenceResult {
  outputs: Record<string, OutputTensor>;
  runMs: number;
  /** The batch's input buffer, back from the thread: free to refill. */
  pixels: Uint8Array;
}

export class InferenceThreadClient {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: InferenceResult) => void; reject: (e: Error) => void }>();
  private exited?: Error;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: InferenceReply) => {
      if (message.type !== 'result' && message.type !== 'run-failed') return;
      const entry = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'result') entry?.resolve({ outputs: message.outputs, runMs: message.runMs, pixels: message.pixels });
      else entry?.reject(new Error(message.message));
    });
    const fail = (error: Error) => {
      this.exited = error;
      for (const entry of this.pending.values()) entry.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`inference thread exited with code ${code}`)));
  }

  /** Starts a thread and loads the session; rejects with ORT's message when the provider cannot load. */
  static async start(init: InferenceInit): Promise<InferenceThreadClient> {
    const worker = new Worker(resolveThreadScript('inference-thread', __dirname));
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: InferenceReply) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'init-failed') reject(new Error(message.message));
        else return;
        worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    worker.postMessage({ type: 'init', init });
    try {
      await ready;
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    return new InferenceThreadClient(worker);
  }

  /** Sends one batch of uint8 HWC pixels; the buffer is transferred, and comes back with the result. */
  run(pixels: Uint8Array, batch: number, imgsz: number, images = batch): Promise<InferenceResult> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'run', request: { id, pixels, batch, images, imgsz } }, [pixels.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close' });
    // Bounded wait for the session's release; the timer must not outlive it (it would hold a CLI open for 5 s).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5_000)))]);
    clearTimeout(timer);
    await this.worker.terminate();
  }
}
