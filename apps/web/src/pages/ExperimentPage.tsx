// One experiment: its runs table (filter, sort, columns kept in the URL), live status, select to compare.
import { useQuery, useSubscription } from '@apollo/client/react';
import { useCallback, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ColumnPicker } from '../components/ColumnPicker';
import { ErrorBox } from '../components/ErrorBox';
import { FilterBox } from '../components/FilterBox';
import { RunsTable } from '../components/RunsTable';
import { useRunPages } from '../components/useRunPages';
import { ExperimentDocument, RunUpdatedDocument } from '../graphql/generated';
import { type Column, orderByOf, parseColumns, parseSort, type Sort, serializeColumns, serializeSort } from '../lib/columns';
import { filterProblemOf } from '../lib/filter-error';

export default function ExperimentPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const filter = params.get('filter') ?? '';
  const columns = useMemo(() => parseColumns(params.get('cols')), [params]);
  const sort = useMemo(() => parseSort(params.get('sort')), [params]);
  const orderBy = useMemo(() => orderByOf(sort), [sort]);
  const metricKeys = useMemo(() => columns.filter((c) => c.kind === 'metric').map((c) => c.key), [columns]);
  const exp = useQuery(ExperimentDocument, { variables: { id } });
  const pages = useRunPages(id, filter, orderBy, metricKeys);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [created, setCreated] = useState(0);

  useSubscription(RunUpdatedDocument, {
    variables: { experimentId: id },
    onData: ({ data }) => {
      const r = data.data?.runUpdated;
      if (!r) return;
      if (!pages.patch(r.id, { status: r.status, endTime: r.endTime, name: r.name })) setCreated((n) => n + 1);
    },
  });

  const set = useCallback(
    (name: string, value: string | null) => {
      setParams(
        (p) => {
          const next = new URLSearchParams(p);
          if (value === null || value === '') next.delete(name);
          else next.set(name, value);
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  const onSelect = useCallback(
    (runId: string, on: boolean) =>
      setSelected((s) => {
        const next = new Set(s);
        if (on) next.add(runId);
        else next.delete(runId);
        return next;
      }),
    [],
  );

  const problem = filterProblemOf(pages.errors, filter, orderBy);
  return (
    <section>
      <div className="page-head">
        <h1>
          <Link to="/">Experiments</Link> / {exp.data ? (exp.data.experiment?.name ?? 'not found') : '…'}
        </h1>
        <span className="muted" data-testid="run-count">
          {pages.total === null ? '…' : `${pages.total} run${pages.total === 1 ? '' : 's'}`}
          {filter ? ' matching' : ''}
        </span>
        <button type="button" disabled={selected.size < 1} onClick={() => navigate(`/compare?experiment=${id}&runs=${[...selected].join(',')}`)}>
          Compare {selected.size ? `(${selected.size})` : ''}
        </button>
        {created > 0 && (
          <button type="button" className="link" onClick={() => (setCreated(0), pages.reload())}>
            {created} new run{created === 1 ? '' : 's'}: refresh
          </button>
        )}
      </div>
      {exp.data?.experiment?.description && <p className="muted">{exp.data.experiment.description}</p>}
      <ErrorBox error={exp.error} />
      <div className="toolbar">
        <FilterBox value={filter} onApply={(v) => set('filter', v)} problem={problem} />
        <ColumnPicker experimentId={id} columns={columns} onChange={(c: Column[]) => set('cols', serializeColumns(c))} />
      </div>
      {!problem && pages.errors.length > 0 && <ErrorBox error={pages.errors} />}
      <RunsTable pages={pages} columns={columns} sort={sort} onSort={(s: Sort | null) => set('sort', s ? serializeSort(s) : null)} selected={selected} onSelect={onSelect} />
    </section>
  );
}
