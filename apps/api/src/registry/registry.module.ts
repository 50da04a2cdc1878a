import { Module } from '@nestjs/common';
import { ArtifactsModule } from '../artifacts/artifacts.module';
import { EvidenceRepository } from './evidence.repository';
import { ModelRegistryService } from './model-registry.service';
import { ModelVersionResolver } from './model-version.resolver';
import { PromotionResolver } from './promotion.resolver';
import { PromotionService } from './promotion.service';
import { RegisteredModelResolver } from './registered-model.resolver';
import { RegistryRepository } from './registry.repository';
import { SourceArtifactChecker } from './source-artifact.checker';

/** Registry resolvers, listed in graphql/resolvers.ts as well. */
export const REGISTRY_RESOLVERS = [RegisteredModelResolver, ModelVersionResolver, PromotionResolver];

@Module({
  imports: [ArtifactsModule],
  providers: [RegistryRepository, EvidenceRepository, SourceArtifactChecker, ModelRegistryService, PromotionService, ...REGISTRY_RESOLVERS],
  exports: [ModelRegistryService, PromotionService],
})
export class RegistryModule {}
