import { Module } from '@nestjs/common';
import { ExperimentsModule } from '../experiments/experiments.module';
import { ExperimentRunsResolver } from './experiment-runs.resolver';
import { RunFieldsResolver } from './run-fields.resolver';
import { RunsRepository } from './runs.repository';
import { RunsResolver } from './runs.resolver';
import { RunsService } from './runs.service';

@Module({
  imports: [ExperimentsModule],
  providers: [RunsRepository, RunsService, RunsResolver, RunFieldsResolver, ExperimentRunsResolver],
  exports: [RunsService, RunsRepository],
})
export class RunsModule {}
