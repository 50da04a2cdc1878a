import type { LogMetricsResultType } from './dto/log-metrics-result.type';
import type { MetricPointType } from './dto/metric-point.type';
import type { RunMetricSeriesType } from './dto/metric-series.type';
import type { MetricSummaryType } from './dto/metric-summary.type';
import type { LoggedBatch } from './metric-batch';
import type { MetricPointRow, MetricSummaryRow } from './metric-summary';
import type { RunSeries } from './metric-series.service';

export function toMetricPointType(p: MetricPointRow): MetricPointType {
  return { runId: p.runId, key: p.key, value: p.value, step: p.step, timestamp: p.timestamp, sequence: p.sequence };
}

export function toMetricSummaryType(s: MetricSummaryRow): MetricSummaryType {
  return { key: s.key, last: s.last, lastStep: s.lastStep, lastTimestamp: s.lastTimestamp, min: s.min, minStep: s.minStep, max: s.max, maxStep: s.maxStep, count: s.count };
}

export function toLogMetricsResult(b: LoggedBatch): LogMetricsResultType {
  return { runId: b.runId, count: b.count, firstSequence: b.firstSequence, lastSequence: b.lastSequence, keys: b.keys };
}

export function toRunMetricSeriesType(r: RunSeries): RunMetricSeriesType {
  return {
    runId: r.runId,
    lastSequence: r.lastSequence,
    series: r.series.map((s) => ({ key: s.key, totalCount: s.count, downsampled: s.downsampled, steps: s.steps, values: s.values })),
  };
}
