import { ArtifactsModule } from '../artifacts/artifacts.module';
import { DatasetIntakeRunner } from './dataset-intake.runner';
import { DatasetsController } from './datasets.controller';
import { DatasetsRepository } from './datasets.repository';
import { DatasetsResolver } from './datasets.resolver';
import { DatasetsService } from './datasets.service';
import { DemoDatasetSeeder } from './demo-dataset.seeder';
import { FeatureModule } from '../core/feature-module';
import { DatasetEntity } from './dataset.entity';

@FeatureModule({
  resolvers: [DatasetsResolver],
  entities: [DatasetEntity],
  imports: [ArtifactsModule],
  controllers: [DatasetsController],
  providers: [DatasetIntakeRunner, DatasetsRepository, DatasetsService, DemoDatasetSeeder],
  exports: [DatasetsService],
})
export class DatasetsModule {}
