/**
 * Keeps up to `window` images decoding ahead of the consumer (decode helpers, or sharp on the libuv pool in-process)
 * and hands them out in dataset order; an image that fails to decode comes out as skipped.
 */
import { decodeLetterboxed, type DecodedImage } from './decode-image';
import type { DatasetItem } from './dataset-reader';
import type { PadMode } from './letterbox';

export type Decoded = { item: DatasetItem; image: DecodedImage & { decodeMs?: number } } | { item: DatasetItem; skipped: string };

export type DecodeFn = (file: string, size: number, pad: PadMode) => Promise<DecodedImage & { decodeMs?: number }>;

export class DecodeWindow {
  private readonly started: (Promise<Decoded> | undefined)[] = [];
  private consumed = 0;

  constructor(
    private readonly items: DatasetItem[],
    private readonly size: number,
    private readonly pad: PadMode,
    private readonly window: number,
    /** In-process by default; the pipeline passes its DecodePool. */
    private readonly decodeFn: DecodeFn = decodeLetterboxed,
  ) {}

  /** The next image in order, or null at the end. */
  async next(): Promise<Decoded | null> {
    if (this.consumed >= this.items.length) return null;
    const until = Math.min(this.items.length, this.consumed + this.window);
    for (let i = this.started.length; i < until; i++) this.started.push(this.decode(this.items[i]));
    const index = this.consumed++;
    const result = await this.started[index]!;
    this.started[index] = undefined;
    return result;
  }

  private async decode(item: DatasetItem): Promise<Decoded> {
    try {
      return { item, image: await this.decodeFn(item.file, this.size, this.pad) };
    } catch (error) {
      return { item, skipped: (error as Error).message };
    }
  }
}
