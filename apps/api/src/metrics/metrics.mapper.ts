import type { LogMetricsResultType } from './dto/log-metrics-result.type';
import type { MetricPointType } from './dto/metric-point.type';
import type { MetricSummaryType } from './dto/metric-summary.type';
import type { MetricPointRow, MetricSummaryRow } from './metric-summary';

export function toMetricPointType(p: MetricPointRow): MetricPointType {
  return { runId: p.runId, key: p.key, value: p.value, step: p.step, timestamp: p.timestamp, sequence: p.sequence };
}

export function toMetricSummaryType(s: MetricSummaryRow): MetricSummaryType {
  return { key: s.key, last: s.last, lastStep: s.lastStep, lastTimestamp: s.lastTimestamp, min: s.min, minStep: s.minStep, max: s.max, maxStep: s.maxStep, count: s.count };
}

export function toLogMetricsResult(runId: string, points: readonly MetricPointRow[]): LogMetricsResultType {
  return {
    runId: points[0]?.runId ?? runId,
    count: points.length,
    firstSequence: points[0]?.sequence ?? null,
    lastSequence: points[points.length - 1]?.sequence ?? null,
    keys: [...new Set(points.map((p) => p.key))],
  };
}
