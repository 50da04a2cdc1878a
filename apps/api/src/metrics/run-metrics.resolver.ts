// Run.metrics: a bounded page of the per-key summaries of each run, batched per request through a DataLoader (one per
// distinct set of arguments).
import { Injectable } from '@nestjs/common';
import { Args, Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/roles';
import { type GraphqlContext, loader } from '../graphql/context';
import { RunType } from '../runs/dto/run.type';
import { MetricSummaryType } from './dto/metric-summary.type';
import { RunMetricsArgs } from './dto/run-metrics.args';
import type { MetricSummaryRow } from './metric-summary';
import { toMetricSummaryType } from './metrics.mapper';
import { MetricsService } from './metrics.service';

@Injectable()
@Resolver(() => RunType)
export class RunMetricsResolver {
  constructor(private readonly service: MetricsService) {}

  @Authorized(Role.VIEWER)
  @FieldResolver(() => [MetricSummaryType], { description: 'Summaries by key, in key order: the first `first` keys (after `after`), or only `keys`. `metricKeyCount` says how many the run has.' })
  async metrics(@Root() run: RunType, @Ctx() ctx: GraphqlContext, @Args() args: RunMetricsArgs): Promise<MetricSummaryType[]> {
    const page = { keys: args.keys, first: args.first, after: args.after };
    const rows = await loader<string, MetricSummaryRow[]>(ctx, `run.metricSummaries:${JSON.stringify(page)}`, async (ids) => {
      const m = await this.service.summaryPages(ids, page);
      return ids.map((id) => m.get(id) ?? []);
    }).load(run.id);
    return rows.map(toMetricSummaryType);
  }
}
