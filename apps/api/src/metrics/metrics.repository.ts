// All SQL of metric points and summaries. Hand-written so a 1,000-point batch is a few statements, not 1,000.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Database } from '../database/database';
import type { MetricPointRow, MetricSummaryRow } from './metric-summary';

const SUMMARY_COLUMNS = 'run_id, key, last_value, last_is_nan, last_step, last_timestamp, last_sequence, min_value, min_step, max_value, max_step, count';
const SQLITE_ROWS_PER_INSERT = 1000; // 7 variables a row: well under SQLite's 32,766
const SQLITE_BRANCHES = 200;

/** NaN is stored as NULL plus a flag (SQLite turns a bound NaN into NULL anyway); ±Infinity is stored as is. */
const stored = (v: number): number | null => (Number.isNaN(v) ? null : v);
const loaded = (v: number | string | null, isNan: unknown): number => (isNan === true || isNan === 1 || v === null ? Number.NaN : Number(v));

function pointFrom(r: any): MetricPointRow {
  return { runId: r.run_id, key: r.key, value: loaded(r.value, r.is_nan), step: Number(r.step), timestamp: Number(r.timestamp), sequence: Number(r.sequence) };
}

function summaryFrom(r: any): MetricSummaryRow {
  return {
    runId: r.run_id,
    key: r.key,
    last: loaded(r.last_value, r.last_is_nan),
    lastStep: Number(r.last_step),
    lastTimestamp: Number(r.last_timestamp),
    lastSequence: Number(r.last_sequence),
    min: r.min_value === null ? null : Number(r.min_value),
    minStep: r.min_step === null ? null : Number(r.min_step),
    max: r.max_value === null ? null : Number(r.max_value),
    maxStep: r.max_step === null ? null : Number(r.max_step),
    count: Number(r.count),
  };
}

/** What an idempotent batch answered, kept under its key (metric_batch_receipts). */
export interface BatchReceipt {
  fingerprint: string;
  count: number;
  firstSequence: number;
  lastSequence: number;
  createdAt: number;
}

export interface PointQuery {
  runId: string;
  /** Exclusive lower bound. */
  afterSequence: number;
  /** Inclusive upper bound. */
  uptoSequence: number;
  keys?: readonly string[];
  fromStep?: number;
  limit: number;
}

@Injectable()
export class MetricsRepository {
  private readonly sqliteInsertSql = new Map<number, string>();

  constructor(private readonly db: Database) {}

  private get pg(): boolean {
    return this.db.dialect === 'postgres';
  }

  /** `?` on SQLite, `$n` on PostgreSQL. */
  private ph(n: number): string {
    return this.pg ? `$${n}` : '?';
  }

  private bool(b: boolean): boolean | number {
    return this.pg ? b : b ? 1 : 0;
  }

  async insertPoints(tx: EntityManager, points: readonly MetricPointRow[]): Promise<void> {
    if (points.length === 0) return;
    if (this.pg) {
      // One statement with seven array parameters: far cheaper to bind than 7,000 scalars.
      await tx.query(
        `INSERT INTO metric_points (run_id, sequence, key, value, is_nan, step, timestamp)
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::varchar[], $4::float8[], $5::bool[], $6::int[], $7::bigint[])`,
        [
          points.map((p) => p.runId),
          points.map((p) => p.sequence),
          points.map((p) => p.key),
          points.map((p) => stored(p.value)),
          points.map((p) => Number.isNaN(p.value)),
          points.map((p) => p.step),
          points.map((p) => p.timestamp),
        ],
      );
      return;
    }
    for (let i = 0; i < points.length; i += SQLITE_ROWS_PER_INSERT) {
      const chunk = points.slice(i, i + SQLITE_ROWS_PER_INSERT);
      const params: unknown[] = [];
      for (const p of chunk) params.push(p.runId, p.sequence, p.key, stored(p.value), Number.isNaN(p.value) ? 1 : 0, p.step, p.timestamp);
      await tx.query(this.sqliteInsert(chunk.length), params);
    }
  }

  private sqliteInsert(rows: number): string {
    let sql = this.sqliteInsertSql.get(rows);
    if (!sql) {
      sql = `INSERT INTO metric_points (run_id, sequence, key, value, is_nan, step, timestamp) VALUES ${new Array(rows).fill('(?,?,?,?,?,?,?)').join(',')}`;
      this.sqliteInsertSql.set(rows, sql);
    }
    return sql;
  }

  /** These keys' summaries of one run, read in `m` (the ingest transaction, or the reader). */
  async summariesFor(m: EntityManager, runId: string, keys: readonly string[]): Promise<MetricSummaryRow[]> {
    if (keys.length === 0) return [];
    const rows = await m.query(`SELECT ${SUMMARY_COLUMNS} FROM metric_summaries WHERE run_id = ${this.ph(1)} AND key IN (${keys.map((_, i) => this.ph(i + 2)).join(',')})`, [runId, ...keys]);
    return rows.map(summaryFrom);
  }

  async upsertSummaries(tx: EntityManager, rows: readonly MetricSummaryRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const params: unknown[] = [];
      const values: string[] = [];
      for (const s of chunk) {
        const base = params.length;
        params.push(s.runId, s.key, stored(s.last), this.bool(Number.isNaN(s.last)), s.lastStep, s.lastTimestamp, s.lastSequence, s.min, s.minStep, s.max, s.maxStep, s.count);
        values.push(`(${Array.from({ length: 12 }, (_, k) => this.ph(base + k + 1)).join(',')})`);
      }
      const set = SUMMARY_COLUMNS.split(', ')
        .slice(2)
        .map((c) => `${c} = excluded.${c}`)
        .join(', ');
      await tx.query(`INSERT INTO metric_summaries (${SUMMARY_COLUMNS}) VALUES ${values.join(',')} ON CONFLICT (run_id, key) DO UPDATE SET ${set}`, params);
    }
  }

  /** Points with afterSequence < sequence ≤ uptoSequence, in sequence order, optionally filtered by key and step. */
  async pointsBetween(q: PointQuery): Promise<MetricPointRow[]> {
    const params: unknown[] = [q.runId, q.afterSequence, q.uptoSequence];
    let where = `run_id = ${this.ph(1)} AND sequence > ${this.ph(2)} AND sequence <= ${this.ph(3)}`;
    if (q.keys?.length) {
      where += ` AND key IN (${q.keys.map((_, i) => this.ph(params.length + i + 1)).join(',')})`;
      params.push(...q.keys);
    }
    if (q.fromStep !== undefined) {
      params.push(q.fromStep);
      where += ` AND step >= ${this.ph(params.length)}`;
    }
    params.push(q.limit);
    const rows = await this.db.read.query(`SELECT run_id, sequence, key, value, is_nan, step, timestamp FROM metric_points WHERE ${where} ORDER BY sequence LIMIT ${this.ph(params.length)}`, params);
    return rows.map(pointFrom);
  }

  /**
   * The key's point count in the run (0 when it has none), or undefined when the run does not exist: one primary-key
   * read of the run joined to the key's summary row, so telling an unknown run from an empty key costs no extra read.
   */
  async keyCount(runId: string, key: string): Promise<number | undefined> {
    const rows = await this.db.read.query(`SELECT s.count FROM runs r LEFT JOIN metric_summaries s ON s.run_id = r.id AND s.key = ${this.ph(1)} WHERE r.id = ${this.ph(2)}`, [key, runId]);
    return rows.length ? Number(rows[0].count ?? 0) : undefined;
  }

  /** Whether the run has a point of `key` at `step` (a probe of the (run, key, step) index), read in `m`. */
  async hasPointAt(m: EntityManager, runId: string, key: string, step: number): Promise<boolean> {
    const rows = await m.query(`SELECT 1 AS hit FROM metric_points WHERE run_id = ${this.ph(1)} AND key = ${this.ph(2)} AND step = ${this.ph(3)} LIMIT 1`, [runId, key, step]);
    return rows.length > 0;
  }

  /** One key's history by (step, sequence), after the keyset cursor. */
  async history(runId: string, key: string, after: { step: number; sequence: number } | undefined, limit: number): Promise<MetricPointRow[]> {
    const params: unknown[] = [runId, key];
    let where = `run_id = ${this.ph(1)} AND key = ${this.ph(2)}`;
    if (after) {
      params.push(after.step, after.step, after.sequence);
      where += ` AND (step > ${this.ph(3)} OR (step = ${this.ph(4)} AND sequence > ${this.ph(5)}))`;
    }
    params.push(limit);
    const rows = await this.db.read.query(
      `SELECT run_id, sequence, key, value, is_nan, step, timestamp FROM metric_points WHERE ${where} ORDER BY step, sequence LIMIT ${this.ph(params.length)}`,
      params,
    );
    return rows.map(pointFrom);
  }

  /**
   * Summaries of the runs, by run then key (in the database's key order), read in `m` (default: the reader); only
   * `keys` (canonical) when given, only keys after `after` when given.
   */
  async summariesByRunIds(runIds: readonly string[], opts: { keys?: readonly string[]; after?: string; m?: EntityManager } = {}): Promise<MetricSummaryRow[]> {
    const { keys, after, m = this.db.read } = opts;
    if (runIds.length === 0 || keys?.length === 0) return [];
    const params: unknown[] = [...runIds];
    let where = `run_id IN (${runIds.map((_, i) => this.ph(i + 1)).join(',')})`;
    if (keys) {
      where += ` AND key IN (${keys.map((_, i) => this.ph(params.length + i + 1)).join(',')})`;
      params.push(...keys);
    }
    if (after) {
      params.push(after);
      where += ` AND key > ${this.ph(params.length)}`;
    }
    const rows = await m.query(`SELECT ${SUMMARY_COLUMNS} FROM metric_summaries WHERE ${where} ORDER BY run_id, key`, params);
    return rows.map(summaryFrom);
  }

  /**
   * Up to `first` summaries of each run, in key order, with keys after `after` ('' for the start): an index range
   * read of each run's first rows (a lateral join on PostgreSQL, one limited branch per run on SQLite), so a run with
   * 100,000 keys costs what a run with `first` keys costs.
   */
  async firstSummariesByRunIds(runIds: readonly string[], after: string, first: number): Promise<MetricSummaryRow[]> {
    if (runIds.length === 0) return [];
    if (this.pg) {
      const rows = await this.db.read.query(
        `SELECT s.* FROM unnest($1::uuid[]) AS r(id)
         CROSS JOIN LATERAL (SELECT ${SUMMARY_COLUMNS} FROM metric_summaries WHERE run_id = r.id AND key > $2 ORDER BY key LIMIT $3) s`,
        [[...runIds], after, first],
      );
      return rows.map(summaryFrom);
    }
    const out: MetricSummaryRow[] = [];
    // SQLite allows 500 branches in a compound SELECT.
    for (let i = 0; i < runIds.length; i += SQLITE_BRANCHES) {
      const chunk = runIds.slice(i, i + SQLITE_BRANCHES);
      const branch = `SELECT * FROM (SELECT ${SUMMARY_COLUMNS} FROM metric_summaries WHERE run_id = ? AND key > ? ORDER BY key LIMIT ?)`;
      const rows = await this.db.read.query(
        chunk.map(() => branch).join(' UNION ALL '),
        chunk.flatMap((id) => [id, after, first]),
      );
      out.push(...rows.map(summaryFrom));
    }
    return out;
  }

  /** The receipt of an idempotent batch (expired or not), read in the ingest transaction that holds the run's lock. */
  async findReceipt(tx: EntityManager, runId: string, idempotencyKey: string): Promise<BatchReceipt | undefined> {
    const rows = await tx.query(`SELECT fingerprint, count, first_sequence, last_sequence, created_at FROM metric_batch_receipts WHERE run_id = ${this.ph(1)} AND idempotency_key = ${this.ph(2)}`, [
      runId,
      idempotencyKey,
    ]);
    const r = rows[0];
    return r && { fingerprint: r.fingerprint, count: Number(r.count), firstSequence: Number(r.first_sequence), lastSequence: Number(r.last_sequence), createdAt: Number(r.created_at) };
  }

  /** Stores a receipt; the primary key (run_id, idempotency_key) refuses a second one for the same key. */
  async insertReceipt(tx: EntityManager, runId: string, idempotencyKey: string, r: BatchReceipt): Promise<void> {
    await tx.query(
      `INSERT INTO metric_batch_receipts (run_id, idempotency_key, fingerprint, count, first_sequence, last_sequence, created_at) VALUES (${[1, 2, 3, 4, 5, 6, 7].map((n) => this.ph(n)).join(',')})`,
      [runId, idempotencyKey, r.fingerprint, r.count, r.firstSequence, r.lastSequence, r.createdAt],
    );
  }

  async deleteReceipt(tx: EntityManager, runId: string, idempotencyKey: string): Promise<void> {
    await tx.query(`DELETE FROM metric_batch_receipts WHERE run_id = ${this.ph(1)} AND idempotency_key = ${this.ph(2)}`, [runId, idempotencyKey]);
  }

  /** Deletes up to `limit` receipts created before `before` (epoch ms); returns how many. */
  async deleteExpiredReceipts(tx: EntityManager, before: number, limit: number): Promise<number> {
    const victims = `SELECT run_id, idempotency_key FROM metric_batch_receipts WHERE created_at < ${this.ph(1)} LIMIT ${this.ph(2)}`;
    const rows = await tx.query(`DELETE FROM metric_batch_receipts WHERE (run_id, idempotency_key) IN (${victims}) RETURNING 1 AS gone`, [before, limit]);
    return (this.pg ? rows[0] : rows).length;
  }

  /** The distinct keys of a sequence range, in first-seen order (a replayed batch's `keys`). */
  async keysBetween(m: EntityManager, runId: string, firstSequence: number, lastSequence: number): Promise<string[]> {
    const rows: { key: string }[] = await m.query(`SELECT key FROM metric_points WHERE run_id = ${this.ph(1)} AND sequence >= ${this.ph(2)} AND sequence <= ${this.ph(3)} ORDER BY sequence`, [
      runId,
      firstSequence,
      lastSequence,
    ]);
    return [...new Set(rows.map((r) => r.key))];
  }
}
