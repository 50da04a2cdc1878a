// The SQL of downsampled series (metricSeries): the keys' point counts and step ranges with the run's committed
// sequence, then the bucket reduction done by the database, so a 100,000-point run sends a few thousand rows to the
// api, never 100,000 objects.
import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { BucketSpec, KeptPoint, SeriesStats } from './metric-series';

@Injectable()
export class MetricSeriesRepository {
  constructor(private readonly db: Database) {}

  private get pg(): boolean {
    return this.db.dialect === 'postgres';
  }

  /**
   * The run's committed sequence and, for each of `keys` the run has, its point count and step range, read in one
   * statement (one snapshot: the counts are those of the points up to that sequence); undefined when the run does not
   * exist. The lowest step is an index probe (named for SQLite, which plans without statistics); the highest is the
   * summary's last step.
   */
  async statsAt(runId: string, keys: readonly string[]): Promise<{ head: number; stats: SeriesStats[] } | undefined> {
    const ph = (n: number) => (this.pg ? `$${n}` : '?');
    const rows: { head: unknown; key: string | null; count: unknown; lo: unknown; hi: unknown }[] = await this.db.read.query(
      `SELECT r.next_sequence AS head, s.key, s.count, s.last_step AS hi,
              (SELECT min(p.step) FROM metric_points p${this.pg ? '' : ' INDEXED BY idx_metric_points_run_key_step'} WHERE p.run_id = s.run_id AND p.key = s.key) AS lo
       FROM runs r LEFT JOIN metric_summaries s ON s.run_id = r.id AND s.key IN (${keys.map((_, i) => ph(i + 1)).join(',')})
       WHERE r.id = ${ph(keys.length + 1)}`,
      [...keys, runId],
    );
    if (!rows.length) return undefined;
    const stats = rows.filter((r) => r.key !== null).map((r) => ({ key: r.key as string, count: Number(r.count), lo: Number(r.lo), hi: Number(r.hi) }));
    return { head: Number(rows[0].head), stats };
  }

  /**
   * The points each bucket keeps (see metric-series.ts), among the run's points with sequence ≤ `head`, ordered by
   * (group, step, sequence). The database groups the points by bucket (first and last step, first NaN, and the first
   * step holding the minimum and the maximum, so a flat curve keeps two points, not all), then reads the kept steps
   * back through the (run, key, step) index. `scanRun`: the keys hold most of the run's points, so reading the run's
   * points in sequence order beats an index lookup per point.
   */
  async bucketPoints(runId: string, head: number, specs: readonly BucketSpec[], scanRun: boolean): Promise<KeptPoint[]> {
    if (!specs.length) return [];
    const params: unknown[] = [];
    // Placeholders are made in text order (SQLite's ? are positional).
    const p = (v: unknown) => {
      params.push(v);
      return this.pg ? `$${params.length}` : '?';
    };
    // SQLite plans without statistics (nothing runs ANALYZE here) and would read the run's points once per bucket:
    // its access paths are named (INDEXED BY; a unary + keeps it off the key index for a scan; CROSS JOIN keeps the
    // buckets outside). PostgreSQL plans by itself.
    const sqlite = !this.pg;
    const byKey = sqlite ? ' INDEXED BY idx_metric_points_run_key_step' : '';
    const bucketOf = specs.map((s) => `WHEN ${p(s.key)} THEN CAST(${p(s.offset)} AS BIGINT) + (CAST(m.step AS BIGINT) - CAST(${p(s.lo)} AS BIGINT)) / CAST(${p(s.width)} AS BIGINT)`).join(' ');
    const points = `SELECT m.key, m.step, m.value, m.is_nan, CASE m.key ${bucketOf} END AS g
      FROM metric_points m${scanRun ? '' : byKey}
      WHERE m.run_id = ${p(runId)} AND m.sequence <= ${p(head)} AND ${scanRun && sqlite ? '+m.key' : 'm.key'} IN (${specs.map((s) => p(s.key)).join(',')})`;
    // Per bucket: first and last step, first NaN, first step of the minimum and of the maximum. The same answer two
    // ways, each the fast one of its engine (measured: a window sort on PostgreSQL, which would nest-loop the join
    // without statistics; a join back on SQLite, where the window sort costs 3×).
    const buckets = sqlite
      ? `k AS MATERIALIZED (${points}),
         a AS (SELECT g, min(key) AS key, min(step) AS f, max(step) AS l, min(value) AS mn, max(value) AS mx, min(CASE WHEN is_nan THEN step END) AS nn FROM k GROUP BY g),
         e AS MATERIALIZED (SELECT a.g, a.key, a.f, a.l, a.nn, min(CASE WHEN k.value = a.mn THEN k.step END) AS smn, min(CASE WHEN k.value = a.mx THEN k.step END) AS smx
           FROM a LEFT JOIN k ON k.g = a.g AND (k.value = a.mn OR k.value = a.mx) GROUP BY a.g, a.key, a.f, a.l, a.nn)`
      : `w AS (SELECT g, key, step, value, is_nan, min(value) OVER (PARTITION BY g) AS mn, max(value) OVER (PARTITION BY g) AS mx FROM (${points}) p),
         e AS MATERIALIZED (SELECT g, min(key) AS key, min(step) AS f, max(step) AS l, min(CASE WHEN is_nan THEN step END) AS nn,
           min(CASE WHEN value = mn THEN step END) AS smn, min(CASE WHEN value = mx THEN step END) AS smx FROM w GROUP BY g)`;
    const rows: { g: unknown; sequence: unknown; step: unknown; value: number | string | null; is_nan: unknown }[] = await this.db.read.query(
      `WITH ${buckets},
       s AS MATERIALIZED (SELECT g, key, f AS step FROM e UNION SELECT g, key, l FROM e UNION SELECT g, key, nn FROM e UNION SELECT g, key, smn FROM e UNION SELECT g, key, smx FROM e)
       SELECT s.g, m.sequence, m.step, m.value, m.is_nan
       FROM s CROSS JOIN metric_points m${byKey}
       WHERE m.run_id = ${p(runId)} AND m.key = s.key AND m.step = s.step AND m.sequence <= ${p(head)}
       ORDER BY s.g, m.step, m.sequence`,
      params,
    );
    return rows.map((r) => ({
      group: Number(r.g),
      sequence: Number(r.sequence),
      step: Number(r.step),
      value: r.is_nan === true || r.is_nan === 1 || r.value === null ? Number.NaN : Number(r.value),
    }));
  }
}
