// The evidence the promotion transaction needs, read through the repositories that own the tables (CONTRIBUTING.md
// rule 4): the evaluation runs of given model versions and their params (the runs repository) and runs' metric
// summaries (the metrics repository, the one place that decodes stored NaN). Read inside the promotion's
// transaction, so the gates see exactly what the decision is committed against.
import { Injectable } from '@nestjs/common';
import type { MetricSummary, RunSnapshot } from '@podium/registry';
import type { EntityManager } from 'typeorm';
import type { MetricSummaryRow } from '../metrics/metric-summary';
import { MetricsRepository } from '../metrics/metrics.repository';
import { RunsRepository } from '../runs/runs.repository';
import { toRunSnapshot } from './registry.mapper';

/** A stored summary as the registry rules read it (and as a transition's metrics snapshot keeps it). */
export function registrySummaryOf(s: MetricSummaryRow): MetricSummary {
  return { last: s.last, lastStep: s.lastStep, min: s.min, minStep: s.minStep, max: s.max, maxStep: s.maxStep };
}

@Injectable()
export class EvidenceRepository {
  constructor(
    private readonly metrics: MetricsRepository,
    private readonly runs: RunsRepository,
  ) {}

  /** Ids of the active evaluation runs whose params say they evaluate `modelName` version v, for each v given. */
  async findEvaluationRunIds(em: EntityManager, modelName: string, versions: readonly number[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>(versions.map((v) => [v, []]));
    for (const r of await this.runs.findEvaluationRunsOf(em, modelName, versions)) out.get(Number(r.version))?.push(r.run_id);
    return out;
  }

  /** Runs as the registry rules read them: params, metric summaries, kind, status and times. */
  async findRunSnapshots(em: EntityManager, runIds: readonly string[]): Promise<RunSnapshot[]> {
    if (runIds.length === 0) return [];
    const ids = [...new Set(runIds)];
    // Sequential: inside a PostgreSQL transaction these share one client.
    const runs = await this.runs.findByIds(ids, em);
    const params = await this.runs.paramsByRunIds(ids, em);
    const summaries = await this.findSummaries(em, ids);
    const paramsOf = new Map<string, Record<string, string>>();
    for (const p of params) {
      const m = paramsOf.get(p.runId) ?? {};
      m[p.key] = p.value;
      paramsOf.set(p.runId, m);
    }
    return runs.map((r) => toRunSnapshot(r, paramsOf.get(r.id) ?? {}, summaries.get(r.id) ?? {}));
  }

  /** Metric summaries per run id (runs without metrics map to {}). */
  async findSummaries(em: EntityManager, runIds: readonly string[]): Promise<Map<string, Record<string, MetricSummary>>> {
    const out = new Map<string, Record<string, MetricSummary>>();
    if (runIds.length === 0) return out;
    for (const row of await this.metrics.summariesByRunIds([...new Set(runIds)], { m: em })) {
      const m = out.get(row.runId) ?? {};
      m[row.key] = registrySummaryOf(row);
      out.set(row.runId, m);
    }
    return out;
  }
}
