import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { ArtifactStore } from './artifact-store';
import { ArtifactsController } from './artifacts.controller';
import { ArtifactsRepository } from './artifacts.repository';
import { ArtifactsResolver } from './artifacts.resolver';
import { ArtifactsService } from './artifacts.service';
import { FeatureModule } from '../core/feature-module';
import { ArtifactEntity } from './artifact.entity';
import { FsArtifactStore } from './fs-artifact-store';
import { S3ArtifactStore } from './s3-artifact-store';

/** The store's adapter, as PODIUM_ARTIFACT_STORE says: the data folder, or S3-compatible storage. */
export const artifactStoreProvider = {
  provide: ArtifactStore,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): ArtifactStore => (config.artifactStore.kind === 's3' ? new S3ArtifactStore(config.artifactStore) : new FsArtifactStore(config)),
};

@FeatureModule({
  resolvers: [ArtifactsResolver],
  entities: [ArtifactEntity],
  controllers: [ArtifactsController],
  providers: [ArtifactsService, ArtifactsRepository, artifactStoreProvider],
  exports: [ArtifactsService, ArtifactStore],
})
export class ArtifactsModule {}
