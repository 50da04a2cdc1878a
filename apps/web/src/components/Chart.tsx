// A uPlot canvas chart. Data arrive already shaped (aligned, smoothed, downsampled: lib/series.ts); new data are set
// in place (setData) so a live point does not rebuild the chart. data-points / data-last-x let tests and the bench
// see what is drawn.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Aligned } from '../lib/series';

export interface ChartSeries {
  label: string;
  color?: string;
  dash?: number[];
  width?: number;
}

export interface ChartProps {
  title: string;
  data: Aligned;
  series: ChartSeries[];
  logScale?: boolean;
  xLabel?: string;
  yLabel?: string;
  height?: number;
  /** Vertical lines (an operating point): x and a label. */
  markers?: { x: number; label: string; color?: string }[];
  xRange?: [number, number];
  yRange?: [number, number];
  /** x takes whole numbers only (steps, epochs): no tick at 0.5. */
  integerX?: boolean;
  testId?: string;
}

/** Tick spacings of a whole-number axis: 1, 2, 5, 10, 20, 50, … */
const INTEGER_INCRS = Array.from({ length: 30 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3));

/** Distinct colours for up to a few hundred series (golden-angle hues). */
export function seriesColor(i: number): string {
  return `hsl(${Math.round((i * 137.508) % 360)}, 65%, 45%)`;
}

export function Chart({ title, data, series, logScale, xLabel, yLabel, height = 220, markers, xRange, yRange, integerX, testId }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const markersRef = useRef(markers);
  markersRef.current = markers;
  // uPlot cannot lay out axes without a single sample: the chart is created with the first point.
  const hasData = data[0].length > 0;
  const shape = `${hasData ? 1 : 0}|${series.length}|${series.map((s) => s.label).join('\u0000')}|${logScale ? 1 : 0}|${height}|${xRange?.join(',')}|${yRange?.join(',')}|${integerX ? 1 : 0}`;

  useEffect(() => {
    const el = box.current!;
    if (!hasData) return;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      title,
      legend: { show: series.length <= 12, live: series.length <= 12 },
      // With many series (100 compared runs) the per-series hover points and live legend cost more than the plot.
      cursor: { drag: { x: true, y: false }, points: { show: series.length <= 12 } },
      scales: {
        x: { time: false, ...(xRange ? { range: xRange } : {}) },
        y: logScale ? { distr: 3 } : yRange ? { range: yRange } : {},
      },
      axes: [{ ...(xLabel ? { label: xLabel } : {}), ...(integerX ? { incrs: INTEGER_INCRS } : {}) }, yLabel ? { label: yLabel, size: 56 } : { size: 56 }],
      series: [
        { label: xLabel ?? 'step' },
        ...series.map((s, i) => ({ label: s.label, stroke: s.color ?? seriesColor(i), width: s.width ?? 1.5, ...(s.dash ? { dash: s.dash } : {}), spanGaps: false, points: { show: false } })),
      ],
      hooks: {
        draw: [
          (u: uPlot) => {
            // What was really drawn, for tests and the bench: the x samples of the last draw.
            el.dataset.drawnPoints = String(u.data[0].length);
            const ms = markersRef.current;
            if (!ms?.length) return;
            const ctx = u.ctx;
            ctx.save();
            for (const m of ms) {
              const x = Math.round(u.valToPos(m.x, 'x', true));
              ctx.strokeStyle = m.color ?? '#c62828';
              ctx.setLineDash([4, 4]);
              ctx.lineWidth = 1.5 * devicePixelRatio;
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
              ctx.fillStyle = m.color ?? '#c62828';
              ctx.font = `${11 * devicePixelRatio}px sans-serif`;
              ctx.fillText(m.label, x + 4 * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio);
            }
            ctx.restore();
          },
        ],
      },
    };
    const u = new uPlot(opts, data as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt only when the shape changes (`shape` sums up the options); data go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, title]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);
  useEffect(() => {
    plot.current?.redraw(false);
  }, [markers]);

  const xs = data[0];
  return (
    <div className="chart" ref={box} data-testid={testId} data-points={xs.length} data-last-x={xs.length ? xs[xs.length - 1] : ''}>
      {!hasData && (
        <div className="chart-empty">
          <b>{title}</b>
          <span className="muted">no point yet</span>
        </div>
      )}
    </div>
  );
}
