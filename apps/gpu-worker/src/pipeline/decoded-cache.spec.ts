import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecodedImage } from './decode-image';
import { DecodedCache } from './decoded-cache';
import { computeLetterbox } from './letterbox';

const image = (bytes: number, fill = 0): DecodedImage => ({ width: 4, height: 4, letterbox: computeLetterbox(4, 4, 4, 'center'), pixels: new Uint8Array(bytes).fill(fill) });

describe('DecodedCache', () => {
  it('evicts the least recently used entries past its byte cap', () => {
    const cache = new DecodedCache(250);
    cache.set('a', image(100, 1));
    cache.set('b', image(100, 2));
    expect(cache.get('a')?.pixels[0]).toBe(1); // a is now the most recent
    cache.set('c', image(100, 3));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.pixels[0]).toBe(1);
    expect(cache.get('c')?.pixels[0]).toBe(3);
    expect(cache.sizeBytes).toBe(200);
    expect([cache.hits, cache.misses]).toEqual([3, 1]);
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
