// The first screen: experiments with their run count and last activity, searchable by name.
import { useQuery } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { ErrorBox } from '../components/ErrorBox';
import { StatusBadge } from '../components/StatusBadge';
import { ExperimentActivityDocument, ExperimentsDocument } from '../graphql/generated';
import { formatAgo } from '../lib/format';

function Activity({ experimentId }: { experimentId: string }) {
  const { data } = useQuery(ExperimentActivityDocument, { variables: { experimentId } });
  const r = data?.runs;
  if (!r) return <td colSpan={3} className="muted">…</td>;
  const last = r.nodes[0];
  return (
    <>
      <td className="num">{r.totalCount}</td>
      <td>{last ? formatAgo(last.endTime ?? last.startTime) : '—'}</td>
      <td>{last ? <StatusBadge status={last.status} /> : null}</td>
    </>
  );
}

export function ExperimentsPage() {
  const [search, setSearch] = useState('');
  const { data, error, loading, fetchMore } = useQuery(ExperimentsDocument, { variables: { first: 100 } });
  const conn = data?.experiments;
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return (conn?.nodes ?? []).filter((e) => !q || e.name.toLowerCase().includes(q) || (e.description ?? '').toLowerCase().includes(q));
  }, [conn, search]);
  return (
    <section>
      <div className="page-head">
        <h1>Experiments</h1>
        <input className="search" type="search" placeholder="Search by name…" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search experiments" />
      </div>
      <ErrorBox error={error} />
      <table className="grid-table" data-testid="experiments">
        <thead>
          <tr>
            <th>Name</th>
            <th>Description</th>
            <th className="num">Runs</th>
            <th>Last activity</th>
            <th>Latest run</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.id}>
              <td>
                <Link to={`/experiments/${e.id}`}>{e.name}</Link>
              </td>
              <td className="muted">{e.description}</td>
              <Activity experimentId={e.id} />
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && conn && !conn.nodes.length && <p className="muted">No experiment yet: a trainer creates one with createExperiment.</p>}
      {conn?.pageInfo.hasNextPage && (
        <button type="button" onClick={() => fetchMore({ variables: { after: conn.pageInfo.endCursor }, updateQuery: (prev, { fetchMoreResult }) => ({ experiments: { ...fetchMoreResult.experiments, nodes: [...prev.experiments.nodes, ...fetchMoreResult.experiments.nodes] } }) })}>
          Load more ({conn.nodes.length} of {conn.totalCount})
        </button>
      )}
    </section>
  );
}
