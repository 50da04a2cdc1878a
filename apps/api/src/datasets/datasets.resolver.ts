import { Injectable } from '@nestjs/common';
import { Args, Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/roles';
import { ConnectionType, connection } from '../graphql/connection.type';
import type { GraphqlContext } from '../graphql/context';
import { toDatasetType } from './datasets.mapper';
import { DatasetsService } from './datasets.service';
import { DatasetArgs, DatasetsArgs } from './dto/datasets.args';
import { DatasetType } from './dto/dataset.type';
import { ImportDatasetInput } from './dto/import-dataset.input';

export const DatasetConnection = ConnectionType(DatasetType, 'DatasetConnection');

@Injectable()
@Resolver(() => DatasetType)
export class DatasetsResolver {
  constructor(private readonly service: DatasetsService) {}

  @Authorized(Role.VIEWER)
  @Query(() => DatasetConnection, { description: 'Registered datasets, by name then newest version first.' })
  async datasets(@Args() { first, after }: DatasetsArgs) {
    const page = await this.service.list(first, after);
    return connection(page.nodes.map(toDatasetType), page.totalCount, page.endCursor, page.hasNextPage);
  }

  @Authorized(Role.VIEWER)
  @Query(() => DatasetType, { nullable: true, description: 'A dataset by name: the given version, else the latest.' })
  async dataset(@Args() { name, version }: DatasetArgs): Promise<DatasetType | null> {
    const row = await this.service.get(name, version);
    return row ? toDatasetType(row) : null;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DatasetType, { description: 'Registers a folder of the api host (embedded default only); elsewhere POST an archive to /datasets/upload.' })
  async importDataset(@Arg('input', { description: 'The folder, its format and the dataset name.' }) input: ImportDatasetInput, @Ctx() ctx: GraphqlContext): Promise<DatasetType> {
    return toDatasetType(await this.service.importFolder(input, ctx.identity!.name));
  }
}
