// gridAnalysis of an experiment as a table a person reads: per parameter value the mean ± std (n), each change as
// "416 vs 320: +11.1 %" with its noise verdict, the seed spread (noise floor), holes and runs outside the grid.
import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Link } from 'react-router';
import { GridAnalysisDocument, type GridAggregation, type GridGoal } from '../graphql/generated';
import { changeLabel, formatNumber, formatPercent, meanStdLabel, significanceLabel } from '../lib/grid';
import { ErrorBox } from './ErrorBox';

export function GridAnalysisView({ experimentId, metrics }: { experimentId: string; metrics: string[] }) {
  const [metric, setMetric] = useState(metrics[0] ?? 'map50');
  const [aggregation, setAggregation] = useState<GridAggregation>('MAX');
  const goal: GridGoal = /loss/i.test(metric) ? 'MINIMIZE' : 'MAXIMIZE';
  const { data, error, loading } = useQuery(GridAnalysisDocument, { variables: { experimentId, metric, aggregation, goal } });
  const g = data?.gridAnalysis;
  return (
    <div className="grid-analysis" data-testid="grid-analysis">
      <div className="toolbar">
        <label>
          Metric{' '}
          <select value={metric} onChange={(e) => setMetric(e.target.value)}>
            {[...new Set([metric, ...metrics])].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>
          Value of each run{' '}
          <select value={aggregation} onChange={(e) => setAggregation(e.target.value as GridAggregation)}>
            <option value="MAX">MAX (best epoch)</option>
            <option value="LAST">LAST</option>
            <option value="MIN">MIN</option>
          </select>
        </label>
        {loading && <span className="muted">…</span>}
      </div>
      <ErrorBox error={error} />
      {g && (
        <>
          <p>
            {g.runCount} runs, {g.goal === 'MAXIMIZE' ? 'higher' : 'lower'} is better.{' '}
            {g.best && (
              <>
                Best: <Link to={`/runs/${g.best.runId}`}>{g.best.runName}</Link> ({formatNumber(g.best.value)})
              </>
            )}
          </p>
          <table className="grid-table">
            <thead>
              <tr>
                <th>Param</th>
                <th>Value</th>
                <th className="num">{g.metric} mean ± std (n)</th>
                <th>Change</th>
                <th>Noise</th>
              </tr>
            </thead>
            <tbody>
              {g.params.map((p) =>
                p.values.map((v, i) => {
                  const change = i > 0 ? p.changes[i - 1] : null;
                  return (
                    <tr key={`${p.key}:${v.value}`} className={p.best === v.value ? 'best' : ''}>
                      {i === 0 && (
                        <th rowSpan={p.values.length}>
                          {p.key}
                          {p.isRepeat ? ' (repeat)' : ''}
                        </th>
                      )}
                      <td className="mono">{v.value ?? '(unset)'}</td>
                      <td className="num">{meanStdLabel(v)}</td>
                      <td data-testid="grid-change">{change ? `${p.key} ${changeLabel(change)}` : ''}</td>
                      <td className="muted">{change && !p.isRepeat ? significanceLabel(change) : ''}</td>
                    </tr>
                  );
                }),
              )}
            </tbody>
          </table>
          <p>
            Noise floor ({g.noise.repeatParams.join(', ') || 'no repeat param'}):{' '}
            {g.noise.std === null
              ? 'no repeated configuration, no estimate'
              : `std ${formatNumber(g.noise.std)} over ${g.noise.groups.length} groups (${g.noise.degreesOfFreedom} d.o.f.), mean spread ${formatPercent(g.noise.meanRelativeRange)}; effects below ${formatNumber(g.noise.significanceThreshold)} are within noise`}
          </p>
          {g.holes.length > 0 && <p>Holes (no run): {g.holes.map((h) => h.params.map(({ key, value }) => `${key}=${value ?? '(unset)'}`).join(', ')).join(' · ')}</p>}
          {g.outsideGrid.length > 0 && (
            <p>
              Outside the grid (not in the means):{' '}
              {g.outsideGrid.map((o) => (
                <span key={o.runId}>
                  <Link to={`/runs/${o.runId}`}>{o.runName}</Link> ({o.reasons.map((r) => `${r.key}=${r.value ?? '(unset)'}`).join(', ')}; {formatNumber(o.value)}){' '}
                </span>
              ))}
            </p>
          )}
        </>
      )}
    </div>
  );
}
