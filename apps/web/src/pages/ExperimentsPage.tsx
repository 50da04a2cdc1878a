// The first screen: experiments with their run count, last activity and newest run (one query), searched by name on
// the server.
import { useQuery } from '@apollo/client/react';
import { useDeferredValue, useState } from 'react';
import { Link } from 'react-router';
import { ErrorBox } from '../components/ErrorBox';
import { StatusBadge } from '../components/StatusBadge';
import { ExperimentsDocument } from '../graphql/generated';
import { formatAgo } from '../lib/format';
import { appendNodes, LoadMore } from '../components/LoadMore';

export function ExperimentsPage() {
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  const { data, previousData, error, loading, fetchMore } = useQuery(ExperimentsDocument, { variables: { first: 100, search: q || null } });
  const conn = (data ?? previousData)?.experiments;
  const shown = conn?.nodes ?? [];
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
              <td className="num">{e.runCount}</td>
              <td>{e.lastActivityAt ? formatAgo(e.lastActivityAt) : '—'}</td>
              <td>{e.latestRun ? <StatusBadge status={e.latestRun.status} /> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && conn && !conn.nodes.length && <p className="muted">No experiment yet: a trainer creates one with createExperiment.</p>}
      <LoadMore conn={conn} more={(after) => fetchMore({ variables: { after }, updateQuery: appendNodes('experiments') })} />
    </section>
  );
}
