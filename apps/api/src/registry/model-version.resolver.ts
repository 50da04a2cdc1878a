// Field resolvers of ModelVersion: aliases, source run, artifact and the source run's metrics, batched per request.
import { Injectable } from '@nestjs/common';
import { Args, Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ArtifactRow } from '../artifacts/artifact.entity';
import { toArtifactType } from '../artifacts/artifacts.mapper';
import { ArtifactType } from '../artifacts/dto/artifact.type';
import { Role } from '../auth/roles';
import { type GraphqlContext, loader } from '../graphql/context';
import { RunMetricsArgs } from '../metrics/dto/run-metrics.args';
import type { MetricSummaryRow } from '../metrics/metric-summary';
import { RunType } from '../runs/dto/run.type';
import type { RunEntity } from '../runs/run.entity';
import { toRunRecord, toRunType } from '../runs/runs.mapper';
import { ModelVersionMetricType, ModelVersionType } from './dto/model-version.type';
import { type ArtifactKey, ModelVersionFieldsService } from './model-version-fields.service';
import { toModelVersionMetrics } from './registry.mapper';

@Injectable()
@Resolver(() => ModelVersionType)
export class ModelVersionResolver {
  constructor(private readonly fields: ModelVersionFieldsService) {}

  @Authorized(Role.VIEWER)
  @FieldResolver(() => [String], { description: 'Aliases naming this version (unique per model).' })
  aliases(@Root() v: ModelVersionType, @Ctx() ctx: GraphqlContext): Promise<string[]> {
    return loader<string, string[]>(ctx, 'registry.aliases', (ids) => this.fields.aliasesByVersionIds(ids)).load(v.id);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => RunType, { nullable: true, description: 'The training run the version comes from (null when it is gone).' })
  async sourceRun(@Root() v: ModelVersionType, @Ctx() ctx: GraphqlContext): Promise<RunType | null> {
    if (!v.sourceRunId) return null;
    const run = await loader<string, RunEntity | null>(ctx, 'registry.sourceRun', (ids) => this.fields.sourceRuns(ids)).load(v.sourceRunId);
    return run && toRunType(toRunRecord(run));
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => ArtifactType, { nullable: true, description: 'The registered artifact of the source run (null when it is gone).' })
  async artifact(@Root() v: ModelVersionType, @Ctx() ctx: GraphqlContext): Promise<ArtifactType | null> {
    if (!v.sourceRunId) return null;
    const key: ArtifactKey = { runId: v.sourceRunId, path: v.artifactPath };
    const row = await loader<ArtifactKey, ArtifactRow | null>(ctx, 'registry.artifact', (keys) => this.fields.artifactsOf(keys)).load(key);
    return row && toArtifactType(row);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => [ModelVersionMetricType], { description: 'Metric summaries of the source run, bounded as Run.metrics is (empty when the run is gone).' })
  async metrics(@Root() v: ModelVersionType, @Ctx() ctx: GraphqlContext, @Args() args: RunMetricsArgs): Promise<ModelVersionMetricType[]> {
    if (!v.sourceRunId) return [];
    const page = { keys: args.keys, first: args.first, after: args.after };
    const rows = await loader<string, MetricSummaryRow[]>(ctx, `registry.sourceRunMetrics:${JSON.stringify(page)}`, (ids) => this.fields.sourceRunMetrics(ids, page)).load(v.sourceRunId);
    return toModelVersionMetrics(Object.fromEntries(rows.map((r) => [r.key, r])));
  }
}
