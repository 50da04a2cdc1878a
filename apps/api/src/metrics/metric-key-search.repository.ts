// The SQL of metricKeys: the distinct keys of some experiments' runs, read from metric_summaries (one row per run and
// key) through its primary key (run_id, key), joined to the runs it belongs to (as keyCount in metrics.repository.ts
// does) so a deleted run's keys are left out without a second read. Never reads metric_points.
import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';

/** What a key must match: a case-insensitive substring (any text: LIKE's wildcards are escaped here). */
export interface KeyFilter {
  experimentIds: readonly string[];
  contains?: string;
}

/** `text` as a LIKE pattern matching it anywhere, lower-cased, with `%`, `_` and the escape `\` made literal. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

@Injectable()
export class MetricKeySearchRepository {
  constructor(private readonly db: Database) {}

  /** The WHERE clause and its parameters, numbered from 1 (`$n` on PostgreSQL, `?` on SQLite). */
  private where(f: KeyFilter, after?: string): { sql: string; params: unknown[] } {
    const params: unknown[] = [...f.experimentIds];
    const ph = () => (this.db.dialect === 'postgres' ? `$${params.length}` : '?');
    const ids = f.experimentIds.map((_, i) => (this.db.dialect === 'postgres' ? `$${i + 1}` : '?')).join(',');
    let sql = `r.experiment_id IN (${ids}) AND r.lifecycle = 'active'`;
    if (after !== undefined) {
      params.push(after);
      sql += ` AND s.key > ${ph()}`;
    }
    if (f.contains) {
      params.push(containsPattern(f.contains));
      sql += ` AND LOWER(s.key) LIKE ${ph()} ESCAPE '\\'`;
    }
    return { sql, params };
  }

  /**
   * Up to `limit` distinct keys after `after` (from the start when absent), in the database's key order: each run's
   * keys are a range of the summaries' primary key, so the cost is the experiments' (run, key) rows, not their points.
   */
  async distinctKeys(f: KeyFilter, after: string | undefined, limit: number): Promise<string[]> {
    const { sql, params } = this.where(f, after);
    params.push(limit);
    const rows: { key: string }[] = await this.db.read.query(
      `SELECT DISTINCT s.key AS key FROM runs r JOIN metric_summaries s ON s.run_id = r.id WHERE ${sql} ORDER BY s.key LIMIT ${this.db.dialect === 'postgres' ? `$${params.length}` : '?'}`,
      params,
    );
    return rows.map((r) => r.key);
  }

  /** How many distinct keys match (count is a string on PostgreSQL). */
  async countDistinctKeys(f: KeyFilter): Promise<number> {
    const { sql, params } = this.where(f);
    const rows: { n: string | number }[] = await this.db.read.query(`SELECT COUNT(DISTINCT s.key) AS n FROM runs r JOIN metric_summaries s ON s.run_id = r.id WHERE ${sql}`, params);
    return Number(rows[0]?.n ?? 0);
  }
}
