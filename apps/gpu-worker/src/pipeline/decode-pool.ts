/** A few decode threads (decode-thread.ts), each taking the next image when it has the fewest in flight. */
import { Worker } from 'node:worker_threads';
import type { DecodedImage } from './decode-image';
import type { PadMode } from './letterbox';
import { resolveThreadScript } from './thread-script';

type Reply = { id: number; ok: true; width: number; height: number; letterbox: DecodedImage['letterbox']; pixels: Uint8Array } | { id: number; ok: false; message: string };

interface Slot {
  worker: Worker;
  inFlight: number;
}

export class DecodePool {
  private nextId = 0;
  private readonly pending = new Map<number, { slot: Slot; resolve: (d: DecodedImage) => void; reject: (e: Error) => void }>();
  private readonly slots: Slot[];

  constructor(threads: number) {
    const script = resolveThreadScript('decode-thread', __dirname);
    this.slots = Array.from({ length: Math.max(1, threads) }, () => {
      const slot: Slot = { worker: new Worker(script), inFlight: 0 };
      slot.worker.on('message', (reply: Reply) => this.settle(reply));
      slot.worker.on('error', (error) => this.failSlot(slot, error));
      return slot;
    });
  }

  get size(): number {
    return this.slots.length;
  }

  decode(file: string, size: number, pad: PadMode): Promise<DecodedImage> {
    const slot = this.slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    const id = this.nextId++;
    slot.inFlight++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { slot, resolve, reject });
      slot.worker.postMessage({ id, file, size, pad });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private settle(reply: Reply): void {
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    this.pending.delete(reply.id);
    entry.slot.inFlight--;
    if (reply.ok) entry.resolve({ width: reply.width, height: reply.height, letterbox: reply.letterbox, pixels: reply.pixels });
    else entry.reject(new Error(reply.message));
  }

  private failSlot(slot: Slot, error: Error): void {
    for (const [id, entry] of this.pending) {
      if (entry.slot !== slot) continue;
      this.pending.delete(id);
      entry.reject(error);
    }
  }
}
