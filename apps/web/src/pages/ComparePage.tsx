// Selected runs side by side: their curves overlaid per metric (live), params with the differences marked, metric
// summaries, and the experiment's grid analysis.
import { useQuery } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useWs } from '../api/ws-context';
import { ErrorBox } from '../components/ErrorBox';
import { GridAnalysisView } from '../components/GridAnalysisView';
import { type ChartOptions, ChartToolbar, MetricChart, useRunStores } from '../components/MetricCharts';
import { CompareRunsDocument } from '../graphql/generated';
import { formatNumber } from '../lib/grid';

const DEFAULT_METRICS = ['map50', 'map50_95', 'precision', 'recall'];

export default function ComparePage() {
  const [params, setParams] = useSearchParams();
  const ws = useWs();
  const runIds = useMemo(() => (params.get('runs') ?? '').split(',').filter(Boolean).slice(0, 100), [params]);
  const experimentId = params.get('experiment');
  const metrics = useMemo(() => (params.get('metrics') ?? DEFAULT_METRICS.join(',')).split(',').filter(Boolean), [params]);
  const [onlyDiff, setOnlyDiff] = useState(true);
  const [newMetric, setNewMetric] = useState('');
  const [options, setOptions] = useState<ChartOptions>({ logScale: false, smoothing: 0 });
  const { data, error } = useQuery(CompareRunsDocument, { variables: { runIds, metrics }, skip: !runIds.length });
  const cmp = data?.compareRuns;
  const stores = useRunStores(ws, cmp ? cmp.runs.map((r) => r.id) : []);
  const charts = useMemo(
    () => (cmp && stores.size ? metrics.map((m) => ({ m, curves: cmp.runs.flatMap((r) => (stores.get(r.id) ? [{ store: stores.get(r.id)!, key: m, label: `${r.name} (${r.shortId})` }] : [])) })) : []),
    [cmp, stores, metrics],
  );
  if (!runIds.length) return <p>Select runs in an experiment&apos;s table to compare them.</p>;
  const setMetrics = (ms: string[]) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      next.set('metrics', ms.join(','));
      return next;
    });
  return (
    <section>
      <div className="page-head">
        <h1>
          {experimentId && (
            <>
              <Link to={`/experiments/${experimentId}`}>Experiment</Link> /{' '}
            </>
          )}
          Compare {runIds.length} runs
        </h1>
      </div>
      <ErrorBox error={error} />
      <h2>Curves</h2>
      <div className="toolbar">
        <ChartToolbar value={options} onChange={setOptions} />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (newMetric.trim()) setMetrics([...metrics, newMetric.trim()]);
            setNewMetric('');
          }}
        >
          <input placeholder="Add a metric key…" value={newMetric} onChange={(e) => setNewMetric(e.target.value)} />
        </form>
      </div>
      <div className="charts" data-testid="compare-charts">
        {charts.map(({ m, curves }) => (
          <div key={m}>
            <MetricChart title={m} curves={curves} options={options} testId={`compare-${m}`} />
            <button type="button" className="link small" onClick={() => setMetrics(metrics.filter((x) => x !== m))}>
              remove {m}
            </button>
          </div>
        ))}
      </div>
      {cmp && (
        <>
          <h2>Params</h2>
          <label>
            <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} /> Only params that differ
          </label>
          <div className="wide-scroll">
            <table className="grid-table compare" data-testid="compare-params">
              <thead>
                <tr>
                  <th>Param</th>
                  {cmp.runs.map((r) => (
                    <th key={r.id}>
                      <Link to={`/runs/${r.id}`}>{r.name}</Link>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {cmp.params
                  .filter((p) => !onlyDiff || p.differs)
                  .map((p) => (
                    <tr key={p.key} className={p.differs ? 'differs' : ''}>
                      <th>
                        {p.key}
                        {p.differs ? ' ≠' : ''}
                      </th>
                      {p.values.map((v, i) => (
                        <td key={i} className="mono">
                          {v ?? '—'}
                        </td>
                      ))}
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
          <h2>Summaries (last · max)</h2>
          <div className="wide-scroll">
            <table className="grid-table compare">
              <thead>
                <tr>
                  <th>Metric</th>
                  {cmp.runs.map((r) => (
                    <th key={r.id}>{r.name}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {cmp.metrics.map((m) => (
                  <tr key={m.key}>
                    <th>{m.key}</th>
                    {m.summaries.map((s, i) => (
                      <td key={i} className="num">
                        {s ? `${formatNumber(s.last)} · ${formatNumber(s.max)}` : '—'}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {experimentId && (
        <>
          <h2>Grid analysis</h2>
          <GridAnalysisView experimentId={experimentId} metrics={metrics} />
        </>
      )}
    </section>
  );
}
