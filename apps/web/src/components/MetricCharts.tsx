// Live metric charts of one run (or several runs overlaid): a RunSeriesStore per run streams the keys over graphql-ws,
// and each chart reshapes its series (smoothing, downsampling to its pixels, NaN gaps, log scale) on change.
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { Client } from 'graphql-ws';
import { RunSeriesStore } from '../api/metric-stream';
import { alignSeries, prepareSeries } from '../lib/series';
import { Chart, seriesColor } from './Chart';

/** Max points drawn per series: about two per pixel of a chart. */
const MAX_POINTS = 1200;

export interface ChartOptions {
  logScale: boolean;
  smoothing: number;
}

export function ChartToolbar({ value, onChange }: { value: ChartOptions; onChange: (v: ChartOptions) => void }) {
  return (
    <div className="chart-toolbar">
      <label>
        <input type="checkbox" checked={value.logScale} onChange={(e) => onChange({ ...value, logScale: e.target.checked })} /> Log scale
      </label>
      <label>
        Smoothing <input type="range" min={0} max={0.99} step={0.01} value={value.smoothing} onChange={(e) => onChange({ ...value, smoothing: Number(e.target.value) })} aria-label="Smoothing" />{' '}
        <span className="mono">{value.smoothing.toFixed(2)}</span>
      </label>
    </div>
  );
}

/** One store per run, for as long as the component lives; keys are added as charts ask for them. */
export function useRunStores(ws: Client, runIds: readonly string[]): Map<string, RunSeriesStore> {
  const key = runIds.join(',');
  const [stores, setStores] = useState(() => new Map<string, RunSeriesStore>());
  useEffect(() => {
    const m = new Map<string, RunSeriesStore>();
    for (const id of key ? key.split(',') : []) m.set(id, new RunSeriesStore(ws, id));
    setStores(m);
    return () => {
      for (const s of m.values()) s.close();
    };
  }, [ws, key]);
  return stores;
}

/** Re-renders when any of the stores got data (at most once per animation frame each). */
function useStoresVersion(stores: readonly RunSeriesStore[]): string {
  const subscribe = useMemo(() => (cb: () => void) => {
    const offs = stores.map((s) => s.subscribe(cb));
    return () => offs.forEach((o) => o());
  }, [stores]);
  return useSyncExternalStore(subscribe, () => stores.map((s) => s.version).join(','));
}

export interface CurveSpec {
  store: RunSeriesStore;
  key: string;
  label: string;
  color?: string;
}

/** A chart over some (run, key) curves. */
export function MetricChart({ title, curves, options, testId, height }: { title: string; curves: CurveSpec[]; options: ChartOptions; testId?: string; height?: number }) {
  const stores = useMemo(() => [...new Set(curves.map((c) => c.store))], [curves]);
  useEffect(() => {
    const byStore = new Map<RunSeriesStore, string[]>();
    for (const c of curves) byStore.set(c.store, [...(byStore.get(c.store) ?? []), c.key]);
    for (const [s, keys] of byStore) s.ensureKeys(keys);
  }, [curves]);
  const version = useStoresVersion(stores);
  const data = useMemo(
    () =>
      alignSeries(
        curves.map((c) => {
          const s = c.store.series(c.key);
          return s ? prepareSeries(s, { smoothing: options.smoothing, maxPoints: MAX_POINTS }) : { steps: [], values: [] };
        }),
        { logScale: options.logScale },
      ),
    // version: the stores' series changed in place.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [curves, options.smoothing, options.logScale, version],
  );
  const series = useMemo(() => curves.map((c, i) => ({ label: c.label, color: c.color ?? seriesColor(i) })), [curves]);
  const error = stores.map((s) => s.error).find(Boolean);
  return (
    <figure className="chart-box">
      <Chart title={title} data={data} series={series} logScale={options.logScale} xLabel="step" testId={testId} height={height} />
      {error && <figcaption className="error">{error}</figcaption>}
    </figure>
  );
}
