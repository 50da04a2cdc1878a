// Pages of searchRuns fetched on demand as the table scrolls: the first page carries totalCount (so the scrollbar is
// the real size at once), the next ones follow the cursor. A change of filter, order or columns starts over.
import { useApolloClient } from '@apollo/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { graphqlErrors } from '../api/errors';
import { type RunRowFragment, SearchRunsDocument } from '../graphql/generated';
import { runPageSize } from '../lib/columns';
import type { GraphqlErrorLike } from '../lib/filter-error';

export interface RunPages {
  rows: RunRowFragment[];
  total: number | null;
  loading: boolean;
  errors: GraphqlErrorLike[];
  hasNext: boolean;
  /** Fetch pages until `index` is loaded (one request at a time, in cursor order). */
  ensure(index: number): void;
  /** Apply a live change (runUpdated) to a loaded row. */
  patch(id: string, change: Partial<RunRowFragment>): boolean;
  reload(): void;
}

export function useRunPages(experimentId: string, filter: string, orderBy: string[], metricKeys: string[]): RunPages {
  const client = useApolloClient();
  const key = JSON.stringify([experimentId, filter, orderBy, metricKeys]);
  const [, setVersion] = useState(0);
  const [reloads, setReloads] = useState(0);
  const s = useRef({
    key: '',
    rows: [] as RunRowFragment[],
    index: new Map<string, number>(),
    total: null as number | null,
    cursor: null as string | null,
    hasNext: true,
    loading: false,
    errors: [] as GraphqlErrorLike[],
    want: 0,
    generation: 0,
  });
  const bump = () => setVersion((v) => v + 1);

  const pump = useCallback(async () => {
    const st = s.current;
    // The table's effects run before this hook's own (children first): nothing to fetch before the key is set.
    if (!st.key || st.loading || !st.hasNext || st.errors.length || (st.rows.length > st.want && st.rows.length > 0)) return;
    const generation = st.generation;
    st.loading = true;
    bump();
    const [expId, f, order, keys] = JSON.parse(st.key) as [string, string, string[], string[]];
    try {
      const { data, error } = await client.query({
        query: SearchRunsDocument,
        variables: { experimentIds: [expId], filter: f || null, orderBy: order, first: runPageSize(keys.length), after: st.cursor, metricKeys: keys, withCount: st.cursor === null },
        fetchPolicy: 'no-cache',
        errorPolicy: 'all',
      });
      if (generation !== st.generation) return;
      if (error || !data) {
        st.errors = graphqlErrors(error ?? new Error('no data'));
        st.hasNext = false;
      } else {
        const conn = data.searchRuns;
        if (typeof conn.totalCount === 'number') st.total = conn.totalCount;
        for (const r of conn.nodes) {
          st.index.set(r.id, st.rows.length);
          st.rows.push(r);
        }
        st.cursor = conn.pageInfo.endCursor;
        st.hasNext = conn.pageInfo.hasNextPage;
        if (!st.hasNext) st.total = st.rows.length;
      }
    } catch (e) {
      if (generation !== st.generation) return;
      st.errors = graphqlErrors(e);
      st.hasNext = false;
    } finally {
      if (generation === st.generation) {
        st.loading = false;
        bump();
        // More rows may still be wanted (a fast scroll): keep going.
        if (st.hasNext && st.rows.length <= st.want) void pump();
      }
    }
  }, [client]);

  useEffect(() => {
    const st = s.current;
    st.key = key;
    st.generation++;
    st.rows = [];
    st.index = new Map();
    st.total = null;
    st.cursor = null;
    st.hasNext = true;
    st.loading = false;
    st.errors = [];
    st.want = 0;
    bump();
    void pump();
  }, [key, reloads, pump]);

  const st = s.current;
  return {
    rows: st.rows,
    total: st.total,
    loading: st.loading,
    errors: st.errors,
    hasNext: st.hasNext,
    ensure: (index: number) => {
      if (index > st.want) st.want = index;
      void pump();
    },
    patch: (id, change) => {
      const i = st.index.get(id);
      if (i === undefined) return false;
      st.rows[i] = { ...st.rows[i], ...change };
      bump();
      return true;
    },
    reload: () => setReloads((r) => r + 1),
  };
}
