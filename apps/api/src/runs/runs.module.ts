import { ExperimentsModule } from '../experiments/experiments.module';
import { ExperimentRunsResolver } from './experiment-runs.resolver';
import { RunFieldsResolver } from './run-fields.resolver';
import { RunsRepository } from './runs.repository';
import { RunsResolver } from './runs.resolver';
import { RunsService } from './runs.service';
import { FeatureModule } from '../core/feature-module';
import { RunEntity } from './run.entity';
import { RunHistoryEntity } from './run-history.entity';
import { RunParamEntity } from './run-param.entity';
import { RunTagEntity } from './run-tag.entity';

@FeatureModule({
  resolvers: [RunsResolver, RunFieldsResolver, ExperimentRunsResolver],
  entities: [RunEntity, RunParamEntity, RunTagEntity, RunHistoryEntity],
  imports: [ExperimentsModule],
  providers: [RunsRepository, RunsService],
  exports: [RunsService, RunsRepository],
})
export class RunsModule {}
