import { Module } from '@nestjs/common';
import { ArtifactStore } from './artifact-store';
import { ArtifactsController } from './artifacts.controller';
import { ArtifactsRepository } from './artifacts.repository';
import { ArtifactsResolver } from './artifacts.resolver';
import { ArtifactsService } from './artifacts.service';

@Module({
  controllers: [ArtifactsController],
  providers: [ArtifactsService, ArtifactsRepository, ArtifactStore, ArtifactsResolver],
  exports: [ArtifactsService, ArtifactStore],
})
export class ArtifactsModule {}
