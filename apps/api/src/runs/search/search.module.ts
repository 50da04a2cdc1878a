import { SearchRunsRepository } from './search-runs.repository';
import { SearchRunsResolver } from './search-runs.resolver';
import { SearchRunsService } from './search-runs.service';
import { FeatureModule } from '../../core/feature-module';

@FeatureModule({
  resolvers: [SearchRunsResolver],
  providers: [SearchRunsRepository, SearchRunsService],
  exports: [SearchRunsService],
})
export class SearchModule {}
