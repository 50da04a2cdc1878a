import { Injectable } from '@nestjs/common';
import { Arg, Args, Authorized, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Role } from '../auth/roles';
import { serviceOf } from '../graphql/context';
import { LogMetricsResultType } from './dto/log-metrics-result.type';
import { LogMetricsInput } from './dto/log-metrics.input';
import { MetricBatchType } from './dto/metric-batch.type';
import { MetricKeyConnection } from './dto/metric-key-connection.type';
import { MetricKeysArgs } from './dto/metric-keys.args';
import { MetricHistoryArgs, MetricLoggedArgs, MetricSeriesArgs } from './dto/metric.args';
import { MetricPointConnection } from './dto/metric-point-connection.type';
import { MetricPointType } from './dto/metric-point.type';
import { RunMetricSeriesType } from './dto/metric-series.type';
import { MetricKeySearchService } from './metric-key-search.service';
import { seriesComplexity } from './metric-series';
import { MetricSeriesService } from './metric-series.service';
import type { MetricPointRow } from './metric-summary';
import { MetricStreamService } from './metric-stream.service';
import { toLogMetricsResult, toMetricPointType, toRunMetricSeriesType } from './metrics.mapper';
import { MetricsService } from './metrics.service';

@Injectable()
@Resolver()
export class MetricsResolver {
  constructor(
    private readonly metrics: MetricsService,
    private readonly series: MetricSeriesService,
    private readonly keys: MetricKeySearchService,
  ) {}

  @Authorized(Role.EDITOR)
  @Mutation(() => LogMetricsResultType, {
    description:
      'Logs up to 1,000 points atomically; subscribers of metricLogged receive them after commit. A batch that would give the run more distinct keys than PODIUM_MAX_METRIC_KEYS_PER_RUN is refused whole (BAD_USER_INPUT, reason METRIC_KEY_LIMIT).',
  })
  async logMetrics(@Arg('input', { description: 'The run, its points and an optional idempotency key.' }) input: LogMetricsInput): Promise<LogMetricsResultType> {
    return toLogMetricsResult(await this.metrics.logMetrics(input.runId, input.metrics, { idempotencyKey: input.idempotencyKey }));
  }

  @Authorized(Role.VIEWER)
  @Query(() => MetricPointConnection, { description: "One key's full history, by step (then sequence)." })
  async metricHistory(@Args() args: MetricHistoryArgs): Promise<MetricPointConnection> {
    const page = await this.metrics.history(args.runId, args.key, args.first, args.after);
    return { nodes: page.nodes.map(toMetricPointType), totalCount: page.totalCount, pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage } };
  }

  @Authorized(Role.VIEWER)
  @Query(() => MetricKeyConnection, {
    description:
      "The distinct metric keys logged in the experiments' non-deleted runs, in key order, optionally only those containing `search` (ignoring case): what a column picker lists and searches. totalCount is computed only when selected.",
  })
  async metricKeys(@Args() args: MetricKeysArgs): Promise<MetricKeyConnection> {
    const page = await this.keys.metricKeys(args);
    // The page keeps its lazy totalCount getter (a Promise GraphQL awaits), hence the cast to the connection shape.
    return page.map((key) => ({ key })) as unknown as MetricKeyConnection;
  }

  @Authorized(Role.VIEWER)
  @Query(() => RunMetricSeriesType, {
    nullable: true,
    complexity: seriesComplexity,
    description:
      "Some keys' curves downsampled by the server to at most maxPoints points each (min-max buckets by step: first and last points, spikes and NaN gaps kept), with the run's committed sequence they cover: draw them, then subscribe to metricBatchLogged with afterSequence = lastSequence. Null when no run matches. Query complexity counts keys × ⌈maxPoints / 100⌉ × the selection.",
  })
  async metricSeries(@Args() args: MetricSeriesArgs): Promise<RunMetricSeriesType | null> {
    const found = await this.series.series(args.runId, args.keys, args.maxPoints);
    return found && toRunMetricSeriesType(found);
  }

  @Authorized(Role.VIEWER)
  @Subscription(() => MetricPointType, {
    subscribe: ({ args, context }) => serviceOf(context, MetricStreamService).stream(args.runId, args),
    description:
      'Points of one run in sequence (commit) order, one event per point: first the stored points after afterSequence (filtered by fromStep), then live, with no gap and no duplicate. Reconnect with the last sequence seen to resume.',
  })
  // No per-event validation: the subscribe function checks the args once (validate would run for every point).
  metricLogged(@Root() point: MetricPointRow, @Args({ validate: false }) _args: MetricLoggedArgs): MetricPointType {
    return toMetricPointType(point);
  }

  @Authorized(Role.VIEWER)
  @Subscription(() => MetricBatchType, {
    subscribe: ({ args, context }) => serviceOf(context, MetricStreamService).batches(args.runId, args),
    description: 'metricLogged with one event per committed batch (or replay page) instead of one per point: the same order, cursor and guarantees, far fewer messages.',
  })
  metricBatchLogged(@Root() points: MetricPointRow[], @Args({ validate: false }) _args: MetricLoggedArgs): MetricBatchType {
    return { runId: points[0].runId, lastSequence: points[points.length - 1].sequence, points: points.map(toMetricPointType) };
  }
}
