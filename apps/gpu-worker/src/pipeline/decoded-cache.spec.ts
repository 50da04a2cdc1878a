import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecodedImage } from './decode-image';
import { DecodedCache } from './decoded-cache';
import { computeLetterbox } from './letterbox';

const image = (bytes: number, fill = 0): DecodedImage => ({ width: 4, height: 4, letterbox: computeLetterbox(4, 4, 4, 'center'), pixels: new Uint8Array(bytes).fill(fill) });

describe('DecodedCache', () => {
  it('evicts the least recently used entries of earlier passes past its byte cap', () => {
    const cache = new DecodedCache(250);
    cache.set('a', image(100, 1));
    cache.set('b', image(100, 2));
    expect(cache.get('a')?.pixels[0]).toBe(1); // a is now the most recent
    cache.startPass();
    cache.set('c', image(100, 3));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.pixels[0]).toBe(1);
    expect(cache.get('c')?.pixels[0]).toBe(3);
    expect(cache.sizeBytes).toBe(200);
    expect([cache.hits, cache.misses]).toEqual([3, 1]);
  });

  it('keeps part of a dataset larger than its cap instead of thrashing (plain LRU would never hit)', () => {
    const cache = new DecodedCache(300);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const pass = () => {
      cache.startPass();
      let hits = 0;
      for (const [i, k] of keys.entries()) {
        if (cache.get(k)) hits++;
        else cache.set(k, image(100, i));
      }
      return hits;
    };
    expect(pass()).toBe(0);
    expect(pass()).toBe(3);
    expect(pass()).toBe(3);
    expect(cache.get('a')?.pixels[0]).toBe(0);
    expect(cache.sizeBytes).toBe(300);
  });

  it('gives way to a new dataset: entries of earlier passes are evicted, least recent first', () => {
    const cache = new DecodedCache(200);
    cache.startPass();
    cache.set('old1', image(100, 1));
    cache.set('old2', image(100, 2));
    cache.startPass();
    cache.set('new1', image(100, 3));
    expect(cache.get('old1')).toBeUndefined();
    cache.set('new2', image(100, 4));
    expect(cache.get('old2')).toBeUndefined();
    expect(cache.get('new1')?.pixels[0]).toBe(3);
    expect(cache.get('new2')?.pixels[0]).toBe(4);
  });

  it('misses once the file changes on disk', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'podium-cache-')), 'a.jpg');
    writeFileSync(file, 'one');
    const before = DecodedCache.key(file, 640, 'center');
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    expect(DecodedCache.key(file, 640, 'center')).not.toBe(before);
    expect(DecodedCache.key(file, 416, 'center')).not.toBe(DecodedCache.key(file, 640, 'center'));
    expect(DecodedCache.key(join(file, 'missing'), 640, 'center')).toBeUndefined();
  });
});
