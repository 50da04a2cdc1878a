/**
 * A few decode threads (decode-thread.ts), each taking the next image when it has the fewest in flight. Pools are
 * shared by the evaluations of a process (`DecodePool.shared`): the threads start once, and while nothing is in
 * flight they are unreferenced, so they never hold the process open. A thread that dies fails its images and is
 * replaced.
 */
import { Worker } from 'node:worker_threads';
import type { DecodedImage } from './decode-image';
import type { PadMode } from './letterbox';
import { resolveThreadScript } from './thread-script';

type Reply = { id: number; ok: true; width: number; height: number; letterbox: DecodedImage['letterbox']; pixels: Uint8Array } | { id: number; ok: false; message: string };

interface Slot {
  worker: Worker;
  inFlight: number;
}

const sharedPools = new Map<number, DecodePool>();

export class DecodePool {
  private nextId = 0;
  private inFlight = 0;
  private closed = false;
  private readonly pending = new Map<number, { slot: Slot; resolve: (d: DecodedImage) => void; reject: (e: Error) => void }>();
  private readonly slots: Slot[];

  constructor(threads: number) {
    this.slots = Array.from({ length: Math.max(1, threads) }, () => {
      const slot = { inFlight: 0 } as Slot;
      this.spawn(slot);
      return slot;
    });
  }

  /** The process's pool of this many threads, started on first use. */
  static shared(threads: number): DecodePool {
    const size = Math.max(1, threads);
    let pool = sharedPools.get(size);
    if (!pool || pool.closed) sharedPools.set(size, (pool = new DecodePool(size)));
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  decode(file: string, size: number, pad: PadMode): Promise<DecodedImage> {
    if (this.closed) return Promise.reject(new Error('decode pool closed'));
    const slot = this.slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    const id = this.nextId++;
    slot.inFlight++;
    if (this.inFlight++ === 0) for (const s of this.slots) s.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { slot, resolve, reject });
      slot.worker.postMessage({ id, file, size, pad });
    });
  }

  /** Stops the threads (a pool of its own; the shared ones live as long as the process). */
  async close(): Promise<void> {
    this.closed = true;
    for (const [size, pool] of sharedPools) if (pool === this) sharedPools.delete(size);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(slot: Slot): void {
    const worker = new Worker(resolveThreadScript('decode-thread', __dirname));
    slot.worker = worker;
    if (this.inFlight === 0) worker.unref();
    worker.on('message', (reply: Reply) => this.settle(reply));
    const died = (error: Error) => {
      if (slot.worker !== worker) return;
      this.failSlot(slot, error);
      if (!this.closed) this.spawn(slot);
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`decode thread exited with code ${code}`)));
  }

  private settle(reply: Reply): void {
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    this.pending.delete(reply.id);
    this.done(entry.slot);
    if (reply.ok) entry.resolve({ width: reply.width, height: reply.height, letterbox: reply.letterbox, pixels: reply.pixels });
    else entry.reject(new Error(reply.message));
  }

  private done(slot: Slot): void {
    slot.inFlight--;
    if (--this.inFlight === 0) for (const s of this.slots) s.worker.unref();
  }

  private failSlot(slot: Slot, error: Error): void {
    for (const [id, entry] of this.pending) {
      if (entry.slot !== slot) continue;
      this.pending.delete(id);
      this.done(slot);
      entry.reject(error);
    }
  }
}
