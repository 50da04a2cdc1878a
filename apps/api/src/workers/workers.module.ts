import { WorkersRepository } from './workers.repository';
import { WorkersResolver } from './workers.resolver';
import { WorkersService } from './workers.service';
import { FeatureModule } from '../core/feature-module';
import { WorkerEntity } from './worker.entity';

@FeatureModule({
  resolvers: [WorkersResolver],
  entities: [WorkerEntity],
  providers: [WorkersRepository, WorkersService],
  exports: [WorkersService],
})
export class WorkersModule {}
