/**
 * One dataset's letterboxed tensors on disk: fixed-size slots (one per dataset item, in dataset order, `imageBytes`
 * each) in shard files of `itemsPerShard` slots, so consecutive images are one read straight into a batch buffer.
 * Each item's record (its size and checksum, or why it was skipped) is known once the item is committed: at once for
 * a finished entry (from its manifest), as the build goes for one being built, so evaluations follow a build
 * image by image instead of waiting for it to end. Every image read is checked against its checksum.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { pixelChecksum, readyChecksum } from './pixel-checksum';

export type ItemRecord = { width: number; height: number; checksum: string; decodeMs?: number } | { skipped: string };

export interface EntryLayout {
  imageBytes: number;
  itemsPerShard: number;
  items: number;
}

export const shardName = (shard: number) => `shard-${String(shard).padStart(5, '0')}.bin`;

export class TensorCacheEntry {
  readonly records: (ItemRecord | undefined)[];
  private readonly waiters = new Map<number, { resolve: (r: ItemRecord) => void; reject: (e: Error) => void }[]>();
  private readonly handles: (Promise<FileHandle> | undefined)[] = [];
  private failure?: Error;
  /** An image failed its checksum: the entry is dropped once nobody uses it. */
  corrupt = false;
  users = 0;

  constructor(
    /** Where the shard files are now (a build's temporary folder until it is renamed). */
    public dir: string,
    readonly layout: EntryLayout,
    records?: ItemRecord[],
    /** 'r' for a finished entry; 'w+' while building (the build writes, followers read, through one handle). */
    private readonly mode: 'r' | 'w+' = 'r',
  ) {
    this.records = records ?? new Array<ItemRecord | undefined>(layout.items).fill(undefined);
  }

  get shards(): number {
    return Math.ceil(this.layout.items / this.layout.itemsPerShard);
  }

  /** The item's record once committed; rejects if the build fails before it. */
  record(index: number): Promise<ItemRecord> {
    const known = this.records[index];
    if (known) return Promise.resolve(known);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(index) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(index, list);
    });
  }

  commit(index: number, record: ItemRecord): void {
    this.records[index] = record;
    for (const waiter of this.waiters.get(index) ?? []) waiter.resolve(record);
    this.waiters.delete(index);
  }

  fail(error: Error): void {
    this.failure ??= error;
    for (const list of this.waiters.values()) for (const waiter of list) waiter.reject(error);
    this.waiters.clear();
  }

  handle(shard: number): Promise<FileHandle> {
    return (this.handles[shard] ??= open(join(this.dir, shardName(shard)), this.mode === 'w+' ? 'w+' : 'r'));
  }

  /** Where item `index`'s slot is on disk (a decode helper writes it there itself). */
  slotFile(index: number): { path: string; position: number } {
    const { shard, position } = this.slot(index);
    return { path: join(this.dir, shardName(shard)), position };
  }

  async write(index: number, pixels: Uint8Array): Promise<void> {
    const { shard, position } = this.slot(index);
    const fh = await this.handle(shard);
    let done = 0;
    while (done < pixels.byteLength) done += (await fh.write(pixels, done, pixels.byteLength - done, position + done)).bytesWritten;
  }

  /**
   * Reads the images at `indices` (committed, not skipped) into `target`, the k-th at `k × imageBytes`: one read per
   * run of consecutive slots. Returns the positions k whose bytes failed their checksum (their slot holds no
   * trustworthy data: the caller decodes them again), and marks the entry corrupt if any did.
   */
  async readInto(indices: number[], target: Uint8Array): Promise<number[]> {
    const { imageBytes } = this.layout;
    const reads: Promise<void>[] = [];
    for (let k = 0; k < indices.length;) {
      const { shard, position } = this.slot(indices[k]);
      let run = 1;
      while (k + run < indices.length && indices[k + run] === indices[k] + run && this.slot(indices[k + run]).shard === shard) run++;
      reads.push(this.readFully(shard, target, k * imageBytes, run * imageBytes, position));
      k += run;
    }
    await Promise.all(reads);
    await readyChecksum();
    const bad: number[] = [];
    indices.forEach((index, k) => {
      const record = this.records[index] as { checksum: string };
      if (pixelChecksum(target.subarray(k * imageBytes, (k + 1) * imageBytes)) !== record.checksum) bad.push(k);
    });
    if (bad.length) this.corrupt = true;
    return bad;
  }

  async closeHandles(): Promise<void> {
    const handles = this.handles.splice(0);
    await Promise.all(handles.map((h) => h?.then((fh) => fh.close()).catch(() => undefined)));
  }

  private slot(index: number): { shard: number; position: number } {
    const { itemsPerShard, imageBytes } = this.layout;
    return { shard: Math.floor(index / itemsPerShard), position: (index % itemsPerShard) * imageBytes };
  }

  private async readFully(shard: number, target: Uint8Array, offset: number, length: number, position: number): Promise<void> {
    const fh = await this.handle(shard);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(target, offset + done, length - done, position + done);
      // A short file (truncated after the open-time size check) reads as corrupt: the checksum fails on the zeros.
      if (bytesRead === 0) {
        target.fill(0, offset + done, offset + length);
        return;
      }
      done += bytesRead;
    }
  }
}
