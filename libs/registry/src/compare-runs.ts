// compareRuns: params side by side (differences marked) and metric summaries per run, for a comparison view.
import { findMetricSummary } from './metric-value';
import { RegistryError } from './registry-error';
import type { MetricSummary, RunSnapshot } from './snapshots';
import { shortRunId } from './snapshots';

export interface ComparedRun {
  readonly id: string;
  readonly shortId: string;
  readonly name: string;
}

export interface ComparedParam {
  readonly key: string;
  /** One entry per run, in the order of `runs`; null where the run has no such param. */
  readonly values: readonly (string | null)[];
  /** true when the runs do not all hold the same string (a missing param differs from any value). */
  readonly differs: boolean;
}

export interface ComparedMetric {
  readonly key: string;
  /** One summary per run (last, min, max, each with its step); null where the run never logged the key. */
  readonly summaries: readonly (MetricSummary | null)[];
}

export interface RunComparison {
  readonly runs: readonly ComparedRun[];
  /** Every param key of any run, sorted by key. */
  readonly params: readonly ComparedParam[];
  readonly metrics: readonly ComparedMetric[];
}

export function assertDistinctRuns(runs: readonly RunSnapshot[]): void {
  if (runs.length === 0) throw new RegistryError('INVALID_INPUT', 'Give at least one run.');
  const seen = new Set<string>();
  for (const r of runs) {
    if (seen.has(r.id)) throw new RegistryError('INVALID_INPUT', `Run ${r.id} is listed twice.`);
    seen.add(r.id);
  }
}

export function compareRuns(runs: readonly RunSnapshot[], metricKeys: readonly string[]): RunComparison {
  assertDistinctRuns(runs);
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const params = keys.map((key) => {
    const values = runs.map((r) => r.params[key] ?? null);
    return { key, values, differs: new Set(values).size > 1 };
  });
  const metrics = [...new Set(metricKeys)].map((key) => ({ key, summaries: runs.map((r) => findMetricSummary(r.metrics, key) ?? null) }));
  return { runs: runs.map((r) => ({ id: r.id, shortId: shortRunId(r.id), name: r.name })), params, metrics };
}
