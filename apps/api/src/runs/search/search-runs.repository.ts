// The SQL of searchRuns: reads a keyset page through the compiled segments, counts, then loads the rows of a page.
import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Database } from '../../database/database';
import { canonicalMetricKey } from '../../metrics/metric-keys';
import { RunEntity } from '../run.entity';
import { type CompiledQuery, compileCount, compileSearch, type SearchQuery, type SearchSegment } from './filter-compiler';
import { type KeyedRow, type RowKey, rowKeyOf } from './search-keyset';

export interface PagedRun {
  id: string;
  /** The run's sort values: where the next page starts if this run ends a page. */
  key: RowKey;
}

@Injectable()
export class SearchRunsRepository {
  /** Summary entries a windowed read examines: at least minWindow, and windowFactor × the page (tests shrink both). */
  minWindow = 2000;
  windowFactor = 4;

  constructor(private readonly db: Database) {}

  /** Up to `limit` matching runs after the key `after` (from the start when absent), in the search's order, crossing segments as they run out. */
  async findRunIdsPage(query: SearchQuery, after: RowKey | undefined, limit: number): Promise<PagedRun[]> {
    const segments = compileSearch(query, { dialect: this.db.dialect, metricKey: canonicalMetricKey });
    const metricFirst = segments.length > 1;
    const out: PagedRun[] = [];
    // A metric-ordered search is in segments by the first term's rank: the key's rank says which one it ends in.
    let i = after && metricFirst ? after.terms[0].rank : 0;
    let from = after;
    for (; i < segments.length && out.length < limit; i++) {
      const segment = segments[i];
      const want = limit - out.length;
      const rows = await this.readSegment(segment, want, from);
      for (const row of rows) out.push({ id: String(row.id), key: rowKeyOf(row, query.orderBy, metricFirst ? segment.rank : undefined) });
      if (rows.length === want) break;
      from = undefined;
    }
    return out;
  }

  /**
   * A slice of one segment. Metric-ordered segments first try the bounded window of the best summary entries from
   * the key on, which answers broad filters in a few milliseconds at any depth; a selective filter leaves the window
   * short, and the exact query (driven by the filter's matches) answers instead.
   */
  private async readSegment(segment: SearchSegment, want: number, after: RowKey | undefined): Promise<KeyedRow[]> {
    if (segment.windowed && segment.boundary) {
      const window = Math.max(this.minWindow, want * this.windowFactor);
      const [rows, bound] = await Promise.all([this.query<KeyedRow>(segment.windowed(want, window, after)), this.query<{ v: number }>(segment.boundary(window, after))]);
      const limit = bound[0]?.v;
      // No boundary: the window held every entry from the key on, so it is exact whatever it returned.
      if (limit === undefined) return rows;
      const lastValue = rows.at(-1)?.v as number | undefined;
      const beyond = lastValue !== undefined && (segment.direction === 'DESC' ? lastValue > limit : lastValue < limit);
      if (rows.length === want && beyond) return rows;
    }
    return this.query<KeyedRow>(segment.exact(want, after));
  }

  private query<T>(q: CompiledQuery): Promise<T[]> {
    return this.db.read.query(q.sql, q.params);
  }

  /** How many runs match (count(*) is a string on PostgreSQL). */
  async countRuns(query: Pick<SearchQuery, 'experimentIds' | 'filter' | 'lifecycle'>): Promise<number> {
    const { sql, params } = compileCount(query, { dialect: this.db.dialect, metricKey: canonicalMetricKey });
    const rows: { n: string | number }[] = await this.db.read.query(sql, params);
    return Number(rows[0]?.n ?? 0);
  }

  /** The runs with these ids, in the order of `ids`. */
  async findRunsByIds(ids: readonly string[]): Promise<RunEntity[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.read.getRepository(RunEntity).findBy({ id: In([...ids]) });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)).filter((r): r is RunEntity => r !== undefined);
  }
}
