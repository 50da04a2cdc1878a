// Run.metrics: the per-key summaries of each run, batched per request through a DataLoader.
import { Injectable } from '@nestjs/common';
import { Arg, Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/roles';
import { type GraphqlContext, loader } from '../graphql/context';
import { RunType } from '../runs/dto/run.type';
import { MetricSummaryType } from './dto/metric-summary.type';
import { canonicalMetricKey } from './metric-keys';
import type { MetricSummaryRow } from './metric-summary';
import { toMetricSummaryType } from './metrics.mapper';
import { MetricsService } from './metrics.service';

@Injectable()
@Resolver(() => RunType)
export class RunMetricsResolver {
  constructor(private readonly service: MetricsService) {}

  @Authorized(Role.VIEWER)
  @FieldResolver(() => [MetricSummaryType], { description: 'Summaries by key (all keys, or only `keys`: canonical or aliases).' })
  async metrics(@Root() run: RunType, @Ctx() ctx: GraphqlContext, @Arg('keys', () => [String], { nullable: true }) keys?: string[] | null): Promise<MetricSummaryType[]> {
    const rows = await loader<string, MetricSummaryRow[]>(ctx, 'run.metricSummaries', async (ids) => {
      const m = await this.service.summariesByRunIds(ids);
      return ids.map((id) => m.get(id) ?? []);
    }).load(run.id);
    const wanted = keys?.length ? new Set(keys.map(canonicalMetricKey)) : undefined;
    return rows.filter((s) => !wanted || wanted.has(s.key)).map(toMetricSummaryType);
  }
}
