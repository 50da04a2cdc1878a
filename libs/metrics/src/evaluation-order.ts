// Detections of one class across all images in evaluation order: score descending; equal scores by image (sorted
// image ids, see image-order.ts), then by their rank within the image. Built by bucketing in image order, then a
// stable score sort, so no three-key comparator runs per comparison.
import { compareImageIds } from './image-order';
import { scoreOrder } from './score-order';
import type { ImageId } from './types';

export interface StoredDetections {
  /** Image id per slot (insertion order) and the [start, end) rows each slot's detections occupy, rank order. */
  readonly ids: readonly ImageId[];
  readonly rowStart: ArrayLike<number>;
  readonly rowEnd: ArrayLike<number>;
  readonly score: ArrayLike<number>;
  /** Group (class position) per row, -1 for rows that belong to no evaluated class. */
  readonly group: Int32Array;
}

export function evaluationOrder(d: StoredDetections, groups: number): Uint32Array[] {
  const slots = d.ids.map((_, i) => i).sort((x, y) => compareImageIds(d.ids[x], d.ids[y]));
  const counts = new Uint32Array(groups);
  for (let i = 0; i < d.group.length; i++) if (d.group[i] >= 0) counts[d.group[i]]++;
  const rows = Array.from({ length: groups }, (_, g) => new Uint32Array(counts[g]));
  const fill = new Uint32Array(groups);
  for (const s of slots)
    for (let i = d.rowStart[s]; i < d.rowEnd[s]; i++) {
      const g = d.group[i];
      if (g >= 0) rows[g][fill[g]++] = i;
    }
  // every row of every group placed exactly once, else the stored row ranges are corrupt: fail loudly, not silently
  for (let g = 0; g < groups; g++) if (fill[g] !== counts[g]) throw new Error(`evaluationOrder: group ${g} has ${counts[g]} rows but the image ranges cover ${fill[g]}`);
  return rows.map((r) => {
    const scores = new Float64Array(r.length);
    for (let j = 0; j < r.length; j++) scores[j] = d.score[r[j]];
    const order = scoreOrder(scores);
    const out = new Uint32Array(r.length);
    for (let j = 0; j < r.length; j++) out[j] = r[order[j]];
    return out;
  });
}
