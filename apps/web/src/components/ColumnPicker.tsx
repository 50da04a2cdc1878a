// Picks the runs table's param and metric columns. Keys are read when the picker opens, from a few runs (an
// experiment may log thousands of distinct keys), listed virtualized and filtered as you type.
import { useLazyQuery } from '@apollo/client/react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { RunKeysDocument } from '../graphql/generated';
import { type Column, columnId, DEFAULT_COLUMNS } from '../lib/columns';

export function ColumnPicker({ experimentId, columns, onChange }: { experimentId: string; columns: Column[]; onChange: (c: Column[]) => void }) {
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  const [load, { data, loading }] = useLazyQuery(RunKeysDocument, { fetchPolicy: 'network-only' });
  const all = useMemo(() => {
    const params = new Set<string>();
    const metrics = new Set<string>();
    for (const r of data?.searchRuns.nodes ?? []) {
      for (const p of r.params) params.add(p.key);
      for (const m of r.metrics) metrics.add(m.key);
    }
    for (const c of columns) (c.kind === 'param' ? params : metrics).add(c.key);
    const list: Column[] = [...[...params].sort().map((key) => ({ kind: 'param' as const, key })), ...[...metrics].sort().map((key) => ({ kind: 'metric' as const, key }))];
    return list;
  }, [data, columns]);
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return q ? all.filter((c) => c.key.toLowerCase().includes(q)) : all;
  }, [all, search]);
  const chosen = useMemo(() => new Set(columns.map(columnId)), [columns]);
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => 26, overscan: 10 });

  const toggle = (c: Column) => {
    const id = columnId(c);
    onChange(chosen.has(id) ? columns.filter((x) => columnId(x) !== id) : [...columns, c]);
  };

  return (
    <div className="picker">
      <button
        type="button"
        aria-expanded={open}
        onClick={() => {
          if (!open) void load({ variables: { experimentIds: [experimentId], first: 5 } });
          setOpen(!open);
        }}
      >
        Columns ({columns.length})
      </button>
      {open && (
        <div className="picker-panel" role="dialog" aria-label="Columns">
          <input type="search" placeholder="Search keys…" value={search} onChange={(e) => setSearch(e.target.value)} autoFocus />
          <div className="muted small">
            {loading ? 'Reading keys…' : `${shown.length} of ${all.length} keys (from the 5 newest runs and the current columns)`}{' '}
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
        </div>
      )}
    </div>
  );
}
