// The metricKeys query: the distinct metric keys of some experiments' runs, searched and paged by key, so a picker
// finds one key among 10,000 without reading them all.
import { Injectable } from '@nestjs/common';
import { badInput } from '../common/app-error';
import { decodeCursor, encodeCursor, LazyCountPage, pageSize } from '../common/pagination';
import { isUuid } from '../common/uuid';
import { MAX_METRIC_KEY_LENGTH } from './metric-keys';
import { MetricKeySearchRepository } from './metric-key-search.repository';

export const MAX_KEY_SEARCH_EXPERIMENTS = 20;
export const MAX_KEY_SEARCH_LENGTH = 256;
export const DEFAULT_KEY_PAGE = 100;
export const MAX_KEY_PAGE = 1000;

export interface MetricKeysQuery {
  experimentIds: readonly string[];
  search?: string | null;
  first?: number | null;
  after?: string | null;
}

const isKey = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_METRIC_KEY_LENGTH;

@Injectable()
export class MetricKeySearchService {
  constructor(private readonly repo: MetricKeySearchRepository) {}

  /**
   * A page of the distinct keys logged in the experiments' non-deleted runs, in key order, containing `search`
   * (ignoring case; its characters are literal). The cursor is the page's last key (opaque): a key logged meanwhile
   * shifts no page. totalCount is counted only when read (it costs every matching row).
   */
  async metricKeys(q: MetricKeysQuery): Promise<LazyCountPage<string>> {
    if (q.experimentIds.length === 0 || q.experimentIds.length > MAX_KEY_SEARCH_EXPERIMENTS) {
      throw badInput(`experimentIds must list between 1 and ${MAX_KEY_SEARCH_EXPERIMENTS} experiments`);
    }
    const badId = q.experimentIds.find((id) => !isUuid(id));
    if (badId !== undefined) throw badInput(`experimentIds: "${badId}" is not an experiment id`);
    if ((q.search?.length ?? 0) > MAX_KEY_SEARCH_LENGTH) throw badInput(`search: at most ${MAX_KEY_SEARCH_LENGTH} characters`);
    const limit = pageSize(q.first, MAX_KEY_PAGE, DEFAULT_KEY_PAGE);
    const after = decodeCursor(q.after, isKey);
    const filter = { experimentIds: [...new Set(q.experimentIds.map((id) => id.toLowerCase()))], contains: q.search ?? undefined };
    // One extra key tells whether there is a next page.
    const keys = await this.repo.distinctKeys(filter, after, limit + 1);
    const nodes = keys.slice(0, limit);
    const last = nodes.at(-1);
    return new LazyCountPage(nodes, { endCursor: last === undefined ? null : encodeCursor(last), hasNextPage: keys.length > limit }, () => this.repo.countDistinctKeys(filter));
  }
}
