/**
 * Where a batch's pixels come from: decoded now (`DecodeSource`), or read from the tensor cache (`CacheSource`: a
 * finished entry, or one being built, followed image by image). Both fill the batch buffer in dataset order and say
 * which images were skipped; the loop in run-evaluation.ts does not know which one it has.
 */
import type { DatasetItem } from './dataset-reader';
import type { DecodeWindow, DecodeFn } from './decode-window';
import { computeLetterbox, type Letterbox, type PadMode } from './letterbox';
import type { CacheLease } from './tensor-cache';

export interface InputImage {
  item: DatasetItem;
  width: number;
  height: number;
  letterbox: Letterbox;
}

export interface FilledBatch {
  images: InputImage[];
  skipped: { file: string; reason: string }[];
}

export interface InputSource {
  /** Fills `target` with up to `max` images (the k-th at k × imageBytes); null once every item has been given. */
  fill(target: Uint8Array, max: number): Promise<FilledBatch | null>;
  /** Decode time spent on the images given so far (helpers' time, summed), and cache reads + checks. */
  readonly timings: { decodeMs: number; cacheReadMs: number };
  close(): Promise<void>;
}

export class DecodeSource implements InputSource {
  readonly timings = { decodeMs: 0, cacheReadMs: 0 };

  constructor(
    private readonly decoder: DecodeWindow,
    private readonly imageBytes: number,
  ) {}

  async fill(target: Uint8Array, max: number): Promise<FilledBatch | null> {
    const batch: FilledBatch = { images: [], skipped: [] };
    let ended = false;
    while (batch.images.length < max) {
      const next = await this.decoder.next();
      if (!next) {
        ended = true;
        break;
      }
      if ('skipped' in next) {
        batch.skipped.push({ file: next.item.file, reason: next.skipped });
        continue;
      }
      const { image, item } = next;
      target.set(image.pixels, batch.images.length * this.imageBytes);
      this.timings.decodeMs += image.decodeMs ?? 0;
      batch.images.push({ item, width: image.width, height: image.height, letterbox: image.letterbox });
    }
    return ended && batch.images.length === 0 && batch.skipped.length === 0 ? null : batch;
  }

  async close(): Promise<void> {}
}

export class CacheSource implements InputSource {
  readonly timings = { decodeMs: 0, cacheReadMs: 0 };
  private cursor = 0;

  constructor(
    private readonly lease: CacheLease,
    private readonly items: DatasetItem[],
    private readonly size: number,
    private readonly pad: PadMode,
    /** For images the cache cannot give: a build that failed before them, or bytes that failed their checksum. */
    private readonly decode: DecodeFn,
  ) {}

  async fill(target: Uint8Array, max: number): Promise<FilledBatch | null> {
    if (this.cursor >= this.items.length) return null;
    const { imageBytes } = this.lease.entry.layout;
    const batch: FilledBatch = { images: [], skipped: [] };
    const cached: number[] = [];
    const fresh: { index: number; slot: number }[] = [];
    while (batch.images.length < max && this.cursor < this.items.length) {
      const index = this.cursor++;
      const item = this.items[index];
      const record = await this.lease.entry.record(index).catch(() => undefined);
      if (record && 'skipped' in record) {
        batch.skipped.push({ file: item.file, reason: record.skipped });
        continue;
      }
      // A record this evaluation follows a live build for carries the time its decode took.
      if (record && this.lease.state !== 'hit') this.timings.decodeMs += record.decodeMs ?? 0;
      if (record) cached.push(index);
      else fresh.push({ index, slot: batch.images.length });
      batch.images.push({ item, width: record?.width ?? 0, height: record?.height ?? 0, letterbox: computeLetterbox(record?.width ?? 1, record?.height ?? 1, this.size, this.pad) });
    }
    const started = performance.now();
    const freshSlots = new Set(fresh.map((f) => f.slot));
    const slots = batch.images.flatMap((_image, slot) => (freshSlots.has(slot) ? [] : [slot]));
    const bad = await this.readSlots(cached, slots, target, imageBytes);
    this.timings.cacheReadMs += performance.now() - started;
    // Re-decoded here, never taken from the cache: images whose bytes failed their checksum, and those a failed
    // build never wrote. One that cannot be decoded now is skipped and the batch closes the gap.
    const redo = [...bad.map((k) => ({ index: cached[k], slot: slots[k] })), ...fresh].sort((a, b) => a.slot - b.slot);
    const failed = new Set<number>();
    await Promise.all(
      redo.map(async ({ index, slot }) => {
        try {
          const image = await this.decode(this.items[index].file, this.size, this.pad);
          target.set(image.pixels, slot * imageBytes);
          this.timings.decodeMs += image.decodeMs ?? 0;
          batch.images[slot] = { item: this.items[index], width: image.width, height: image.height, letterbox: image.letterbox };
        } catch (error) {
          failed.add(slot);
          batch.skipped.push({ file: this.items[index].file, reason: (error as Error).message });
        }
      }),
    );
    if (failed.size) compact(batch, failed, target, imageBytes);
    return batch;
  }

  /** Reads consecutive slots in one go: the cached images sit in `slots` of the batch, in order. */
  private async readSlots(indices: number[], slots: number[], target: Uint8Array, imageBytes: number): Promise<number[]> {
    if (indices.length === 0) return [];
    // Cached images are contiguous in the batch unless a fresh one sits between them: read each contiguous group.
    const bad: number[] = [];
    for (let k = 0; k < indices.length;) {
      let n = 1;
      while (k + n < indices.length && slots[k + n] === slots[k] + n) n++;
      const view = target.subarray(slots[k] * imageBytes, (slots[k] + n) * imageBytes);
      try {
        for (const b of await this.lease.entry.readInto(indices.slice(k, k + n), view)) bad.push(k + b);
      } catch {
        // A shard that cannot be read (removed by another process's eviction, an I/O error): decoded instead.
        this.lease.entry.corrupt = true;
        for (let j = 0; j < n; j++) bad.push(k + j);
      }
      k += n;
    }
    return bad;
  }

  /** An evaluation that read every image waits for the entry to be complete on disk (its manifest written). */
  async close(): Promise<void> {
    if (this.cursor >= this.items.length) await this.lease.complete.catch(() => undefined);
    await this.lease.release();
  }
}

/** Drops the failed slots from the batch, moving the images after them down. */
function compact(batch: FilledBatch, failed: Set<number>, target: Uint8Array, imageBytes: number): void {
  const kept: InputImage[] = [];
  batch.images.forEach((image, slot) => {
    if (failed.has(slot)) return;
    if (kept.length !== slot) target.copyWithin(kept.length * imageBytes, slot * imageBytes, (slot + 1) * imageBytes);
    kept.push(image);
  });
  batch.images = kept;
}
