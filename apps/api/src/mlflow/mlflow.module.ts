// The MLflow-compatible tracking API (docs/mlflow.md): MLflow's REST routes over the same services and data as GraphQL.
import { ArtifactsModule } from '../artifacts/artifacts.module';
import { ExperimentsModule } from '../experiments/experiments.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RunsModule } from '../runs/runs.module';
import { SearchModule } from '../runs/search/search.module';
import { MlflowArtifactsController } from './mlflow-artifacts.controller';
import { MlflowArtifactsService } from './mlflow-artifacts.service';
import { MlflowExperimentsController } from './mlflow-experiments.controller';
import { MlflowExperimentsService } from './mlflow-experiments.service';
import { MlflowFallbackController } from './mlflow-fallback.controller';
import { MlflowHttp } from './mlflow-http';
import { MlflowRunReads } from './mlflow-run-reads.service';
import { MlflowRunsController } from './mlflow-runs.controller';
import { MlflowRunsService } from './mlflow-runs.service';
import { MlflowRepository } from './mlflow.repository';
import { FeatureModule } from '../core/feature-module';
import { MlflowMetricKeyEntity } from './mlflow-metric-key.entity';
import { MlflowRunInputEntity } from './mlflow-run-input.entity';

@FeatureModule({
  entities: [MlflowMetricKeyEntity, MlflowRunInputEntity],
  imports: [ExperimentsModule, RunsModule, MetricsModule, SearchModule, ArtifactsModule],
  // The fallback last: Express matches routes in the order they are registered.
  controllers: [MlflowExperimentsController, MlflowRunsController, MlflowArtifactsController, MlflowFallbackController],
  providers: [MlflowHttp, MlflowRepository, MlflowExperimentsService, MlflowRunsService, MlflowRunReads, MlflowArtifactsService],
})
export class MlflowModule {}
