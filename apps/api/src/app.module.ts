import { type DynamicModule, Module } from '@nestjs/common';
import { ArtifactsModule } from './artifacts/artifacts.module';
import { AuthModule } from './auth/auth.module';
import { ExperimentsModule } from './experiments/experiments.module';
import { MetricsModule } from './metrics/metrics.module';
import { RunsModule } from './runs/runs.module';
import { SearchModule } from './runs/search/search.module';
import type { AppConfig } from './config/app-config';
import { CoreModule } from './core/core.module';
import { HealthResolver } from './health/health.resolver';
import { RegistryModule } from './registry/registry.module';
import { DatasetsModule } from './datasets/datasets.module';
import { WorkersModule } from './workers/workers.module';
import { LocalWorkerModule } from './local-worker/local-worker.module';
import { EvaluationsModule } from './evaluations/evaluations.module';
import { MlflowModule } from './mlflow/mlflow.module';
import { WebModule } from './web/web.module';
import { ObservabilityModule } from './observability/observability.module';

/** Feature modules are listed here (each provides its resolvers and services). WebModule stays last: its SPA fallback answers only what no other route took. */
export const FEATURE_MODULES: DynamicModule['imports'] = [ExperimentsModule, RunsModule, MetricsModule, SearchModule, ArtifactsModule, RegistryModule, DatasetsModule, WorkersModule, LocalWorkerModule, EvaluationsModule, MlflowModule, WebModule];

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), AuthModule, ObservabilityModule, ...(FEATURE_MODULES ?? [])],
      providers: [HealthResolver],
    };
  }
}
