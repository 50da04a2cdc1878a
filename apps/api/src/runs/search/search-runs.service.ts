// searchRuns: parses the filter and order, pages through the compiled SQL with an opaque offset cursor.
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { badInput } from '../../common/app-error';
import { decodeCursor, encodeCursor, pageSize } from '../../common/pagination';
import { type Connection, connection } from '../../graphql/connection.type';
import type { RunEntity } from '../run.entity';
import { parseFilter, parseOrderBy } from './filter-parser';
import { SearchRunsRepository } from './search-runs.repository';

export interface SearchRunsArgs {
  experimentIds: readonly string[];
  filter?: string | null;
  orderBy?: readonly string[] | null;
  first?: number | null;
  after?: string | null;
}

/** The cursor: the offset of the next run, and a digest of the search so a cursor is not reused for another one. */
interface SearchCursor {
  o: number;
  q: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_EXPERIMENTS = 100;
const MAX_ORDER_TERMS = 10;

const isCursor = (v: unknown): v is SearchCursor =>
  typeof v === 'object' && v !== null && Number.isInteger((v as SearchCursor).o) && (v as SearchCursor).o >= 0 && typeof (v as SearchCursor).q === 'string';

function digest(args: SearchRunsArgs): string {
  return createHash('sha256')
    .update(JSON.stringify([[...args.experimentIds].sort(), args.filter ?? '', args.orderBy ?? []]))
    .digest('base64url')
    .slice(0, 12);
}

@Injectable()
export class SearchRunsService {
  constructor(private readonly repo: SearchRunsRepository) {}

  async searchRuns(args: SearchRunsArgs): Promise<Connection<RunEntity>> {
    if (args.experimentIds.length === 0 || args.experimentIds.length > MAX_EXPERIMENTS) {
      throw badInput(`experimentIds must list between 1 and ${MAX_EXPERIMENTS} experiments`);
    }
    const badId = args.experimentIds.find((id) => !UUID.test(id));
    if (badId !== undefined) throw badInput(`experimentIds: "${badId}" is not an experiment id`);
    if ((args.orderBy?.length ?? 0) > MAX_ORDER_TERMS) throw badInput(`orderBy takes at most ${MAX_ORDER_TERMS} terms`);
    const filter = parseFilter(args.filter);
    const orderBy = parseOrderBy(args.orderBy);
    const limit = pageSize(args.first);
    const q = digest(args);
    const cursor = decodeCursor(args.after, isCursor);
    if (cursor && cursor.q !== q) throw badInput('after: this cursor belongs to a search with other experimentIds, filter or orderBy');
    const offset = cursor?.o ?? 0;

    // One extra id tells whether there is a next page without a second query.
    const [ids, total] = await Promise.all([
      this.repo.findRunIdsPage({ experimentIds: args.experimentIds, filter, orderBy, limit: limit + 1, offset }),
      this.repo.countRuns({ experimentIds: args.experimentIds, filter }),
    ]);
    const hasNextPage = ids.length > limit;
    const runs = await this.repo.findRunsByIds(ids.slice(0, limit));
    const endCursor = runs.length ? encodeCursor({ o: offset + runs.length, q } satisfies SearchCursor) : null;
    return connection(runs, total, endCursor, hasNextPage);
  }
}
