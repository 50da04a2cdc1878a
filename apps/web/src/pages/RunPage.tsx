// One run: what it is (params, tags, summaries, artifacts) and its live metric charts, one per group (mAP, P/R,
// losses, learning rate), gaining points as epochs are logged; other keys charted on demand.
import { useQuery, useSubscription } from '@apollo/client/react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useWs } from '../api/ws-context';
import { ArtifactList } from '../components/ArtifactPreview';
import { ErrorBox } from '../components/ErrorBox';
import { KeyValueTable } from '../components/KeyValueTable';
import { type ChartOptions, ChartToolbar, MetricChart, useRunStores } from '../components/MetricCharts';
import { StatusBadge } from '../components/StatusBadge';
import { EvaluationJobsDocument, RunDocument, RunUpdatedDocument } from '../graphql/generated';
import { formatTime, runDuration } from '../lib/format';
import { formatNumber } from '../lib/grid';
import { groupMetricKeys } from '../lib/metric-groups';
import { metricNumber } from '../lib/series';

const SUMMARY_LIMIT = 200;
const OTHER_LIMIT = 100;
const DEFAULT_CHARTS = 10;

export default function RunPage() {
  const { id = '' } = useParams();
  const ws = useWs();
  const { data, error, startPolling, stopPolling } = useQuery(RunDocument, { variables: { id } });
  const run = data?.run;
  // While it runs, re-read it now and then: new keys get their charts, summaries and artifacts follow.
  const running = run?.status === 'RUNNING';
  useEffect(() => {
    if (!running) return;
    startPolling(10_000);
    return () => stopPolling();
  }, [running, startPolling, stopPolling]);
  // Status and end time follow the run live (the cache merges the event into the run by id).
  useSubscription(RunUpdatedDocument, { variables: { experimentId: run?.experiment.id ?? '' }, skip: !run });
  const jobs = useQuery(EvaluationJobsDocument, { variables: { filter: { runId: run?.id ?? id }, first: 20 }, skip: !run });
  const [options, setOptions] = useState<ChartOptions>({ logScale: false, smoothing: 0 });
  const [extra, setExtra] = useState<string[]>([]);
  const [otherSearch, setOtherSearch] = useState('');
  const [summarySearch, setSummarySearch] = useState('');
  const runIds = useMemo(() => (run ? [run.id] : []), [run]);
  const stores = useRunStores(ws, runIds);
  const store = run ? stores.get(run.id) : undefined;
  const keys = useMemo(() => (run ? run.metrics.map((m) => m.key) : []), [run]);
  const { groups, others } = useMemo(() => groupMetricKeys(keys), [keys]);
  // Up to ten charts open by themselves: the known groups, then the first other keys; the rest on demand.
  const charted = useMemo(() => [...new Set([...others.slice(0, Math.max(0, DEFAULT_CHARTS - groups.length)), ...extra])], [groups, others, extra]);
  const groupCurves = useMemo(() => (store ? groups.map((g) => ({ g, curves: g.keys.map((k) => ({ store, key: k, label: k })) })) : []), [store, groups]);
  const extraCurves = useMemo(() => (store ? charted.map((k) => ({ k, curves: [{ store, key: k, label: k }] })) : []), [store, charted]);

  if (error) return <ErrorBox error={error} />;
  if (data && !run)
    return (
      <p className="muted" data-testid="not-found">
        No run {id}.
      </p>
    );
  if (!run) return <p className="muted">Loading…</p>;
  const summaries = run.metrics.filter((m) => !summarySearch || m.key.toLowerCase().includes(summarySearch.toLowerCase()));
  const otherShown = others.filter((k) => !charted.includes(k) && (!otherSearch || k.toLowerCase().includes(otherSearch.toLowerCase())));
  const ownJob = jobs.data?.evaluationJobs.nodes.find((j) => j.runId === run.id);
  const evaluationsOfRun = jobs.data?.evaluationJobs.nodes.filter((j) => j.sourceRunId === run.id) ?? [];

  return (
    <section>
      <div className="page-head">
        <h1>
          <Link to={`/experiments/${run.experiment.id}`}>{run.experiment.name}</Link> / {run.name}
        </h1>
        <span className="mono muted">{run.shortId}</span>
        <StatusBadge status={run.status} />
        <span className="muted">{run.kind}</span>
      </div>
      <p className="meta">
        Started {formatTime(run.startTime)} · {run.endTime ? `ended ${formatTime(run.endTime)} · ` : ''}duration {runDuration(run.startTime, run.endTime)}
        {run.createdBy ? ` · by ${run.createdBy}` : ''}
        {run.parentRunId && (
          <>
            {' '}
            · parent <Link to={`/runs/${run.parentRunId}`}>{run.parentRunId.slice(0, 8)}</Link>
          </>
        )}
        {ownJob && (
          <>
            {' '}
            · <Link to={`/evaluations/${ownJob.id}`}>evaluation job ({ownJob.status})</Link>
          </>
        )}
      </p>

      <h2>Charts</h2>
      <ChartToolbar value={options} onChange={setOptions} />
      <div className="charts" data-testid="run-charts">
        {groupCurves.map(({ g, curves }) => (
          <MetricChart key={g.id} title={g.title} curves={curves} options={options} testId={`chart-${g.id}`} />
        ))}
        {extraCurves.map(({ k, curves }) => (
          <MetricChart key={k} title={k} curves={curves} options={options} testId={`chart-key-${k}`} />
        ))}
      </div>
      {!keys.length && <p className="muted">No metric logged yet; charts appear with the first logMetrics.</p>}
      {others.length > 0 && (
        <details className="other-keys">
          <summary>Other metrics ({others.length}): chart one</summary>
          <input type="search" placeholder="Search keys…" value={otherSearch} onChange={(e) => setOtherSearch(e.target.value)} />
          <ul className="key-list">
            {otherShown.slice(0, OTHER_LIMIT).map((k) => (
              <li key={k}>
                <button type="button" className="link" onClick={() => setExtra((x) => [...x, k])}>
                  {k}
                </button>
              </li>
            ))}
          </ul>
          {otherShown.length > OTHER_LIMIT && <p className="muted small">{otherShown.length - OTHER_LIMIT} more: refine the search.</p>}
        </details>
      )}

      <div className="columns">
        <div>
          <h2>Params</h2>
          <KeyValueTable rows={run.params} testId="params" />
          <h2>Tags</h2>
          <KeyValueTable rows={run.tags} />
        </div>
        <div>
          <h2>Metric summaries</h2>
          {run.metrics.length > 20 && <input type="search" placeholder="Search…" value={summarySearch} onChange={(e) => setSummarySearch(e.target.value)} />}
          <table className="grid-table small" data-testid="summaries">
            <thead>
              <tr>
                <th>Key</th>
                <th className="num">Last</th>
                <th className="num">Step</th>
                <th className="num">Min</th>
                <th className="num">Max</th>
                <th className="num">Points</th>
              </tr>
            </thead>
            <tbody>
              {summaries.slice(0, SUMMARY_LIMIT).map((m) => (
                <tr key={m.key}>
                  <th>{m.key}</th>
                  <td className="num">{formatNumber(metricNumber(m.last))}</td>
                  <td className="num">{m.lastStep}</td>
                  <td className="num">{m.min === null ? '—' : formatNumber(metricNumber(m.min))}</td>
                  <td className="num">{m.max === null ? '—' : formatNumber(metricNumber(m.max))}</td>
                  <td className="num">{m.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {summaries.length > SUMMARY_LIMIT && <p className="muted small">{summaries.length - SUMMARY_LIMIT} more: refine the search.</p>}
        </div>
      </div>

      {evaluationsOfRun.length > 0 && (
        <>
          <h2>Evaluations of this run</h2>
          <ul>
            {evaluationsOfRun.map((j) => (
              <li key={j.id}>
                <Link to={`/evaluations/${j.id}`}>
                  {j.dataset.name} v{j.dataset.version} · imgsz {j.settings.imgsz}
                </Link>{' '}
                <StatusBadge status={j.status} />
              </li>
            ))}
          </ul>
        </>
      )}

      <h2>Artifacts</h2>
      <ArtifactList artifacts={run.artifacts} />
    </section>
  );
}
