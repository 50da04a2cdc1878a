// Downsampled metric series (the metricSeries query): how each key is cut into step buckets before the database
// reduces them, and how the reduced rows become series. Pure: the SQL lives in metric-series.repository.ts.
//
// Each bucket is a range of steps of one key; the database keeps, per bucket, the points at its first and last step,
// the first point of its minimum and of its maximum, and its first NaN (min-max bucketing by step, M4 plus NaN): a
// spike and a gap survive, and the series' first and last points are always there.

/** Points a bucket may keep: first, last, minimum, maximum, first NaN. */
export const POINTS_PER_BUCKET = 5;
export const DEFAULT_SERIES_POINTS = 1000;
export const MIN_SERIES_POINTS = 10;
export const MAX_SERIES_POINTS = 5000;
/** Bucket numbers of key i start at i × 2^32: one integer groups a (key, bucket) pair, and steps are 32-bit. */
export const KEY_STRIDE = 2 ** 32;

/**
 * The query complexity of metricSeries (a field extension, counted before the operation runs): keys × ⌈maxPoints /
 * 100⌉ × the selection, so 10 keys at 1,000 points cost about what 100 list items do elsewhere, and the size of an
 * answer is bounded by the complexity limit.
 */
export function seriesComplexity({ args, childComplexity }: { args: Record<string, unknown>; childComplexity: number }): number {
  const keys = Array.isArray(args.keys) ? Math.max(1, args.keys.length) : 1;
  const points = typeof args.maxPoints === 'number' ? args.maxPoints : DEFAULT_SERIES_POINTS;
  return 1 + keys * Math.max(1, Math.ceil(points / 100)) * Math.max(1, childComplexity);
}

/** What the database says about a key up to the run's committed sequence. */
export interface SeriesStats {
  key: string;
  /** Points stored for the key (a step logged twice counts twice). */
  count: number;
  /** Lowest and highest step of the key. */
  lo: number;
  hi: number;
}

/** How the database buckets one key: bucket = offset + floor((step - lo) / width). */
export interface BucketSpec {
  key: string;
  offset: number;
  lo: number;
  width: number;
  /** Whether the series is reduced (width 1: every step is its own bucket, so every point is kept). */
  downsampled: boolean;
}

/**
 * One spec per key with points (in `stats` order). A key with at most `maxPoints` points is kept whole (width 1);
 * a longer one is cut into ⌊maxPoints / 5⌋ buckets of equal step width, so at most `maxPoints` points come back.
 */
export function planBuckets(stats: readonly SeriesStats[], maxPoints: number): BucketSpec[] {
  const buckets = Math.max(1, Math.floor(maxPoints / POINTS_PER_BUCKET));
  return stats
    .filter((s) => s.count > 0)
    .map((s, i) => {
      const whole = s.count <= maxPoints;
      const width = whole ? 1 : Math.max(1, Math.ceil((s.hi - s.lo + 1) / buckets));
      return { key: s.key, offset: i * KEY_STRIDE, lo: s.lo, width, downsampled: !whole };
    });
}

/** A row the database kept: its bucket group (offset + bucket), sequence, step and value (NaN for a NaN point). */
export interface KeptPoint {
  group: number;
  sequence: number;
  step: number;
  value: number;
}

export interface DownsampledSeries {
  key: string;
  steps: number[];
  values: number[];
  count: number;
  downsampled: boolean;
}

/**
 * The series of each key asked for (in `keys` order; a key without points gets an empty series), from the kept rows
 * ordered by (group, step, sequence). A step that appears twice (logged twice) keeps its later value (highest
 * sequence), as the stream and the page do.
 */
export function assembleSeries(keys: readonly string[], stats: readonly SeriesStats[], specs: readonly BucketSpec[], rows: readonly KeptPoint[]): DownsampledSeries[] {
  const byKey = new Map<string, DownsampledSeries>();
  for (const k of keys) byKey.set(k, { key: k, steps: [], values: [], count: 0, downsampled: false });
  for (const s of stats) {
    const out = byKey.get(s.key);
    if (out) out.count = s.count;
  }
  for (const spec of specs) {
    const out = byKey.get(spec.key);
    if (out) out.downsampled = spec.downsampled;
  }
  for (const r of rows) {
    const spec = specs[Math.floor(r.group / KEY_STRIDE)];
    const out = spec && byKey.get(spec.key);
    if (!out) continue;
    const n = out.steps.length;
    if (n > 0 && out.steps[n - 1] === r.step) out.values[n - 1] = r.value;
    else {
      out.steps.push(r.step);
      out.values.push(r.value);
    }
  }
  return [...byKey.values()];
}
