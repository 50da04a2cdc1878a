// What the ModelVersion type shows beside its own columns: aliases, and the source run, its artifact and its metric
// summaries through the tracking core and artifact services. Batch methods for the field resolvers' DataLoaders.
import { Injectable } from '@nestjs/common';
import { ArtifactsService } from '../artifacts/artifacts.service';
import type { ArtifactRow } from '../artifacts/artifact.entity';
import { Database } from '../database/database';
import type { MetricSummaryRow } from '../metrics/metric-summary';
import { MetricsService, type SummaryPageArgs } from '../metrics/metrics.service';
import type { RunEntity } from '../runs/run.entity';
import { RunsService } from '../runs/runs.service';
import { RegistryRepository } from './registry.repository';

export interface ArtifactKey {
  runId: string;
  path: string;
}

@Injectable()
export class ModelVersionFieldsService {
  constructor(
    private readonly db: Database,
    private readonly repo: RegistryRepository,
    private readonly runs: RunsService,
    private readonly artifacts: ArtifactsService,
    private readonly metrics: MetricsService,
  ) {}

  async aliasesByVersionIds(ids: readonly string[]): Promise<string[][]> {
    const rows = await this.repo.findAliasesByVersionIds(this.db.read, ids);
    return ids.map((id) => rows.filter((r) => r.versionId === id).map((r) => r.alias));
  }

  /** The source runs (null where the run is gone). */
  async sourceRuns(ids: readonly string[]): Promise<(RunEntity | null)[]> {
    const rows = await this.runs.findRunsByIds(ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** The registered artifacts (null where it was removed since). */
  async artifactsOf(keys: readonly ArtifactKey[]): Promise<(ArtifactRow | null)[]> {
    const lists = await this.artifacts.listByRunIds(keys.map((k) => k.runId));
    return keys.map((k, i) => lists[i].find((a) => a.path === k.path) ?? null);
  }

  async sourceRunMetrics(runIds: readonly string[], page: SummaryPageArgs): Promise<MetricSummaryRow[][]> {
    const byRun = await this.metrics.summaryPages(runIds, page);
    return runIds.map((id) => byRun.get(id) ?? []);
  }
}
