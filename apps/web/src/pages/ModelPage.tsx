// One registered model: its gates (policy), versions with stage and aliases, and its history, kept live.
import { useQuery, useSubscription } from '@apollo/client/react';
import { Link, useParams } from 'react-router';
import { describePolicy } from '../api/adapters';
import { ErrorBox } from '../components/ErrorBox';
import { StatusBadge } from '../components/StatusBadge';
import { TransitionHistory } from '../components/TransitionHistory';
import { ModelTransitionsDocument, ModelVersionChangedDocument, RegisteredModelDocument } from '../graphql/generated';
import { formatTime } from '../lib/format';
import { formatNumber } from '../lib/grid';
import { HISTORY_PAGE } from '../api/page-sizes';

export default function ModelPage() {
  const { name = '' } = useParams();
  const model = useQuery(RegisteredModelDocument, { variables: { name } });
  const history = useQuery(ModelTransitionsDocument, { variables: { name, first: HISTORY_PAGE } });
  useSubscription(ModelVersionChangedDocument, {
    variables: { name },
    onData: () => {
      void model.refetch();
      void history.refetch();
    },
  });
  const m = model.data?.registeredModel;
  if (model.error) return <ErrorBox error={model.error} />;
  if (model.data && !m)
    return (
      <p className="muted" data-testid="not-found">
        No registered model {name}.
      </p>
    );
  if (!m) return <p className="muted">Loading…</p>;
  const policy = describePolicy(m.policy);
  return (
    <section>
      <div className="page-head">
        <h1>
          <Link to="/models">Registry</Link> / {m.name}
        </h1>
      </div>
      {m.description && <p>{m.description}</p>}
      <h2>Gates</h2>
      {policy.length ? (
        <ul>
          {policy.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">No promotion policy: any version may be promoted with a justification.</p>
      )}
      <h2>Versions</h2>
      <table className="grid-table" data-testid="versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Stage</th>
            <th>Aliases</th>
            <th>Source run</th>
            <th className="num">map50 (max)</th>
            <th>Since</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {m.versions.nodes.map((v) => {
            const map50 = v.metrics.find((x) => x.key === 'map50');
            return (
              <tr key={v.version}>
                <td>
                  <Link to={`/models/${encodeURIComponent(m.name)}/versions/${v.version}`}>v{v.version}</Link>
                </td>
                <td>
                  <StatusBadge status={v.stage} />
                </td>
                <td>{v.aliases.join(', ')}</td>
                <td>{v.sourceRunId ? <Link to={`/runs/${v.sourceRunId}`}>{v.sourceRunId.slice(0, 8)}</Link> : '—'}</td>
                <td className="num">{formatNumber(map50?.max ?? null, 3)}</td>
                <td>{formatTime(v.stageEnteredAt)}</td>
                <td>
                  {formatTime(v.createdAt)} {v.createdBy ? `by ${v.createdBy}` : ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>History</h2>
      <ErrorBox error={history.error} />
      {history.data && <TransitionHistory transitions={history.data.modelVersionTransitions.nodes} />}
    </section>
  );
}
