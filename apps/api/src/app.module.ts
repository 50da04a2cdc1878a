import { type DynamicModule, Module } from '@nestjs/common';
import { ArtifactsModule } from './artifacts/artifacts.module';
import { AuthModule } from './auth/auth.module';
import { ExperimentsModule } from './experiments/experiments.module';
import { MetricsModule } from './metrics/metrics.module';
import { RunsModule } from './runs/runs.module';
import { SearchModule } from './runs/search/search.module';
import type { AppConfig } from './config/app-config';
import { CoreModule } from './core/core.module';
import { featuresOf } from './core/feature-module';
import { HealthModule } from './health/health.module';
import { RegistryModule } from './registry/registry.module';
import { DatasetsModule } from './datasets/datasets.module';
import { WorkersModule } from './workers/workers.module';
import { LocalWorkerModule } from './local-worker/local-worker.module';
import { EvaluationsModule } from './evaluations/evaluations.module';
import { MlflowModule } from './mlflow/mlflow.module';
import { WebModule } from './web/web.module';
import { ObservabilityModule } from './observability/observability.module';

/**
 * The modules of the app, listed once: each feature module declares its resolvers and entities
 * (core/feature-module.ts), and the schema and the data source are built from what these import. WebModule stays
 * last: its SPA fallback answers only what no other route took.
 */
export const APP_MODULES: NonNullable<DynamicModule['imports']> = [
  AuthModule,
  ObservabilityModule,
  HealthModule,
  ExperimentsModule,
  RunsModule,
  MetricsModule,
  SearchModule,
  ArtifactsModule,
  RegistryModule,
  DatasetsModule,
  WorkersModule,
  LocalWorkerModule,
  EvaluationsModule,
  MlflowModule,
  WebModule,
];

/** The resolvers (the schema) and entities (the data source) of the app's modules. */
export const APP_FEATURES = featuresOf(APP_MODULES);

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config, APP_FEATURES.entities), ...APP_MODULES],
    };
  }
}
