// The detection store behind both accumulators: append-only columns and the cross-image evaluation order. A store of
// more than 1024 images (the columns' initial capacity) once lost the row range of the image that grew the column.
import { describe, expect, it } from 'vitest';
import { evaluationOrder } from '../src/evaluation-order';
import { Column } from '../src/growable';
import { compareImageIds } from '../src/image-order';
import type { ImageId } from '../src/types';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

describe('Column', () => {
  it('keeps every pushed value across growth, the push that reallocates included', () => {
    const column = new Column(Int32Array, 1, 4);
    for (let i = 0; i < 100; i++) expect(column.push(1000 + i)).toBe(i);
    expect(column.length).toBe(100);
    expect(Array.from(column.view())).toEqual(Array.from({ length: 100 }, (_, i) => 1000 + i));
  });

  it('keeps rows written through values after reserve() when reserve() grows the column', () => {
    const column = new Column(Float64Array, 2, 2);
    for (let i = 0; i < 20; i++) {
      const at = column.reserve(1);
      column.values[2 * at] = i;
      column.values[2 * at + 1] = -i;
    }
    expect(Array.from(column.view())).toEqual(Array.from({ length: 40 }, (_, k) => (k % 2 ? -((k - 1) / 2) : k / 2)));
  });
});

describe('evaluationOrder', () => {
  /** 1500 images (past the columns' initial 1024 rows) of tied, float32-rounded scores over 2 groups. */
  function store() {
    const r = lcg(5);
    const ids: ImageId[] = [];
    const rowStart = new Column(Int32Array);
    const rowEnd = new Column(Int32Array);
    const score = new Column(Float64Array);
    const group = new Column(Int32Array);
    const rank = new Column(Int32Array);
    for (let image = 0; image < 1500; image++) {
      ids.push(`img#${(image * 7919) % 1500}`); // added out of id order
      rowStart.push(score.length);
      const n = Math.floor(r() * 6);
      for (let j = 0; j < n; j++) {
        score.push(Math.fround(Math.round(r() * 20) / 20));
        group.push(Math.floor(r() * 3) - 1); // -1: a row of no evaluated group
        rank.push(j);
      }
      rowEnd.push(score.length);
    }
    return { ids, rowStart, rowEnd, score, group, rank };
  }

  it('places every row of every group exactly once: score descending, then image id, then rank in the image', () => {
    const s = store();
    const imageOf = new Int32Array(s.score.length);
    for (let slot = 0; slot < s.ids.length; slot++) for (let i = s.rowStart.values[slot]; i < s.rowEnd.values[slot]; i++) imageOf[i] = slot;
    const rows = evaluationOrder({ ids: s.ids, rowStart: s.rowStart.values, rowEnd: s.rowEnd.values, score: s.score.values, group: s.group.view() }, 2);
    for (let g = 0; g < 2; g++) {
      const expected = [...s.group.view().keys()]
        .filter((i) => s.group.values[i] === g)
        .sort((a, b) => s.score.values[b] - s.score.values[a] || compareImageIds(s.ids[imageOf[a]], s.ids[imageOf[b]]) || s.rank.values[a] - s.rank.values[b]);
      expect(expected.length).toBeGreaterThan(1000);
      expect(Array.from(rows[g])).toEqual(expected);
    }
  });

  it('fails loudly when the image row ranges do not cover the stored rows', () => {
    const s = store();
    const rowEnd = s.rowEnd.view().slice();
    rowEnd[1200] = s.rowStart.values[1200]; // image 1200 loses its rows
    const lost = s.rowEnd.values[1200] - s.rowStart.values[1200];
    const groupOfLost = [...s.group.view().subarray(s.rowStart.values[1200], s.rowEnd.values[1200])].some((g) => g >= 0);
    expect(lost > 0 && groupOfLost).toBe(true);
    expect(() => evaluationOrder({ ids: s.ids, rowStart: s.rowStart.values, rowEnd, score: s.score.values, group: s.group.view() }, 2)).toThrow(/image ranges cover/);
  });
});
