// Reading one number out of a metric summary: which aggregation, which key (canonical or Ultralytics alias).
import { aliasesOf } from '@podium/contracts';
import type { MetricSummary } from './snapshots';

export const AGGREGATIONS = ['LAST', 'MAX', 'MIN'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** Metrics for which a higher value is better; the gates only accept these. */
export const HIGHER_IS_BETTER_METRICS: readonly string[] = ['map50', 'map50_95', 'map75', 'precision', 'recall', 'f1', 'fitness'];

export function findMetricSummary(metrics: Readonly<Record<string, MetricSummary>>, key: string): MetricSummary | undefined {
  if (metrics[key]) return metrics[key];
  // A summary keyed as logged: the Ultralytics names of a canonical key (@podium/contracts, the one table).
  for (const alias of aliasesOf(key)) if (metrics[alias]) return metrics[alias];
  return undefined;
}

export interface SelectedValue {
  readonly value: number;
  readonly step: number | null;
}

/** The value an aggregation selects; null when there is none (no points, or every point NaN for MIN/MAX). */
export function selectMetricValue(summary: MetricSummary | undefined, aggregation: Aggregation): SelectedValue | null {
  if (!summary) return null;
  switch (aggregation) {
    case 'LAST':
      return { value: summary.last, step: summary.lastStep };
    case 'MAX':
      return summary.max === null ? null : { value: summary.max, step: summary.maxStep };
    case 'MIN':
      return summary.min === null ? null : { value: summary.min, step: summary.minStep };
  }
}
