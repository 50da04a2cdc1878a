// Runs as the registry's pure functions read them (RunSnapshot), loaded through the tracking core's services
// (runs, params, metric summaries, history): the read path of compareRuns, gridAnalysis and promotionReport.
import { Injectable } from '@nestjs/common';
import type { MetricSummary, RunSnapshot } from '@podium/registry';
import { canonicalMetricKey } from '../metrics/metric-keys';
import type { MetricSummaryRow } from '../metrics/metric-summary';
import { MetricsService } from '../metrics/metrics.service';
import type { RunEntity } from '../runs/run.entity';
import { RunsService } from '../runs/runs.service';
import { registrySummaryOf } from './evidence.repository';
import { toRunSnapshot } from './registry.mapper';

/** Enough for a training curve (one point per epoch); the history is read in one page. */
const HISTORY_LIMIT = 1000;

/**
 * A run's summaries by key: each stored (canonical) key, and each requested key under the name it was asked by, so the
 * registry's functions find `metrics/mAP50(B)` when that is what the caller named.
 */
function byKey(rows: readonly MetricSummaryRow[], requested: readonly string[] | undefined): Record<string, MetricSummary> {
  const out: Record<string, MetricSummary> = {};
  for (const r of rows) out[r.key] = registrySummaryOf(r);
  for (const k of requested ?? []) {
    const s = out[canonicalMetricKey(k)];
    if (s) out[k] = s;
  }
  return out;
}

@Injectable()
export class TrackedRunsLoader {
  constructor(
    private readonly runs: RunsService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Resolves full or short ids (NOT_FOUND / ambiguous prefix errors from the tracking core), keeping the order. Full
   * ids are looked up in one query; only short ids and unknown ones go through getRun, one at a time.
   */
  async resolveIds(refs: readonly string[]): Promise<string[]> {
    const known = new Set((await this.runs.findRunsByIds(refs)).map((r) => r.id));
    const ids: string[] = [];
    for (const ref of refs) ids.push(known.has(ref.toLowerCase()) ? ref.toLowerCase() : (await this.runs.getRun(ref)).id);
    return ids;
  }

  async experimentIdOf(runId: string): Promise<string | null> {
    return (await this.runs.findRunsByIds([runId]))[0]?.experimentId ?? null;
  }

  /**
   * Snapshots of the runs, in the order of `ids` (unknown ids are left out), with the summaries of `metricKeys` only
   * (canonical or aliases; read by key, never all of a run's keys), or of every key when absent (a single run's report).
   */
  async snapshots(ids: readonly string[], metricKeys?: readonly string[]): Promise<RunSnapshot[]> {
    const rows = await this.runs.findRunsByIds(ids);
    const runIds = rows.map((r) => r.id);
    const [params, summaries] = await Promise.all([this.runs.paramsByRunIds(runIds), this.metrics.summariesByRunIds(runIds, metricKeys)]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids
      .filter((id) => byId.has(id))
      .map((id) => toRunSnapshot(byId.get(id)!, Object.fromEntries((params.get(id) ?? []).map((p) => [p.key, p.value])), byKey(summaries.get(id) ?? [], metricKeys)));
  }

  /** Active TRAINING runs of an experiment, oldest first (at most `max`, else null: the caller must narrow it). */
  async trainingRunIds(experimentId: string, max: number): Promise<string[] | null> {
    const found: RunEntity[] = [];
    let after: string | null = null;
    do {
      const page = await this.runs.listRuns({ experimentId, first: 100, after });
      for (const r of page.nodes) if (r.kind === 'TRAINING') found.push(r);
      if (found.length > max) return null;
      after = page.hasNextPage ? page.endCursor : null;
    } while (after);
    return found.sort((a, b) => a.startTime - b.startTime || (a.id < b.id ? -1 : 1)).map((r) => r.id);
  }

  /** One value per step (the last logged at that step), in step order. */
  async epochValues(runId: string, key: string): Promise<number[]> {
    const page = await this.metrics.history(runId, key, HISTORY_LIMIT);
    const byStep = new Map<number, number>();
    for (const p of page.nodes) byStep.set(p.step, p.value);
    return [...byStep.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
  }
}
