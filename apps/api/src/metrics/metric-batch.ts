// What a logMetrics batch is checked against before it touches the database (plain loops: class-validator per point
// would dominate ingest time), its idempotency key and fingerprint, and the answer a batch gets.
import { createHash } from 'node:crypto';
import { AppError, badInput, conflict } from '../common/app-error';
import { shortIdOf } from '../runs/run.entity';
import { canonicalMetricKey, MAX_METRIC_KEY_LENGTH } from './metric-keys';
import type { MetricPointRow } from './metric-summary';
import { encodeMetricValue } from './metric-value.scalar';

export const MAX_POINTS_PER_BATCH = 1000;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const MAX_TIMESTAMP = 8.64e15;

export interface MetricPointInput {
  key: string;
  /** NaN and ±Infinity are legal values. */
  value: number;
  step: number;
  /** Epoch milliseconds (fractions rounded); defaults to the time of the call. */
  timestamp?: number | null;
}

/** The answer to a batch: what the first commit of it stored (a retry under its idempotency key gets the same). */
export interface LoggedBatch {
  runId: string;
  count: number;
  /** null for an empty batch. */
  firstSequence: number | null;
  lastSequence: number | null;
  /** Canonical keys written, in first-seen order. */
  keys: string[];
}

export function batchOf(runId: string, rows: readonly MetricPointRow[]): LoggedBatch {
  return {
    runId,
    count: rows.length,
    firstSequence: rows[0]?.sequence ?? null,
    lastSequence: rows[rows.length - 1]?.sequence ?? null,
    keys: [...new Set(rows.map((p) => p.key))],
  };
}

/** Validates a batch; lists up to 5 problems. */
export function checkPoints(points: readonly MetricPointInput[]): void {
  if (points.length > MAX_POINTS_PER_BATCH) throw badInput(`logMetrics takes at most ${MAX_POINTS_PER_BATCH} points a call, got ${points.length}`, { max: MAX_POINTS_PER_BATCH, got: points.length });
  const problems: string[] = [];
  for (let i = 0; i < points.length && problems.length < 5; i++) {
    const p = points[i];
    if (typeof p.key !== 'string' || p.key.length === 0 || p.key.length > MAX_METRIC_KEY_LENGTH) problems.push(`metrics[${i}].key must be 1..${MAX_METRIC_KEY_LENGTH} characters`);
    if (typeof p.value !== 'number') problems.push(`metrics[${i}].value must be a number, "NaN", "Infinity" or "-Infinity"`);
    if (!Number.isInteger(p.step) || p.step < INT32_MIN || p.step > INT32_MAX) problems.push(`metrics[${i}].step must be a 32-bit integer, got ${p.step}`);
    const ts = p.timestamp;
    if (ts !== undefined && ts !== null && (!Number.isFinite(ts) || ts < 0 || ts > MAX_TIMESTAMP))
      problems.push(`metrics[${i}].timestamp must be epoch milliseconds (a non-negative number), got ${ts}`);
  }
  if (problems.length) throw badInput(`Invalid metrics: ${problems.join('; ')}`, { problems });
}

export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;
/** Printable ASCII without spaces: a UUID, a hash, "<run>-<epoch>-<n>"… */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]+$/;

export function checkIdempotencyKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !IDEMPOTENCY_KEY.test(key)) {
    throw badInput(`idempotencyKey must be 1..${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters without spaces`, { argument: 'idempotencyKey', maxLength: MAX_IDEMPOTENCY_KEY_LENGTH });
  }
}

/**
 * sha256 of the batch as the client sent it (canonical keys, values, steps, timestamps in order): a retry has the
 * same, other content under a reused key does not. Only computed for batches that carry a key.
 */
export function batchFingerprint(points: readonly MetricPointInput[]): string {
  const h = createHash('sha256');
  for (const p of points) {
    const ts = p.timestamp == null ? '' : String(Math.round(p.timestamp));
    h.update(`${canonicalMetricKey(p.key)}\u0000${encodeMetricValue(p.value)}\u0000${p.step}\u0000${ts}\n`);
  }
  return h.digest('hex');
}

export function idempotencyConflict(runId: string, key: string, first: { firstSequence: number; lastSequence: number }): AppError {
  return conflict(
    `idempotencyKey "${key}" was already used on run ${shortIdOf(runId)} for a batch with other content (sequences ${first.firstSequence}..${first.lastSequence}); send new content under a new key`,
    { reason: 'IDEMPOTENCY_KEY_REUSED', idempotencyKey: key, firstSequence: first.firstSequence, lastSequence: first.lastSequence },
  );
}

export function metricKeyLimitError(runId: string, keyCount: number, newKeys: number, limit: number): AppError {
  return badInput(
    `run ${shortIdOf(runId)} has ${keyCount} distinct metric keys and this batch adds ${newKeys} new ones: past the limit of ${limit} keys per run (PODIUM_MAX_METRIC_KEYS_PER_RUN); nothing was stored`,
    { reason: 'METRIC_KEY_LIMIT', limit, keyCount, newKeys },
  );
}
