/**
 * Letterboxed pixels kept between evaluations. Continuous evaluation re-reads the same dataset for every epoch's
 * checkpoint, and host-side decoding is what bounds the pipeline on a GPU machine (bench/README.md); COCO128 at
 * 640 is 157 MB. Keyed by path, size and mtime (a changed file misses), evicted least recently used past a byte cap.
 */
import { statSync } from 'node:fs';
import type { DecodedImage } from './decode-image';
import type { PadMode } from './letterbox';

export class DecodedCache {
  private readonly entries = new Map<string, DecodedImage>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number) {}

  static key(file: string, size: number, pad: PadMode): string | undefined {
    try {
      const st = statSync(file);
      return `${file}\0${st.size}\0${st.mtimeMs}\0${size}\0${pad}`;
    } catch {
      return undefined;
    }
  }

  get(key: string | undefined): DecodedImage | undefined {
    const hit = key === undefined ? undefined : this.entries.get(key);
    if (!hit) {
      this.misses++;
      return undefined;
    }
    // Re-insert: Map order is the recency order.
    this.entries.delete(key!);
    this.entries.set(key!, hit);
    this.hits++;
    return hit;
  }

  set(key: string | undefined, image: DecodedImage): void {
    if (key === undefined || image.pixels.byteLength > this.maxBytes || this.entries.has(key)) return;
    this.entries.set(key, image);
    this.bytes += image.pixels.byteLength;
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= value.pixels.byteLength;
    }
  }

  get sizeBytes(): number {
    return this.bytes;
  }
}
