import { Injectable } from '@nestjs/common';
import { Args, Authorized, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import { RunConnection } from '../dto/run-connection.type';
import { RunType } from '../dto/run.type';
import { toRunType } from '../runs.mapper';
import { SearchRunsArgs } from './dto/search-runs.args';
import { SearchRunsService } from './search-runs.service';

@Injectable()
@Resolver(() => RunType)
export class SearchRunsResolver {
  constructor(private readonly search: SearchRunsService) {}

  @Authorized(Role.VIEWER)
  @Query(() => RunConnection, {
    description: 'Runs of the experiments that match the filter, in the requested order (compiled to SQL). totalCount is computed only when selected.',
  })
  async searchRuns(@Args() args: SearchRunsArgs): Promise<RunConnection> {
    const page = await this.search.searchRuns(args);
    // The page keeps its lazy totalCount getter (a Promise GraphQL awaits), hence the cast to the connection shape.
    return page.map(toRunType) as unknown as RunConnection;
  }
}
