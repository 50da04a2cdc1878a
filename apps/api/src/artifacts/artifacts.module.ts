import { Module } from '@nestjs/common';
import { ArtifactStore } from './artifact-store';
import { ArtifactsController } from './artifacts.controller';
import { ArtifactsRepository } from './artifacts.repository';
import { ArtifactsService } from './artifacts.service';

@Module({
  controllers: [ArtifactsController],
  providers: [ArtifactsService, ArtifactsRepository, ArtifactStore],
  exports: [ArtifactsService],
})
export class ArtifactsModule {}
