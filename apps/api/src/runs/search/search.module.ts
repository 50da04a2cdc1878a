import { Module } from '@nestjs/common';
import { SearchRunsRepository } from './search-runs.repository';
import { SearchRunsResolver } from './search-runs.resolver';
import { SearchRunsService } from './search-runs.service';

@Module({
  providers: [SearchRunsRepository, SearchRunsService, SearchRunsResolver],
  exports: [SearchRunsService],
})
export class SearchModule {}
