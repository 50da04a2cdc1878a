// Folding a batch of points into per-key summaries in memory (one upsert per key per batch, never a history scan).
// "last" = highest step, then latest timestamp, then highest sequence (MLflow's latest); min/max ignore NaN but count it.

/** A point as the service handles it: `value` may be NaN or ±Infinity. */
export interface MetricPointRow {
  runId: string;
  key: string;
  value: number;
  step: number;
  timestamp: number;
  sequence: number;
}

export interface MetricSummaryRow {
  runId: string;
  key: string;
  /** May be NaN or ±Infinity. */
  last: number;
  lastStep: number;
  lastTimestamp: number;
  lastSequence: number;
  /** null when every point so far is NaN. */
  min: number | null;
  minStep: number | null;
  max: number | null;
  maxStep: number | null;
  count: number;
}

function isLater(p: MetricPointRow, s: MetricSummaryRow): boolean {
  if (p.step !== s.lastStep) return p.step > s.lastStep;
  if (p.timestamp !== s.lastTimestamp) return p.timestamp > s.lastTimestamp;
  return p.sequence > s.lastSequence;
}

function fold(s: MetricSummaryRow, p: MetricPointRow): void {
  s.count += 1;
  if (isLater(p, s)) {
    s.last = p.value;
    s.lastStep = p.step;
    s.lastTimestamp = p.timestamp;
    s.lastSequence = p.sequence;
  }
  if (Number.isNaN(p.value)) return;
  // Ties keep the earlier point's step: the first time the best value was reached.
  if (s.min === null || p.value < s.min) {
    s.min = p.value;
    s.minStep = p.step;
  }
  if (s.max === null || p.value > s.max) {
    s.max = p.value;
    s.maxStep = p.step;
  }
}

function start(p: MetricPointRow): MetricSummaryRow {
  const nan = Number.isNaN(p.value);
  return {
    runId: p.runId,
    key: p.key,
    last: p.value,
    lastStep: p.step,
    lastTimestamp: p.timestamp,
    lastSequence: p.sequence,
    min: nan ? null : p.value,
    minStep: nan ? null : p.step,
    max: nan ? null : p.value,
    maxStep: nan ? null : p.step,
    count: 1,
  };
}

/**
 * The summaries of the keys `points` touch, after folding them (in sequence order) into `existing` (by key).
 * `existing` is not modified.
 */
export function foldSummaries(existing: ReadonlyMap<string, MetricSummaryRow>, points: readonly MetricPointRow[]): Map<string, MetricSummaryRow> {
  const out = new Map<string, MetricSummaryRow>();
  for (const p of points) {
    let s = out.get(p.key);
    if (!s) {
      const before = existing.get(p.key);
      if (!before) {
        out.set(p.key, start(p));
        continue;
      }
      s = { ...before };
      out.set(p.key, s);
    }
    fold(s, p);
  }
  return out;
}
