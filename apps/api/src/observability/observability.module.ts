// Health, readiness and Prometheus metrics (docs/operations.md). The access log, the GraphQL and graphql-ws
// observers and the shutdown order are wired by app.factory.ts and graphql/graphql-server.ts from this folder.
import { Module } from '@nestjs/common';
import { ArtifactsModule } from '../artifacts/artifacts.module';
import { EvaluationsModule } from '../evaluations/evaluations.module';
import { AppMetrics } from './app-metrics';
import { MetricsListener } from './metrics-listener';
import { Readiness } from './readiness';

@Module({
  imports: [ArtifactsModule, EvaluationsModule],
  providers: [Readiness, AppMetrics, MetricsListener],
  exports: [Readiness, AppMetrics],
})
export class ObservabilityModule {}
