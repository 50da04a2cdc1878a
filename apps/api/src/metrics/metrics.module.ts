import { RunsModule } from '../runs/runs.module';
import { MetricKeySearchRepository } from './metric-key-search.repository';
import { MetricKeySearchService } from './metric-key-search.service';
import { MetricReceiptsSweeper } from './metric-receipts.sweeper';
import { MetricSeriesRepository } from './metric-series.repository';
import { MetricSeriesService } from './metric-series.service';
import { MetricStreamService } from './metric-stream.service';
import { MetricsRepository } from './metrics.repository';
import { MetricsResolver } from './metrics.resolver';
import { MetricsService } from './metrics.service';
import { RunMetricsResolver } from './run-metrics.resolver';
import { FeatureModule } from '../core/feature-module';
import { MetricBatchReceiptEntity } from './metric-batch-receipt.entity';
import { MetricPointEntity } from './metric-point.entity';
import { MetricSummaryEntity } from './metric-summary.entity';

@FeatureModule({
  resolvers: [MetricsResolver, RunMetricsResolver],
  entities: [MetricPointEntity, MetricSummaryEntity, MetricBatchReceiptEntity],
  imports: [RunsModule],
  providers: [MetricsRepository, MetricsService, MetricStreamService, MetricSeriesRepository, MetricSeriesService, MetricKeySearchRepository, MetricKeySearchService, MetricReceiptsSweeper],
  // The repository too: the registry's promotion reads summaries inside its own transaction (registry/evidence.repository.ts).
  exports: [MetricsService, MetricStreamService, MetricsRepository],
})
export class MetricsModule {}
