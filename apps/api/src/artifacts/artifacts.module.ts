import { ArtifactStore } from './artifact-store';
import { ArtifactsController } from './artifacts.controller';
import { ArtifactsRepository } from './artifacts.repository';
import { ArtifactsResolver } from './artifacts.resolver';
import { ArtifactsService } from './artifacts.service';
import { FeatureModule } from '../core/feature-module';
import { ArtifactEntity } from './artifact.entity';

@FeatureModule({
  resolvers: [ArtifactsResolver],
  entities: [ArtifactEntity],
  controllers: [ArtifactsController],
  providers: [ArtifactsService, ArtifactsRepository, ArtifactStore],
  exports: [ArtifactsService, ArtifactStore],
})
export class ArtifactsModule {}
