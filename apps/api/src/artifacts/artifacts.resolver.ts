import { Injectable } from '@nestjs/common';
import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/roles';
import { type GraphqlContext, loader } from '../graphql/context';
import { RunType } from '../runs/dto/run.type';
import type { ArtifactRow } from './artifact.entity';
import { ArtifactsService } from './artifacts.service';
import { toArtifactType } from './artifacts.mapper';
import { ArtifactType } from './dto/artifact.type';

@Injectable()
@Resolver(() => RunType)
export class ArtifactsResolver {
  constructor(private readonly service: ArtifactsService) {}

  @Authorized(Role.VIEWER)
  @FieldResolver(() => [ArtifactType], { description: 'Files stored under this run, by path.' })
  async artifacts(@Root() run: RunType, @Ctx() ctx: GraphqlContext): Promise<ArtifactType[]> {
    const rows = await loader<string, ArtifactRow[]>(ctx, 'artifactsByRunId', (ids) => this.service.listByRunIds(ids)).load(run.id);
    return rows.map(toArtifactType);
  }
}
