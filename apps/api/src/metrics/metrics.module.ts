import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { MetricStreamService } from './metric-stream.service';
import { MetricsRepository } from './metrics.repository';
import { MetricsResolver } from './metrics.resolver';
import { MetricsService } from './metrics.service';
import { RunMetricsResolver } from './run-metrics.resolver';

@Module({
  imports: [RunsModule],
  providers: [MetricsRepository, MetricsService, MetricStreamService, MetricsResolver, RunMetricsResolver],
  exports: [MetricsService, MetricStreamService],
})
export class MetricsModule {}
