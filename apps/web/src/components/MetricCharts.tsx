// Live metric charts of one run (or several runs overlaid): a RunSeriesStore per run reads the keys downsampled by the
// api, then streams them live over graphql-ws, and each chart reshapes its series (smoothing, downsampling to its
// pixels once live points pile up, NaN gaps, log scale) on change.
import { useEffect, useMemo, useState } from 'react';
import type { Client } from 'graphql-ws';
import { RunSeriesStore } from '../api/metric-stream';
import { alignSeries, prepareSeries } from '../lib/series';
import { Chart, seriesColor } from './Chart';

/** Max points drawn per series: about two per pixel of a chart. */
const MAX_POINTS = 1200;
/** Points per series of the first read (metricSeries): about a chart's width in pixels, under MAX_POINTS. */
const SEED_POINTS = 1000;

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
    for (const id of key ? key.split(',') : []) m.set(id, new RunSeriesStore(ws, id, SEED_POINTS));
    setStores(m);
    return () => {
      for (const s of m.values()) s.close();
    };
  }, [ws, key]);
  return stores;
}

/** A chart redraws at most every MIN_REDRAW_MS (the first change on the next frame). */
const MIN_REDRAW_MS = 200;

/**
 * A version that moves when any of the stores got data, on the next animation frame and at most every MIN_REDRAW_MS:
 * a live epoch (seconds apart) is drawn at once, while a replay (a hundred pages a second, from up to 100 runs)
 * redraws a few times a second instead of once per page and run, which would starve the socket's message handling.
 */
function useStoresVersion(stores: readonly RunSeriesStore[]): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let pending = false;
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let frame = 0;
    const fire = () => {
      pending = false;
      last = performance.now();
      setVersion((v) => v + 1);
    };
    const changed = () => {
      if (pending) return;
      pending = true;
      timer = setTimeout(() => (frame = requestAnimationFrame(fire)), Math.max(0, last + MIN_REDRAW_MS - performance.now()));
    };
    const offs = stores.map((s) => s.subscribe(changed));
    // Data that arrived before this chart subscribed.
    changed();
    return () => {
      offs.forEach((o) => o());
      clearTimeout(timer);
      cancelAnimationFrame(frame);
    };
  }, [stores]);
  return version;
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
  // Points this chart stands for, all curves together (the api's count behind a downsampled read, plus live points):
  // tests and the bench wait on it.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const received = useMemo(() => curves.reduce((n, c) => n + c.store.total(c.key), 0), [curves, version]);
  return (
    <figure className="chart-box" data-received={received}>
      <Chart title={title} data={data} series={series} logScale={options.logScale} xLabel="step" integerX testId={testId} height={height} />
      {error && <figcaption className="error">{error}</figcaption>}
    </figure>
  );
}
