// Picks the runs table's param and metric columns. Metric keys come from the server (metricKeys): the experiment's
// distinct keys, a page at a time, searched there as you type (an experiment may log 10,000 keys); param keys from a
// few runs (params are few). Listed virtualized; the next page is read as the list nears its end.
import { useLazyQuery, useQuery } from '@apollo/client/react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { MetricKeysDocument, RunParamKeysDocument } from '../graphql/generated';
import { type Column, columnId, DEFAULT_COLUMNS, pickerEntries } from '../lib/columns';

/** Keys a page: 200 × (node + key + the connection's fields) stays far under the api's query complexity. */
const KEY_PAGE = 200;
/** The server search waits for a pause in typing this long. */
const SEARCH_DEBOUNCE_MS = 150;
/** Read the next page when the list is shown within this many rows of its end. */
const PREFETCH_ROWS = 30;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

export function ColumnPicker({ experimentId, columns, onChange }: { experimentId: string; columns: Column[]; onChange: (c: Column[]) => void }) {
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), SEARCH_DEBOUNCE_MS);
  const [loadParams, { data: paramData }] = useLazyQuery(RunParamKeysDocument, { fetchPolicy: 'network-only' });
  const { data, previousData, loading, fetchMore } = useQuery(MetricKeysDocument, {
    variables: { experimentIds: [experimentId], search: q || null, first: KEY_PAGE },
    skip: !open,
    fetchPolicy: 'network-only',
    nextFetchPolicy: 'cache-first',
  });
  // While a new search is in flight the previous answer stays listed (no flash of an empty list).
  const conn = (data ?? previousData)?.metricKeys;
  const metricKeys = useMemo(() => conn?.nodes.map((n) => n.key) ?? [], [conn]);
  const paramKeys = useMemo(() => new Set((paramData?.searchRuns.nodes ?? []).flatMap((r) => r.params.map((p) => p.key))), [paramData]);
  const shown = useMemo(() => pickerEntries(paramKeys, metricKeys, columns, search), [paramKeys, metricKeys, columns, search]);
  const paramCount = useMemo(() => shown.filter((c) => c.kind === 'param').length, [shown]);
  const chosen = useMemo(() => new Set(columns.map(columnId)), [columns]);
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => 26, overscan: 10 });

  const [fetchingMore, setFetchingMore] = useState(false);
  const more = conn?.pageInfo.hasNextPage && data && !fetchingMore ? conn.pageInfo.endCursor : null;
  const loadMore = () => {
    if (!more) return;
    setFetchingMore(true);
    void fetchMore({
      variables: { after: more },
      updateQuery: (prev, { fetchMoreResult }) => ({ metricKeys: { ...fetchMoreResult.metricKeys, nodes: [...prev.metricKeys.nodes, ...fetchMoreResult.metricKeys.nodes] } }),
    }).finally(() => setFetchingMore(false));
  };
  const lastShown = v.getVirtualItems().at(-1)?.index ?? 0;
  useEffect(() => {
    if (more && lastShown >= shown.length - PREFETCH_ROWS) loadMore();
    // loadMore reads `more`, which the dependencies cover.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [more, lastShown, shown.length]);

  const toggle = (c: Column) => {
    const id = columnId(c);
    onChange(chosen.has(id) ? columns.filter((x) => columnId(x) !== id) : [...columns, c]);
  };
  const searching = search.trim() !== q || (loading && !!conn);

  return (
    <div className="picker">
      <button
        type="button"
        aria-expanded={open}
        onClick={() => {
          if (!open) void loadParams({ variables: { experimentIds: [experimentId], first: 5 } });
          setOpen(!open);
        }}
      >
        Columns ({columns.length})
      </button>
      {open && (
        <div className="picker-panel" role="dialog" aria-label="Columns">
          <input type="search" placeholder="Search keys…" value={search} onChange={(e) => setSearch(e.target.value)} autoFocus />
          <div className="muted small" data-testid="picker-count">
            {!conn ? 'Reading keys…' : `${metricKeys.length} of ${conn.totalCount} metric keys${q ? ` matching “${q}”` : ''}, ${paramCount} params${searching ? ' (searching…)' : ''}`}{' '}
            <button type="button" className="link" onClick={() => onChange(DEFAULT_COLUMNS)}>
              Defaults
            </button>
          </div>
          <div className="picker-list" ref={scroller}>
            <div style={{ height: v.getTotalSize(), position: 'relative' }}>
              {v.getVirtualItems().map((item) => {
                const c = shown[item.index];
                return (
                  <label key={columnId(c)} className="picker-item" style={{ transform: `translateY(${item.start}px)` }}>
                    <input type="checkbox" checked={chosen.has(columnId(c))} onChange={() => toggle(c)} />
                    <span className={`kind kind-${c.kind}`}>{c.kind === 'param' ? 'param' : 'metric'}</span> {c.key}
                  </label>
                );
              })}
            </div>
          </div>
          {conn?.pageInfo.hasNextPage && (
            <button type="button" className="link" disabled={!more} onClick={loadMore}>
              {fetchingMore ? 'Reading more keys…' : `Load more (${metricKeys.length} of ${conn.totalCount})`}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
