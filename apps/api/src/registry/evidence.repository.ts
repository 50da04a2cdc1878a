// Read-only SQL over the tracking tables that the promotion transaction needs as evidence: the evaluation runs of
// given model versions (params model_name / model_version, per the evaluation contract) and runs' metric summaries
// (read through the metrics repository, the one place that decodes stored NaN). Read inside the promotion's
// transaction, so the gates see exactly what the decision is committed against.
import { Injectable } from '@nestjs/common';
import type { MetricSummary, RunSnapshot } from '@podium/registry';
import { type EntityManager, In } from 'typeorm';
import type { MetricSummaryRow } from '../metrics/metric-summary';
import { MetricsRepository } from '../metrics/metrics.repository';
import { RunParamEntity } from '../runs/run-param.entity';
import { RunEntity } from '../runs/run.entity';
import { toRunSnapshot } from './registry.mapper';

/** A stored summary as the registry rules read it (and as a transition's metrics snapshot keeps it). */
export function registrySummaryOf(s: MetricSummaryRow): MetricSummary {
  return { last: s.last, lastStep: s.lastStep, min: s.min, minStep: s.minStep, max: s.max, maxStep: s.maxStep };
}

@Injectable()
export class EvidenceRepository {
  constructor(private readonly metrics: MetricsRepository) {}

  /** Ids of the active evaluation runs whose params say they evaluate `modelName` version v, for each v given. */
  async findEvaluationRunIds(em: EntityManager, modelName: string, versions: readonly number[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>(versions.map((v) => [v, []]));
    if (versions.length === 0) return out;
    const rows = await em
      .createQueryBuilder(RunParamEntity, 'pv')
      .innerJoin(RunParamEntity, 'pn', 'pn.run_id = pv.run_id AND pn.key = :nameKey', { nameKey: 'model_name' })
      .innerJoin(RunEntity, 'r', 'r.id = pv.run_id')
      .select(['pv.run_id AS run_id', 'pv.value AS version'])
      .where('pv.key = :versionKey', { versionKey: 'model_version' })
      .andWhere('pv.value IN (:...versions)', { versions: versions.map(String) })
      .andWhere('pn.value = :modelName', { modelName })
      .andWhere('r.kind = :kind', { kind: 'EVALUATION' })
      .andWhere('r.lifecycle = :active', { active: 'active' })
      .getRawMany<{ run_id: string; version: string }>();
    for (const r of rows) out.get(Number(r.version))?.push(r.run_id);
    return out;
  }

  /** Runs as the registry rules read them: params, metric summaries, kind, status and times. */
  async findRunSnapshots(em: EntityManager, runIds: readonly string[]): Promise<RunSnapshot[]> {
    if (runIds.length === 0) return [];
    const ids = [...new Set(runIds)];
    // Sequential: inside a PostgreSQL transaction these share one client.
    const runs = await em.findBy(RunEntity, { id: In(ids) });
    const params = await em.findBy(RunParamEntity, { runId: In(ids) });
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
