// The SQL of searchRuns: pages through the compiled segments, counts, then loads the rows of a page.
import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Database } from '../../database/database';
import { canonicalMetricKey } from '../../metrics/metric-keys';
import { RunEntity } from '../run.entity';
import { type CompiledQuery, compileCount, compileSearch, type SearchQuery, type SearchSegment } from './filter-compiler';

/** Where a page starts: a segment of the order (value, NaN, missing) and an offset inside it. */
export interface SearchPosition {
  segment: number;
  offset: number;
}

export interface PagedId {
  id: string;
  /** The position right after this run, i.e. where the next page starts if this run ends a page. */
  next: SearchPosition;
}

@Injectable()
export class SearchRunsRepository {
  /** Summary entries a windowed read examines: at least minWindow, and windowFactor × the page's depth (tests shrink both). */
  minWindow = 2000;
  windowFactor = 4;

  constructor(private readonly db: Database) {}

  /** Up to `limit` matching run ids from `from` on, in the search's order, crossing segments as they run out. */
  async findRunIdsPage(query: SearchQuery, from: SearchPosition, limit: number): Promise<PagedId[]> {
    const segments = compileSearch(query, { dialect: this.db.dialect, metricKey: canonicalMetricKey });
    const out: PagedId[] = [];
    let { segment, offset } = from;
    while (segment < segments.length && out.length < limit) {
      const want = limit - out.length;
      const ids = await this.readSegment(segments[segment], want, offset);
      ids.forEach((id, i) => out.push({ id, next: { segment, offset: offset + i + 1 } }));
      if (ids.length === want) break;
      segment += 1;
      offset = 0;
    }
    return out;
  }

  /**
   * A slice of one segment. Metric-ordered segments first try the bounded window of the best summary entries, which
   * answers broad filters in a few milliseconds; a selective filter leaves the window short, and the exact query
   * (driven by the filter's matches) answers instead.
   */
  private async readSegment(segment: SearchSegment, want: number, offset: number): Promise<string[]> {
    if (segment.windowed && segment.boundary) {
      const window = Math.max(this.minWindow, (offset + want) * this.windowFactor);
      const [rows, bound] = await Promise.all([this.query<{ id: string; v: number }>(segment.windowed(want, offset, window)), this.query<{ v: number }>(segment.boundary(window))]);
      const limit = bound[0]?.v;
      // No boundary: the window held every entry, so it is exact whatever it returned.
      if (limit === undefined) return rows.map((r) => r.id);
      const lastValue = rows.at(-1)?.v;
      const beyond = lastValue !== undefined && (segment.direction === 'DESC' ? lastValue > limit : lastValue < limit);
      if (rows.length === want && beyond) return rows.map((r) => r.id);
    }
    const rows = await this.query<{ id: string }>(segment.exact(want, offset));
    return rows.map((r) => r.id);
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
