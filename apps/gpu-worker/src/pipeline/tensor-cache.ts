/**
 * The worker's persistent cache of preprocessed tensors: a dataset version's letterboxed uint8 HWC RGB images, kept on
 * the worker's disk under `<cacheDir>/tensors/` and keyed by the dataset's digest, imgsz, letterbox mode, layout, the
 * decoder's version and this format's version. Continuous evaluation reads the same dataset for every checkpoint;
 * decoding it once and reading it back afterwards is what takes host-side decoding off the GPU path (bench/README.md).
 *
 * - Written once: by the first evaluation that needs it, or by `prepareDataset`. A build runs on its own (not tied to
 *   one evaluation): every evaluation of that key in this process follows it image by image, so concurrent jobs share
 *   one build and nothing is written twice. Another process building the same key holds its lock file: this one then
 *   decodes without caching.
 * - Atomic: a build writes into `<key>.tmp-<pid>-<random>/`, its manifest last, then renames the folder into place.
 * One TensorCache per folder per process (the worker's PipelineService holds it): builds are tracked in memory.
 * - Checked: opening a finished entry checks its manifest (format, key, the dataset's file list) and every shard's
 *   size; every image read is checked against its XXH64. A bad entry is dropped (and rebuilt by the next evaluation
 *   that needs it); a bad image is decoded again from its file, never used.
 * - Bounded: past `maxBytes`, whole entries are evicted, least recently used first (a manifest's mtime is its last
 *   use); entries in use are kept; a dataset larger than the cap is not cached.
 *
 * It replaces the in-memory `DecodedCache`: one mechanism, and the OS page cache keeps what is read often in memory.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { HelperGoneError } from '../threads/channel';
import type { DecodeReply } from './decode-thread';
import type { PadMode } from './letterbox';
import { lockBuild, scanCacheFolder } from './tensor-cache-disk';
import { shardName, TensorCacheEntry, type ItemRecord } from './tensor-cache-entry';

export const TENSOR_CACHE_FORMAT = 1;
/** What a slot holds: the fused graph's input, uint8 HWC RGB (an unfused graph converts it in its thread). */
export const TENSOR_LAYOUT = 'hwc-rgb-u8';
const SHARD_BYTES = 256 * 1024 * 1024;

export interface TensorCacheKey {
  /** The dataset version's digest (from the api), or `fingerprintFiles` of its images. */
  dataset: string;
  imgsz: number;
  pad: PadMode;
}

interface Manifest {
  format: number;
  key: TensorCacheKey & { layout: string; decoder: string };
  imageBytes: number;
  itemsPerShard: number;
  /** The dataset's image files, relative to its images folder, in evaluation order. */
  files: string[];
  records: ItemRecord[];
}

/** Decodes an image; given `writeTo`, the helper writes the pixels into the slot itself and may reply without them. */
export type DecodeFn = (file: string, size: number, pad: PadMode, writeTo?: { path: string; position: number }) => Promise<DecodeReply>;

/** An evaluation's use of an entry: `hit` (finished on disk), `built` (this use started the build), `joined`. */
export interface CacheLease {
  entry: TensorCacheEntry;
  state: 'hit' | 'built' | 'joined';
  /** Resolves when the entry is complete on disk (at once for a hit); rejects if its build fails. */
  complete: Promise<void>;
  release(): Promise<void>;
}

interface Build {
  entry: TensorCacheEntry;
  complete: Promise<void>;
  abort: () => void;
}

const decoderVersion = () => `sharp ${sharp.versions.sharp} vips ${sharp.versions.vips}`;

export class TensorCache {
  private readonly builds = new Map<string, Build>();
  private readonly inUse = new Map<string, TensorCacheEntry>();
  private readonly opening = new Map<string, Promise<void>>();

  constructor(
    readonly root: string,
    readonly maxBytes: number,
  ) {}

  keyHash(key: TensorCacheKey): string {
    const full = { format: TENSOR_CACHE_FORMAT, layout: TENSOR_LAYOUT, decoder: decoderVersion(), ...key };
    return createHash('sha256').update(JSON.stringify(full)).digest('hex').slice(0, 32);
  }

  /**
   * A lease on the entry for these files, finished or being built (started here if needed, `window` images decoding
   * at once); null when this dataset cannot be cached now (larger than the cap, the cap full of entries in use,
   * another process building it).
   */
  async open(key: TensorCacheKey, files: { path: string; name: string }[], decode: DecodeFn, window = 32): Promise<CacheLease | null> {
    const hash = this.keyHash(key);
    // One open at a time per key in this process: two jobs arriving together must not both try to build.
    const previous = this.opening.get(hash) ?? Promise.resolve();
    const opened = previous.then(() => this.openNow(hash, key, files, decode, window));
    const settled = opened.then(
      () => undefined,
      () => undefined,
    );
    this.opening.set(hash, settled);
    void settled.then(() => this.opening.get(hash) === settled && this.opening.delete(hash));
    return opened;
  }

  private async openNow(hash: string, key: TensorCacheKey, files: { path: string; name: string }[], decode: DecodeFn, window: number): Promise<CacheLease | null> {
    const building = this.builds.get(hash);
    if (building) return this.lease(hash, building.entry, 'joined', building.complete);
    const finished = this.inUse.get(hash) ?? (await this.openFinished(hash, key, files));
    if (finished) return this.lease(hash, finished, 'hit', Promise.resolve());
    const build = await this.startBuild(hash, key, files, decode, window);
    return build ? this.lease(hash, build.entry, 'built', build.complete) : null;
  }

  private lease(hash: string, entry: TensorCacheEntry, state: CacheLease['state'], complete: Promise<void>): CacheLease {
    entry.users++;
    if (state === 'hit') this.inUse.set(hash, entry);
    complete.catch(() => undefined);
    let released = false;
    return {
      entry,
      state,
      complete,
      release: async () => {
        if (released) return;
        released = true;
        if (--entry.users > 0) return;
        const build = this.builds.get(hash);
        // Nobody follows an unfinished build any more: stop it rather than decode for no one.
        if (build?.entry === entry) build.abort();
        else await this.retire(hash, entry);
      },
    };
  }

  /** Entry no longer used in this process: its handles close, and a corrupt one is dropped. */
  private async retire(hash: string, entry: TensorCacheEntry): Promise<void> {
    if (this.inUse.get(hash) === entry) this.inUse.delete(hash);
    await entry.closeHandles();
    if (entry.corrupt) await rm(entry.dir, { recursive: true, force: true });
  }

  private async openFinished(hash: string, key: TensorCacheKey, files: { name: string }[]): Promise<TensorCacheEntry | undefined> {
    const dir = join(this.root, hash);
    if (!existsSync(join(dir, 'manifest.json'))) return undefined;
    const problem = await this.check(dir, key, files).catch((error: Error) => `unreadable (${error.message})`);
    if (typeof problem === 'string') {
      await rm(dir, { recursive: true, force: true });
      return undefined;
    }
    const now = new Date();
    await utimes(join(dir, 'manifest.json'), now, now).catch(() => undefined);
    return new TensorCacheEntry(dir, { imageBytes: problem.imageBytes, itemsPerShard: problem.itemsPerShard, items: files.length }, problem.records);
  }

  /** The manifest if it matches and every shard has its size; otherwise why not. */
  private async check(dir: string, key: TensorCacheKey, files: { name: string }[]): Promise<Manifest | string> {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const expected = { ...key, layout: TENSOR_LAYOUT, decoder: decoderVersion() };
    if (manifest.format !== TENSOR_CACHE_FORMAT || JSON.stringify(manifest.key) !== JSON.stringify({ ...manifest.key, ...expected })) return 'another format or key';
    if (manifest.imageBytes !== key.imgsz * key.imgsz * 3) return 'image size';
    if (manifest.files.length !== files.length || manifest.files.some((f, i) => f !== files[i].name)) return 'another file list';
    if (!Array.isArray(manifest.records) || manifest.records.length !== files.length) return 'records';
    const shards = Math.ceil(files.length / manifest.itemsPerShard);
    for (let s = 0; s < shards; s++) {
      const slots = Math.min(manifest.itemsPerShard, files.length - s * manifest.itemsPerShard);
      const size = await stat(join(dir, shardName(s))).then(
        (st) => st.size,
        () => -1,
      );
      if (size !== slots * manifest.imageBytes) return `shard ${s} is ${size} bytes, expected ${slots * manifest.imageBytes}`;
    }
    return manifest;
  }

  private async startBuild(hash: string, key: TensorCacheKey, files: { path: string; name: string }[], decode: DecodeFn, window: number): Promise<Build | null> {
    const imageBytes = key.imgsz * key.imgsz * 3;
    const bytes = files.length * imageBytes;
    if (bytes > this.maxBytes) return null;
    await mkdir(this.root, { recursive: true });
    if (!(await this.makeRoom(bytes))) return null;
    const lock = await lockBuild(this.root, hash);
    if (!lock) return null;
    const tmp = join(this.root, `${hash}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(tmp, { recursive: true });
    const itemsPerShard = Math.max(1, Math.floor(SHARD_BYTES / imageBytes));
    const entry = new TensorCacheEntry(tmp, { imageBytes, itemsPerShard, items: files.length }, undefined, 'w+');
    let aborted = false;
    const complete = this.runBuild(entry, key, files, decode, window, () => aborted)
      .then(async () => {
        const dir = join(this.root, hash);
        await rm(dir, { recursive: true, force: true });
        await rename(tmp, dir);
        entry.dir = dir;
      })
      .catch(async (error: Error) => {
        entry.fail(error);
        await rm(tmp, { recursive: true, force: true });
        throw error;
      })
      .finally(async () => {
        this.builds.delete(hash);
        await lock.release();
        if (entry.users === 0) await this.retire(hash, entry);
        else this.inUse.set(hash, entry);
      });
    const build = { entry, complete, abort: () => (aborted = true) };
    this.builds.set(hash, build);
    return build;
  }

  /** Decodes every item in order (a window ahead), writes its slot, commits its record; the manifest goes last. */
  private async runBuild(
    entry: TensorCacheEntry,
    key: TensorCacheKey,
    files: { path: string; name: string }[],
    decode: DecodeFn,
    /** Images decoding at once (ahead of the slowest write). */
    window: number,
    aborted: () => boolean,
  ): Promise<void> {
    // Every shard file gets its full size up front: a slot of a skipped image stays zeros, never a hole at the end.
    for (let s = 0; s < entry.shards; s++) {
      const slots = Math.min(entry.layout.itemsPerShard, files.length - s * entry.layout.itemsPerShard);
      await (await entry.handle(s)).truncate(slots * entry.layout.imageBytes);
    }
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        if (aborted()) throw new Error('tensor cache build abandoned: no evaluation follows it');
        const index = next++;
        let image: DecodeReply;
        try {
          image = await decode(files[index].path, key.imgsz, key.pad, entry.slotFile(index));
        } catch (error) {
          // A decode helper that died or a pool shutting down says nothing about the image: not cached as skipped.
          if (error instanceof HelperGoneError) throw error;
          entry.commit(index, { skipped: (error as Error).message });
          continue;
        }
        if (image.pixels) await entry.write(index, image.pixels);
        entry.commit(index, { width: image.width, height: image.height, checksum: image.checksum, decodeMs: image.decodeMs });
      }
    };
    const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(window, files.length)) }, worker));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const records = entry.records.map((r) => (r && 'checksum' in r ? { width: r.width, height: r.height, checksum: r.checksum } : r!));
    const manifest: Manifest = {
      format: TENSOR_CACHE_FORMAT,
      key: { ...key, layout: TENSOR_LAYOUT, decoder: decoderVersion() },
      imageBytes: entry.layout.imageBytes,
      itemsPerShard: entry.layout.itemsPerShard,
      files: files.map((f) => f.name),
      records,
    };
    for (let s = 0; s < entry.shards; s++) await (await entry.handle(s)).sync();
    await writeFile(join(entry.dir, 'manifest.json'), JSON.stringify(manifest));
  }

  /** Evicts finished entries not in use, least recently used first, until `bytes` more fit; false if they cannot. */
  private async makeRoom(bytes: number): Promise<boolean> {
    const entries = scanCacheFolder(this.root);
    let used = entries.reduce((sum, e) => sum + e.bytes, 0);
    for (const e of entries.filter((x) => x.finished && !this.inUse.has(x.hash)).sort((a, b) => a.lastUsed - b.lastUsed)) {
      if (used + bytes <= this.maxBytes) break;
      await rm(e.dir, { recursive: true, force: true });
      used -= e.bytes;
    }
    return used + bytes <= this.maxBytes;
  }
}

export { fingerprintFiles } from './tensor-cache-disk';
