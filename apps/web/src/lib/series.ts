// Metric series for the charts: values as the api sends them (numbers or "NaN"/"Infinity"/"-Infinity"), one value per
// step, started from a server-downsampled read (or a replay) and merged with live batches, smoothed, downsampled and
// aligned for uPlot. Pure: no DOM, no React.

/** A point as metricBatchLogged / metricHistory deliver it. */
export interface WirePoint {
  key: string;
  step: number;
  sequence: number;
  value: unknown;
}

/** One key's curve: steps ascending, one value per step (the point with the highest sequence wins). */
export interface Series {
  steps: number[];
  values: number[];
  sequences: number[];
}

/** The api's MetricValue scalar: a number, or "NaN", "Infinity", "-Infinity". Anything else is NaN (a gap). */
export function metricNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return NaN;
}

export const emptySeries = (): Series => ({ steps: [], values: [], sequences: [] });

/** Inserts one point; appending (the usual case: a new epoch) is O(1), an out-of-order step a binary search. */
export function insertPoint(s: Series, step: number, value: number, sequence: number): void {
  const n = s.steps.length;
  if (n === 0 || step > s.steps[n - 1]) {
    s.steps.push(step);
    s.values.push(value);
    s.sequences.push(sequence);
    return;
  }
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.steps[mid] < step) lo = mid + 1;
    else hi = mid;
  }
  if (s.steps[lo] === step) {
    // The same step logged again: the later commit (higher sequence) is the value, as MLflow's "latest".
    if (sequence > s.sequences[lo]) {
      s.values[lo] = value;
      s.sequences[lo] = sequence;
    }
    return;
  }
  s.steps.splice(lo, 0, step);
  s.values.splice(lo, 0, value);
  s.sequences.splice(lo, 0, sequence);
}

/**
 * The state of one metric stream (one run, some keys): every series and the last sequence applied. A stream resumes
 * with `afterSequence = lastSequence`; a batch replayed twice across a reconnect is applied once.
 */
export interface StreamState {
  lastSequence: number;
  series: Map<string, Series>;
  /** Points each series stands for: a downsampled read's totalCount, plus every point applied since. */
  totals: Map<string, number>;
}

export const emptyStream = (): StreamState => ({ lastSequence: 0, series: new Map(), totals: new Map() });

/** One key of a downsampled read (metricSeries) as the api sends it. */
export interface WireSeries {
  key: string;
  totalCount: number;
  steps: readonly number[];
  values: readonly unknown[];
}

/**
 * Starts a stream from a downsampled read that covers every point up to `lastSequence`: its series replace these
 * keys' series, and the stream then goes on from that sequence (applyBatch skips anything at or below it). A read
 * older than what the stream already applied changes nothing. Returns the keys that changed.
 */
export function applySeries(state: StreamState, lastSequence: number, series: readonly WireSeries[]): Set<string> {
  const changed = new Set<string>();
  if (lastSequence < state.lastSequence) return changed;
  for (const w of series) {
    state.series.set(w.key, { steps: w.steps.slice(), values: w.values.map(metricNumber), sequences: new Array<number>(w.steps.length).fill(lastSequence) });
    state.totals.set(w.key, w.totalCount);
    changed.add(w.key);
  }
  state.lastSequence = lastSequence;
  return changed;
}

/**
 * Applies one batch (points in sequence order). Points at or below `lastSequence` were applied already (a replay
 * that overlaps what a dropped connection delivered) and are skipped. Returns the keys that changed.
 */
export function applyBatch(state: StreamState, points: readonly WirePoint[]): Set<string> {
  const changed = new Set<string>();
  for (const p of points) {
    if (p.sequence <= state.lastSequence) continue;
    let s = state.series.get(p.key);
    if (!s) state.series.set(p.key, (s = emptySeries()));
    insertPoint(s, p.step, metricNumber(p.value), p.sequence);
    state.totals.set(p.key, (state.totals.get(p.key) ?? 0) + 1);
    state.lastSequence = p.sequence;
    changed.add(p.key);
  }
  return changed;
}

/**
 * TensorBoard's smoothing: an exponential moving average, debiased so the first points are not pulled to zero.
 * Non-finite values stay where they are (NaN remains a gap) and do not enter the average.
 */
export function emaSmooth(values: readonly number[], weight: number): number[] {
  if (!(weight > 0)) return values.slice();
  const w = Math.min(weight, 0.999);
  const out = new Array<number>(values.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    n++;
    out[i] = last / (1 - Math.pow(w, n));
  }
  return out;
}

/**
 * At most about `maxPoints` points: the series is cut into buckets of consecutive points and each bucket keeps its
 * first point, its minimum and maximum (so spikes survive) and its first NaN (so a gap survives). Under the limit the
 * series is returned as is.
 */
export function downsample(steps: readonly number[], values: readonly number[], maxPoints: number): { steps: number[]; values: number[] } {
  const n = steps.length;
  if (n <= maxPoints || maxPoints < 4) return { steps: steps.slice(), values: values.slice() };
  const buckets = Math.max(1, Math.floor(maxPoints / 3));
  const size = n / buckets;
  const outSteps: number[] = [];
  const outValues: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = b === buckets - 1 ? n : Math.floor((b + 1) * size);
    let min = -1;
    let max = -1;
    let nan = -1;
    for (let i = start; i < end; i++) {
      const v = values[i];
      if (Number.isNaN(v)) {
        if (nan < 0) nan = i;
        continue;
      }
      if (min < 0 || v < values[min]) min = i;
      if (max < 0 || v > values[max]) max = i;
    }
    const keep = [start, min, max, nan, end - 1].filter((i) => i >= 0);
    keep.sort((a, c) => a - c);
    let prev = -1;
    for (const i of keep) {
      if (i === prev) continue;
      prev = i;
      outSteps.push(steps[i]);
      outValues.push(values[i]);
    }
  }
  return { steps: outSteps, values: outValues };
}

/** uPlot's data: one x array and one array per series; null draws a gap, undefined is "no sample here" (spanned). */
export type Aligned = [number[], ...(number | null | undefined)[][]];

/**
 * Puts several series on one x axis (the union of their steps). A NaN becomes null (a gap in the line); a step that a
 * series does not have becomes undefined, which uPlot spans, so two curves logged at different steps both stay lines.
 * ±Infinity cannot be drawn either: it becomes a gap too. With `logScale`, values ≤ 0 are gaps.
 */
export function alignSeries(list: readonly { steps: readonly number[]; values: readonly number[] }[], opts: { logScale?: boolean } = {}): Aligned {
  const union = new Set<number>();
  for (const s of list) for (const x of s.steps) union.add(x);
  const xs = [...union].sort((a, b) => a - b);
  const index = new Map<number, number>();
  xs.forEach((x, i) => index.set(x, i));
  const out: Aligned = [xs];
  for (const s of list) {
    const ys = new Array<number | null | undefined>(xs.length).fill(undefined);
    for (let i = 0; i < s.steps.length; i++) {
      const v = s.values[i];
      ys[index.get(s.steps[i])!] = Number.isFinite(v) && (!opts.logScale || v > 0) ? v : null;
    }
    out.push(ys);
  }
  return out;
}

/** What a chart draws for one series: smoothing first (on every point), then downsampling to the pixels. */
export function prepareSeries(s: { steps: readonly number[]; values: readonly number[] }, opts: { smoothing?: number; maxPoints: number }): { steps: number[]; values: number[] } {
  const values = opts.smoothing ? emaSmooth(s.values, opts.smoothing) : s.values;
  return downsample(s.steps, values, opts.maxPoints);
}
