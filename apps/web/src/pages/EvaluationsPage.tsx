// Evaluation jobs, newest first; pick two to compare them on one chart.
import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ErrorBox } from '../components/ErrorBox';
import { StatusBadge } from '../components/StatusBadge';
import { EvaluationJobsDocument } from '../graphql/generated';
import { formatTime } from '../lib/format';
import { formatNumber } from '../lib/grid';
import { appendNodes, LoadMore } from '../components/LoadMore';

export default function EvaluationsPage() {
  const { data, error, fetchMore } = useQuery(EvaluationJobsDocument, { variables: { first: 50 } });
  const [picked, setPicked] = useState<string[]>([]);
  const navigate = useNavigate();
  const conn = data?.evaluationJobs;
  return (
    <section>
      <div className="page-head">
        <h1>Evaluations</h1>
        <button type="button" disabled={picked.length !== 2} onClick={() => navigate(`/evaluations/${picked[0]}?vs=${picked[1]}`)}>
          Compare two
        </button>
      </div>
      <ErrorBox error={error} />
      <table className="grid-table">
        <thead>
          <tr>
            <th />
            <th>Job</th>
            <th>Status</th>
            <th>Model</th>
            <th>Dataset</th>
            <th className="num">imgsz</th>
            <th className="num">mAP50</th>
            <th className="num">mAP50-95</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {conn?.nodes.map((j) => (
            <tr key={j.id}>
              <td>
                <input
                  type="checkbox"
                  checked={picked.includes(j.id)}
                  onChange={(e) => setPicked((p) => (e.target.checked ? [...p, j.id].slice(-2) : p.filter((x) => x !== j.id)))}
                  aria-label="pick"
                />
              </td>
              <td>
                <Link to={`/evaluations/${j.id}`}>{j.id.slice(0, 8)}</Link>
              </td>
              <td>
                <StatusBadge status={j.status} />
                {j.status === 'RUNNING' && j.progress ? ` ${j.progress.done}/${j.progress.total}` : ''}
              </td>
              <td>{j.modelName ? `${j.modelName} v${j.modelVersion}` : j.artifactPath}</td>
              <td>
                {j.dataset.name} v{j.dataset.version}
              </td>
              <td className="num">{j.settings.imgsz}</td>
              <td className="num">{formatNumber(j.result?.map50 ?? null)}</td>
              <td className="num">{formatNumber(j.result?.map50_95 ?? null)}</td>
              <td>{formatTime(j.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadMore conn={conn} more={(after) => fetchMore({ variables: { after }, updateQuery: appendNodes('evaluationJobs') })} />
    </section>
  );
}
