/**
 * Letterboxed pixels kept between evaluations. Continuous evaluation re-reads the same dataset for every epoch's
 * checkpoint, and host-side decoding is what bounds the pipeline on a GPU machine (bench/README.md); COCO128 at
 * 640 is 157 MB. Keyed by path, size and mtime (a changed file misses), evicted least recently used past a byte cap.
 *
 * Plain LRU fails a dataset larger than the cap: read in the same order every pass, each image evicts one the
 * pass will want next, and nothing ever hits. So an evaluation starts a pass, and an entry used in the current pass
 * is never evicted for another one of the same pass: past the cap new images are simply not kept, and the next
 * pass hits the part that is (a dataset of twice the cap: half of it).
 */
import { statSync } from 'node:fs';
import type { DecodedImage } from './decode-image';
import type { PadMode } from './letterbox';

export class DecodedCache {
  private readonly entries = new Map<string, { image: DecodedImage; pass: number }>();
  private bytes = 0;
  private pass = 0;
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

  /** An evaluation begins: what it reads from now on is protected from eviction by its own later reads. */
  startPass(): void {
    this.pass++;
  }

  get(key: string | undefined): DecodedImage | undefined {
    const hit = key === undefined ? undefined : this.entries.get(key);
    if (!hit) {
      this.misses++;
      return undefined;
    }
    // Re-insert: Map order is the recency order.
    this.entries.delete(key!);
    this.entries.set(key!, { image: hit.image, pass: this.pass });
    this.hits++;
    return hit.image;
  }

  set(key: string | undefined, image: DecodedImage): void {
    const size = image.pixels.byteLength;
    if (key === undefined || size > this.maxBytes || this.entries.has(key)) return;
    // Least recent first, skipping what this pass has used; when only those are left, the image is not kept.
    for (const [oldest, value] of this.entries) {
      if (this.bytes + size <= this.maxBytes) break;
      if (value.pass === this.pass) continue;
      this.entries.delete(oldest);
      this.bytes -= value.image.pixels.byteLength;
    }
    if (this.bytes + size > this.maxBytes) return;
    this.entries.set(key, { image, pass: this.pass });
    this.bytes += size;
  }

  get sizeBytes(): number {
    return this.bytes;
  }
}
