import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readPredictions } from './predictions';

const dir = mkdtempSync(join(tmpdir(), 'podium-predictions-'));
const results = [
  { image_id: 9, category_id: 1, bbox: [1.5, 2, 30.25, 40], score: 0.9000000357627869 },
  { image_id: 9, category_id: 3, bbox: [5, 6, 7, 8], score: 0.5 },
  { image_id: 'a', category_id: 0, bbox: [0, 0, 1, 1], score: 0.1 },
];

describe('readPredictions', () => {
  it('reads a gzipped COCO results file as the plain one, numbers to the last bit', () => {
    const plain = join(dir, 'p.json');
    const gz = join(dir, 'p.json.gz');
    writeFileSync(plain, JSON.stringify(results));
    writeFileSync(gz, gzipSync(JSON.stringify(results)));
    const a = readPredictions(plain);
    const b = readPredictions(gz);
    expect([...b.keys()]).toEqual([9, 'a']);
    expect(b.get(9)?.scores[0]).toBe(0.9000000357627869);
    expect(b.get(9)?.boxes).toEqual(Float64Array.from([1.5, 2, 30.25, 40, 5, 6, 7, 8]));
    expect(b).toEqual(a);
  });

  it('refuses a truncated gzip file with MALFORMED_ANNOTATIONS', () => {
    const bad = join(dir, 'bad.json.gz');
    const full = gzipSync(JSON.stringify(results));
    writeFileSync(bad, full.subarray(0, full.length - 12));
    expect(() => readPredictions(bad)).toThrow(
      expect.objectContaining({ code: 'MALFORMED_ANNOTATIONS', message: expect.stringMatching(/bad\.json\.gz: not readable json \(unexpected end of file\)/) }),
    );
  });
});
