import { Module } from '@nestjs/common';
import { DatasetsController } from './datasets.controller';
import { DatasetsRepository } from './datasets.repository';
import { DatasetsResolver } from './datasets.resolver';
import { DatasetsService } from './datasets.service';
import { DemoDatasetSeeder } from './demo-dataset.seeder';

@Module({
  controllers: [DatasetsController],
  providers: [DatasetsRepository, DatasetsService, DatasetsResolver, DemoDatasetSeeder],
  exports: [DatasetsService],
})
export class DatasetsModule {}
