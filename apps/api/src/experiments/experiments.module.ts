import { ExperimentsRepository } from './experiments.repository';
import { ExperimentsResolver } from './experiments.resolver';
import { ExperimentsService } from './experiments.service';
import { FeatureModule } from '../core/feature-module';
import { ExperimentEntity } from './experiment.entity';

@FeatureModule({
  resolvers: [ExperimentsResolver],
  entities: [ExperimentEntity],
  providers: [ExperimentsRepository, ExperimentsService],
  exports: [ExperimentsService],
})
export class ExperimentsModule {}
