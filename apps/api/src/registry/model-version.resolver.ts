// Field resolvers of ModelVersion: aliases and the source run's metrics, batched per request (DataLoader).
import { Injectable } from '@nestjs/common';
import type { MetricSummary } from '@podium/registry';
import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/roles';
import { type GraphqlContext, loader } from '../graphql/context';
import { ModelVersionMetricType, ModelVersionType } from './dto/model-version.type';
import { ModelRegistryService } from './model-registry.service';
import { toModelVersionMetrics } from './registry.mapper';

@Injectable()
@Resolver(() => ModelVersionType)
export class ModelVersionResolver {
  constructor(private readonly registry: ModelRegistryService) {}

  @Authorized(Role.VIEWER)
  @FieldResolver(() => [String], { description: 'Aliases naming this version (unique per model).' })
  aliases(@Root() v: ModelVersionType, @Ctx() ctx: GraphqlContext): Promise<string[]> {
    return loader<string, string[]>(ctx, 'registry.aliasesByVersionId', (ids) => this.registry.aliasesByVersionIds(ids)).load(v.id);
  }

  @Authorized(Role.VIEWER)
  @FieldResolver(() => [ModelVersionMetricType], { description: 'Metric summaries of the source run (empty when the run is gone).' })
  async metrics(@Root() v: ModelVersionType, @Ctx() ctx: GraphqlContext): Promise<ModelVersionMetricType[]> {
    if (!v.sourceRunId) return [];
    const summaries = await loader<string, Record<string, MetricSummary>>(ctx, 'registry.sourceRunMetrics', (ids) => this.registry.sourceRunMetrics(ids)).load(v.sourceRunId);
    return toModelVersionMetrics(summaries);
  }
}
