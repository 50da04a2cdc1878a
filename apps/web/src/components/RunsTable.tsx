// The runs of an experiment: virtualized rows (only what is on screen is in the DOM), pages fetched as you scroll,
// server-side sort (click a header) and filter, live status, selection for comparison.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { RunRowFragment } from '../graphql/generated';
import { type Column, columnId, type Sort } from '../lib/columns';
import { runDuration } from '../lib/format';
import { formatNumber } from '../lib/grid';
import { metricNumber } from '../lib/series';
import { StatusBadge } from './StatusBadge';
import type { RunPages } from './useRunPages';

const ROW = 30;

interface Props {
  pages: RunPages;
  columns: Column[];
  sort: Sort | null;
  onSort: (s: Sort | null) => void;
  selected: Set<string>;
  onSelect: (id: string, on: boolean) => void;
}

function template(columns: Column[]): string {
  return `34px minmax(200px, 2fr) 96px 84px ${columns.map(() => 'minmax(88px, 1fr)').join(' ')}`;
}

function cell(r: RunRowFragment, c: Column): string {
  if (c.kind === 'param') return r.params.find((p) => p.key === c.key)?.value ?? '';
  const m = r.metrics.find((x) => x.key === c.key);
  return m ? formatNumber(metricNumber(m.last), 4) : '';
}

// Props are plain values (no style object), so a scroll re-renders only the rows that moved in or out.
const Row = memo(function Row({
  r,
  index,
  top,
  grid,
  columns,
  checked,
  onSelect,
  now,
}: {
  r: RunRowFragment;
  index: number;
  top: number;
  grid: string;
  columns: Column[];
  checked: boolean;
  onSelect: Props['onSelect'];
  now: number;
}) {
  return (
    <div className="vrow" role="row" aria-rowindex={index + 2} style={{ gridTemplateColumns: grid, transform: `translateY(${top}px)`, height: ROW }} data-run={r.shortId}>
      <span role="cell">
        <input type="checkbox" aria-label={`select ${r.name}`} checked={checked} onChange={(e) => onSelect(r.id, e.target.checked)} />
      </span>
      <span role="cell" className="name">
        <Link to={`/runs/${r.id}`}>{r.name}</Link> <span className="muted mono">{r.shortId}</span>
      </span>
      <span role="cell">
        <StatusBadge status={r.status} />
      </span>
      <span role="cell" className="num">
        {runDuration(r.startTime, r.endTime, now)}
      </span>
      {columns.map((c) => (
        <span role="cell" key={columnId(c)} className={c.kind === 'metric' ? 'num' : ''}>
          {cell(r, c)}
        </span>
      ))}
    </div>
  );
});

export function RunsTable({ pages, columns, sort, onSort, selected, onSelect }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const count = pages.total ?? pages.rows.length;
  const v = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 20 });
  const items = v.getVirtualItems();
  const last = items.length ? items[items.length - 1].index : 0;
  useEffect(() => {
    if (last >= pages.rows.length - 1 - 20) pages.ensure(last + 20);
  }, [last, pages]);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(t);
  }, []);

  const header = (label: string, c: Column | null, className = '') => {
    const active = c && sort && columnId(sort.column) === columnId(c);
    return (
      <span
        role="columnheader"
        className={`${className} ${c ? 'sortable' : ''}`}
        aria-sort={active ? (sort!.desc ? 'descending' : 'ascending') : undefined}
        onClick={c ? () => onSort(active ? (sort!.desc ? { column: c, desc: false } : null) : { column: c, desc: true }) : undefined}
        title={c ? 'Sort (server-side)' : undefined}
      >
        {label}
        {active ? (sort!.desc ? ' ▼' : ' ▲') : ''}
      </span>
    );
  };

  const grid = template(columns);
  return (
    <div className="runs-table" role="table" aria-rowcount={count} data-testid="runs-table">
      <div className="vrow head" role="row" style={{ gridTemplateColumns: grid }}>
        <span role="columnheader" />
        {header('Run', { kind: 'attr', key: 'name' })}
        {header('Status', { kind: 'attr', key: 'status' })}
        {header('Duration', null, 'num')}
        {columns.map((c) => (
          <span key={columnId(c)} style={{ display: 'contents' }}>
            {header(c.key, c, c.kind === 'metric' ? 'num' : '')}
          </span>
        ))}
      </div>
      <div className="runs-scroll" ref={scroller}>
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const r = pages.rows[item.index];
            const style: React.CSSProperties = { gridTemplateColumns: grid, transform: `translateY(${item.start}px)`, height: ROW };
            if (!r)
              return (
                <div key={item.key} className="vrow placeholder" style={style} role="row" aria-rowindex={item.index + 2}>
                  <span />
                  <span className="muted">loading…</span>
                </div>
              );
            return <Row key={r.id} r={r} index={item.index} top={item.start} grid={grid} columns={columns} checked={selected.has(r.id)} onSelect={onSelect} now={now} />;
          })}
        </div>
      </div>
    </div>
  );
}
