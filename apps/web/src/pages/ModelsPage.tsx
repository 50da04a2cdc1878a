// The registry: models with their versions' stages and aliases, 100 a page ("Load more" follows the cursor).
import { useQuery } from '@apollo/client/react';
import { Link } from 'react-router';
import { ErrorBox } from '../components/ErrorBox';
import { RegisteredModelsDocument } from '../graphql/generated';
import { formatTime } from '../lib/format';
import { appendNodes, LoadMore } from '../components/LoadMore';

export default function ModelsPage() {
  const { data, error, fetchMore } = useQuery(RegisteredModelsDocument, { variables: { first: 100 } });
  const conn = data?.registeredModels;
  return (
    <section>
      <div className="page-head">
        <h1>Registry</h1>
      </div>
      <ErrorBox error={error} />
      <table className="grid-table" data-testid="models">
        <thead>
          <tr>
            <th>Model</th>
            <th>Description</th>
            <th className="num">Versions</th>
            <th>Production</th>
            <th>Staging</th>
            <th>Aliases</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {conn?.nodes.map((m) => {
            // Each list holds at most its first few versions; "…" says more exist (the model's page lists them all).
            const list = (items: readonly string[], more: boolean) => (items.length ? items.join(', ') + (more ? ', …' : '') : '—');
            return (
              <tr key={m.id}>
                <td>
                  <Link to={`/models/${encodeURIComponent(m.name)}`}>{m.name}</Link>
                </td>
                <td className="muted">{m.description}</td>
                <td className="num">{m.count.totalCount}</td>
                <td>{m.production.nodes.map((v) => `v${v.version}`).join(', ') || '—'}</td>
                <td>
                  {list(
                    m.staging.nodes.map((v) => `v${v.version}`),
                    m.staging.totalCount > m.staging.nodes.length,
                  )}
                </td>
                <td>
                  {list(
                    m.aliased.nodes.flatMap((v) => v.aliases.map((a) => `${a}→v${v.version}`)),
                    m.aliased.totalCount > m.aliased.nodes.length,
                  )}
                </td>
                <td>{formatTime(m.updatedAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {conn && !conn.nodes.length && <p className="muted">No registered model yet (createRegisteredModel, then createModelVersion from a run&apos;s artifact).</p>}
      <LoadMore conn={conn} more={(after) => fetchMore({ variables: { after }, updateQuery: appendNodes('registeredModels') })} />
    </section>
  );
}
