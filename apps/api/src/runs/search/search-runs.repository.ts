// The SQL of searchRuns: one compiled query for the page of ids, one count, then the rows of that page.
import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Database } from '../../database/database';
import { canonicalMetricKey } from '../../metrics/metric-keys';
import { RunEntity } from '../run.entity';
import { compileCount, compileSearch, type SearchQuery } from './filter-compiler';

@Injectable()
export class SearchRunsRepository {
  constructor(private readonly db: Database) {}

  /** Ids of the matching runs in `query`'s order, `limit` of them from `offset`. */
  async findRunIdsPage(query: SearchQuery): Promise<string[]> {
    const { sql, params } = compileSearch(query, { dialect: this.db.dialect, metricKey: canonicalMetricKey });
    const rows: { id: string }[] = await this.db.read.query(sql, params);
    return rows.map((r) => r.id);
  }

  /** How many runs match (count(*) is a string on PostgreSQL). */
  async countRuns(query: Pick<SearchQuery, 'experimentIds' | 'filter'>): Promise<number> {
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
