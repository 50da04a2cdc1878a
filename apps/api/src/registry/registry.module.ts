import { ArtifactsModule } from '../artifacts/artifacts.module';
import { ExperimentsModule } from '../experiments/experiments.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RunsModule } from '../runs/runs.module';
import { EvidenceRepository } from './evidence.repository';
import { ModelRegistryService } from './model-registry.service';
import { ModelVersionFieldsService } from './model-version-fields.service';
import { ModelVersionResolver } from './model-version.resolver';
import { PromotionResolver } from './promotion.resolver';
import { PromotionService } from './promotion.service';
import { RegisteredModelResolver } from './registered-model.resolver';
import { PromotionReportService } from './promotion-report.service';
import { RegistryRepository } from './registry.repository';
import { RunAnalysisResolver } from './run-analysis.resolver';
import { RunAnalysisService } from './run-analysis.service';
import { SourceArtifactChecker } from './source-artifact.checker';
import { TrackedRunsLoader } from './tracked-runs.loader';
import { FeatureModule } from '../core/feature-module';
import { ModelAliasEntity } from './model-alias.entity';
import { ModelVersionEntity } from './model-version.entity';
import { RegisteredModelEntity } from './registered-model.entity';
import { StageTransitionEntity } from './stage-transition.entity';

@FeatureModule({
  resolvers: [RegisteredModelResolver, ModelVersionResolver, PromotionResolver, RunAnalysisResolver],
  entities: [RegisteredModelEntity, ModelVersionEntity, ModelAliasEntity, StageTransitionEntity],
  imports: [ArtifactsModule, RunsModule, MetricsModule, ExperimentsModule],
  providers: [
    RegistryRepository,
    EvidenceRepository,
    SourceArtifactChecker,
    ModelRegistryService,
    PromotionService,
    RunAnalysisService,
    PromotionReportService,
    TrackedRunsLoader,
    ModelVersionFieldsService,
  ],
  exports: [ModelRegistryService, PromotionService],
})
export class RegistryModule {}
