import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { MetricReceiptsSweeper } from './metric-receipts.sweeper';
import { MetricStreamService } from './metric-stream.service';
import { MetricsRepository } from './metrics.repository';
import { MetricsResolver } from './metrics.resolver';
import { MetricsService } from './metrics.service';
import { RunMetricsResolver } from './run-metrics.resolver';

@Module({
  imports: [RunsModule],
  providers: [MetricsRepository, MetricsService, MetricStreamService, MetricReceiptsSweeper, MetricsResolver, RunMetricsResolver],
  // The repository too: the registry's promotion reads summaries inside its own transaction (registry/evidence.repository.ts).
  exports: [MetricsService, MetricStreamService, MetricsRepository],
})
export class MetricsModule {}
