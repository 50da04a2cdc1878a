// The persistent tensor cache on a real disk with the real decoder: byte-identical to decoding, one build shared by
// concurrent users, atomic and checked (truncation and corruption detected, never used), bounded (LRU of datasets).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DecodePool } from './decode-pool';
import { readDataset } from './dataset-reader';
import { configureSharp, decodeLetterboxed } from './decode-image';
import { CacheSource } from './input-source';
import type { PadMode } from './letterbox';
import { prepareDataset } from './prepare-dataset';
import { shardName } from './tensor-cache-entry';
import { TensorCache, type DecodeFn } from './tensor-cache';

const assets = resolve(__dirname, '../../../../assets');
const COCO128 = { format: 'YOLO' as const, imagesDir: `${assets}/datasets/coco128/images/train2017`, labelsDir: `${assets}/datasets/coco128/labels/train2017` };
const COCO8 = { format: 'YOLO' as const, imagesDir: `${assets}/datasets/coco8/images/val`, labelsDir: `${assets}/datasets/coco8/labels/val` };

const pool = new DecodePool({ helpers: 2, kind: 'thread' });
afterAll(() => pool.close());

/** The decode helpers, counting what they decode: for a cache build (`cache`) and for a reader's fallback (`pixels`). */
function countingDecode() {
  const counter = {
    calls: 0,
    cache: ((file, size, pad, writeTo) => {
      counter.calls++;
      return pool.decode(file, size, pad, writeTo);
    }) as DecodeFn,
    pixels: (file: string, size: number, pad: PadMode) => {
      counter.calls++;
      return pool.decodePixels(file, size, pad);
    },
  };
  return counter;
}

function filesOf(spec: typeof COCO8) {
  const dataset = readDataset(spec);
  return { dataset, files: dataset.items.map((item) => ({ path: item.file, name: relative(spec.imagesDir, item.file) })) };
}

const freshRoot = () => mkdtempSync(join(tmpdir(), 'podium-tensors-'));

/** Every image of the entry read back through the pipeline's CacheSource, one batch of `batch` at a time. */
async function readAll(cache: TensorCache, spec: typeof COCO8, imgsz: number, pad: PadMode, decode: ReturnType<typeof countingDecode>, batch = 16) {
  const { dataset, files } = filesOf(spec);
  const lease = (await cache.open({ dataset: 'test', imgsz, pad }, files, decode.cache))!;
  const source = new CacheSource(lease, dataset.items, imgsz, pad, decode.pixels);
  const out: { file: string; pixels: Uint8Array; width: number; height: number }[] = [];
  const bytes = imgsz * imgsz * 3;
  for (;;) {
    const buffer = new Uint8Array(batch * bytes);
    const filled = await source.fill(buffer, batch);
    if (!filled) break;
    filled.images.forEach((im, k) => out.push({ file: im.item.file, pixels: buffer.slice(k * bytes, (k + 1) * bytes), width: im.width, height: im.height }));
  }
  await source.close();
  return { state: lease.state, out };
}

describe('TensorCache', () => {
  it('gives every COCO128 tensor byte for byte as decoding does, built once then read back', async () => {
    configureSharp();
    const cache = new TensorCache(freshRoot(), 1024 ** 3);
    const decode = countingDecode();
    const built = await prepareDataset({ dataset: COCO128, imgsz: 640, pad: 'center', datasetDigest: 'coco128', tensorCache: cache });
    expect(built).toMatchObject({ state: 'built', images: 128, skipped: 0 });

    const { dataset, files } = filesOf(COCO128);
    const lease = (await cache.open({ dataset: 'coco128', imgsz: 640, pad: 'center' }, files, decode.cache))!;
    expect(lease.state).toBe('hit');
    const source = new CacheSource(lease, dataset.items, 640, 'center', decode.pixels);
    const bytes = 640 * 640 * 3;
    let compared = 0;
    for (;;) {
      const buffer = new Uint8Array(32 * bytes);
      const filled = await source.fill(buffer, 32);
      if (!filled) break;
      for (const [k, image] of filled.images.entries()) {
        const reference = await decodeLetterboxed(image.item.file, 640, 'center');
        expect([image.width, image.height]).toEqual([reference.width, reference.height]);
        expect(image.letterbox).toEqual(reference.letterbox);
        expect(Buffer.compare(Buffer.from(buffer.subarray(k * bytes, (k + 1) * bytes)), Buffer.from(reference.pixels))).toBe(0);
        compared++;
      }
    }
    await source.close();
    expect(compared).toBe(128);
    expect(decode.calls).toBe(0);
  }, 300_000);

  it('shares one build between users that arrive together: each image decoded once', async () => {
    const cache = new TensorCache(freshRoot(), 1024 ** 3);
    const decode = countingDecode();
    const [a, b] = await Promise.all([readAll(cache, COCO8, 64, 'center', decode, 3), readAll(cache, COCO8, 64, 'center', decode, 2)]);
    expect([a.state, b.state].sort()).toEqual(['built', 'joined']);
    expect(decode.calls).toBe(4);
    expect(a.out.map((x) => x.file)).toEqual(b.out.map((x) => x.file));
    a.out.forEach((x, i) => expect(Buffer.compare(Buffer.from(x.pixels), Buffer.from(b.out[i].pixels))).toBe(0));
    const again = await readAll(cache, COCO8, 64, 'center', decode);
    expect(again.state).toBe('hit');
    expect(decode.calls).toBe(4);
  }, 120_000);

  it('writes atomically: the entry appears with its manifest, nothing else is left', async () => {
    const root = freshRoot();
    const cache = new TensorCache(root, 1024 ** 3);
    await readAll(cache, COCO8, 64, 'top-left', countingDecode());
    const names = readdirSync(root);
    expect(names).toEqual([cache.keyHash({ dataset: 'test', imgsz: 64, pad: 'top-left' })]);
    expect(readdirSync(join(root, names[0])).sort()).toEqual(['manifest.json', shardName(0)]);
    const manifest = JSON.parse(readFileSync(join(root, names[0], 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 1, key: { dataset: 'test', imgsz: 64, pad: 'top-left', layout: 'hwc-rgb-u8' }, imageBytes: 64 * 64 * 3 });
    expect(manifest.records).toHaveLength(4);
    expect(statSync(join(root, names[0], shardName(0))).size).toBe(4 * 64 * 64 * 3);
  }, 120_000);

  /** A COCO8 entry at 64 built and read once: its folder, and the pixels read the first time. */
  async function builtEntry() {
    const root = freshRoot();
    const cache = new TensorCache(root, 1024 ** 3);
    const decode = countingDecode();
    const first = await readAll(cache, COCO8, 64, 'center', decode);
    const dir = join(root, cache.keyHash({ dataset: 'test', imgsz: 64, pad: 'center' }));
    const again = async () => {
      const read = await readAll(cache, COCO8, 64, 'center', decode);
      read.out.forEach((x, i) => expect(Buffer.compare(Buffer.from(x.pixels), Buffer.from(first.out[i].pixels))).toBe(0));
      return read.state;
    };
    return { root, dir, decode, again };
  }

  it('drops a truncated entry at open and builds it again', async () => {
    const { dir, decode, again } = await builtEntry();
    truncateSync(join(dir, shardName(0)), 100);
    expect(await again()).toBe('built');
    expect(decode.calls).toBe(8);
  }, 120_000);

  it('never uses an image whose bytes changed on disk: decoded again, the entry dropped and rebuilt next time', async () => {
    const { root, dir, decode, again } = await builtEntry();
    const shard = readFileSync(join(dir, shardName(0)));
    shard[2 * 64 * 64 * 3 + 77] ^= 0xff; // one byte of the third image
    writeFileSync(join(dir, shardName(0)), shard);
    expect(await again()).toBe('hit');
    expect(decode.calls).toBe(5); // the corrupt image only
    expect(readdirSync(root)).toEqual([]);
    expect(await again()).toBe('built');
  }, 120_000);

  it('decodes instead when a shard disappears under a reader (another process evicted the entry)', async () => {
    const root = freshRoot();
    const cache = new TensorCache(root, 1024 ** 3);
    const decode = countingDecode();
    const first = await readAll(cache, COCO8, 64, 'center', decode);
    const { dataset, files } = filesOf(COCO8);
    const lease = (await cache.open({ dataset: 'test', imgsz: 64, pad: 'center' }, files, decode.cache))!;
    expect(lease.state).toBe('hit');
    rmSync(join(root, cache.keyHash({ dataset: 'test', imgsz: 64, pad: 'center' })), { recursive: true });
    const source = new CacheSource(lease, dataset.items, 64, 'center', decode.pixels);
    const buffer = new Uint8Array(4 * 64 * 64 * 3);
    const filled = (await source.fill(buffer, 4))!;
    await source.close();
    expect(filled.images).toHaveLength(4);
    expect(decode.calls).toBe(8);
    first.out.forEach((x, k) => expect(Buffer.compare(Buffer.from(buffer.subarray(k * x.pixels.length, (k + 1) * x.pixels.length)), Buffer.from(x.pixels))).toBe(0));
  }, 120_000);

  it('evicts whole datasets, least recently used first, and does not cache one larger than the cap', async () => {
    const entryBytes = 4 * 64 * 64 * 3;
    const root = freshRoot();
    const cache = new TensorCache(root, 2.5 * entryBytes);
    const decode = countingDecode();
    const key = (dataset: string) => ({ dataset, imgsz: 64, pad: 'center' as const });
    const { files } = filesOf(COCO8);
    const use = async (name: string) => {
      const lease = (await cache.open(key(name), files, decode.cache))!;
      await lease.complete;
      await lease.release();
      return lease.state;
    };
    expect(await use('a')).toBe('built');
    await new Promise((r) => setTimeout(r, 20));
    expect(await use('b')).toBe('built');
    await new Promise((r) => setTimeout(r, 20));
    expect(await use('a')).toBe('hit'); // a is now the most recent
    await new Promise((r) => setTimeout(r, 20));
    expect(await use('c')).toBe('built'); // evicts b
    expect(readdirSync(root).sort()).toEqual([cache.keyHash(key('a')), cache.keyHash(key('c'))].sort());

    const held = (await cache.open(key('a'), files, decode.cache))!;
    await new Promise((r) => setTimeout(r, 20));
    expect(await use('d')).toBe('built'); // evicts c: a is in use
    await held.release();
    expect(readdirSync(root).sort()).toEqual([cache.keyHash(key('a')), cache.keyHash(key('d'))].sort());

    const small = new TensorCache(freshRoot(), entryBytes - 1);
    expect(await small.open(key('a'), files, decode.cache)).toBeNull();
  }, 120_000);

  it("leaves a build to the live process holding its lock, and takes over a dead one's", async () => {
    const root = freshRoot();
    const cache = new TensorCache(root, 1024 ** 3);
    const { files } = filesOf(COCO8);
    const key = { dataset: 'locked', imgsz: 64, pad: 'center' as const };
    writeFileSync(join(root, `${cache.keyHash(key)}.lock`), '1'); // pid 1 is alive
    expect(await cache.open(key, files, countingDecode().cache)).toBeNull();
    writeFileSync(join(root, `${cache.keyHash(key)}.lock`), '999999999');
    const lease = (await cache.open(key, files, countingDecode().cache))!;
    expect(lease.state).toBe('built');
    await lease.complete;
    await lease.release();
    expect(readdirSync(root)).toEqual([cache.keyHash(key)]);
  }, 120_000);
});
