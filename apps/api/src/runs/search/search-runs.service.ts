// searchRuns: parses the filter and order, pages through the compiled SQL with an opaque keyset cursor.
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { badInput } from '../../common/app-error';
import { decodeCursor, encodeCursor, LazyCountPage, pageSize } from '../../common/pagination';
import { isUuid } from '../../common/uuid';
import type { RunEntity } from '../run.entity';
import type { RunLifecycleView } from './filter-compiler';
import { parseFilter, parseOrderBy } from './filter-parser';
import { fromWire, toWire, type WireKey } from './search-keyset';
import { SearchRunsRepository } from './search-runs.repository';

export interface SearchRunsArgs {
  experimentIds: readonly string[];
  filter?: string | null;
  orderBy?: readonly string[] | null;
  first?: number | null;
  after?: string | null;
  /** Active runs (default), deleted ones, or both (MLflow's run_view_type). */
  lifecycle?: RunLifecycleView;
}

/** The cursor: the keyset of the page's last run (search-keyset.ts) and a digest of the search it belongs to. */
interface SearchCursor {
  k: WireKey;
  q: string;
}

const MAX_EXPERIMENTS = 100;
const MAX_ORDER_TERMS = 10;

const isCursor = (v: unknown): v is SearchCursor => typeof v === 'object' && v !== null && Array.isArray((v as SearchCursor).k) && typeof (v as SearchCursor).q === 'string';

function digest(args: SearchRunsArgs): string {
  return createHash('sha256')
    .update(JSON.stringify([[...args.experimentIds].sort(), args.filter ?? '', args.orderBy ?? [], args.lifecycle ?? 'active']))
    .digest('base64url')
    .slice(0, 12);
}

@Injectable()
export class SearchRunsService {
  constructor(private readonly repo: SearchRunsRepository) {}

  async searchRuns(args: SearchRunsArgs): Promise<LazyCountPage<RunEntity>> {
    if (args.experimentIds.length === 0 || args.experimentIds.length > MAX_EXPERIMENTS) {
      throw badInput(`experimentIds must list between 1 and ${MAX_EXPERIMENTS} experiments`);
    }
    const badId = args.experimentIds.find((id) => !isUuid(id));
    if (badId !== undefined) throw badInput(`experimentIds: "${badId}" is not an experiment id`);
    if ((args.orderBy?.length ?? 0) > MAX_ORDER_TERMS) throw badInput(`orderBy takes at most ${MAX_ORDER_TERMS} terms`);
    const filter = parseFilter(args.filter);
    const orderBy = parseOrderBy(args.orderBy);
    const limit = pageSize(args.first);
    const q = digest(args);
    const cursor = decodeCursor(args.after, isCursor);
    if (cursor && cursor.q !== q) throw badInput('after: this cursor belongs to a search with other experimentIds, filter or orderBy');
    const after = cursor && fromWire(cursor.k, orderBy);
    if (cursor && !after) throw badInput(`after: malformed cursor "${args.after}"`);

    const query = { experimentIds: args.experimentIds, filter, orderBy, lifecycle: args.lifecycle };
    // One extra id tells whether there is a next page.
    const ids = await this.repo.findRunIdsPage(query, after, limit + 1);
    const page = ids.slice(0, limit);
    const runs = await this.repo.findRunsByIds(page.map((p) => p.id));
    const last = page.at(-1);
    const endCursor = last ? encodeCursor({ k: toWire(last.key), q } satisfies SearchCursor) : null;
    return new LazyCountPage(runs, { endCursor, hasNextPage: ids.length > limit }, () => this.repo.countRuns(query));
  }
}
